/* The C ABI as a C host sees it: compiled as C99 with -Wall -Wextra -pedantic -Werror. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <triage.h>

#include "check.h"

static void versions(void) {
  CHECK(strcmp(triage_version(), TRIAGE_VERSION_STRING) == 0);
  CHECK(triage_abi_version() == TRIAGE_ABI_VERSION);
  CHECK(strcmp(triage_status_name(TRIAGE_OK), "ok") == 0);
  CHECK(strcmp(triage_status_name(TRIAGE_ERR_FIELD_VALUE), "field_value") == 0);
  CHECK(strcmp(triage_status_name(TRIAGE_ERR_OUT_OF_MEMORY), "out_of_memory") == 0);
  CHECK(strcmp(triage_status_name(12345), "unknown") == 0);
  CHECK(triage_last_error_message() != NULL);
}

static void diagnose(const triage_engine *e) {
  const char *t = "{\"id\":\"c1\",\"channel\":\"app\",\"text\":\"APP一直闪退，订单号2026112012345678\"}";
  char *out = NULL;
  size_t len = 0;
  CHECK(triage_diagnose_json(e, t, strlen(t), &out, &len) == TRIAGE_OK);
  CHECK(out != NULL && strlen(out) == len);
  CHECK(contains(out, "\"ticket_id\":\"c1\""));
  CHECK(contains(out, "\"system_failure\""));
  CHECK(contains(out, "\"urgency\":\"high\""));
  triage_string_free(out);

  /* A bad ticket: a status, a message that names the field, nothing allocated. */
  const char *bad = "{\"text\":\"x\",\"customer\":{\"tier\":\"gold\"}}";
  out = NULL;
  CHECK(triage_diagnose_json(e, bad, strlen(bad), &out, &len) == TRIAGE_ERR_FIELD_VALUE);
  CHECK(out == NULL);
  CHECK(contains(triage_last_error_message(), "/customer/tier"));

  const char invalid_utf8[] = "{\"text\":\"\xff\xfe\"}";
  CHECK(triage_diagnose_json(e, invalid_utf8, sizeof invalid_utf8 - 1, &out, &len) == TRIAGE_ERR_JSON_SYNTAX);
  CHECK(triage_diagnose_json(e, "{", 1, &out, &len) == TRIAGE_ERR_JSON_SYNTAX);
  /* NULL pointers are errors, never crashes. */
  CHECK(triage_diagnose_json(NULL, t, strlen(t), &out, &len) == TRIAGE_ERR_INVALID_ARGUMENT);
  CHECK(triage_diagnose_json(e, NULL, 3, &out, &len) == TRIAGE_ERR_INVALID_ARGUMENT);
  CHECK(triage_diagnose_json(e, t, strlen(t), NULL, &len) == TRIAGE_ERR_INVALID_ARGUMENT);
  CHECK(contains(triage_last_error_message(), "out_json"));
  CHECK(triage_engine_new_default(NULL) == TRIAGE_ERR_INVALID_ARGUMENT);
  triage_engine_free(NULL);
  triage_string_free(NULL);
}

static void batch(const triage_engine *e) {
  const char *lines = "{\"id\":\"a\",\"text\":\"闪退\"}\n\nnot json\n{\"id\":\"b\",\"text\":\"refund please\"}\r\n";
  char *out = NULL;
  size_t len = 0;
  CHECK(triage_diagnose_jsonl(e, lines, strlen(lines), &out, &len) == TRIAGE_OK);
  int newlines = 0;
  for (size_t i = 0; i < len; ++i) newlines += out[i] == '\n';
  CHECK(newlines == 3); /* one per non-blank input line */
  CHECK(contains(out, "{\"line\":3,\"error\":{\"code\":\"json_syntax\""));
  CHECK(strstr(out, "\"ticket_id\":\"a\"") < strstr(out, "\"ticket_id\":\"b\""));
  triage_string_free(out);
  CHECK(triage_diagnose_jsonl(e, "", 0, &out, &len) == TRIAGE_OK && len == 0);
  triage_string_free(out);

  /* Threads share the engine; the output does not depend on how many. */
  char *one = NULL, *four = NULL;
  CHECK(triage_diagnose_jsonl_threads(e, lines, strlen(lines), 1, &one, NULL) == TRIAGE_OK);
  CHECK(triage_diagnose_jsonl_threads(e, lines, strlen(lines), 4, &four, NULL) == TRIAGE_OK);
  CHECK(one && four && strcmp(one, four) == 0);
  triage_string_free(one);
  triage_string_free(four);
}

