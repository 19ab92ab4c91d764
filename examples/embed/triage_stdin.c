/* An embedding example: a C host that reads tickets (JSON Lines) on stdin and writes one
 * diagnosis per line on stdout, through the stable C ABI of the installed libtriage.
 *
 *   cc triage_stdin.c $(pkg-config --cflags --libs triage) -o triage_stdin
 *   ./triage_stdin < tickets.jsonl > diagnoses.jsonl
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <triage.h>

int main(void) {
  if (triage_abi_version() != TRIAGE_ABI_VERSION) {
    fprintf(stderr, "libtriage %s has ABI %d; built for %d\n", triage_version(),
            triage_abi_version(), TRIAGE_ABI_VERSION);
    return 2;
  }
  triage_engine *engine = NULL;
  int rc = triage_engine_new_default(&engine);
  if (rc != TRIAGE_OK) {
    fprintf(stderr, "%s: %s\n", triage_status_name(rc), triage_last_error_message());
    return 2;
  }
  /* Read everything, then one batch call: one output line per non-blank input line, in order. */
  size_t len = 0, cap = 1 << 16;
  char *input = malloc(cap);
  size_t n;
  while (input && (n = fread(input + len, 1, cap - len, stdin)) > 0) {
    len += n;
    if (len == cap) input = realloc(input, cap *= 2);
  }
  if (!input) return 2;
  char *out = NULL;
  size_t out_len = 0;
  rc = triage_diagnose_jsonl(engine, input, len, &out, &out_len);
  if (rc == TRIAGE_OK) fwrite(out, 1, out_len, stdout);
  else fprintf(stderr, "%s: %s\n", triage_status_name(rc), triage_last_error_message());
  triage_string_free(out);
  free(input);
  triage_engine_free(engine);
  return rc == TRIAGE_OK ? 0 : 1;
}
