/* triage — the stable C ABI.
 *
 * Conventions (after sqlite3, zstd and libgit2):
 * - Opaque handles with create/free pairs; every free function accepts NULL.
 * - Functions that can fail return a status (TRIAGE_OK = 0); the details of the last failure on
 *   the calling thread come from triage_last_error_message(), which never returns NULL.
 * - Output parameters come first after the handle they belong to is named, outputs are set only
 *   on success, and strings the library allocates are freed with triage_string_free().
 * - Text in and out is UTF-8 JSON (the same documents as the `triage` command); invalid UTF-8 and
 *   NULL pointers are errors, never crashes. No C++ exception crosses this boundary.
 * - An engine is immutable: any number of threads may diagnose on one engine at once.
 * - Compile-time version: TRIAGE_VERSION_STRING, TRIAGE_ABI_VERSION; run time: triage_version(),
 *   triage_abi_version(). A host should check that they agree. */
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
TRIAGE_C_API const char *triage_version(void);
TRIAGE_C_API int triage_abi_version(void);
/* "ok", "json_syntax", "pack_unknown_reference", …; "unknown" for codes this library lacks. */
TRIAGE_C_API const char *triage_status_name(int status);
/* The message of the last failure on this thread ("" when none); library-owned, never NULL,
 * valid until the next call on this thread. Messages name the place: "/customer/tier: …". */
TRIAGE_C_API const char *triage_last_error_message(void);
/* The place of the last failure on this thread in machine-readable form (a JSON pointer such as
 * "/customer/tier", "line:column", a rule id or a path; "" when unknown). Never NULL. */
TRIAGE_C_API const char *triage_last_error_where(void);
/* Frees a string the library returned. NULL is fine. */
TRIAGE_C_API void triage_string_free(char *s);

/* ---- engines ---------------------------------------------------------------------------- */
typedef struct triage_engine triage_engine;

/* The built-in default pack. */
TRIAGE_C_API int triage_engine_new_default(triage_engine **out);
/* A pack given as JSON text (`len` bytes; it need not be NUL-terminated). */
TRIAGE_C_API int triage_engine_new_from_json(const char *pack, size_t len, triage_engine **out);
/* A pack file (read by the library). */
TRIAGE_C_API int triage_engine_new_from_file(const char *path, triage_engine **out);
TRIAGE_C_API void triage_engine_free(triage_engine *engine);
/* "name version" of the engine's pack, library-owned for the engine's lifetime. */
TRIAGE_C_API const char *triage_engine_pack(const triage_engine *engine);

/* Engines with host classifiers: the callback adds scores for the ticket (JSON, as given to the
 * diagnose call) through triage_scores_add and returns 0 (non-zero fails the diagnosis with
 * TRIAGE_ERR_CALLBACK). It may be called from many threads at once. */
typedef struct triage_scores triage_scores;
TRIAGE_C_API int triage_scores_add(triage_scores *scores, const char *dimension, const char *value,
                                   double weight);
typedef int (*triage_classifier_fn)(void *user_data, const char *ticket_json, size_t len,
                                    triage_scores *scores);

typedef struct triage_engine_builder triage_engine_builder;
TRIAGE_C_API int triage_engine_builder_new(triage_engine_builder **out);
TRIAGE_C_API void triage_engine_builder_free(triage_engine_builder *builder);
/* The pack to compile (default: the built-in pack). */
TRIAGE_C_API int triage_engine_builder_set_pack_json(triage_engine_builder *builder,
                                                     const char *pack, size_t len);
/* Adds a host classifier; `user_data` is passed back to every call and must outlive the engine. */
TRIAGE_C_API int triage_engine_builder_add_classifier(triage_engine_builder *builder,
                                                      const char *name, triage_classifier_fn fn,
                                                      void *user_data);
TRIAGE_C_API int triage_engine_builder_build(const triage_engine_builder *builder,
                                             triage_engine **out);