static void typed(const triage_engine *e) {
  const char *text = "I was charged twice for the same order, please refund me";
  triage_result *r = NULL;
  CHECK(triage_classify_text(e, text, strlen(text), &r) == TRIAGE_OK);
  /* problem_type, request_kind, scenario, demand, emotion, urgency_estimate, department,
     repeat_estimate */
  CHECK(triage_result_label_count(r) == 8);
  const char *dim = NULL, *value = NULL;
  double confidence = -1;
  CHECK(triage_result_label(r, 2, &dim, &value, &confidence) == TRIAGE_OK);
  CHECK(strcmp(dim, "scenario") == 0 && value && strcmp(value, "payment_refund") == 0);
  CHECK(confidence > 0.3 && confidence <= 1.0);
  CHECK(triage_result_label(r, 9, &dim, &value, &confidence) == TRIAGE_ERR_NOT_FOUND);
  CHECK(strcmp(triage_result_primary(r), "finance") == 0);
  CHECK(triage_result_urgency(r) != NULL);
  CHECK(triage_result_group(r) != NULL);
  CHECK(contains(triage_result_request_id(r), "-OTH-"));
  char *json = NULL;
  CHECK(triage_result_json(r, &json, NULL) == TRIAGE_OK && contains(json, "\"primary\":\"finance\""));
  triage_string_free(json);
  triage_result_free(r);
  CHECK(triage_classify_text(e, "\xc3", 1, &r) == TRIAGE_ERR_INVALID_ARGUMENT);
  triage_result_free(NULL);
  CHECK(triage_result_urgency(NULL) == NULL);
}

/* Classification alone into one reused result, as a C host's hot loop would call it. */
static void classification(const triage_engine *e) {
  const char *texts[] = {"I was charged twice for the same order, please refund me", "APP一直闪退"};
  const char *values[8];
  double confidences[8];
  triage_classification *c = NULL;
  size_t i;
  CHECK(triage_classification_new(&c) == TRIAGE_OK);
  CHECK(triage_classification_label_count(c) == 0 && triage_classification_primary(c) == NULL);
  for (i = 0; i < 2; ++i) {
    CHECK(triage_classify_text_into(e, texts[i], strlen(texts[i]), c) == TRIAGE_OK);
    CHECK(triage_classification_values(c, values, confidences, 8) == 8);
    CHECK(triage_classification_urgency(c) != NULL && triage_classification_group(c) != NULL);
  }
  CHECK(strcmp(values[0], "system_failure") == 0 && confidences[0] > 0.3);
  CHECK(strcmp(triage_classification_primary(c), "engineering") == 0);
  CHECK(triage_classify_text_into(e, texts[0], strlen(texts[0]), c) == TRIAGE_OK);
  CHECK(strcmp(triage_classification_primary(c), "finance") == 0);
  CHECK(triage_classify_json_into(e, "{", 1, c) == TRIAGE_ERR_JSON_SYNTAX);
  CHECK(triage_classification_label_count(c) == 0);
  triage_classification_free(c);
  triage_classification_free(NULL);
}

/* Batches that write only the selected keys, and CSV with a header row. */
static void batch_select(const triage_engine *e) {
  const char *in = "{\"id\":\"a\",\"text\":\"APP一直闪退\"}\n";
  char *out = NULL;
  size_t len = 0;
  CHECK(triage_diagnose_batch(e, in, strlen(in), 1, "urgency,route", NULL, &out, &len) == TRIAGE_OK);
  CHECK(out != NULL && strncmp(out, "{\"urgency\":\"high\",\"route\":{", 27) == 0);
  CHECK(!contains(out, "\"labels\"") && strlen(out) == len);
  triage_string_free(out);
  CHECK(triage_diagnose_batch(e, in, strlen(in), 1, "ticket_id,urgency", "csv", &out, NULL) ==
        TRIAGE_OK);
  CHECK(out != NULL && strcmp(out, "ticket_id,urgency,error\na,high,\n") == 0);
  triage_string_free(out);
  out = NULL;
  CHECK(triage_diagnose_batch(e, in, strlen(in), 1, "labels,nope", NULL, &out, NULL) ==
        TRIAGE_ERR_INVALID_ARGUMENT);
  CHECK(out == NULL && contains(triage_last_error_message(), "\"nope\" is not a key"));
  CHECK(strcmp(triage_last_error_where(), "select") == 0);
}

