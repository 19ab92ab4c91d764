/* triage — the stable C ABI.
 *
 * Every function below has a block saying what it does, who owns each pointer it takes or gives,
 * which threads may call it, and how it fails. The rules common to all of them, after sqlite3,
 * zstd and libgit2, come first.
 *
 * STATUS AND ERRORS
 *   A function that can fail returns an int status: TRIAGE_OK (0) or one of the TRIAGE_ERR_*
 *   constants of triage/status_list.h (stable; new ones are only added). After a non-zero status,
 *   triage_last_error_message() and triage_last_error_where() describe that failure; they are
 *   kept per thread and only a failing call changes them (a successful call leaves them alone, so
 *   read them right after the failure, before other calls on the same thread). No C++ exception
 *   crosses this boundary; memory that runs out is TRIAGE_ERR_OUT_OF_MEMORY, never an abort.
 *   A NULL pointer where a value is required is TRIAGE_ERR_INVALID_ARGUMENT naming the
 *   parameter. Functions that cannot fail (free functions, accessors) return a value instead and
 *   accept NULL handles, answering 0, NULL or "".
 *
 * ARGUMENTS AND RESULTS
 *   - Inputs come first, after the handle the call acts on; output parameters come last.
 *   - Text is UTF-8 (the documents are the JSON of the `triage` command). Documents and texts
 *     are passed as a pointer and a length in bytes (`const char *ticket, size_t len`: no NUL
 *     needed, embedded NULs are invalid JSON); names, ids, paths, states and instants are
 *     NUL-terminated strings. Invalid UTF-8 is an error, never undefined behaviour.
 *   - A string the library allocates for the caller comes back through a `char **out` and, where
 *     there is one, its length (without the NUL, which is always added) through
 *     `size_t *out_len`, which may be NULL. The caller owns it and frees it with
 *     triage_string_free() — not free(): the library may use another allocator.
 *   - A handle the library creates comes back through a `T **out`; the caller owns it and frees
 *     it with the matching triage_*_free(), which accepts NULL.
 *   - Outputs are written only on success; on failure they keep what they held (except
 *     triage_linker_new, which sets *out to NULL). Never read an output after a failure.
 *   - A `const char *` that the library returns (not through `char **`) is library-owned: never
 *     free it; how long it stays valid is said at each function.
 *
 * THREADS
 *   The library starts threads only inside the batch functions (triage_diagnose_jsonl,
 *   triage_diagnose_jsonl_threads, triage_diagnose_batch), and joins them before returning.
 *   Per object:
 *   - triage_engine: immutable. Any number of threads may call any function taking a
 *     `const triage_engine *` on one engine at once. Freeing a handle while another thread uses
 *     that same handle is not allowed; other handles on the same engine (triage_holder_acquire)
 *     are independent: each keeps the compiled pack alive.
 *   - triage_roster, triage_holder, triage_linker: internally locked; any number of threads may
 *     use one at once, except its free function.
 *   - triage_result: read-only once made; any number of threads may read one at once.
 *   - triage_engine_builder, triage_classification: one thread at a time.
 *   - Globals: none; the last error and a small per-thread stack of scratch evaluations are kept
 *     per thread and released when the thread ends.
 *
 * CALLBACKS (host classifiers and routers)
 *   - A callback runs on the thread that made the call which needs it (for batches, on one of
 *     the batch's threads), synchronously, and may run on several threads at once: it must be
 *     thread-safe if the engine or roster is shared.
 *   - It may call any function of this header, including on the same engine, roster, holder or
 *     linker (the library holds no lock of its own while it runs a callback): a classifier may
 *     diagnose another ticket through the engine that is calling it, a router may read and
 *     change the roster it is routing for. Each thread keeps a stack of scratch evaluations, so
 *     a nested call never reuses its caller's; such calls (every diagnosing function except the
 *     batches and triage_classify_*_into, which bring their own scratch) nest at most 16 deep
 *     on one thread, and a deeper one fails with TRIAGE_ERR_CALLBACK ("… nested more than 16 …",
 *     where "callback") instead of exhausting the stack.
 *   - It must not free, or use from another thread, an object the call that runs it is using:
 *     the engine handle, roster or linker passed to that call, or the triage_classification
 *     being filled. A failing nested call changes the thread's last error; the outer call sets
 *     its own if it fails.
 *   - It must return (no longjmp, no C++ exception across the library's frames). Non-zero means
 *     failure: the call fails with TRIAGE_ERR_CALLBACK (in a batch, that line becomes an error
 *     line and the batch goes on).
 *   - Pointers passed to a callback (the ticket JSON, triage_scores, group, agent ids, language)
 *     are valid during that invocation only.
 *   - `user_data` is passed back unchanged; the library never reads or frees it. It must stay
 *     valid for as long as the callback can be called (said at each registration function).
 *
 * VERSIONS
 *   Compile time: TRIAGE_VERSION_STRING, TRIAGE_VERSION_NUMBER, TRIAGE_ABI_VERSION
 *   (triage/version.h). Run time: triage_version(), triage_version_number(),
 *   triage_abi_version(). A host checks that the ABI versions are equal and that the run-time
 *   version number is at least the one whose functions it calls. Functions added after 1.0 carry
 *   a symbol version (TRIAGE_1.2, …) so that an older library fails to load by name. */
