/* Host callbacks that call the library back — the contract of triage.h's CALLBACKS rules:
 * a router may use the roster it routes for, a classifier may diagnose through the same engine on
 * the same thread, and both the outer and the inner answers stay right. C99, as a host sees it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <triage.h>

#include "check.h"

static const char *const agents =
    "[{\"id\":\"c1\",\"group\":\"customer_service\"},"
    "{\"id\":\"c2\",\"group\":\"customer_service\",\"open_tickets\":4}]";
static const char *const address_ticket =
    "{\"id\":\"r1\",\"text\":\"请问怎么修改收货地址？\",\"created_at\":\"2026-11-20T10:00:00+08:00\"}";
static const char *const crash_ticket =
    "{\"id\":\"inner\",\"text\":\"APP一直闪退，订单号2026112012345678\","
    "\"created_at\":\"2026-11-20T11:00:00+08:00\"}";
static const char *const outer_ticket =
    "{\"id\":\"outer\",\"text\":\"快递三天没更新\",\"created_at\":\"2026-11-20T12:00:00+08:00\"}";

/* ---- a router that reads and writes the roster it is routing for ------------------------- */
struct roster_router {
  triage_roster *roster;
  int calls;
  int saw_agents;   /* triage_roster_json from inside the callback listed both agents */
  int wrote;        /* triage_roster_set_open_tickets from inside the callback succeeded */
  int set_tickets;  /* write c1's load from inside the callback (0 in the threaded test) */
};

static int pick_c2_after_reading_roster(void *user_data, const char *group, const char *const *ids,
                                        size_t count, const char *language, size_t *chosen) {
  struct roster_router *r = (struct roster_router *)user_data;
  char *json = NULL;
  (void)group;
  (void)language;
  ++r->calls;
  if (triage_roster_json(r->roster, &json, NULL) != TRIAGE_OK) return 1;
  r->saw_agents = contains(json, "\"id\":\"c1\"") && contains(json, "\"id\":\"c2\"");
  triage_string_free(json);
  if (r->set_tickets) r->wrote = triage_roster_set_open_tickets(r->roster, "c1", 10) == TRIAGE_OK;
  for (size_t i = 0; i < count; ++i) {
    if (strcmp(ids[i], "c2") == 0) {
      *chosen = i;
      return 0;
    }
  }
  return 1;
}

static void router_calls_the_roster(const triage_engine *e) {
  struct roster_router r = {NULL, 0, 0, 0, 1};
  CHECK(triage_roster_new(&r.roster) == TRIAGE_OK);
  CHECK(triage_roster_set_json(r.roster, agents, strlen(agents)) == TRIAGE_OK);
  CHECK(triage_roster_set_router(r.roster, "round_robin", pick_c2_after_reading_roster, &r) ==
        TRIAGE_OK);
  char *out = NULL;
  CHECK(triage_diagnose_json_routed(e, r.roster, address_ticket, strlen(address_ticket), &out,
                                    NULL) == TRIAGE_OK);
  CHECK(r.calls == 1);
  CHECK(r.saw_agents);
  CHECK(r.wrote);
  CHECK(contains(out, "\"agent\":\"c2\""));
  triage_string_free(out);
  /* Both the callback's write and the assignment are recorded. */
  CHECK(triage_roster_json(r.roster, &out, NULL) == TRIAGE_OK);
  CHECK(contains(out, "{\"id\":\"c1\",\"group\":\"customer_service\",\"skills\":[],\"languages\":[],"
                      "\"open_tickets\":10"));
  CHECK(contains(out, "{\"id\":\"c2\",\"group\":\"customer_service\",\"skills\":[],\"languages\":[],"
                      "\"open_tickets\":5"));
  triage_string_free(out);
  triage_roster_free(r.roster);
}