/* A host's sink for streamed batches: it keeps what it is given, and refuses after `limit`
 * calls when `limit` is positive, and every call when it is negative. */
struct sink {
  char text[65536];
  size_t len;
  int calls;
  int limit;
};

static int collect(void *user_data, const char *data, size_t len) {
  struct sink *s = (struct sink *)user_data;
  if ((s->limit > 0 && s->calls == s->limit) || s->limit < 0) return 7;
  ++s->calls;
  CHECK(len > 0 && data[len - 1] == '\n'); /* whole lines only */
  if (s->len + len < sizeof s->text) {
    memcpy(s->text + s->len, data, len);
    s->len += len;
    s->text[s->len] = '\0';
  }
  return 0;
}

/* Batches streamed to the host write exactly what the one-string batch returns. */
static void batch_stream(const triage_engine *e) {
  const char *in = "{\"id\":\"a\",\"text\":\"APP一直闪退\"}\nnot json\n\n{\"id\":\"c\",\"text\":\"refund\"}\n";
  static struct sink s;
  static char many[300 * 24];
  size_t at = 0;
  unsigned threads;
  int i;
  for (threads = 1; threads <= 2; ++threads) {
    char *whole = NULL;
    memset(&s, 0, sizeof s);
    CHECK(triage_diagnose_batch(e, in, strlen(in), threads, "urgency,route", "csv", &whole, NULL) == TRIAGE_OK);
    CHECK(triage_diagnose_batch_stream(e, in, strlen(in), threads, "urgency,route", "csv", collect, &s) == TRIAGE_OK);
    CHECK(whole != NULL && strcmp(s.text, whole) == 0);
    triage_string_free(whole);
  }
  memset(&s, 0, sizeof s);
  CHECK(triage_diagnose_batch_stream(e, in, strlen(in), 1, NULL, NULL, collect, &s) == TRIAGE_OK);
  CHECK(contains(s.text, "\"ticket_id\":\"a\"") && contains(s.text, "json_syntax") && contains(s.text, "\"ticket_id\":\"c\""));
  /* A sink that refuses stops the batch: CALLBACK, naming the lines; what came before is whole.
   * 300 lines are two chunks: the first is written, the second refused. */
  for (i = 0; i < 300; ++i) at += (size_t)sprintf(many + at, "{\"text\":\"t%03d\"}\n", i);
  memset(&s, 0, sizeof s);
  s.limit = 1;
  CHECK(triage_diagnose_batch_stream(e, many, at, 1, "ticket_id", NULL, collect, &s) == TRIAGE_ERR_CALLBACK);
  CHECK(s.calls == 1 && s.len > 0);
  CHECK(contains(triage_last_error_message(), "lines 257-300") && contains(triage_last_error_message(), "returned 7"));
  /* A sink that refuses the header row of csv gets no lines at all. */
  memset(&s, 0, sizeof s);
  s.limit = -1;
  CHECK(triage_diagnose_batch_stream(e, in, strlen(in), 1, "urgency", "csv", collect, &s) == TRIAGE_ERR_CALLBACK);
  CHECK(s.calls == 0 && s.len == 0);
  CHECK(contains(triage_last_error_message(), "writing the header row") && contains(triage_last_error_message(), "returned 7"));
  CHECK(triage_diagnose_batch_stream(e, in, strlen(in), 1, NULL, NULL, NULL, NULL) == TRIAGE_ERR_INVALID_ARGUMENT);
  CHECK(contains(triage_last_error_message(), "write: must not be NULL"));
  CHECK(triage_diagnose_batch_stream(e, in, strlen(in), 1, "nope", NULL, collect, &s) == TRIAGE_ERR_INVALID_ARGUMENT);
}

static int boost_payment(void *user_data, const char *ticket_json, size_t len, triage_scores *scores) {
  int *calls = (int *)user_data;
  ++*calls;
  (void)len;
  if (strstr(ticket_json, "fail-please")) return 1;
  return triage_scores_add(scores, "scenario", "membership", 9.0);
}