#ifndef TRIAGE_H
#define TRIAGE_H

#include <stddef.h>
#include <stdint.h>

#include "triage/status_list.h"
#include "triage/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define TRIAGE_C_API __attribute__((visibility("default")))
#else
#define TRIAGE_C_API
#endif

/* ---- status codes (stable; new ones are only added) ------------------------------------- */
/* TRIAGE_OK = 0, TRIAGE_ERR_INVALID_ARGUMENT = 1, … TRIAGE_ERR_INTERNAL = 99: the constants, their
 * values and what each means are listed once, in triage/status_list.h. */
typedef enum triage_status {
#define TRIAGE_STATUS_ENUMERATOR(constant, value, name) TRIAGE_##constant = value,
  TRIAGE_STATUS_LIST(TRIAGE_STATUS_ENUMERATOR)
#undef TRIAGE_STATUS_ENUMERATOR
} triage_status;

/* ---- versions and errors ---------------------------------------------------------------- */

/* The loaded library's version, "0.4.0" (TRIAGE_VERSION_STRING when it was built).
 * Ownership: a static string; never free it. Threads: any. Cannot fail. */
TRIAGE_C_API const char *triage_version(void);

/* The loaded library's C ABI generation (TRIAGE_ABI_VERSION when it was built); a host compiled
 * against another generation must not use the library.
 * Threads: any. Cannot fail. */
TRIAGE_C_API int triage_abi_version(void);

/* The stable snake_case name of a status: "ok", "json_syntax", "pack_unknown_reference", …;
 * "unknown" for a code this library does not have.
 * Ownership: a static string; never free it. Threads: any. Cannot fail. */
TRIAGE_C_API const char *triage_status_name(int status);

/* The message of the last failure on the calling thread ("" when there was none), starting with
 * the place: "/customer/tier: unknown value \"gold\"; …".
 * Ownership: library-owned, never NULL; valid until the next failing call on this thread (read
 * or copy it right away). Threads: per thread — another thread's failures never show here.
 * Cannot fail. */
TRIAGE_C_API const char *triage_last_error_message(void);

/* The place of the last failure on the calling thread alone, for programs: a JSON pointer such
 * as "/customer/tier", "line:column" of a JSON syntax error, a rule id, a path, a parameter name;
 * "" when the failure has no place.
 * Ownership, threads: as triage_last_error_message(). Cannot fail. */
TRIAGE_C_API const char *triage_last_error_where(void);

/* Frees a string the library returned through a `char **` output. NULL is fine.
 * Ownership: `s` must come from this library and be freed once. Threads: any; the string is
 * not tied to the thread that got it. */
TRIAGE_C_API void triage_string_free(char *s);

/* ---- engines ---------------------------------------------------------------------------- */
typedef struct triage_engine triage_engine;

/* A new engine for the built-in default pack (no host classifiers).
 * Ownership: *out is the caller's; free it with triage_engine_free(). Threads: any.
 * Errors: INVALID_ARGUMENT (out NULL), OUT_OF_MEMORY. */
TRIAGE_C_API int triage_engine_new_default(triage_engine **out);

/* A new engine for a pack given as JSON text (`len` bytes; need not be NUL-terminated), compiled
 * now. The text is not kept: the caller may free it when the call returns.
 * Ownership: *out is the caller's (triage_engine_free). Threads: any.
 * Errors: JSON_SYNTAX and JSON_TOO_DEEP, PACK_* and WORKFLOW_INVALID with the place in the pack
 * (a JSON pointer, and the line for syntax errors), PACK_LIMIT past a TRIAGE_LIMIT_PACK_* limit,
 * INVALID_ARGUMENT, OUT_OF_MEMORY. A pack's "model" file is not read from JSON text (there is no
 * directory to find it in): use triage_engine_new_from_file for packs with a model. */
TRIAGE_C_API int triage_engine_new_from_json(const char *pack, size_t len, triage_engine **out);

/* A new engine for a pack file (a NUL-terminated path, read by the library, as is the model file
 * the pack names, relative to the pack's directory).
 * Ownership: *out is the caller's (triage_engine_free). Threads: any.
 * Errors: IO naming the file, then as triage_engine_new_from_json with the path in the message. */
TRIAGE_C_API int triage_engine_new_from_file(const char *path, triage_engine **out);

/* A new engine for a compiled pack: the `len` bytes at `data`, as `triage compile` writes them
 * or triage_compile_pack_file() returns them. Loads in milliseconds (no JSON, no OpenCC, no
 * automaton to build; regular expressions compile on first use). The bytes are read during the
 * call only: the caller may free them when it returns. A compiled pack is tied to the library
 * version that wrote it: compile the pack again after an upgrade. Since 0.3.
 * Ownership: *out is the caller's (triage_engine_free). Threads: any.
 * Errors: COMPILED_PACK_FOREIGN (not a compiled pack: where "byte 0"), COMPILED_PACK_VERSION
 * (another format, library version, build or byte order: where "byte N, header"),
 * COMPILED_PACK_CORRUPT (truncated or damaged: where "byte N, <header|section table|section
 * NAME>"), PACK_LIMIT past TRIAGE_LIMIT_PACK_BYTES, INVALID_ARGUMENT (out NULL, or data NULL
 * with len > 0), OUT_OF_MEMORY. triage_engine_new_from_file takes compiled pack files too. */
