// The diagnosis JSON has two writers: to_json (a Boost.JSON document, for C++ hosts that want a
// value) and the line writer behind every batch path (CLI, C ABI, Python, streams), which writes
// straight into a reused buffer. The JSON output is a contract, so the two must give the same
// bytes, whole and for every selection of keys, on every example ticket and on a diagnosis with
// every field filled with hostile text.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "base/json_util.hpp"
#include "counting_allocator.hpp"
#include "test_util.hpp"
#include "triage/batch.hpp"
#include "triage/linker.hpp"
#include "triage/router.hpp"

using namespace triage;
namespace json = boost::json;
namespace pt = boost::posix_time;

namespace {
// What a selected line was when it was read off the document: its keys picked from to_json.
std::string dom_jsonl(const Diagnosis& d, const Selection& sel) {
  json::object full = to_json(d);
  if (sel.keys.empty()) return detail::write_json(full);
  json::object picked;
  for (const auto& k : sel.keys) {
    if (auto* v = full.if_contains(k)) picked[k] = std::move(*v);
  }
  return detail::write_json(picked);
}

// A CSV/TSV cell read off the document: strings as they are, null or absent as nothing, a list
// of strings joined by ';', anything else as compact JSON.
std::string dom_cell(const json::value* v) {
  if (!v || v->is_null()) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_array()) {
    const auto& a = v->get_array();
    bool strings = true;
    for (const auto& x : a) strings = strings && x.is_string();
    if (strings) {
      std::string s;
      for (const auto& x : a) s += (s.empty() ? "" : ";") + std::string(x.get_string());
      return s;
    }
  }
  return detail::write_json(*v);
}

std::string quoted(const std::string& text, LineFormat f) {
  std::string out;
  if (f == LineFormat::csv) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    out += '"';
    for (char c : text) {
      if (c == '"') out += '"';
      out += c;
    }
    return out + '"';
  }
  for (char c : text) {
    if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\\')
      out += "\\\\";
    else
      out += c;
  }
  return out;
}

std::string dom_row(const Engine& engine, const Diagnosis& d, const Selection& sel) {
  const json::object full = to_json(d);
  const char sep = sel.format == LineFormat::csv ? ',' : '\t';
  std::string out;
  auto put = [&](const json::value* v) {
    out += quoted(dom_cell(v), sel.format);
    out += sep;
  };
  auto member = [](const json::value* v, const std::string& key) -> const json::value* {
    return v && v->is_object() ? v->get_object().if_contains(key) : nullptr;
  };
  for (const auto& k : sel.keys) {
    const json::value* v = full.if_contains(k);
    if (k == "labels") {
      for (const auto& dim : engine.pack().dimensions) {
        put(member(member(v, dim.id), "value"));
        put(member(member(v, dim.id), "confidence"));
      }
    } else if (k == "route") {
      for (const char* m : {"primary", "assisting", "group"}) put(member(v, m));
    } else if (k == "sla") {
      for (const char* m : {"first_response_due", "resolution_due"}) put(member(v, m));
    } else {
      put(v);
    }
  }
  return out;  // ends with the separator before the empty error column
}

std::vector<Selection> every_selection() {
  std::vector<Selection> out{Selection{}};
  std::string all, reversed;
  for (auto k : selectable_keys()) {
    out.push_back(*parse_selection(k));
    all += (all.empty() ? "" : ",") + std::string(k);
    reversed = std::string(k) + (reversed.empty() ? "" : ",") + reversed;
  }
  for (const std::string& keys : {std::string("labels,urgency,route"), all, reversed}) {
    out.push_back(*parse_selection(keys));
    out.push_back(*parse_selection(keys, "csv"));
    out.push_back(*parse_selection(keys, "tsv"));
  }
  return out;
}

std::string keys_of(const Selection& sel) {
  std::string s = sel.format == LineFormat::jsonl ? "jsonl"
                  : sel.format == LineFormat::csv ? "csv"
                                                  : "tsv";
  for (const auto& k : sel.keys) s += " " + k;
  return s;
}

// Every selection of the diagnosis, written both ways.
void expect_same_bytes(const Engine& engine, const Diagnosis& d, const std::string& what) {
  for (const Selection& sel : every_selection()) {
    std::string line;
    write_selected(engine, d, sel, line);
    const std::string expected =
        sel.format == LineFormat::jsonl ? dom_jsonl(d, sel) : dom_row(engine, d, sel);
    ASSERT_EQ(line, expected) << what << ", selection " << keys_of(sel);
  }
}

