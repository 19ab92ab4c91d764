/* CLIPS's runner for bench/peers, through its C API (CLIPS 6.30, Debian libclips-dev).
 *
 * usage: clips_peer CONSTRUCTS.clp TICKETS.jsonl REPETITIONS
 *   CONSTRUCTS.clp: workload.py convert --to clips: a (ticket (text)) template, one rule per
 *   keyword rule with salience in rule order, whose right-hand side binds ?*category*.
 *
 * Per ticket: create a ticket fact with the text, assert it, run one rule (the activation with the
 * highest salience: the first rule in order that matches), read ?*category*, retract the fact
 * (which also drops the remaining activations). Loading the constructs and reading the file are
 * not timed. Prints {"engine":"clips","tickets_per_s":...,"counts":{...}}.
 *
 * cc -O2 -std=c11 clips_peer.c -lclips -lm */
#define _POSIX_C_SOURCE 200809L
#include <clips/clips.h>

#include "peer_common.h"

static const char* who = "clips_peer";

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: clips_peer CONSTRUCTS.clp TICKETS.jsonl REPETITIONS\n");
    return 2;
  }
  const int reps = atoi(argv[3]);
  if (reps < 1) peer_die(who, "REPETITIONS must be at least 1");
  peer_list tickets = peer_read_tickets(argv[2], who);

  const double load_start = peer_now();
  void* env = CreateEnvironment();
  if (!env) peer_die(who, "CreateEnvironment failed");
  if (EnvLoad(env, argv[1]) != 1) peer_die(who, "the constructs file does not load");
  EnvReset(env);
  void* tmpl = EnvFindDeftemplate(env, "ticket");
  if (!tmpl) peer_die(who, "the constructs have no ticket template");
  const double load_s = peer_now() - load_start;

  /* Category names seen, with their counts (a handful: a linear list is enough). */
  peer_list names = {0};
  size_t* counts = (size_t*)calloc(1, sizeof *counts);
  size_t* first = NULL;
  size_t first_n = 0;
  double* rates = (double*)malloc((size_t)reps * sizeof *rates);
  for (int rep = 0; rep < reps; rep++) {
    memset(counts, 0, names.count * sizeof *counts);
    const double start = peer_now();
    for (size_t t = 0; t < tickets.count; t++) {
      struct fact* f = EnvCreateFact(env, tmpl);
      DATA_OBJECT v;
      SetType(v, STRING);
      SetValue(v, EnvAddSymbol(env, tickets.items[t]));
      EnvPutFactSlot(env, f, "text", &v);
      EnvAssignFactSlotDefaults(env, f);
      void* asserted = EnvAssert(env, f);
      const char* cat = "none";
      DATA_OBJECT out;
      if (EnvRun(env, 1) == 1 && EnvGetDefglobalValue(env, "category", &out) &&
          GetType(out) == STRING) {
        cat = DOToString(out);
      }
      size_t k = 0;
      while (k < names.count && strcmp(names.items[k], cat)) k++;
      if (k == names.count) {
        peer_list_push(&names, strdup(cat), 0);
        counts = (size_t*)realloc(counts, names.count * sizeof *counts);
        counts[k] = 0;
      }
      counts[k]++;
      if (asserted) EnvRetract(env, asserted);
    }
    rates[rep] = (double)tickets.count / (peer_now() - start);
    if (rep == 0) {
      first_n = names.count;
      first = (size_t*)malloc(first_n * sizeof *first);
      memcpy(first, counts, first_n * sizeof *first);
    } else if (names.count != first_n || memcmp(first, counts, first_n * sizeof *first)) {
      peer_die(who, "repetitions counted differently");
    }
  }

  printf(
      "{\"engine\":\"clips\",\"tickets\":%zu,\"repetitions\":%d,\"tickets_per_s\":%.1f,"
      "\"load_s\":%.6f,\"counts\":{",
      tickets.count, reps, peer_median(rates, reps), load_s);
  for (size_t k = 0; k < names.count; k++) {
    if (k) putchar(',');
    peer_print_json_string(names.items[k]);
    printf(":%zu", counts[k]);
  }
  printf("}}\n");
  DestroyEnvironment(env);
  return 0;
}
