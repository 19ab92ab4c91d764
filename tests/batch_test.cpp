// One line in, one line out; and streams that survive their hosts: callbacks that throw,
// allocations that fail, lines far past the limit.
#include "triage/batch.hpp"

#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <boost/json.hpp>

#include "triage/linker.hpp"

using namespace triage;

TEST(Batch, AGoodLineBecomesItsDiagnosis) {
  Evaluation ev;
  auto r = diagnose_line(Engine::builtin(), R"({"id": "a", "text": "APP闪退"})", 1, ev);
  EXPECT_FALSE(r.error);
  auto v = boost::json::parse(r.json);
  EXPECT_EQ(v.at("ticket_id"), "a");
  EXPECT_TRUE(v.at("labels").is_object());
  EXPECT_EQ(r.json.find('\n'), std::string::npos);  // one line per ticket
}

TEST(Batch, ABadLineBecomesAnErrorObjectNamingItsLine) {
  Evaluation ev;
  auto r = diagnose_line(Engine::builtin(), R"({"text": "x", "channel": "fax"})", 7, ev);
  ASSERT_TRUE(r.error);
  auto v = boost::json::parse(r.json);
  EXPECT_EQ(v.at("line"), 7);
  EXPECT_EQ(v.at("error").at("code"), "field_value");
  EXPECT_EQ(v.at("error").at("where"), "/channel");
}

TEST(Batch, NumbersAreWrittenAsPeopleReadThem) {
  Evaluation ev;
  auto r = diagnose_line(Engine::builtin(), R"({"text": "APP一直闪退"})", 1, ev);
  EXPECT_EQ(r.json.find("E-"), std::string::npos) << r.json;
  EXPECT_EQ(r.json.find("E0"), std::string::npos) << r.json;
}

TEST(Batch, EveryCharacterOfATicketComesBackAsBoostJsonWouldEscapeIt) {
  // The line writer escapes strings itself (no DOM copy, no string per value): each control
  // character, quote and backslash, and UTF-8 as it is, exactly as boost::json::serialize does.
  std::string id;
  for (int c = 1; c < 0x80; ++c) id += static_cast<char>(c);
  id += "工单 — \u00e9 \\ \"";
  const std::string line =
      R"({"id": )" + boost::json::serialize(boost::json::value(id)) + R"(, "text": "APP一直闪退"})";
  Evaluation ev;
  auto r = diagnose_line(Engine::builtin(), line, 1, ev);
  ASSERT_FALSE(r.error) << r.json;
  EXPECT_EQ(boost::json::parse(r.json).at("ticket_id"), id.c_str());
  EXPECT_NE(r.json.find(boost::json::serialize(boost::json::value(id))), std::string::npos);
}

TEST(Batch, BlankLines) {
  EXPECT_TRUE(is_blank(""));
  EXPECT_TRUE(is_blank(" \t\r"));
  EXPECT_FALSE(is_blank(" {}"));
}

// ---- streams that survive their hosts: throwing callbacks, failed allocations, huge lines ----