/* ---- diagnosing ------------------------------------------------------------------------- */
/* One ticket (JSON object) → the diagnosis JSON, exactly as `triage diagnose` writes it. */
TRIAGE_C_API int triage_diagnose_json(const triage_engine *engine, const char *ticket, size_t len,
                                      char **out_json, size_t *out_len);
/* JSON Lines in → JSON Lines out: one output line per non-blank input line (blank = only spaces,
 * tabs and CR), in order; a line that fails — bad JSON, a bad field, a failing host classifier —
 * becomes {"line": N, "error": {...}} and the call still returns TRIAGE_OK. A line longer than the
 * 8 MiB ticket limit is refused (text_too_large) without being copied. Memory that runs out
 * outside any one line returns TRIAGE_ERR_OUT_OF_MEMORY and no output. */
TRIAGE_C_API int triage_diagnose_jsonl(const triage_engine *engine, const char *tickets,
                                       size_t len, char **out_jsonl, size_t *out_len);

/* The same on `threads` threads sharing the engine (0 = one per core). The output is identical
 * for every thread count: request numbers follow input order. */
TRIAGE_C_API int triage_diagnose_jsonl_threads(const triage_engine *engine, const char *tickets,
                                               size_t len, unsigned threads, char **out_jsonl,
                                               size_t *out_len);

/* Typed results for hot paths: no JSON to write or parse on the way out. */
typedef struct triage_result triage_result;
TRIAGE_C_API int triage_classify_json(const triage_engine *engine, const char *ticket, size_t len,
                                      triage_result **out);
/* A ticket that is only text (UTF-8, `len` bytes). */
TRIAGE_C_API int triage_classify_text(const triage_engine *engine, const char *text, size_t len,
                                      triage_result **out);
TRIAGE_C_API void triage_result_free(triage_result *result);
TRIAGE_C_API size_t triage_result_label_count(const triage_result *result);
/* The index-th dimension: its id, the value (NULL when undecided) and the confidence. Strings
 * live as long as the result. */
TRIAGE_C_API int triage_result_label(const triage_result *result, size_t index,
                                     const char **dimension, const char **value,
                                     double *confidence);
/* NULL when the pack has no such section. */
TRIAGE_C_API const char *triage_result_urgency(const triage_result *result);
TRIAGE_C_API const char *triage_result_primary(const triage_result *result);
TRIAGE_C_API const char *triage_result_group(const triage_result *result);
TRIAGE_C_API const char *triage_result_request_id(const triage_result *result);
TRIAGE_C_API int triage_result_json(const triage_result *result, char **out_json, size_t *out_len);

/* ---- classification into caller-owned storage (since 0.2) ------------------------------ */
/* Labels, urgency and route only — no request number, SLA, questions, explanations or JSON —
 * into a result object the caller creates once and every call resets: after the first tickets
 * a call allocates nothing (triage_classify_text_into; the JSON form allocates while parsing).
 * Values are those triage_diagnose_json reports for the same ticket.
 *
 * Ownership and threads: the caller owns a triage_classification (new/free); it keeps the
 * engine's pack alive, so its strings stay valid after triage_engine_free until the next call
 * into the same object or its free. One object is for one thread at a time (keep one per
 * thread); any number of threads may classify on one engine, each into its own object. */
typedef struct triage_classification triage_classification;
/* A new, empty result (label count 0, every string NULL). Free it with
 * triage_classification_free. */
TRIAGE_C_API int triage_classification_new(triage_classification **out);
/* NULL is fine. Not while another thread uses the object. */
TRIAGE_C_API void triage_classification_free(triage_classification *result);
/* A ticket that is only text (UTF-8, `len` bytes), classified into `result`. On failure `result`
 * is left empty (label count 0) and the status says why. */
TRIAGE_C_API int triage_classify_text_into(const triage_engine *engine, const char *text,
                                           size_t len, triage_classification *result);
/* A ticket as JSON (the documents of triage_diagnose_json), classified into `result`. */
TRIAGE_C_API int triage_classify_json_into(const triage_engine *engine, const char *ticket,
                                           size_t len, triage_classification *result);