DiagnoseOptions fixed_now() {
  DiagnoseOptions o;
  o.now = test::at("2026-11-23T10:00:00+08:00");
  return o;
}
}  // namespace

TEST(DiagnosisJson, EveryExampleTicketIsWrittenAsItsDocument) {
  const Engine& engine = Engine::builtin();
  Evaluation ev;
  std::size_t tickets = 0;
  for (const char* file : {"tickets.jsonl", "labelled.jsonl", "history.jsonl"}) {
    // With a linker and a roster, so that related tickets and agents are written too.
    Linker linker;
    Roster roster;
    roster.set_agents(*agents_from_json(R"([{"id": "a\"1", "group": "tech_support"},
        {"id": "客服-2", "group": "customer_service"}, {"id": "f3", "group": "finance"}])"));
    DiagnoseOptions o = fixed_now();
    o.linker = &linker;
    o.roster = &roster;
    const auto lines = test::read_lines(std::string(TRIAGE_SOURCE_DIR "/examples/") + file);
    ASSERT_FALSE(lines.empty()) << file;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      auto t = parse_ticket(lines[i]);
      ASSERT_TRUE(t) << file << ":" << i + 1 << ": " << t.error().message;
      const Diagnosis d = engine.diagnose(*t, ev, o);
      expect_same_bytes(engine, d, std::string(file) + ":" + std::to_string(i + 1));
      linker.add(*t, d);
      ++tickets;
    }
  }
  EXPECT_GT(tickets, 300u);
}

