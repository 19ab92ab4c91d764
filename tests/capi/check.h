/* The C tests' one assertion: counts, and on failure prints the place and the library's last
 * error. A test file includes it once and ends main() with check_report(). */
#ifndef TRIAGE_TEST_CHECK_H
#define TRIAGE_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

#include <triage.h>

static int passed, failed;
#define CHECK(cond)                                                                           \
  do {                                                                                        \
    if (cond) {                                                                               \
      ++passed;                                                                               \
    } else {                                                                                  \
      ++failed;                                                                               \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, __LINE__, #cond, \
              triage_last_error_message());                                                   \
    }                                                                                         \
  } while (0)

static int contains(const char *hay, const char *needle) { return hay && strstr(hay, needle) != NULL; }

/* Prints the counts; the exit status of main(). */
static int check_report(void) {
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

#endif