/* The number of dimensions (0 when empty or NULL). */
TRIAGE_C_API size_t triage_classification_label_count(const triage_classification *result);
/* The index-th dimension: its id, the value (NULL when undecided) and the confidence (any output
 * may be NULL). TRIAGE_ERR_NOT_FOUND past the end. */
TRIAGE_C_API int triage_classification_label(const triage_classification *result, size_t index,
                                             const char **dimension, const char **value,
                                             double *confidence);
/* Every dimension's value (NULL when undecided) and confidence at once, in the pack's order, into
 * the caller's arrays of `capacity` entries (either may be NULL); returns the number of
 * dimensions, which may exceed `capacity` (then only `capacity` entries are written). One call
 * instead of one per dimension, for bindings. */
TRIAGE_C_API size_t triage_classification_values(const triage_classification *result,
                                                 const char **values, double *confidences,
                                                 size_t capacity);
/* "critical", "high", "medium" or "low"; NULL when the pack has no urgency section or the result
 * is empty. */
TRIAGE_C_API const char *triage_classification_urgency(const triage_classification *result);
/* The primary department and the handling group; NULL without a routing section. */
TRIAGE_C_API const char *triage_classification_primary(const triage_classification *result);
TRIAGE_C_API const char *triage_classification_group(const triage_classification *result);
/* The assisting departments: how many, and the index-th (NULL past the end). */
TRIAGE_C_API size_t triage_classification_assisting_count(const triage_classification *result);
TRIAGE_C_API const char *triage_classification_assisting(const triage_classification *result,
                                                         size_t index);
/* Urgency, primary, group (as above) and up to `capacity` assisting departments into the
 * caller's array, at once (any output may be NULL); returns the number of assisting departments.
 * One call instead of four or more, for bindings. */
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
 * Without `select`, csv and tsv write ticket_id,labels,urgency,route. An unknown key or format is
 * TRIAGE_ERR_INVALID_ARGUMENT naming it ("select: \"foo\" is not a key of the diagnosis …").
 * The output is the caller's (triage_string_free); any number of threads may call at once. */
TRIAGE_C_API int triage_diagnose_batch(const triage_engine *engine, const char *tickets,
                                       size_t len, unsigned threads, const char *select,
                                       const char *format, char **out, size_t *out_len);

/* ---- agents and routers ----------------------------------------------------------------- */
typedef struct triage_roster triage_roster;
TRIAGE_C_API int triage_roster_new(triage_roster **out);
TRIAGE_C_API void triage_roster_free(triage_roster *roster);
/* Replaces the agents: [{"id", "group", "skills": [], "languages": [], "open_tickets", "available"}]. */
TRIAGE_C_API int triage_roster_set_json(triage_roster *roster, const char *agents, size_t len);
TRIAGE_C_API int triage_roster_set_available(triage_roster *roster, const char *agent_id,
                                             int available);
TRIAGE_C_API int triage_roster_set_open_tickets(triage_roster *roster, const char *agent_id,
                                                unsigned open_tickets);
TRIAGE_C_API int triage_roster_json(const triage_roster *roster, char **out_json, size_t *out_len);
/* A host router, registered under `name` (a pack names routers per group; built-in names are
 * round_robin, least_loaded, skills and may be replaced). It picks one of `count` eligible agents
 * by writing its index to *chosen and returns 0. */
typedef int (*triage_router_fn)(void *user_data, const char *group, const char *const *agent_ids,
                                size_t count, const char *language, size_t *chosen);
TRIAGE_C_API int triage_roster_set_router(triage_roster *roster, const char *name,
                                          triage_router_fn fn, void *user_data);
/* Like triage_diagnose_json, and assigns an agent of the handling group from the roster. */
TRIAGE_C_API int triage_diagnose_json_routed(const triage_engine *engine, triage_roster *roster,
                                             const char *ticket, size_t len, char **out_json,
                                             size_t *out_len);

/* ---- SLA and workflow ------------------------------------------------------------------- */
/* The state of every SLA target of a ticket given its events ([{"at", "type"}, …]) at `now`
 * (ISO-8601; NULL = the system clock): [{"name", "state", "due", "margin_seconds", …}]. */