TRIAGE_C_API int triage_engine_new_from_compiled(const void *data, size_t len,
                                                 triage_engine **out);

/* Compiles the pack file at `path` (a NUL-terminated path; the learned model the pack names is
 * read relative to the pack's directory) into a compiled pack, with regional variants: `*out`
 * holds `*out_len` bytes of binary data (not a string, no NUL added). Since 0.3.
 * Ownership: *out is the caller's; free it with triage_compiled_free() (not free(), nor
 * triage_string_free). Threads: any.
 * Errors: IO naming the file, then as triage_engine_new_from_file; INVALID_ARGUMENT (a NULL
 * argument), OUT_OF_MEMORY. */
TRIAGE_C_API int triage_compile_pack_file(const char *path, void **out, size_t *out_len);

/* Frees the bytes triage_compile_pack_file() returned. NULL is fine. Since 0.3.
 * Ownership: `data` must come from triage_compile_pack_file and be freed once. Threads: any. */
TRIAGE_C_API void triage_compiled_free(void *data);

/* Frees an engine handle. NULL is fine. The compiled pack itself lives on while other handles
 * (from triage_holder_acquire), a holder or a triage_classification still refer to it.
 * Threads: not while another thread, or an outer call on this thread, uses this handle. */
TRIAGE_C_API void triage_engine_free(triage_engine *engine);

/* "name version" of the engine's pack, e.g. "default 1.0.0"; "" for NULL.
 * Ownership: library-owned, valid until this handle is freed. Threads: any. Cannot fail. */
TRIAGE_C_API const char *triage_engine_pack(const triage_engine *engine);

/* ---- host classifiers and the engine builder -------------------------------------------- */
/* Scores a host classifier adds for the ticket being classified. Valid only inside the
 * callback that received it, and only on the thread that runs that callback. */
typedef struct triage_scores triage_scores;

/* Adds `weight` to `value` of `dimension` (NUL-terminated ids of the engine's pack) for the
 * ticket being classified; weights add up with those of the pack's rules.
 * Ownership: borrows `scores` and the strings for the call. Threads: only from inside the
 * classifier callback, on its thread.
 * Errors: NOT_FOUND "dimension.value: no such dimension value", INVALID_ARGUMENT. */
TRIAGE_C_API int triage_scores_add(triage_scores *scores, const char *dimension, const char *value,
                                   double weight);

/* A host classifier: called once for every ticket an engine built with it classifies
 * (triage_diagnose_*, triage_classify_*, triage_sla_status_json), after the pack's rules, with
 * the ticket as JSON (`len` bytes, NUL-terminated; the ticket as the library read it,
 * re-serialised) and a `scores` to add to with triage_scores_add(). Returns 0, or non-zero to fail
 * the call with TRIAGE_ERR_CALLBACK ("classifier NAME reported a failure"). May run on several
 * threads at once and may call the library back (see CALLBACKS above); `ticket_json` and
 * `scores` are valid during the call only. */
typedef int (*triage_classifier_fn)(void *user_data, const char *ticket_json, size_t len,
                                    triage_scores *scores);

typedef struct triage_engine_builder triage_engine_builder;

/* A new builder: the default pack, no host classifiers.
 * Ownership: *out is the caller's (triage_engine_builder_free). Threads: a builder is used by one
 * thread at a time. Errors: INVALID_ARGUMENT, OUT_OF_MEMORY. */
TRIAGE_C_API int triage_engine_builder_new(triage_engine_builder **out);

/* Frees a builder. NULL is fine. Engines already built are not affected.
 * Threads: not while another thread uses the builder. */
TRIAGE_C_API void triage_engine_builder_free(triage_engine_builder *builder);

/* The pack to compile (JSON, `len` bytes; copied, so the caller may free it at once). It is only
 * checked by triage_engine_builder_build.
 * Threads: one thread at a time per builder. Errors: INVALID_ARGUMENT, OUT_OF_MEMORY. */
TRIAGE_C_API int triage_engine_builder_set_pack_json(triage_engine_builder *builder,
                                                     const char *pack, size_t len);

/* Adds a host classifier under `name` (NUL-terminated, copied; it is shown as the "classifier"
 * of the explanations). Classifiers run in the order added.
 * Ownership of `user_data`: the caller's; it is passed to every call of `fn` and must stay valid
 * as long as an engine built from this builder can classify: until every handle on it is freed,
 * including handles from triage_holder_acquire, and every holder it was installed in has swapped
 * it out or been freed.
 * Threads: one thread at a time per builder. Errors: INVALID_ARGUMENT (NULL name or fn),
 * OUT_OF_MEMORY. */
TRIAGE_C_API int triage_engine_builder_add_classifier(triage_engine_builder *builder,
                                                      const char *name, triage_classifier_fn fn,
                                                      void *user_data);

/* Compiles the builder's pack with its classifiers into a new engine. The builder is unchanged:
 * it may build again, be changed or be freed.
 * Ownership: *out is the caller's (triage_engine_free). Threads: one thread at a time per builder.
 * Errors: as triage_engine_new_from_json. */
TRIAGE_C_API int triage_engine_builder_build(const triage_engine_builder *builder,
                                             triage_engine **out);

/* ---- diagnosing ------------------------------------------------------------------------- */

