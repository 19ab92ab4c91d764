/* The one list of triage's status codes. C and C++ read it; nothing else lists them by hand:
 * - the C enum triage_status in triage.h (TRIAGE_<CONSTANT> = value),
 * - the C++ enum triage::Errc in triage/error.hpp (<name> = value),
 * - errc_name() and triage_status_name() (the stable snake_case <name>),
 * - the Python binding's Status table, which its tests check against this file and against
 *   triage_status_name() of the built library (bindings/python/tests/test_status.py).
 *
 * X(CONSTANT, value, name), ascending by value. Values are part of the C ABI: they never change
 * meaning, and new codes are only added. */
#ifndef TRIAGE_STATUS_LIST_H
#define TRIAGE_STATUS_LIST_H

#define TRIAGE_STATUS_LIST(X)                                                            \
  X(OK, 0, ok)                                                                           \
  /* a NULL pointer, bad length, invalid UTF-8 or out-of-range argument from the host */ \
  X(ERR_INVALID_ARGUMENT, 1, invalid_argument)                                           \
  /* input is not well-formed JSON (or not UTF-8) */                                     \
  X(ERR_JSON_SYNTAX, 10, json_syntax)                                                    \
  /* nesting deeper than the limit */                                                    \
  X(ERR_JSON_TOO_DEEP, 11, json_too_deep)                                                \
  /* a JSON object was expected */                                                       \
  X(ERR_NOT_AN_OBJECT, 12, not_an_object)                                                \
  /* a field has the wrong JSON type */                                                  \
  X(ERR_FIELD_TYPE, 20, field_type)                                                      \
  /* an enum field holds an unknown value */                                             \
  X(ERR_FIELD_VALUE, 21, field_value)                                                    \
  /* a required field is absent */                                                       \
  X(ERR_FIELD_MISSING, 22, field_missing)                                                \
  /* a string field is malformed (timestamp, …) */                                     \
  X(ERR_FIELD_FORMAT, 23, field_format)                                                  \
  /* the ticket text exceeds the limit */                                                \
  X(ERR_TEXT_TOO_LARGE, 30, text_too_large)                                              \
  /* the pack's schema version is not supported */                                       \
  X(ERR_PACK_SCHEMA, 40, pack_schema)                                                    \
  /* the pack's structure is wrong */                                                    \
  X(ERR_PACK_INVALID, 41, pack_invalid)                                                  \
  /* two rules, dimensions or values share an id */                                      \
  X(ERR_PACK_DUPLICATE_ID, 42, pack_duplicate_id)                                        \
  /* a rule names a dimension, value or calendar that does not exist */                  \
  X(ERR_PACK_UNKNOWN_REFERENCE, 43, pack_unknown_reference)                              \
  /* a regular expression does not compile */                                            \
  X(ERR_PACK_BAD_REGEX, 44, pack_bad_regex)                                              \
  /* a keyword is empty or too long */                                                   \
  X(ERR_PACK_BAD_KEYWORD, 45, pack_bad_keyword)                                          \
  /* the pack exceeds a size limit */                                                    \
  X(ERR_PACK_LIMIT, 46, pack_limit)                                                      \
  /* the workflow graph is broken (unreachable state, dead end, …) */                  \
  X(ERR_WORKFLOW_INVALID, 47, workflow_invalid)                                          \
  /* a guard refused the transition */                                                   \
  X(ERR_TRANSITION_REFUSED, 50, transition_refused)                                      \
  /* no such transition from the current state */                                        \
  X(ERR_TRANSITION_UNKNOWN, 51, transition_unknown)                                      \
  /* not a compiled pack (wrong magic): some other file */                               \
  X(ERR_COMPILED_PACK_FOREIGN, 52, compiled_pack_foreign)                                \
  /* a compiled pack of another format version, library version or byte order */        \
  X(ERR_COMPILED_PACK_VERSION, 53, compiled_pack_version)                                \
  /* a compiled pack that is truncated or damaged (checksum, sizes, tables) */            \
  X(ERR_COMPILED_PACK_CORRUPT, 54, compiled_pack_corrupt)                                \
  /* a file could not be read */                                                         \
  X(ERR_IO, 60, io)                                                                      \
  /* no such agent, dimension value, dimension index, … */                             \
  X(ERR_NOT_FOUND, 61, not_found)                                                        \
  /* a host callback reported a failure (returned non-zero, or threw) */                 \
  X(ERR_CALLBACK, 70, callback)                                                          \
  /* an allocation failed */                                                             \
  X(ERR_OUT_OF_MEMORY, 98, out_of_memory)                                                \
  /* a bug in triage; please report it */                                                \
  X(ERR_INTERNAL, 99, internal)

#endif /* TRIAGE_STATUS_LIST_H */