TEST(DiagnosisJson, ADiagnosisWithEveryFieldFilledWithHostileTextIsWrittenAsItsDocument) {
  const Engine& engine = Engine::builtin();
  Linker linker;
  auto first = parse_ticket(
      R"({"id": "T-0", "text": "APP闪退, 第三次了, 电话 13900139000", "customer": {"id": "c"}})");
  ASSERT_TRUE(first);
  DiagnoseOptions o = fixed_now();
  linker.add(*first, engine.diagnose(*first, o));
  o.linker = &linker;
  auto t = parse_ticket(
      R"({"id": "T-1", "text": "APP一直闪退, 第三次了, 订单 2026111112340987, 电话 13900139000",
          "customer": {"id": "c", "tier": "vip"}, "created_at": "2026-11-21T23:59:59.25+08:00"})");
  ASSERT_TRUE(t);
  Diagnosis d = engine.diagnose(*t, o);
  ASSERT_TRUE(d.urgency && d.route && d.sla && d.sla->calendar && d.repeat_contact && d.related &&
              d.questions && d.knowledge && d.response && d.conclusion);
  ASSERT_FALSE(d.related->empty());

  // Every kind of character a string may hold, and the empty string.
  const std::vector<std::string> hostile = {"",
                                            std::string("nul\0inside", 10),
                                            "\"quoted\" \\ back\\slash /",
                                            "\b\f\n\r\t\x01\x1f\x7f",
                                            "工单 — é ✓ 😀 \u2028\u2029",
                                            "\xff\xfe not UTF-8",
                                            "</script><!--",
                                            "~1/~0 pointer"};
  std::size_t n = 0;
  auto next = [&] { return hostile[n++ % hostile.size()]; };
  // Numbers at the edges of what JSON and the shortest form can say.
  const std::vector<double> numbers = {0.0,
                                       -0.0,
                                       1.0,
                                       0.1 + 0.2,
                                       1e21,
                                       1e-7,
                                       5e-324,
                                       1.7976931348623157e308,
                                       -3.5,
                                       std::numeric_limits<double>::quiet_NaN(),
                                       std::numeric_limits<double>::infinity()};
  std::size_t m = 0;
  auto number = [&] { return numbers[m++ % numbers.size()]; };

  d.ticket_id = next();
  d.request_id = next();
  d.pack_name = next();
  d.pack_version = next();
  for (auto& l : d.labels) {
    l.value = next();
    l.confidence = number();
    l.evidence.push_back({next(), false, number(), {}});
    l.evidence.push_back({next(), true, number(), {{next(), 0, 4294967295u, next()}}});
    l.candidates.push_back({next(), number()});
  }
  d.labels.back().value.reset();
  d.labels.push_back({next(), std::nullopt, number(), {}, {}});  // a dimension from data
  d.tags = {next(), next(), ""};
  d.entities.push_back({next(), next(), {next(), 1, 2, next()}});
  d.language = next();
  d.urgency = next();
  d.route->primary = next();
  d.route->assisting = {next(), next()};
  d.route->coordinator = next();
  d.route->group = next();
  d.route->rule = next();
  d.route->router = next();
  d.route->agent = next();
  // A target on a calendar of its own in another zone, instants unset and at infinity, and each
  // kind of clock.
  CalendarSpec ny = CalendarSpec::standard("new_york");
  ny.time_zone = "America/New_York";
  auto other = Calendar::compile(ny);
  ASSERT_TRUE(other);
  auto& targets = d.sla->plan.targets;
  ASSERT_GE(targets.size(), 2u);
  targets[0].calendar = *other;
  targets[0].notify = next();
  targets[0].warn_at = pt::ptime(pt::not_a_date_time);
  targets[1].due = pt::ptime(pt::pos_infin);
  targets[1].duration.clock = Clock::working_days;
  targets[1].duration.days = -2;
  targets.push_back(targets[0]);
  targets.back().name = next();
  targets.back().duration.clock = Clock::business_day;
  targets.back().from_resolution = true;
  targets.back().due = pt::ptime(pt::not_a_date_time);
  d.sla->plan.calendar = next();
  d.repeat_contact->count = -7;
  d.repeat_contact->days_since.reset();
  d.repeat_contact->evidence.push_back({next(), 3, 5, next()});
  d.related->push_back(
      {next(), next(), next(), number(), {test::at("2026-01-01T00:00:00-03:30"), -210}});
  d.questions->push_back({next(), "", "", next()});
  d.questions->push_back({next(), next(), next(), next()});
  d.knowledge->push_back({next(), next(), number(), {next()}, next(), {}, next(), next()});
  d.response->text = next();
  d.response->id = next();
  d.conclusion->root_cause.reset();
  d.conclusion->known_issue = next();
  d.conclusion->long_term_action = next();
  d.conclusion->next_contact = pt::ptime(pt::not_a_date_time);
  d.conclusion->follow_up_visit = true;
  d.conclusion->missing = {next()};
  d.explain.push_back({next(), next(), next(), next()});
  expect_same_bytes(engine, d, "every field filled");

  // Without the calendar the SLA is not written, and the conclusion's instants are null.
  d.sla->calendar.reset();
  expect_same_bytes(engine, d, "an SLA without its calendar");

  // Nothing but the fields every diagnosis has, all empty.
  expect_same_bytes(engine, Diagnosis{}, "an empty diagnosis");
  Diagnosis empty_sections;
  empty_sections.urgency = "";
  empty_sections.related.emplace();
  empty_sections.questions.emplace();
  empty_sections.knowledge.emplace();
  empty_sections.repeat_contact.emplace();
  expect_same_bytes(engine, empty_sections, "empty sections");
}

namespace {
// Each line of `lines` answered by diagnose_stream as `select` says (null: the whole diagnosis).
std::vector<std::string> stream(const std::vector<std::string>& lines, const Selection* select) {
  std::size_t i = 0;
  std::string out;
  StreamOptions so;
  so.threads = 1;
  so.diagnose = fixed_now();
  so.select = select;
  const auto st = diagnose_stream(
      Engine::builtin(),
      [&](std::string& line) {
        if (i == lines.size()) return false;
        line = lines[i++];
        return true;
      },
      [&](std::string_view text) { out += text; }, so);
  EXPECT_FALSE(st.failure);
  std::vector<std::string> answers;
  for (std::size_t b = 0, e; (e = out.find('\n', b)) != std::string::npos; b = e + 1) {
    answers.push_back(out.substr(b, e - b));
  }
  return answers;
}
}  // namespace