TRIAGE_C_API int triage_sla_status_json(const triage_engine *engine, const char *ticket,
                                        size_t len, const char *events, size_t events_len,
                                        const char *now, char **out_json, size_t *out_len);
/* The state an event leads to from `state` given facts ({"customer_confirmed": true}; NULL = {}),
 * or TRIAGE_ERR_TRANSITION_REFUSED / _UNKNOWN with the reason. */
/* (state, event and facts_json are NUL-terminated.) */
TRIAGE_C_API int triage_workflow_next(const triage_engine *engine, const char *state,
                                      const char *event, const char *facts_json, char **out_state);
TRIAGE_C_API int triage_workflow_dot(const triage_engine *engine, char **out_dot, size_t *out_len);

/* ---- safe swap -------------------------------------------------------------------------- */
/* Holds the current engine for many threads; a new pack replaces it atomically, and a pack that
 * fails to compile leaves the running engine untouched. */
typedef struct triage_holder triage_holder;
TRIAGE_C_API int triage_holder_new(const triage_engine *engine, triage_holder **out);
TRIAGE_C_API void triage_holder_free(triage_holder *holder);
TRIAGE_C_API int triage_holder_swap_json(triage_holder *holder, const char *pack, size_t len);
/* Installs an engine already built (e.g. by a builder with host classifiers). */
TRIAGE_C_API int triage_holder_swap(triage_holder *holder, const triage_engine *engine);
/* A new handle on the current engine (free it with triage_engine_free). */
TRIAGE_C_API int triage_holder_acquire(const triage_holder *holder, triage_engine **out);

/* ---- one case across channels ---------------------------------------------------------- */
/* Remembers diagnosed tickets and relates a new one to the open tickets of the same customer
 * (customer id, phone — its last 10 digits —, e-mail in lower case) created within the window,
 * and to tickets of nearly the same text. Bounded (at most `max_tickets`; older than the window
 * forgotten), deterministic, and safe to share between threads. 0 means the default: a window
 * of 7 days, 100,000 tickets. */
typedef struct triage_linker triage_linker;
TRIAGE_C_API int triage_linker_new(int64_t window_seconds, size_t max_tickets,
                                   triage_linker **out);
TRIAGE_C_API void triage_linker_free(triage_linker *linker);
/* Diagnoses a ticket with its related open tickets ("related": [{"ticket_id", "channel",
 * "reason", "score", "created_at"}, …], best first), then remembers it under its id (or its
 * request number). */
TRIAGE_C_API int triage_diagnose_json_linked(const triage_engine *engine, triage_linker *linker,
                                             const char *ticket, size_t len, char **out_json,
                                             size_t *out_len);
/* The ticket is closed: no longer related to new ones. *found (may be NULL) says whether the
 * linker knew it. */
TRIAGE_C_API int triage_linker_close(triage_linker *linker, const char *ticket_id, size_t len,
                                     int *found);
/* How many tickets the linker holds, and an estimate of its memory in bytes (either may be
 * NULL). */
TRIAGE_C_API int triage_linker_stats(const triage_linker *linker, size_t *tickets,
                                     size_t *memory_bytes);

/* ---- since 0.2 (ABI 1, version node TRIAGE_1.2): numbers a host can compare --------------- */
/* The loaded library's TRIAGE_VERSION_NUMBER (major * 10000 + minor * 100 + patch): a host built
 * against a newer header can refuse an older library before calling what it lacks. Thread-safe. */
TRIAGE_C_API int triage_version_number(void);
/* The `name` and `version` of the engine's pack, each library-owned for the engine's lifetime;
 * "" for a NULL engine. Thread-safe, like every read of an engine. */
TRIAGE_C_API const char *triage_engine_pack_name(const triage_engine *engine);
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
 * Thread-safe. */
TRIAGE_C_API size_t triage_limit(int id);

#ifdef __cplusplus
}
#endif

#endif /* TRIAGE_H */