/* One ticket (a JSON object, `len` bytes) → the diagnosis JSON, exactly as `triage diagnose`
 * writes it (one line, no trailing newline).
 * Ownership: *out_json is the caller's (triage_string_free); out_len may be NULL.
 * Threads: any number at once on one engine. Runs the engine's host classifiers on this thread.
 * Errors: JSON_SYNTAX, JSON_TOO_DEEP, NOT_AN_OBJECT, FIELD_* with the field's JSON pointer,
 * TEXT_TOO_LARGE past TRIAGE_LIMIT_TICKET_BYTES / _TEXT_BYTES / _STRING_BYTES, CALLBACK,
 * INVALID_ARGUMENT, OUT_OF_MEMORY. */
TRIAGE_C_API int triage_diagnose_json(const triage_engine *engine, const char *ticket, size_t len,
                                      char **out_json, size_t *out_len);

/* JSON Lines in → JSON Lines out: one output line per non-blank input line (blank = only spaces,
 * tabs and CR), in order, each ending in "\n"; a line that fails — bad JSON, a bad field, a
 * failing host classifier — becomes {"line": N, "error": {"code", "message", "where"?}} and
 * the call still returns TRIAGE_OK. A line longer than TRIAGE_LIMIT_TICKET_BYTES is refused
 * (text_too_large) without being copied. `tickets` may be NULL when `len` is 0.
 * Ownership: *out_jsonl is the caller's (triage_string_free); out_len may be NULL.
 * Threads: any number of calls at once on one engine. The call reads and diagnoses on two threads
 * of its own (the calling thread waits and writes): host classifiers run on the library's
 * thread, not the caller's.
 * Errors: OUT_OF_MEMORY (memory that runs out outside any one line; no output), INVALID_ARGUMENT. */
TRIAGE_C_API int triage_diagnose_jsonl(const triage_engine *engine, const char *tickets,
                                       size_t len, char **out_jsonl, size_t *out_len);

/* As triage_diagnose_jsonl, on `threads` threads of the library's own sharing the engine
 * (0 = one per core); the calling thread waits and writes. The output is identical for every
 * thread count: request numbers follow input order.
 * Ownership: *out_jsonl is the caller's (triage_string_free); out_len may be NULL.
 * Threads: any number of calls at once; host classifiers run on the batch's threads, several at
 * once. Errors: as triage_diagnose_jsonl. */
TRIAGE_C_API int triage_diagnose_jsonl_threads(const triage_engine *engine, const char *tickets,
                                               size_t len, unsigned threads, char **out_jsonl,
                                               size_t *out_len);

/* Typed results for hot paths: no JSON to write or parse on the way out. */
typedef struct triage_result triage_result;

/* One ticket (JSON, `len` bytes) → its whole diagnosis as a typed result.
 * Ownership: *out is the caller's (triage_result_free); it does not refer to the engine, which
 * may be freed first. Threads: any number at once on one engine.
 * Errors: as triage_diagnose_json. */
TRIAGE_C_API int triage_classify_json(const triage_engine *engine, const char *ticket, size_t len,
                                      triage_result **out);

/* A ticket that is only text (UTF-8, `len` bytes) → a typed result, as triage_classify_json.
 * Ownership: *out is the caller's (triage_result_free). Threads: any number at once on one engine.
 * Errors: INVALID_ARGUMENT (invalid UTF-8, NULL), TEXT_TOO_LARGE past TRIAGE_LIMIT_TEXT_BYTES,
 * CALLBACK, OUT_OF_MEMORY. */
TRIAGE_C_API int triage_classify_text(const triage_engine *engine, const char *text, size_t len,
                                      triage_result **out);

/* Frees a result and every string it returned. NULL is fine.
 * Threads: not while another thread reads the result. */
TRIAGE_C_API void triage_result_free(triage_result *result);

/* The number of dimensions of the result (the pack's, in its order); 0 for NULL.
 * Threads: any. Cannot fail. */
TRIAGE_C_API size_t triage_result_label_count(const triage_result *result);

/* The index-th dimension: its id, the value (NULL when undecided) and the confidence; any output
 * may be NULL. Ownership: the strings are the result's, valid until triage_result_free.
 * Threads: any. Errors: NOT_FOUND past the end, INVALID_ARGUMENT (result NULL). */
TRIAGE_C_API int triage_result_label(const triage_result *result, size_t index,
                                     const char **dimension, const char **value,
                                     double *confidence);

/* The urgency ("critical", "high", "medium", "low"); NULL when the pack has no urgency section
 * or for NULL. Ownership: the result's, valid until triage_result_free. Threads: any. */
TRIAGE_C_API const char *triage_result_urgency(const triage_result *result);

/* The primary department; NULL without a routing section or for NULL.
 * Ownership: the result's, valid until triage_result_free. Threads: any. */
TRIAGE_C_API const char *triage_result_primary(const triage_result *result);

/* The handling group; NULL without a routing section or for NULL.
 * Ownership: the result's, valid until triage_result_free. Threads: any. */
TRIAGE_C_API const char *triage_result_group(const triage_result *result);

/* The request number ("20261120-APP-001"); NULL for NULL.
 * Ownership: the result's, valid until triage_result_free. Threads: any. */
TRIAGE_C_API const char *triage_result_request_id(const triage_result *result);

