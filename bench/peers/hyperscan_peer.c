/* Hyperscan's runner for bench/peers: every keyword compiled as one caseless literal into a
 * block-mode database, scratch allocated once, each ticket text scanned once.
 *
 * usage: hyperscan_peer rules RULES.tsv TICKETS.jsonl REPETITIONS
 *          RULES.tsv: "index<TAB>category<TAB>keyword" lines (workload.py convert --to hyperscan);
 *          a ticket's category is that of the smallest rule index matched, else "none".
 *        hyperscan_peer keywords KEYWORDS.txt TICKETS.jsonl REPETITIONS
 *          one keyword per line (UTF-8; a leading or trailing '*' is dropped); counts the tickets
 *          with any match (the scan stops at the first).
 *
 * Prints {"engine":"hyperscan","tickets_per_s":...,"counts":{...},"tickets_with_hit":...};
 * building the database and reading the files are not timed.
 *
 * cc -O2 -std=c11 hyperscan_peer.c -lhs */
#define _POSIX_C_SOURCE 200809L
#include <hs/hs.h>

#include "peer_common.h"

typedef struct {
  unsigned min;
} first_ctx;

static int on_rule(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                   void* ctx) {
  (void)from, (void)to, (void)flags;
  first_ctx* c = (first_ctx*)ctx;
  if (id < c->min) c->min = id;
  return c->min == 0; /* nothing can beat rule 0 */
}

static int on_any(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                  void* ctx) {
  (void)id, (void)from, (void)to, (void)flags, (void)ctx;
  return 1; /* stop at the first match */
}

static const char* who = "hyperscan_peer";

int main(int argc, char** argv) {
  if (argc != 5 || (strcmp(argv[1], "rules") && strcmp(argv[1], "keywords"))) {
    fprintf(stderr,
            "usage: hyperscan_peer rules RULES.tsv TICKETS.jsonl REPETITIONS\n"
            "       hyperscan_peer keywords KEYWORDS.txt TICKETS.jsonl REPETITIONS\n");
    return 2;
  }
  const int by_rule = !strcmp(argv[1], "rules");
  const int reps = atoi(argv[4]);
  if (reps < 1) peer_die(who, "REPETITIONS must be at least 1");

  /* Keywords (and, by rule, each rule's category). */
  peer_list kws = {0}, cats = {0};
  unsigned* ids = NULL;
  unsigned rules = 0;
  {
    FILE* f = fopen(argv[2], "rb");
    if (!f) peer_die(who, "cannot open the keyword file");
    char* line = NULL;
    size_t cap = 0;
    ssize_t got;
    size_t ids_cap = 0;
    while ((got = getline(&line, &cap, f)) >= 0) {
      while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r')) line[--got] = 0;
      char* kw = line;
      unsigned id = (unsigned)kws.count;
      if (by_rule) {
        char* tab1 = strchr(line, '\t');
        char* tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        if (!tab2) peer_die(who, "a rules line is not index<TAB>category<TAB>keyword");
        *tab1 = *tab2 = 0;
        id = (unsigned)strtoul(line, NULL, 10);
        if (id + 1 > rules) rules = id + 1;
        while (cats.count < rules) peer_list_push(&cats, NULL, 0);
        if (!cats.items[id]) cats.items[id] = strdup(tab1 + 1);
        kw = tab2 + 1;
      }
      size_t len = strlen(kw);
      if (len && kw[0] == '*') kw++, len--;
      if (len && kw[len - 1] == '*') kw[--len] = 0;
      if (!len) continue;
      if (kws.count == ids_cap) {
        ids_cap = ids_cap ? ids_cap * 2 : 1024;
        ids = (unsigned*)realloc(ids, ids_cap * sizeof *ids);
        if (!ids) peer_die(who, "out of memory");
      }
      ids[kws.count] = id;
      peer_list_push(&kws, strdup(kw), len);
    }
    free(line);
    fclose(f);
  }
  if (!kws.count) peer_die(who, "no keywords");
  peer_list tickets = peer_read_tickets(argv[3], who);

  const double build_start = peer_now();
  unsigned* flags = (unsigned*)malloc(kws.count * sizeof *flags);
  for (size_t i = 0; i < kws.count; i++) flags[i] = HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH;
  hs_database_t* db = NULL;
  hs_compile_error_t* err = NULL;
  if (hs_compile_lit_multi((const char* const*)kws.items, flags, ids, kws.lens, (unsigned)kws.count,
                           HS_MODE_BLOCK, NULL, &db, &err) != HS_SUCCESS) {
    peer_die(who, err && err->message ? err->message : "hs_compile_lit_multi failed");
  }
  hs_scratch_t* scratch = NULL;
  if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) peer_die(who, "hs_alloc_scratch failed");
  const double load_s = peer_now() - build_start;

  const size_t slots = by_rule ? rules + 1 : 2; /* last slot: "none" */
  size_t* counts = (size_t*)calloc(slots, sizeof *counts);
  size_t* first = (size_t*)calloc(slots, sizeof *first);
  double* rates = (double*)malloc((size_t)reps * sizeof *rates);
  size_t with_hit = 0;
  for (int rep = 0; rep < reps; rep++) {
    memset(counts, 0, slots * sizeof *counts);
    with_hit = 0;
    const double start = peer_now();
    for (size_t t = 0; t < tickets.count; t++) {
      if (by_rule) {
        first_ctx c = {(unsigned)-1};
        hs_scan(db, tickets.items[t], (unsigned)tickets.lens[t], 0, scratch, on_rule, &c);
        counts[c.min == (unsigned)-1 ? rules : c.min]++;
        with_hit += c.min != (unsigned)-1;
      } else {
        const hs_error_t r =
            hs_scan(db, tickets.items[t], (unsigned)tickets.lens[t], 0, scratch, on_any, NULL);
        counts[r == HS_SCAN_TERMINATED ? 0 : 1]++;
        with_hit += r == HS_SCAN_TERMINATED;
      }
    }
    rates[rep] = (double)tickets.count / (peer_now() - start);
    if (rep == 0)
      memcpy(first, counts, slots * sizeof *counts);
    else if (memcmp(first, counts, slots * sizeof *counts)) {
      peer_die(who, "repetitions counted differently");
    }
  }

  printf(
      "{\"engine\":\"hyperscan\",\"tickets\":%zu,\"repetitions\":%d,\"tickets_per_s\":%.1f,"
      "\"load_s\":%.6f,\"keywords\":%zu,\"counts\":{",
      tickets.count, reps, peer_median(rates, reps), load_s, kws.count);
  if (by_rule) {
    /* Per category: several rules may share one. */
    peer_list names = {0};
    size_t* totals = (size_t*)calloc(rules + 1, sizeof *totals);
    for (size_t i = 0; i <= rules; i++) {
      const char* name = i == rules ? "none" : cats.items[i];
      if (!name || !counts[i]) continue;
      size_t k = 0;
      while (k < names.count && strcmp(names.items[k], name)) k++;
      if (k == names.count) peer_list_push(&names, (char*)name, 0);
      totals[k] += counts[i];
    }
    for (size_t k = 0; k < names.count; k++) {
      if (k) putchar(',');
      peer_print_json_string(names.items[k]);
      printf(":%zu", totals[k]);
    }
  } else {
    printf("\"hit\":%zu,\"none\":%zu", counts[0], counts[1]);
  }
  printf("},\"tickets_with_hit\":%zu}\n", with_hit);
  hs_free_scratch(scratch);
  hs_free_database(db);
  return 0;
}