/* A router that removes the agent it is about to choose: the pick is dropped, not misrecorded. */
static int remove_then_pick(void *user_data, const char *group, const char *const *ids, size_t count,
                            const char *language, size_t *chosen) {
  triage_roster *roster = (triage_roster *)user_data;
  const char *only_c1 = "[{\"id\":\"c1\",\"group\":\"customer_service\"}]";
  (void)group;
  (void)language;
  (void)ids;
  (void)count;
  if (triage_roster_set_json(roster, only_c1, strlen(only_c1)) != TRIAGE_OK) return 1;
  *chosen = 1; /* c2, which is gone by now */
  return 0;
}

static void router_changes_the_roster_under_its_pick(const triage_engine *e) {
  triage_roster *roster = NULL;
  CHECK(triage_roster_new(&roster) == TRIAGE_OK);
  CHECK(triage_roster_set_json(roster, agents, strlen(agents)) == TRIAGE_OK);
  CHECK(triage_roster_set_router(roster, "round_robin", remove_then_pick, roster) == TRIAGE_OK);
  char *out = NULL;
  CHECK(triage_diagnose_json_routed(e, roster, address_ticket, strlen(address_ticket), &out, NULL) ==
        TRIAGE_OK);
  CHECK(out != NULL && !contains(out, "\"agent\""));
  triage_string_free(out);
  CHECK(triage_roster_json(roster, &out, NULL) == TRIAGE_OK);
  CHECK(contains(out, "\"open_tickets\":0") && !contains(out, "\"c2\""));
  triage_string_free(out);
  triage_roster_free(roster);
}

/* ---- a classifier that diagnoses another ticket through the same engine ------------------- */
struct nesting_classifier {
  const triage_engine *engine; /* set once the engine is built */
  int nest;                    /* diagnose crash_ticket from inside the callback */
  int status;                  /* what the nested call returned */
  char *inner;                 /* its output */
};

static int diagnose_inside(void *user_data, const char *ticket_json, size_t len, triage_scores *scores) {
  struct nesting_classifier *c = (struct nesting_classifier *)user_data;
  (void)len;
  if (c->nest && contains(ticket_json, "\"outer\"")) {
    c->status = triage_diagnose_json(c->engine, crash_ticket, strlen(crash_ticket), &c->inner, NULL);
  }
  /* After the nested call: these scores must land on the outer ticket. */
  return triage_scores_add(scores, "scenario", "membership", 9.0);
}

static triage_engine *engine_with(triage_classifier_fn fn, void *user_data) {
  triage_engine_builder *b = NULL;
  triage_engine *e = NULL;
  CHECK(triage_engine_builder_new(&b) == TRIAGE_OK);
  CHECK(triage_engine_builder_add_classifier(b, "host.nest", fn, user_data) == TRIAGE_OK);
  CHECK(triage_engine_builder_build(b, &e) == TRIAGE_OK);
  triage_engine_builder_free(b);
  return e;
}

static void classifier_diagnoses_on_the_same_engine(void) {
  struct nesting_classifier c = {NULL, 0, -1, NULL};
  triage_engine *e = engine_with(diagnose_inside, &c);
  c.engine = e;
  /* What each ticket gets when diagnosed alone. */
  char *alone_outer = NULL, *alone_inner = NULL;
  CHECK(triage_diagnose_json(e, outer_ticket, strlen(outer_ticket), &alone_outer, NULL) == TRIAGE_OK);
  CHECK(triage_diagnose_json(e, crash_ticket, strlen(crash_ticket), &alone_inner, NULL) == TRIAGE_OK);
  CHECK(contains(alone_inner, "\"system_failure\""));

  c.nest = 1;
  char *outer = NULL;
  CHECK(triage_diagnose_json(e, outer_ticket, strlen(outer_ticket), &outer, NULL) == TRIAGE_OK);
  CHECK(c.status == TRIAGE_OK);
  CHECK(outer && alone_outer && strcmp(outer, alone_outer) == 0);
  CHECK(c.inner && alone_inner && strcmp(c.inner, alone_inner) == 0);
  CHECK(contains(outer, "\"classifier\":\"host.nest\""));
  triage_string_free(outer);
  triage_string_free(c.inner);
  c.inner = NULL;

  /* The typed result and the caller-owned classification nest the same way. */
  triage_result *typed = NULL;
  CHECK(triage_classify_json(e, outer_ticket, strlen(outer_ticket), &typed) == TRIAGE_OK);
  CHECK(c.status == TRIAGE_OK && c.inner && strcmp(c.inner, alone_inner) == 0);
  triage_string_free(c.inner);
  c.inner = NULL;
  char *typed_json = NULL;
  CHECK(triage_result_json(typed, &typed_json, NULL) == TRIAGE_OK);
  CHECK(contains(typed_json, "\"classifier\":\"host.nest\""));
  triage_string_free(typed_json);
  triage_result_free(typed);

  triage_string_free(alone_outer);
  triage_string_free(alone_inner);
  triage_engine_free(e);
}