TEST(DiagnosisJson, ASelectionSaysWhatTheWholeDiagnosisSaysForItsKeys) {
  // A batch that writes a selection builds only the parts it writes; what it writes must be what
  // the whole diagnosis says for those keys.
  std::vector<std::string> lines;
  for (const char* file : {"tickets.jsonl", "labelled.jsonl", "history.jsonl"}) {
    for (auto& l : test::read_lines(std::string(TRIAGE_SOURCE_DIR "/examples/") + file)) {
      lines.push_back(std::move(l));
    }
  }
  lines.emplace_back(R"({"text": "a bad line", "channel": "fax"})");
  // The whole diagnoses, numbered as the stream numbers them.
  const Engine& engine = Engine::builtin();
  RequestIdGenerator ids;
  DiagnoseOptions o = fixed_now();
  o.request_ids = &ids;
  Evaluation ev;
  std::vector<Diagnosis> whole;
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    auto t = parse_ticket(lines[i]);
    ASSERT_TRUE(t) << lines[i];
    whole.push_back(engine.diagnose(*t, ev, o));
  }
  const std::string bad_line = stream(lines, nullptr).back();
  for (const Selection& sel : every_selection()) {
    if (sel.keys.empty()) continue;
    const std::vector<std::string> picked = stream(lines, &sel);
    ASSERT_EQ(picked.size(), lines.size());
    for (std::size_t i = 0; i < whole.size(); ++i) {
      std::string expected;
      write_selected(engine, whole[i], sel, expected);
      ASSERT_EQ(picked[i], expected) << "line " << i + 1 << ", " << keys_of(sel);
    }
    if (sel.format == LineFormat::jsonl) {
      EXPECT_EQ(picked.back(), bad_line);
    }
  }
}

TEST(DiagnosisJson, AWarmBufferTakesALineWithoutAllocating) {
  const Engine& engine = Engine::builtin();
  auto t = parse_ticket(R"({"id": "a", "text": "APP一直闪退, 订单 2026111112340987",
                            "created_at": "2026-11-21T10:00:00+08:00"})");
  ASSERT_TRUE(t);
  const Diagnosis d = engine.diagnose(*t, fixed_now());
  for (const Selection& sel : every_selection()) {
    std::string out;
    write_selected(engine, d, sel, out);  // warms the buffer (and a csv row's cell)
    const std::size_t size = out.size();
    g_allocations = 0;
    g_counting = true;
    for (int i = 0; i < 3; ++i) {
      out.clear();
      write_selected(engine, d, sel, out);
    }
    g_counting = false;
    EXPECT_EQ(g_allocations.load(), 0) << keys_of(sel);
    EXPECT_EQ(out.size(), size);
  }
}

TEST(DiagnosisJson, AStringIsEscapedAsBoostWritesItWhereverTheByteFallsInAWord) {
  // The writer skips eight plain bytes at a time: each byte that needs escaping, and bytes
  // either side of the test's constants, at every offset of a word and near either end.
  const std::string plain = "订单abcdefghijklmnopq";
  for (const unsigned char c : {0x00, 0x01, 0x08, 0x0A, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C,
                                0x5D, 0x7F, 0x80, 0xA2, 0xDC, 0xFF}) {
    for (std::size_t at = 0; at <= plain.size(); ++at) {
      for (std::size_t len = at; len <= plain.size() + 1; len += 3) {
        std::string s = plain.substr(0, at) + static_cast<char>(c) + plain.substr(at);
        s.resize(len);
        std::string out = "x";
        detail::append_json_string(s, out);
        EXPECT_EQ(out, "x" + json::serialize(json::string(s)))
            << "byte " << int(c) << " at " << at << " of " << len;
      }
    }
  }
}

TEST(DiagnosisJson, ANumberIsWrittenAsToCharsWritesIt) {
  // The writer formats numbers given to three decimals itself: the same bytes as to_chars, for
  // every thousandth up to 3000 and either sign, and for numbers it leaves to to_chars.
  auto expect_same = [](double d) {
    char mine[32], theirs[32];
    const std::string a(mine, detail::shortest_double(mine, d));
    const std::string b(theirs, std::to_chars(theirs, theirs + sizeof theirs, d).ptr);
    ASSERT_EQ(a, b) << "for " << b;
  };
  for (std::int64_t k = 0; k <= 3'000'000; ++k) {
    expect_same(static_cast<double>(k) / 1000.0);
    expect_same(-static_cast<double>(k) / 1000.0);
  }
  for (const double d : {-0.0, 0.1 + 0.2, 1.0 / 3, 2.8168404523702355, 1e-4, 0.0005, 0.0015,
                         99999.999, 99999.9995, 1e5, 123456.0, 1e300, 5e-324, 4503599627370496.5}) {
    expect_same(d);
    expect_same(-d);
  }
  for (std::int64_t k = 0; k < 100'000'000; k += 9973) expect_same(static_cast<double>(k) / 1000);
}