// This program's allocator: it can be told to fail the Nth allocation from now (on whichever
// thread makes it), and it keeps the peak of the bytes in use.
namespace {
std::atomic<long> g_fail_in{0};  // > 0: the allocation that brings it to 0 fails
std::atomic<long> g_in_use{0}, g_peak{0};

void* allocate(std::size_t n) noexcept {
  if (g_fail_in.load(std::memory_order_relaxed) > 0 && g_fail_in.fetch_sub(1) == 1) return nullptr;
  void* p = std::malloc(n ? n : 1);
  if (p) {
    const long now = g_in_use.fetch_add(static_cast<long>(malloc_usable_size(p))) +
                     static_cast<long>(malloc_usable_size(p));
    long peak = g_peak.load(std::memory_order_relaxed);
    while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
    }
  }
  return p;
}
void release(void* p) noexcept {
  if (p) g_in_use.fetch_sub(static_cast<long>(malloc_usable_size(p)));
  std::free(p);
}
}  // namespace
void* operator new(std::size_t n) {
  if (void* p = allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return allocate(n);
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept {
  return operator new(n, t);
}
// Out of line: inlined, GCC 12 at -O2 sees free() on memory from operator new and warns.
__attribute__((noinline)) void operator delete(void* p) noexcept {
  release(p);
}
__attribute__((noinline)) void operator delete(void* p, std::size_t) noexcept {
  release(p);
}
__attribute__((noinline)) void operator delete[](void* p) noexcept {
  release(p);
}
__attribute__((noinline)) void operator delete[](void* p, std::size_t) noexcept {
  release(p);
}

namespace {
const std::vector<std::string> tickets = {
    R"({"id": "1", "text": "APP一直闪退", "created_at": "2026-11-20T10:00:00+08:00"})",
    R"({"id": "2", "text": "退款还没到账", "created_at": "2026-11-20T10:00:00+08:00"})",
    R"({"id": "3", "text": 5})",
    R"({"id": "4", "text": "I was charged twice", "created_at": "2026-11-20T10:00:00+08:00"})",
    R"({"id": "5", "text": "我要投诉", "created_at": "2026-11-20T10:00:00+08:00"})",
    R"({"id": "6", "text": "服务器宕机", "created_at": "2026-11-20T10:00:00+08:00"})"};

// The stream's three modes: one worker, several, and linked (in order on the calling thread).
struct Mode {
  const char* name;
  unsigned threads;
  bool linked;
};
const Mode modes[] = {{"one thread", 1, false}, {"three threads", 3, false}, {"linked", 1, true}};

// Runs the stream over `tickets` (one line a chunk, so that every line is its own write). With
// `fail_allocation` > 0, that allocation inside the stream fails (the harness's own are not
// counted: they happen before and after).
struct Outcome {
  StreamStats stats;
  std::vector<std::string> lines;  // what was written, split at newlines
  bool whole = true;               // every write ended at a line end
  bool allocation_failed = false;
};
Outcome run_stream(const Mode& mode, std::function<bool(std::string&)> next,
                   std::function<void()> before_write, long fail_allocation = 0) {
  Outcome r;
  Linker linker;
  StreamOptions so;
  so.threads = mode.threads;
  so.chunk_lines = 1;
  if (mode.linked) so.link = &linker;
  std::string out;
  out.reserve(1 << 20);
  const std::function<void(std::string_view)> write = [&](std::string_view text) {
    before_write();
    out += text;
    r.whole = r.whole && !text.empty() && text.back() == '\n';
  };
  const Engine& engine = Engine::builtin();  // loaded before any allocation may fail
  g_fail_in = fail_allocation;
  r.stats = diagnose_stream(engine, next, write, so);
  r.allocation_failed = fail_allocation > 0 && g_fail_in.exchange(0) <= 0;
  std::istringstream in(out);
  for (std::string l; std::getline(in, l);) r.lines.push_back(l);
  return r;
}

auto reader_of(const std::vector<std::string>& input, std::size_t throw_after = SIZE_MAX) {
  return [&input, throw_after, i = std::size_t{0}](std::string& line) mutable {
    if (i == throw_after) throw std::runtime_error("the host's queue went away");
    if (i == input.size()) return false;
    line = input[i++];
    return true;
  };
}
}  // namespace

TEST(Stream, AWriterThatThrowsEndsTheStreamWithACallbackFailureNotTheProcess) {
  for (const Mode& mode : modes) {
    int writes = 0;
    const auto r = run_stream(mode, reader_of(tickets), [&] {
      if (++writes == 3) throw std::runtime_error("disk full");
    });
    ASSERT_TRUE(r.stats.failure) << mode.name;
    EXPECT_EQ(r.stats.failure->code, Errc::callback) << mode.name;
    EXPECT_NE(r.stats.failure->message.find("writing the output of line"), std::string::npos)
        << r.stats.failure->message;
    EXPECT_NE(r.stats.failure->message.find("disk full"), std::string::npos) << mode.name;
    EXPECT_EQ(r.lines.size(), 2u) << mode.name;  // the two writes before the failure, whole
    EXPECT_TRUE(r.whole);
    EXPECT_EQ(r.stats.lines, 2u) << mode.name;
  }
}

TEST(Stream, AReaderThatThrowsEndsTheStreamAndWhatWasReadIsStillAnswered) {
  for (const Mode& mode : modes) {
    const auto r = run_stream(mode, reader_of(tickets, 4), [] {});
    ASSERT_TRUE(r.stats.failure) << mode.name;
    EXPECT_EQ(r.stats.failure->code, Errc::callback);
    EXPECT_NE(r.stats.failure->message.find("reading the input after line 4"), std::string::npos)
        << r.stats.failure->message;
    EXPECT_NE(r.stats.failure->message.find("the host's queue went away"), std::string::npos);
    EXPECT_EQ(r.lines.size(), 4u) << mode.name;
    EXPECT_EQ(r.stats.last_line, 4u) << mode.name;
  }
}

TEST(Stream, ACallbackThatThrowsBadAllocIsOutOfMemory) {
  for (const Mode& mode : modes) {
    const auto r = run_stream(mode, reader_of(tickets), [] { throw std::bad_alloc(); });
    ASSERT_TRUE(r.stats.failure) << mode.name;
    EXPECT_EQ(r.stats.failure->code, Errc::out_of_memory) << mode.name;
    EXPECT_TRUE(r.lines.empty());
  }
}

TEST(Stream, AnAllocationThatFailsAnywhereIsAnErrorLineOrTheStreamsFailureNeverACrash) {
  // Fails the Nth allocation of a run, for N across the whole run: in the reader, a worker, the
  // engine or the writer. Each run ends with whole lines: answers, out_of_memory error lines for
  // the lines that ran out, or an out_of_memory failure that stopped the stream.
  std::size_t line_errors = 0, stream_failures = 0, clean = 0;
  // A first, unfailing run compiles the expressions these tickets need (they compile on first
  // use): RE2 is not exception-safe, and an allocation failing inside its compiler leaks what it
  // had built. That is RE2's to answer; this test is about the stream.
  for (const Mode& mode : modes)
    ASSERT_FALSE(run_stream(
                     mode, reader_of(tickets), [] {}, 0)
                     .stats.failure);
  for (const Mode& mode : modes) {
    // Up to well past the allocations of a whole run with the default pack, so that
    // the last runs finish clean.
    for (long n = 1; n < 24000; n += 101) {
      const auto r = run_stream(
          mode, reader_of(tickets), [] {}, n);
      ASSERT_TRUE(r.whole) << mode.name << ", allocation " << n;
      std::size_t oom_lines = 0;
      for (const auto& l : r.lines) {
        const auto v = boost::json::parse(l);  // whole JSON, whatever happened
        if (v.as_object().contains("error") && v.at("error").at("code") == "out_of_memory")
          ++oom_lines;
      }
      if (r.stats.failure) {
        EXPECT_EQ(r.stats.failure->code, Errc::out_of_memory) << r.stats.failure->message;
        ++stream_failures;
      } else {
        EXPECT_EQ(r.lines.size(), tickets.size()) << mode.name << ", allocation " << n;
        line_errors += oom_lines;
        clean += !r.allocation_failed;
      }
    }
  }
  RecordProperty("line_errors", std::to_string(line_errors));
  RecordProperty("stream_failures", std::to_string(stream_failures));
  EXPECT_GT(line_errors, 0u);      // some failures hit one line's diagnosis
  EXPECT_GT(stream_failures, 0u);  // and some the stream's own machinery
  EXPECT_GT(clean, 0u);            // and the longest runs finished before the Nth allocation
}

TEST(LineReader, SplitsLinesAcrossReadsAndKeepsALastLineWithoutNewline) {
  const std::string input = "ab\n\ncdefg\r\nhi";
  std::size_t at = 0;
  LineReader reader(
      [&](char* buf, std::size_t size) {
        const std::size_t n = std::min<std::size_t>({size, 2, input.size() - at});
        std::memcpy(buf, input.data() + at, n);
        at += n;
        return static_cast<std::ptrdiff_t>(n);
      },
      100, 3);
  std::vector<std::string> lines;
  for (std::string l; reader.next(l);) lines.push_back(l);
  EXPECT_EQ(lines, (std::vector<std::string>{"ab", "", "cdefg\r", "hi"}));
  EXPECT_EQ(reader.bytes_read(), input.size());
  EXPECT_FALSE(reader.stopped());
}

TEST(LineReader, KeepsOneBytePastTheLimitOfALongLine) {
  const std::string input = "0123456789abcdef\nok\n";
  std::size_t at = 0;
  LineReader reader(
      [&](char* buf, std::size_t size) {
        const std::size_t n = std::min(size, input.size() - at);
        std::memcpy(buf, input.data() + at, n);
        at += n;
        return static_cast<std::ptrdiff_t>(n);
      },
      8, 4);
  std::string line;
  ASSERT_TRUE(reader.next(line));
  EXPECT_EQ(line, "012345678");  // 8 + 1 bytes: over the limit, and no more
  ASSERT_TRUE(reader.next(line));
  EXPECT_EQ(line, "ok");
  EXPECT_FALSE(reader.next(line));
}

TEST(LineReader, AStoppedSourceDropsTheUnfinishedLine) {
  int calls = 0;
  LineReader reader([&](char* buf, std::size_t) -> std::ptrdiff_t {
    if (++calls == 1) {
      std::memcpy(buf, "done\npart", 9);
      return 9;
    }
    return -1;  // e.g. interrupted while waiting for the rest
  });
  std::string line;
  ASSERT_TRUE(reader.next(line));
  EXPECT_EQ(line, "done");
  EXPECT_FALSE(reader.next(line));
  EXPECT_TRUE(reader.stopped());
}

TEST(Stream, ALineOfHundredsOfMebibytesCostsTheLimitNotTheLine) {
  // 384 MiB of ticket text without a newline, made on the fly by the host's reader, then a good
  // ticket. The long line is refused as too large; the heap never holds more than a few times
  // the 8 MiB ticket limit.
  constexpr std::size_t huge = std::size_t{384} << 20;
  const std::string head = R"({"id": "big", "text": ")";
  const std::string tail = "\"}\n" + tickets[0] + "\n";
  std::size_t produced = 0;  // bytes of the whole input handed out so far
  const std::size_t total = head.size() + huge + tail.size();
  LineReader reader([&](char* buf, std::size_t size) -> std::ptrdiff_t {
    std::size_t n = 0;
    while (n < size && produced < total) {
      const std::size_t at = produced;
      std::size_t take;
      if (at < head.size()) {
        take = std::min(size - n, head.size() - at);
        std::memcpy(buf + n, head.data() + at, take);
      } else if (at < head.size() + huge) {
        take = std::min(size - n, head.size() + huge - at);
        std::memset(buf + n, 'x', take);
      } else {
        const std::size_t t = at - head.size() - huge;
        take = std::min(size - n, tail.size() - t);
        std::memcpy(buf + n, tail.data() + t, take);
      }
      n += take;
      produced += take;
    }
    return static_cast<std::ptrdiff_t>(n);
  });
  std::vector<std::string> out;
  StreamOptions so;
  so.threads = 1;
  {  // the built-in pack compiled and warm before measuring: only the stream counts
    Evaluation ev;
    (void)diagnose_line(Engine::builtin(), tickets[0], 1, ev);
  }
  g_peak = g_in_use.load();
  const long before = g_in_use.load();
  const auto stats = diagnose_stream(
      Engine::builtin(), [&](std::string& line) { return reader.next(line); },
      [&](std::string_view text) { out.emplace_back(text); }, so);
  const long peak = g_peak.load() - before;
  RecordProperty("peak_heap_bytes", std::to_string(peak));
  EXPECT_EQ(reader.bytes_read(), total);
  EXPECT_EQ(stats.lines, 2u);
  ASSERT_EQ(out.size(), 1u);  // one chunk: both lines
  const auto first = boost::json::parse(out[0].substr(0, out[0].find('\n')));
  EXPECT_EQ(first.at("line"), 1);
  EXPECT_EQ(first.at("error").at("code"), "text_too_large");
  const auto second = boost::json::parse(out[0].substr(out[0].find('\n') + 1));
  EXPECT_EQ(second.at("ticket_id"), "1");
  const long limit = static_cast<long>(TicketLimits{}.max_ticket_bytes);
  EXPECT_LT(peak, 4 * limit) << "peak heap " << peak << " bytes for a " << huge << "-byte line";
}

TEST(Batch, ASelectionKeepsOnlyItsKeysInItsOrder) {
  auto sel = parse_selection("urgency,labels,route,urgency");
  ASSERT_TRUE(sel) << sel.error().message;
  EXPECT_EQ(sel->keys, (std::vector<std::string>{"urgency", "labels", "route"}));
  const Engine& e = Engine::builtin();
  auto t = parse_ticket(R"({"id": "a", "text": "APP一直闪退"})");
  ASSERT_TRUE(t);
  std::string out;
  write_selected(e, e.diagnose(*t), *sel, out);
  const auto o = boost::json::parse(out).as_object();
  ASSERT_EQ(o.size(), 3u);
  EXPECT_EQ(o.begin()->key(), "urgency");
  EXPECT_EQ(o.at("labels").at("problem_type").at("value"), "system_failure");
  EXPECT_TRUE(o.contains("route"));
  EXPECT_EQ(out.find("E-"), std::string::npos) << out;  // numbers as in the full diagnosis
}

TEST(Batch, AnUnknownKeyOrFormatIsNamed) {
  auto key = parse_selection("labels,urgncy");
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, Errc::invalid_argument);
  EXPECT_EQ(key.error().where, "select");
  EXPECT_NE(key.error().message.find("\"urgncy\" is not a key of the diagnosis"), std::string::npos)
      << key.error().message;
  auto empty = parse_selection("labels,,route");
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("\"\" is not a key"), std::string::npos);
  auto format = parse_selection("labels", "xml");
  ASSERT_FALSE(format);
  EXPECT_EQ(format.error().where, "format");
  EXPECT_NE(format.error().message.find("\"xml\" is not one of jsonl, csv, tsv"),
            std::string::npos);
}