/* ---- nesting without end is an error, not a blown stack ---------------------------------- */
struct recursion {
  const triage_engine *engine;
  int calls;
  int deepest_status;
  int deepest_said_nested;
};

static int diagnose_forever(void *user_data, const char *ticket_json, size_t len, triage_scores *scores) {
  struct recursion *r = (struct recursion *)user_data;
  char *out = NULL;
  const int status = triage_diagnose_json(r->engine, ticket_json, len, &out, NULL);
  (void)scores;
  ++r->calls;
  if (status != TRIAGE_OK && r->deepest_status == TRIAGE_OK) {
    r->deepest_status = status; /* the first to fail is the deepest */
    r->deepest_said_nested = contains(triage_last_error_message(), "nested more than");
  }
  triage_string_free(out);
  return status == TRIAGE_OK ? 0 : 1;
}

static void endless_nesting_is_refused(void) {
  struct recursion r = {NULL, 0, TRIAGE_OK, 0};
  triage_engine *e = engine_with(diagnose_forever, &r);
  r.engine = e;
  char *out = NULL;
  CHECK(triage_diagnose_json(e, outer_ticket, strlen(outer_ticket), &out, NULL) == TRIAGE_ERR_CALLBACK);
  CHECK(out == NULL);
  CHECK(r.deepest_status == TRIAGE_ERR_CALLBACK);
  CHECK(r.deepest_said_nested);
  CHECK(r.calls == 16); /* one callback per level the library accepted */
  /* Every level was released: a plain call on this thread works again. */
  triage_engine *plain = NULL;
  CHECK(triage_engine_new_default(&plain) == TRIAGE_OK);
  CHECK(triage_diagnose_json(plain, outer_ticket, strlen(outer_ticket), &out, NULL) == TRIAGE_OK);
  triage_string_free(out);
  triage_engine_free(plain);
  triage_engine_free(e);
}

/* ---- the same on several threads at once (run under ThreadSanitizer by the tsan preset) --- */
struct shared_work {
  triage_engine *nesting_engine; /* its classifier diagnoses crash_ticket inside */
  const triage_engine *plain;
  triage_roster *roster;
  const char *expected_outer, *expected_inner, *expected_routed_prefix;
  int wrong;
};

static __thread char *thread_inner; /* each thread's nested output */

static int diagnose_inside_per_thread(void *user_data, const char *ticket_json, size_t len,
                                      triage_scores *scores) {
  const triage_engine *const *engine = (const triage_engine *const *)user_data;
  (void)len;
  if (contains(ticket_json, "\"outer\"")) {
    if (triage_diagnose_json(*engine, crash_ticket, strlen(crash_ticket), &thread_inner, NULL) !=
        TRIAGE_OK) {
      return 1;
    }
  }
  return triage_scores_add(scores, "scenario", "membership", 9.0);
}

static int read_roster_pick_first(void *user_data, const char *group, const char *const *ids,
                                  size_t count, const char *language, size_t *chosen) {
  triage_roster *roster = (triage_roster *)user_data;
  char *json = NULL;
  (void)group;
  (void)ids;
  (void)language;
  if (count == 0 || triage_roster_json(roster, &json, NULL) != TRIAGE_OK) return 1;
  triage_string_free(json);
  *chosen = 0;
  return 0;
}