static void host_classifier(void) {
  int calls = 0;
  triage_engine_builder *b = NULL;
  CHECK(triage_engine_builder_new(&b) == TRIAGE_OK);
  CHECK(triage_engine_builder_add_classifier(b, "host.points", boost_payment, &calls) == TRIAGE_OK);
  triage_engine *e = NULL;
  CHECK(triage_engine_builder_build(b, &e) == TRIAGE_OK);
  triage_engine_builder_free(b);
  const char *t = "{\"text\":\"hello\"}";
  char *out = NULL;
  CHECK(triage_diagnose_json(e, t, strlen(t), &out, NULL) == TRIAGE_OK);
  CHECK(contains(out, "\"classifier\":\"host.points\""));
  CHECK(contains(out, "\"value\":\"membership\""));
  CHECK(calls == 1);
  triage_string_free(out);
  const char *f = "{\"text\":\"fail-please\"}";
  CHECK(triage_diagnose_json(e, f, strlen(f), &out, NULL) == TRIAGE_ERR_CALLBACK);
  CHECK(contains(triage_last_error_message(), "host.points"));
  triage_engine_free(e);
}

static int pick_last(void *user_data, const char *group, const char *const *ids, size_t count,
                     const char *language, size_t *chosen) {
  (void)user_data;
  (void)group;
  (void)ids;
  (void)language;
  *chosen = count - 1;
  return 0;
}

static void routing(const triage_engine *e) {
  triage_roster *r = NULL;
  CHECK(triage_roster_new(&r) == TRIAGE_OK);
  const char *agents =
      "[{\"id\":\"c1\",\"group\":\"customer_service\"},{\"id\":\"c2\",\"group\":\"customer_service\","
      "\"languages\":[\"zh-Hans\"],\"open_tickets\":4}]";
  CHECK(triage_roster_set_json(r, agents, strlen(agents)) == TRIAGE_OK);
  CHECK(triage_roster_set_json(r, "[{\"id\":1}]", 10) == TRIAGE_ERR_FIELD_MISSING);
  const char *t = "{\"text\":\"请问怎么修改收货地址？\"}";
  char *out = NULL;
  CHECK(triage_diagnose_json_routed(e, r, t, strlen(t), &out, NULL) == TRIAGE_OK);
  CHECK(contains(out, "\"agent\":\"c1\""));
  triage_string_free(out);
  CHECK(triage_roster_set_router(r, "round_robin", pick_last, NULL) == TRIAGE_OK);
  CHECK(triage_diagnose_json_routed(e, r, t, strlen(t), &out, NULL) == TRIAGE_OK);
  CHECK(contains(out, "\"agent\":\"c2\""));
  triage_string_free(out);
  CHECK(triage_roster_set_available(r, "nobody", 0) == TRIAGE_ERR_NOT_FOUND);
  CHECK(triage_roster_set_open_tickets(r, "c1", 7) == TRIAGE_OK);
  CHECK(triage_roster_json(r, &out, NULL) == TRIAGE_OK && contains(out, "\"open_tickets\":7"));
  triage_string_free(out);
  triage_roster_free(r);
}

static void lifecycle(const triage_engine *e) {
  const char *t = "{\"text\":\"APP一直闪退\",\"created_at\":\"2026-11-20T10:00:00+08:00\"}";
  const char *events = "[{\"at\":\"2026-11-20T10:20:00+08:00\",\"type\":\"responded\"}]";
  char *out = NULL;
  CHECK(triage_sla_status_json(e, t, strlen(t), events, strlen(events), "2026-11-20T12:00:00+08:00",
                               &out, NULL) == TRIAGE_OK);
  CHECK(contains(out, "{\"name\":\"first_response\",\"state\":\"met\""));
  triage_string_free(out);
  CHECK(triage_sla_status_json(e, t, strlen(t), "[{}]", 4, NULL, &out, NULL) == TRIAGE_ERR_FIELD_MISSING);
  CHECK(contains(triage_last_error_message(), "/events/0"));

  char *state = NULL;
  CHECK(triage_workflow_next(e, "resolved", "close", "{\"customer_confirmed\":true}", &state) == TRIAGE_OK);
  CHECK(state && strcmp(state, "closed") == 0);
  triage_string_free(state);
  CHECK(triage_workflow_next(e, "resolved", "close", NULL, &state) == TRIAGE_ERR_TRANSITION_REFUSED);
  CHECK(contains(triage_last_error_message(), "customer_confirmed"));
  CHECK(triage_workflow_next(e, "new", "close", NULL, &state) == TRIAGE_ERR_TRANSITION_UNKNOWN);
  CHECK(triage_workflow_dot(e, &out, NULL) == TRIAGE_OK && contains(out, "digraph"));
  triage_string_free(out);
}