/* The whole diagnosis as JSON, as triage_diagnose_json writes it.
 * Ownership: *out_json is the caller's (triage_string_free); out_len may be NULL. Threads: any.
 * Errors: INVALID_ARGUMENT, OUT_OF_MEMORY. */
TRIAGE_C_API int triage_result_json(const triage_result *result, char **out_json, size_t *out_len);

/* ---- classification into caller-owned storage (since 0.2) ------------------------------ */
/* Labels, urgency and route only — no request number, SLA, questions, explanations or JSON —
 * into a result object the caller creates once and every call resets: after the first tickets
 * a call allocates nothing (triage_classify_text_into; the JSON form allocates while parsing).
 * Values are those triage_diagnose_json reports for the same ticket.
 *
 * Ownership: a triage_classification keeps the engine's pack alive, so its strings stay valid
 * after triage_engine_free, until the next call into the same object or its free.
 * Threads: one object is for one thread at a time (keep one per thread); any number of threads
 * may classify on one engine, each into its own object. A host classifier run by a call into an
 * object must not use that object (it may use another one). */
typedef struct triage_classification triage_classification;

/* A new, empty result (label count 0, every string NULL).
 * Ownership: *out is the caller's (triage_classification_free). Threads: any.
 * Errors: INVALID_ARGUMENT, OUT_OF_MEMORY. */
TRIAGE_C_API int triage_classification_new(triage_classification **out);

/* Frees a result object and its reference to the last engine. NULL is fine.
 * Threads: not while another thread uses the object. */
TRIAGE_C_API void triage_classification_free(triage_classification *result);

/* A ticket that is only text (UTF-8, `len` bytes), classified into `result`, replacing what it
 * held (strings read from it before are invalid after this call). On failure `result` is left
 * empty (label count 0).
 * Threads: one thread at a time per `result`; any number on one engine.
 * Errors: INVALID_ARGUMENT (invalid UTF-8, NULL), TEXT_TOO_LARGE, CALLBACK, OUT_OF_MEMORY. */
TRIAGE_C_API int triage_classify_text_into(const triage_engine *engine, const char *text,
                                           size_t len, triage_classification *result);

/* A ticket as JSON (the documents of triage_diagnose_json), classified into `result`, as
 * triage_classify_text_into. Threads: one thread at a time per `result`; any number on one
 * engine. Errors: as triage_diagnose_json. */
TRIAGE_C_API int triage_classify_json_into(const triage_engine *engine, const char *ticket,
                                           size_t len, triage_classification *result);

/* The number of dimensions (0 when empty or NULL). Threads: as the object. Cannot fail. */
TRIAGE_C_API size_t triage_classification_label_count(const triage_classification *result);

/* The index-th dimension: its id, the value (NULL when undecided) and the confidence (any output
 * may be NULL). Ownership: strings valid until the next call into `result` or its free.
 * Threads: as the object. Errors: NOT_FOUND past the end, INVALID_ARGUMENT (result NULL). */
TRIAGE_C_API int triage_classification_label(const triage_classification *result, size_t index,
                                             const char **dimension, const char **value,
                                             double *confidence);

/* Every dimension's value (NULL when undecided) and confidence at once, in the pack's order, into
 * the caller's arrays of `capacity` entries (either may be NULL); returns the number of
 * dimensions, which may exceed `capacity` (then only `capacity` entries are written). One call
 * instead of one per dimension, for bindings.
 * Ownership: the arrays are the caller's; the strings written into them are valid until the next
 * call into `result` or its free. Cannot fail (0 for NULL or empty). */
TRIAGE_C_API size_t triage_classification_values(const triage_classification *result,
                                                 const char **values, double *confidences,
                                                 size_t capacity);

/* "critical", "high", "medium" or "low"; NULL when the pack has no urgency section or the result
 * is empty. Ownership: a static string. Cannot fail. */
TRIAGE_C_API const char *triage_classification_urgency(const triage_classification *result);

/* The primary department; NULL without a routing section or when empty.
 * Ownership: valid until the next call into `result` or its free. Cannot fail. */
TRIAGE_C_API const char *triage_classification_primary(const triage_classification *result);

/* The handling group; NULL without a routing section or when empty.
 * Ownership: valid until the next call into `result` or its free. Cannot fail. */
TRIAGE_C_API const char *triage_classification_group(const triage_classification *result);

/* The number of assisting departments (0 when empty or NULL). Cannot fail. */
TRIAGE_C_API size_t triage_classification_assisting_count(const triage_classification *result);

/* The index-th assisting department; NULL past the end.
 * Ownership: valid until the next call into `result` or its free. Cannot fail. */
TRIAGE_C_API const char *triage_classification_assisting(const triage_classification *result,
                                                         size_t index);

/* Urgency, primary, group (as above) and up to `capacity` assisting departments into the
 * caller's array, at once (any output may be NULL); returns the number of assisting departments.
 * One call instead of four or more, for bindings.
 * Ownership: as the single accessors. Cannot fail. */
TRIAGE_C_API size_t triage_classification_route(const triage_classification *result,
                                                const char **urgency, const char **primary,
                                                const char **group, const char **assisting,
                                                size_t capacity);

/* ---- batches that write only what is asked for (since 0.2) --------------------------- */