enum { THREADS = 4, ROUNDS = 50 };

static void *reentrant_worker(void *arg) {
  struct shared_work *w = (struct shared_work *)arg;
  int wrong = 0;
  for (int i = 0; i < ROUNDS; ++i) {
    char *out = NULL;
    thread_inner = NULL;
    if (triage_diagnose_json(w->nesting_engine, outer_ticket, strlen(outer_ticket), &out, NULL) !=
            TRIAGE_OK ||
        strcmp(out, w->expected_outer) != 0 || !thread_inner ||
        strcmp(thread_inner, w->expected_inner) != 0) {
      ++wrong;
    }
    triage_string_free(out);
    triage_string_free(thread_inner);
    if (triage_diagnose_json_routed(w->plain, w->roster, address_ticket, strlen(address_ticket),
                                    &out, NULL) != TRIAGE_OK ||
        !contains(out, "\"agent\":\"c")) {
      ++wrong;
    }
    triage_string_free(out);
  }
  __atomic_add_fetch(&w->wrong, wrong, __ATOMIC_RELAXED);
  return NULL;
}

static void threads_reenter_at_once(const triage_engine *plain) {
  struct shared_work w;
  triage_engine *engine_slot = NULL;
  memset(&w, 0, sizeof w);
  w.nesting_engine = engine_with(diagnose_inside_per_thread, &engine_slot);
  engine_slot = w.nesting_engine;
  w.plain = plain;
  CHECK(triage_roster_new(&w.roster) == TRIAGE_OK);
  CHECK(triage_roster_set_json(w.roster, agents, strlen(agents)) == TRIAGE_OK);
  CHECK(triage_roster_set_open_tickets(w.roster, "c2", 0) == TRIAGE_OK);
  CHECK(triage_roster_set_router(w.roster, "round_robin", read_roster_pick_first, w.roster) ==
        TRIAGE_OK);

  char *expected_outer = NULL, *expected_inner = NULL;
  thread_inner = NULL;
  CHECK(triage_diagnose_json(w.nesting_engine, outer_ticket, strlen(outer_ticket), &expected_outer,
                             NULL) == TRIAGE_OK);
  triage_string_free(thread_inner);
  /* The nested diagnosis goes through the same engine: its classifier scores the inner ticket
   * too (without nesting again: the inner ticket is not "outer"). */
  CHECK(triage_diagnose_json(w.nesting_engine, crash_ticket, strlen(crash_ticket), &expected_inner,
                             NULL) == TRIAGE_OK);
  w.expected_outer = expected_outer;
  w.expected_inner = expected_inner;

  pthread_t tid[THREADS];
  for (int i = 0; i < THREADS; ++i) pthread_create(&tid[i], NULL, reentrant_worker, &w);
  for (int i = 0; i < THREADS; ++i) pthread_join(tid[i], NULL);
  CHECK(w.wrong == 0);

  /* Every routed call recorded exactly one assignment, though the routers ran unlocked. */
  char *json = NULL;
  CHECK(triage_roster_json(w.roster, &json, NULL) == TRIAGE_OK);
  char expected_load[64];
  snprintf(expected_load, sizeof expected_load, "\"open_tickets\":%d", THREADS * ROUNDS);
  CHECK(contains(json, expected_load)); /* the first eligible agent took every ticket */
  triage_string_free(json);

  triage_string_free(expected_outer);
  triage_string_free(expected_inner);
  triage_roster_free(w.roster);
  triage_engine_free(w.nesting_engine);
}

int main(void) {
  triage_engine *e = NULL;
  CHECK(triage_engine_new_default(&e) == TRIAGE_OK);
  router_calls_the_roster(e);
  router_changes_the_roster_under_its_pick(e);
  classifier_diagnoses_on_the_same_engine();
  endless_nesting_is_refused();
  threads_reenter_at_once(e);
  triage_engine_free(e);
  return check_report();
}