static void holder(void) {
  triage_engine *e = NULL;
  CHECK(triage_engine_new_default(&e) == TRIAGE_OK);
  triage_holder *h = NULL;
  CHECK(triage_holder_new(e, &h) == TRIAGE_OK);
  triage_engine_free(e); /* the holder keeps its own reference */
  const char *broken = "{\"schema\":1,\"name\":\"x\",\"version\":\"1\",\"dimensions\":[]}";
  CHECK(triage_holder_swap_json(h, broken, strlen(broken)) == TRIAGE_ERR_PACK_INVALID);
  triage_engine *cur = NULL;
  CHECK(triage_holder_acquire(h, &cur) == TRIAGE_OK);
  CHECK(contains(triage_engine_pack(cur), "default")); /* the failed swap left it alone */
  triage_engine_free(cur);
  const char *tiny = "{\"schema\":1,\"name\":\"tiny\",\"version\":\"2\",\"dimensions\":[{\"id\":\"d\",\"values\":[\"a\"]}]}";
  CHECK(triage_holder_swap_json(h, tiny, strlen(tiny)) == TRIAGE_OK);
  CHECK(triage_holder_acquire(h, &cur) == TRIAGE_OK);
  CHECK(strcmp(triage_engine_pack(cur), "tiny 2") == 0);
  triage_engine_free(cur);
  triage_holder_free(h);
}

static void packs(void) {
  triage_engine *e = NULL;
  CHECK(triage_engine_new_from_file("/nonexistent/pack.json", &e) == TRIAGE_ERR_IO);
  CHECK(contains(triage_last_error_message(), "/nonexistent/pack.json"));
  const char *bad = "{\"schema\":1,\"name\":\"x\",\"version\":\"1\",\n\"dimensions\":[{\"id\":\"d\",\"values\":[\"a\"],\"fallback\":\"b\"}]}";
  CHECK(triage_engine_new_from_json(bad, strlen(bad), &e) == TRIAGE_ERR_PACK_UNKNOWN_REFERENCE);
  CHECK(contains(triage_last_error_message(), "/dimensions/0/fallback"));
  CHECK(contains(triage_last_error_message(), "line 2"));
  CHECK(e == NULL);
}

struct work {
  const triage_engine *engine;
  int mismatches;
  const char *expected;
};

static void *worker(void *arg) {
  struct work *w = (struct work *)arg;
  const char *t = "{\"id\":\"t\",\"text\":\"快递三天没更新\",\"created_at\":\"2026-11-20T10:00:00+08:00\"}";
  for (int i = 0; i < 200; ++i) {
    char *out = NULL;
    if (triage_diagnose_json(w->engine, t, strlen(t), &out, NULL) != TRIAGE_OK || strcmp(out, w->expected) != 0) {
      ++w->mismatches;
    }
    triage_string_free(out);
  }
  return NULL;
}

static void threads(const triage_engine *e) {
  const char *t = "{\"id\":\"t\",\"text\":\"快递三天没更新\",\"created_at\":\"2026-11-20T10:00:00+08:00\"}";
  char *expected = NULL;
  CHECK(triage_diagnose_json(e, t, strlen(t), &expected, NULL) == TRIAGE_OK);
  pthread_t tid[4];
  struct work w[4];
  for (int i = 0; i < 4; ++i) {
    w[i].engine = e;
    w[i].mismatches = 0;
    w[i].expected = expected;
    pthread_create(&tid[i], NULL, worker, &w[i]);
  }
  for (int i = 0; i < 4; ++i) {
    pthread_join(tid[i], NULL);
    CHECK(w[i].mismatches == 0);
  }
  triage_string_free(expected);
}