/* Like triage_diagnose_jsonl_threads, writing only the diagnosis keys named in `select` (comma-
 * separated top-level keys, e.g. "labels,urgency,route,sla"; NULL = the whole diagnosis) in
 * `format`: "jsonl" (NULL), or "csv" / "tsv", which begin with a header row (one column per
 * scalar; labels as <dimension> and <dimension>.confidence; route as primary, assisting and
 * group; sla as its two due instants; then "error", the only column set for a failed line).
 * Without `select`, csv and tsv write ticket_id,labels,urgency,route.
 * Ownership: *out is the caller's (triage_string_free); out_len may be NULL.
 * Threads: any number of calls at once; host classifiers run on the batch's threads.
 * Errors: INVALID_ARGUMENT naming an unknown key or format ("select: \"foo\" is not a key of the
 * diagnosis …", where "select"), OUT_OF_MEMORY; failing lines as in triage_diagnose_jsonl. */
TRIAGE_C_API int triage_diagnose_batch(const triage_engine *engine, const char *tickets,
                                       size_t len, unsigned threads, const char *select,
                                       const char *format, char **out, size_t *out_len);

/* ---- batches streamed to the host (since 0.4) ------------------------------------------ */

/* Receives a streamed batch's output, in input order: `len` bytes at `data` (no NUL), one or more
 * whole lines, each ending in '\n'. Return 0 to go on; any other value stops the batch.
 * Ownership: `data` is the library's and valid only during the call. */
typedef int (*triage_write_fn)(void *user_data, const char *data, size_t len);

/* Like triage_diagnose_batch, but the output goes to `write` as it is made instead of into one
 * string: the library holds a few chunks of lines at a time, however long the batch (a
 * diagnosis is kilobytes of JSON; a million tickets in one string would be gigabytes). `write`
 * is called on the calling thread, never on two threads at once: first with the header row
 * (csv, tsv), then once per chunk of up to 256 lines.
 * Threads: any number of calls at once; host classifiers run on the batch's threads.
 * Errors: CALLBACK when `write` returns non-zero (the message names the lines; every line
 * written before is whole, nothing is written after); INVALID_ARGUMENT for a NULL engine or
 * write ("write: must not be NULL"), or an unknown key or format; OUT_OF_MEMORY; failing lines
 * as in triage_diagnose_jsonl. */
TRIAGE_C_API int triage_diagnose_batch_stream(const triage_engine *engine, const char *tickets,
                                              size_t len, unsigned threads, const char *select,
                                              const char *format, triage_write_fn write,
                                              void *user_data);

/* ---- agents and routers ----------------------------------------------------------------- */
typedef struct triage_roster triage_roster;

/* A new, empty roster with the built-in routers round_robin, least_loaded and skills.
 * Ownership: *out is the caller's (triage_roster_free). Threads: a roster is locked inside; any
 * number of threads may use one at once. Errors: INVALID_ARGUMENT, OUT_OF_MEMORY. */
TRIAGE_C_API int triage_roster_new(triage_roster **out);

/* Frees a roster and its routers. NULL is fine. The routers' user_data is not touched.
 * Threads: not while another call (on any thread, or an outer call on this one) uses it. */
TRIAGE_C_API void triage_roster_free(triage_roster *roster);

/* Replaces the agents: [{"id", "group", "skills": [], "languages": [], "open_tickets",
 * "available"}] (`len` bytes; copied). On failure the agents are unchanged.
 * Threads: any. Errors: JSON_SYNTAX, FIELD_TYPE and FIELD_MISSING naming "/i/field",
 * INVALID_ARGUMENT, OUT_OF_MEMORY. */
TRIAGE_C_API int triage_roster_set_json(triage_roster *roster, const char *agents, size_t len);

/* Marks an agent (NUL-terminated id) available (non-zero) or not.
 * Threads: any. Errors: NOT_FOUND "id: no such agent", INVALID_ARGUMENT. */
TRIAGE_C_API int triage_roster_set_available(triage_roster *roster, const char *agent_id,
                                             int available);

/* Sets an agent's current load (NUL-terminated id).
 * Threads: any. Errors: NOT_FOUND, INVALID_ARGUMENT. */
TRIAGE_C_API int triage_roster_set_open_tickets(triage_roster *roster, const char *agent_id,
                                                unsigned open_tickets);

/* The agents as JSON (the triage_roster_set_json document, with every field), a consistent
 * snapshot. Ownership: *out_json is the caller's (triage_string_free); out_len may be NULL.
 * Threads: any, also from inside a router. Errors: INVALID_ARGUMENT, OUT_OF_MEMORY. */
TRIAGE_C_API int triage_roster_json(const triage_roster *roster, char **out_json, size_t *out_len);

/* A host router: picks one of the `count` (at least 1) eligible agents of `group` — available,
 * and speaking `language` when any of them does — by writing its index to *chosen, and returns
 * 0; non-zero, or an index not below `count`, fails the diagnosis with TRIAGE_ERR_CALLBACK.
 * It runs with the roster unlocked, on a snapshot of the eligible agents: it may call the roster
 * (read it, change loads or availability, even replace the agents) and diagnose. The pick is
 * recorded afterwards under the lock: the agent with the chosen id gets one more open ticket; if
 * it has been removed or moved to another group meanwhile, no agent is assigned and the
 * diagnosis still succeeds (without "agent"). Two threads may route at once and see the same
 * loads. `group`, `agent_ids` and `language` are valid during the call only. */
