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

/* Each chunk of answers goes straight to stdout as the library makes it: the output of a long
 * input is never held whole. A failed write stops the batch. */
static int to_stdout(void *user_data, const char *data, size_t len) {
  (void)user_data;
  return fwrite(data, 1, len, stdout) == len ? 0 : 1;
}

int main(void) {
  if (triage_abi_version() != TRIAGE_ABI_VERSION || triage_version_number() < 400) {
    fprintf(stderr, "libtriage %s has ABI %d; built for ABI %d, version 0.4 or later\n",
            triage_version(), triage_abi_version(), TRIAGE_ABI_VERSION);
    return 2;
  }
  triage_engine *engine = NULL;
  int rc = triage_engine_new_default(&engine);
  if (rc != TRIAGE_OK) {
    fprintf(stderr, "%s: %s\n", triage_status_name(rc), triage_last_error_message());
    return 2;
  }
  /* Read everything, then one streamed batch: one output line per non-blank input line, in
   * order. */
  size_t len = 0, cap = 1 << 16;
  char *input = malloc(cap);
  size_t n;
  while (input && (n = fread(input + len, 1, cap - len, stdin)) > 0) {
    len += n;
    if (len == cap) input = realloc(input, cap *= 2);
  }
  if (!input) return 2;
  rc = triage_diagnose_batch_stream(engine, input, len, 1, NULL, NULL, to_stdout, NULL);
  if (rc != TRIAGE_OK) {
    fprintf(stderr, "%s: %s\n", triage_status_name(rc), triage_last_error_message());
  }
  free(input);
  triage_engine_free(engine);
  return rc == TRIAGE_OK ? 0 : 1;
}