TEST(Batch, CsvHasAHeaderRowAndQuotesAsRfc4180) {
  const Engine& e = Engine::builtin();
  auto sel = parse_selection("ticket_id,urgency,route,tags", "csv");
  ASSERT_TRUE(sel);
  EXPECT_EQ(selection_header(e, *sel), "ticket_id,urgency,primary,assisting,group,tags,error\n");
  auto t = parse_ticket(R"({"id": "T-1, \"quoted\"", "text": "APP一直闪退"})");
  ASSERT_TRUE(t);
  std::string out;
  write_selected(e, e.diagnose(*t), *sel, out);
  EXPECT_EQ(out.rfind(R"("T-1, ""quoted""",)", 0), 0u) << out;  // a comma and quotes: quoted
  EXPECT_EQ(out.back(), ',');                                   // the error column is empty
  std::string err;
  write_selected_error(e, *sel, 3, make_error(Errc::json_syntax, "1:2", "syntax error"), err);
  EXPECT_EQ(err, ",,,,,,line 3: json_syntax: 1:2: syntax error");
  // Without keys, csv selects the ticket id, the labels (value and confidence), urgency, route.
  auto plain = parse_selection("", "csv");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->keys, (std::vector<std::string>{"ticket_id", "labels", "urgency", "route"}));
  EXPECT_EQ(selection_header(e, *plain).rfind("ticket_id,problem_type,problem_type.confidence,", 0),
            0u);
}

TEST(Batch, TsvEscapesWhatItCannotQuote) {
  const Engine& e = Engine::builtin();
  auto sel = parse_selection("ticket_id,urgency", "tsv");
  ASSERT_TRUE(sel);
  EXPECT_EQ(selection_header(e, *sel), "ticket_id\turgency\terror\n");
  auto t = parse_ticket(R"({"id": "a\tb\\c", "text": "APP一直闪退"})");
  ASSERT_TRUE(t);
  std::string out;
  write_selected(e, e.diagnose(*t), *sel, out);
  EXPECT_EQ(out, "a\\tb\\\\c\thigh\t");
}