typedef int (*triage_router_fn)(void *user_data, const char *group, const char *const *agent_ids,
                                size_t count, const char *language, size_t *chosen);

/* Registers a host router under `name` (NUL-terminated, copied): a pack names routers per group;
 * the built-in round_robin, least_loaded and skills may be replaced.
 * Ownership of `user_data`: the caller's; it must stay valid until the roster is freed, or the
 * name is given another router and no routed diagnosis that began before is still running.
 * Threads: any, also from inside a router. Errors: INVALID_ARGUMENT (NULL name or fn),
 * OUT_OF_MEMORY. */
TRIAGE_C_API int triage_roster_set_router(triage_roster *roster, const char *name,
                                          triage_router_fn fn, void *user_data);

/* Like triage_diagnose_json, and assigns an agent of the handling group from the roster with the
 * router the pack names for that group (round_robin when it names none); the agent is
 * "route.agent" and its open_tickets grows by one. No eligible agent: no "agent", not an error.
 * Ownership: *out_json is the caller's (triage_string_free); out_len may be NULL.
 * Threads: any number at once on one engine and one roster; the router runs on this thread.
 * Errors: as triage_diagnose_json; CALLBACK when the router fails. */
TRIAGE_C_API int triage_diagnose_json_routed(const triage_engine *engine, triage_roster *roster,
                                             const char *ticket, size_t len, char **out_json,
                                             size_t *out_len);

/* ---- SLA and workflow ------------------------------------------------------------------- */

/* The state of every SLA target of a ticket (JSON, `len` bytes) given its events ([{"at",
 * "type"}, …], `events_len` bytes) at `now` (NUL-terminated ISO-8601; NULL = the system clock):
 * [{"name", "state", "due", "completed", "margin_seconds", "paused_seconds", "cycle"}, …].
 * The ticket is diagnosed (host classifiers run) to find its SLA plan.
 * Ownership: *out_json is the caller's (triage_string_free); out_len may be NULL.
 * Threads: any number at once on one engine.
 * Errors: as triage_diagnose_json; FIELD_* naming "/events/i/…", FIELD_FORMAT for `now`,
 * NOT_FOUND when the pack has no sla section. */
TRIAGE_C_API int triage_sla_status_json(const triage_engine *engine, const char *ticket,
                                        size_t len, const char *events, size_t events_len,
                                        const char *now, char **out_json, size_t *out_len);

/* The state `event` leads to from `state` given `facts_json` ({"customer_confirmed": true};
 * NULL = {}); all three NUL-terminated.
 * Ownership: *out_state is the caller's (triage_string_free); NUL-terminated, no length output.
 * Threads: any number at once on one engine.
 * Errors: TRANSITION_REFUSED (a guard failed, naming it) and TRANSITION_UNKNOWN (no such event
 * from that state), JSON_SYNTAX and FIELD_TYPE ("facts/name") for the facts, INVALID_ARGUMENT. */
TRIAGE_C_API int triage_workflow_next(const triage_engine *engine, const char *state,
                                      const char *event, const char *facts_json, char **out_state);

/* The pack's workflow as a Graphviz DOT graph.
 * Ownership: *out_dot is the caller's (triage_string_free); out_len may be NULL.
 * Threads: any. Errors: INVALID_ARGUMENT, OUT_OF_MEMORY. */
TRIAGE_C_API int triage_workflow_dot(const triage_engine *engine, char **out_dot, size_t *out_len);

/* ---- safe swap -------------------------------------------------------------------------- */
/* Holds the current engine for many threads; a new pack replaces it atomically, and a pack that
 * fails to compile leaves the running engine untouched. Calls already running on the old engine
 * finish on it. */
typedef struct triage_holder triage_holder;

/* A new holder of `engine`. The holder takes a reference of its own to the compiled engine (not
 * to the handle): the caller still owns `engine` and may free it at once.
 * Ownership: *out is the caller's (triage_holder_free). Threads: a holder is locked inside; any
 * number of threads may use one at once. Errors: INVALID_ARGUMENT, OUT_OF_MEMORY. */
TRIAGE_C_API int triage_holder_new(const triage_engine *engine, triage_holder **out);

/* Frees the holder and its reference to the current engine. NULL is fine. Handles acquired from
 * it stay valid. Threads: not while another thread uses the holder. */
TRIAGE_C_API void triage_holder_free(triage_holder *holder);

/* Compiles a pack (JSON, `len` bytes) and installs it; on any error the running engine stays.
 * The new engine has no host classifiers (build one with a builder and use triage_holder_swap).
 * Threads: any; compiling happens outside the holder's lock.
 * Errors: as triage_engine_new_from_json. */
TRIAGE_C_API int triage_holder_swap_json(triage_holder *holder, const char *pack, size_t len);

/* Installs an engine already built (e.g. by a builder with host classifiers). As with
 * triage_holder_new, the caller still owns `engine`; the holder keeps its own reference, and
 * releases the old engine's (freed when no handle refers to it any more).
 * Threads: any. Errors: INVALID_ARGUMENT, OUT_OF_MEMORY. */
TRIAGE_C_API int triage_holder_swap(triage_holder *holder, const triage_engine *engine);