/* The water heater reported in the app, then by phone: one case. */
static void linker(const triage_engine *e) {
  triage_linker *l = NULL;
  char *out = NULL;
  size_t len = 0, tickets = 0, bytes = 0;
  int found = -1;
  CHECK(triage_linker_new(-1, 0, &l) == TRIAGE_ERR_INVALID_ARGUMENT && l == NULL);
  CHECK(triage_linker_new(0, 0, &l) == TRIAGE_OK && l != NULL);
  const char *chat = "{\"id\":\"APP-1\",\"channel\":\"app\",\"created_at\":\"2026-11-20T09:12:00+08:00\","
                     "\"customer\":{\"id\":\"C1\",\"phone\":\"138 0013 8000\"},\"text\":\"热水器不加热\"}";
  const char *call = "{\"id\":\"TEL-7\",\"channel\":\"phone\",\"created_at\":\"2026-11-20T15:40:00+08:00\","
                     "\"customer\":{\"phone\":\"+86 13800138000\"},\"text\":\"你们的客服永远没人回复\"}";
  CHECK(triage_diagnose_json_linked(e, l, chat, strlen(chat), &out, &len) == TRIAGE_OK);
  CHECK(contains(out, "\"related\":[]"));
  triage_string_free(out);
  CHECK(triage_diagnose_json_linked(e, l, call, strlen(call), &out, &len) == TRIAGE_OK);
  CHECK(contains(out, "\"ticket_id\":\"APP-1\",\"channel\":\"app\",\"reason\":\"phone\""));
  triage_string_free(out);
  CHECK(triage_linker_stats(l, &tickets, &bytes) == TRIAGE_OK && tickets == 2 && bytes > 0);
  CHECK(triage_linker_close(l, "APP-1", 5, &found) == TRIAGE_OK && found == 1);
  CHECK(triage_linker_close(l, "nope", 4, &found) == TRIAGE_OK && found == 0);
  out = NULL;
  CHECK(triage_diagnose_json_linked(e, l, "{\"text\": 5}", 11, &out, &len) == TRIAGE_ERR_FIELD_TYPE);
  CHECK(out == NULL);
  CHECK(triage_diagnose_json_linked(e, NULL, call, strlen(call), &out, &len) == TRIAGE_ERR_INVALID_ARGUMENT);
  triage_linker_free(l);
  triage_linker_free(NULL);
}

/* Since 0.2: the version as a number, the pack's name and version, the limits. */
static void introspection(const triage_engine *e) {
  CHECK(triage_version_number() == TRIAGE_VERSION_NUMBER);
  CHECK(triage_version_number() >= 200);
  CHECK(strcmp(triage_engine_pack_name(e), "default") == 0);
  CHECK(strncmp(triage_engine_pack_version(e), "1.", 2) == 0);
  CHECK(strcmp(triage_engine_pack_name(NULL), "") == 0);
  CHECK(strcmp(triage_engine_pack_version(NULL), "") == 0);
  CHECK(triage_limit(TRIAGE_LIMIT_TICKET_BYTES) == 8u << 20);
  CHECK(triage_limit(TRIAGE_LIMIT_TEXT_BYTES) == 1u << 20);
  CHECK(triage_limit(TRIAGE_LIMIT_STRING_BYTES) == 4096);
  CHECK(triage_limit(TRIAGE_LIMIT_JSON_DEPTH) == 64);
  CHECK(triage_limit(TRIAGE_LIMIT_PACK_BYTES) == 64u << 20);
  CHECK(triage_limit(TRIAGE_LIMIT_CONDITION_DEPTH) == 32);
  CHECK(triage_limit(0) == 0 && triage_limit(12345) == 0);
  {
    /* The limit is the one enforced: a ticket one byte over it is refused, one at it is not. */
    const size_t limit = triage_limit(TRIAGE_LIMIT_STRING_BYTES);
    char ticket[4200];
    char *out = NULL;
    size_t len = 0;
    const char *head = "{\"text\": \"x\", \"order_id\": \"";
    size_t n = strlen(head);
    memcpy(ticket, head, n);
    memset(ticket + n, '1', limit + 1);
    memcpy(ticket + n + limit + 1, "\"}", 3);
    CHECK(triage_diagnose_json(e, ticket, strlen(ticket), &out, &len) == TRIAGE_ERR_TEXT_TOO_LARGE);
    CHECK(contains(triage_last_error_where(), "/order_id"));
    memcpy(ticket + n + limit, "\"}", 3);
    CHECK(triage_diagnose_json(e, ticket, strlen(ticket), &out, &len) == TRIAGE_OK);
    triage_string_free(out);
  }
}

int main(void) {
  triage_engine *e = NULL;
  versions();
  CHECK(triage_engine_new_default(&e) == TRIAGE_OK);
  CHECK(contains(triage_engine_pack(e), "default 1."));
  introspection(e);
  diagnose(e);
  batch(e);
  typed(e);
  classification(e);
  batch_select(e);
  batch_stream(e);
  host_classifier();
  routing(e);
  lifecycle(e);
  holder();
  packs();
  threads(e);
  linker(e);
  triage_engine_free(e);
  return check_report();
}