/* A new handle on the engine in force now; it stays on that engine across later swaps and after
 * the holder is freed.
 * Ownership: *out is the caller's (triage_engine_free). Threads: any.
 * Errors: INVALID_ARGUMENT, OUT_OF_MEMORY. */
TRIAGE_C_API int triage_holder_acquire(const triage_holder *holder, triage_engine **out);

/* ---- one case across channels ---------------------------------------------------------- */
/* Remembers diagnosed tickets and relates a new one to the open tickets of the same customer
 * (customer id, phone — its last 10 digits —, e-mail in lower case) created within the window,
 * and to tickets of nearly the same text. Bounded (at most `max_tickets`; older than the window
 * forgotten), deterministic, and safe to share between threads. */
typedef struct triage_linker triage_linker;

/* A new linker; 0 for either number means the default: a window of 7 days, 100,000 tickets.
 * Ownership: *out is the caller's (triage_linker_free); *out is set to NULL on failure.
 * Threads: a linker is locked inside; any number of threads may use one at once.
 * Errors: INVALID_ARGUMENT (window_seconds < 0, out NULL), OUT_OF_MEMORY. */
TRIAGE_C_API int triage_linker_new(int64_t window_seconds, size_t max_tickets,
                                   triage_linker **out);

/* Frees a linker and what it remembers. NULL is fine.
 * Threads: not while another call uses it. */
TRIAGE_C_API void triage_linker_free(triage_linker *linker);

/* Diagnoses a ticket with its related open tickets ("related": [{"ticket_id", "channel",
 * "reason", "score", "created_at"}, …], best first), then remembers it under its id (or its
 * request number). Two threads linking tickets of one customer at the same moment may each not
 * see the other's ticket.
 * Ownership: *out_json is the caller's (triage_string_free); out_len may be NULL.
 * Threads: any number at once on one engine and one linker.
 * Errors: as triage_diagnose_json. */
TRIAGE_C_API int triage_diagnose_json_linked(const triage_engine *engine, triage_linker *linker,
                                             const char *ticket, size_t len, char **out_json,
                                             size_t *out_len);

/* The ticket (id of `len` bytes; NULL only with 0) is closed: no longer related to new ones.
 * *found (may be NULL) says whether the linker knew it; an unknown id is not an error.
 * Threads: any. Errors: INVALID_ARGUMENT. */
TRIAGE_C_API int triage_linker_close(triage_linker *linker, const char *ticket_id, size_t len,
                                     int *found);

/* How many tickets the linker holds, and an estimate of its memory in bytes (either output may
 * be NULL). Threads: any. Errors: INVALID_ARGUMENT (linker NULL). */
TRIAGE_C_API int triage_linker_stats(const triage_linker *linker, size_t *tickets,
                                     size_t *memory_bytes);

/* ---- since 0.2 (ABI 1, version node TRIAGE_1.2): numbers a host can compare --------------- */

/* The loaded library's TRIAGE_VERSION_NUMBER (major * 10000 + minor * 100 + patch): a host built
 * against a newer header can refuse an older library before calling what it lacks.
 * Threads: any. Cannot fail. */
TRIAGE_C_API int triage_version_number(void);

/* The `name` of the engine's pack; "" for a NULL engine.
 * Ownership: library-owned, valid until this handle is freed. Threads: any. Cannot fail. */
TRIAGE_C_API const char *triage_engine_pack_name(const triage_engine *engine);

/* The `version` of the engine's pack; "" for a NULL engine.
 * Ownership: library-owned, valid until this handle is freed. Threads: any. Cannot fail. */
TRIAGE_C_API const char *triage_engine_pack_version(const triage_engine *engine);

/* The limits the C ABI enforces (the C++ defaults); exceeding one is an error with a stable
 * status, never a crash. New ids are only added. */
typedef enum triage_limit_id {
  TRIAGE_LIMIT_TICKET_BYTES = 1,     /* one ticket document, one JSONL line: TEXT_TOO_LARGE */
  TRIAGE_LIMIT_TEXT_BYTES = 2,       /* each of text, subject, error_message: TEXT_TOO_LARGE */
  TRIAGE_LIMIT_STRING_BYTES = 3,     /* each other ticket string (id, order_id, …) */
  TRIAGE_LIMIT_JSON_DEPTH = 4,       /* nesting of a JSON document: JSON_TOO_DEEP */
  TRIAGE_LIMIT_PACK_BYTES = 5,       /* a pack document: PACK_LIMIT */
  TRIAGE_LIMIT_PACK_RULES = 6,       /* rules in a pack: PACK_LIMIT */
  TRIAGE_LIMIT_PACK_KEYWORDS = 7,    /* keywords in a pack: PACK_LIMIT */
  TRIAGE_LIMIT_REGEX_BYTES = 8,      /* one regular expression of a pack: PACK_LIMIT */
  TRIAGE_LIMIT_CONDITION_DEPTH = 9   /* nesting of a pack's conditions: PACK_LIMIT */
} triage_limit_id;

/* The value of a limit (bytes, levels or counts); 0 for an id this library does not have.
 * Threads: any. Cannot fail. */
TRIAGE_C_API size_t triage_limit(int id);

#ifdef __cplusplus
}
#endif

#endif /* TRIAGE_H */
