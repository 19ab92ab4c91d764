// Many lines, in order: LineReader reads them with bounded memory; diagnose_stream answers them
// on worker threads (or, with a linker, in input order on one) and writes them in input order.
#include "triage/batch.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <new>
#include <thread>

#include <boost/date_time/posix_time/posix_time.hpp>

#include "run/answer_line.hpp"

namespace triage {
inline namespace v1 {

LineReader::LineReader(Source source, std::size_t max_line_bytes, std::size_t buffer_bytes)
    : source_(std::move(source)),
      max_line_bytes_(max_line_bytes),
      buffer_(std::max<std::size_t>(1, buffer_bytes), '\0') {}

bool LineReader::fill() {
  if (eof_) return false;
  const std::ptrdiff_t n = source_(buffer_.data(), buffer_.size());
  if (n <= 0) {
    eof_ = true;
    stopped_ = n < 0;
    return false;
  }
  begin_ = 0;
  end_ = std::min(static_cast<std::size_t>(n), buffer_.size());
  bytes_ += end_;
  return true;
}

bool LineReader::next(std::string& line) {
  line.clear();
  bool any = false;  // a last line without a newline is still a line
  for (;;) {
    if (begin_ == end_ && !fill()) return any && !stopped_;
    any = true;
    const char* from = buffer_.data() + begin_;
    const auto* nl = static_cast<const char*>(std::memchr(from, '\n', end_ - begin_));
    const std::size_t take = nl ? static_cast<std::size_t>(nl - from) : end_ - begin_;
    // Keep one byte past the limit so that the line is refused as too large; skip the rest.
    const std::size_t room = max_line_bytes_ + 1 - std::min(line.size(), max_line_bytes_ + 1);
    line.append(from, std::min(take, room));
    begin_ += take;
    if (nl) {
      ++begin_;
      return true;
    }
  }
}

namespace {
// One unit of work: parsed lines (or their parse errors) in, output text out.
struct Chunk {
  std::size_t seq = 0;
  struct Line {
    std::size_t number;
    Result<Ticket> ticket{Ticket{}};
    std::string request_id;
  };
  std::vector<Line> lines;
  std::string out;
  std::size_t errors = 0;
  std::vector<std::pair<std::size_t, Error>> failures;
  bool done = false;
};

// Keeps the first failure of a stream. Never throws: the code is set without allocating, the
// message only if memory allows.
void keep_failure(std::optional<Error>& slot, Errc code, std::string_view context,
                  std::string_view what) noexcept {
  if (slot) return;
  slot.emplace();
  slot->code = code;
  try {
    slot->message = std::string(context) + ": " + std::string(what);
  } catch (...) {  // out of memory: the code alone says what happened
  }
}

// The exception being handled, as a stream failure: memory → out_of_memory; anything a host
// callback threw → callback.
void keep_current_failure(std::optional<Error>& slot, std::string_view context) noexcept {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    keep_failure(slot, Errc::out_of_memory, context, "out of memory");
  } catch (const Exception& e) {
    keep_failure(slot, e.error().code, context, e.error().message);
  } catch (const std::exception& e) {
    keep_failure(slot, Errc::callback, context, e.what());
  } catch (...) {
    keep_failure(slot, Errc::callback, context, "an exception that is not a std::exception");
  }
}

// One line's answer appended to `out` by `diagnose` (detail::answer_line), which returns the
// line's error, if any. A failure while diagnosing (a host classifier that threw, memory that ran
// out) becomes this line's error too, and never leaves half a diagnosis in `out`.
template <class Diagnose>
void answer(const Engine& engine, const Selection& sel, std::size_t number, Diagnose&& diagnose,
            std::string& out, std::vector<std::pair<std::size_t, Error>>& failures) {
  const std::size_t mark = out.size();
  std::optional<Error> error;
  try {
    error = diagnose(out);
    if (error) failures.emplace_back(number, std::move(*error));
    return;
  } catch (const std::bad_alloc&) {
    error = make_error(Errc::out_of_memory, "", "out of memory while diagnosing this line");
  } catch (const Exception& e) {
    error = e.error();
  } catch (const std::exception& e) {  // a host classifier failed: only this line
    error = make_error(Errc::callback, "", e.what());
  }
  out.resize(mark);  // shrinking: no allocation
  write_selected_error(engine, sel, number, *error, out);
  failures.emplace_back(number, std::move(*error));
}

// The stream with a linker: in input order on the calling thread, each ticket added once
// diagnosed so that the next one can be related to it.
void diagnose_linked(const Engine& engine, const std::function<bool(std::string&)>& next,
                     const std::function<void(std::string_view)>& write,
                     const StreamOptions& options,
                     const std::function<void(std::size_t, const Error&)>& on_error,
                     StreamStats& st) {
  DiagnoseOptions o = options.diagnose;
  if (!o.now) o.now = boost::posix_time::second_clock::universal_time();
  RequestIdGenerator own_ids;
  if (!o.request_ids) o.request_ids = &own_ids;
  o.linker = options.link;
  const std::size_t report_every = std::max<std::size_t>(1, options.chunk_lines);
  Evaluation ev;
  std::string line, out;
  std::vector<std::pair<std::size_t, Error>> failures;
  const Selection whole;
  const Selection& sel = options.select ? *options.select : whole;
  for (;;) {
    if (options.stop && options.stop->load()) break;
    try {
      if (!next(line)) break;
    } catch (...) {
      keep_current_failure(st.failure,
                           "reading the input after line " + std::to_string(st.last_line));
      return;
    }
    ++st.last_line;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (is_blank(line)) continue;
    out.clear();
    failures.clear();
    answer(
        engine, sel, st.last_line,
        [&](std::string& text) {
          return detail::answer_line(
              engine, parse_ticket(line), st.last_line, ev, o, sel, text,
              [&](const Ticket& t, const Diagnosis& d) { options.link->add(t, d); });
        },
        out, failures);
    out += '\n';
    try {
      write(out);
      ++st.lines;
      st.errors += failures.size();
      if (on_error) {
        for (const auto& [n, e] : failures) on_error(n, e);
      }
      if (options.progress && st.lines % report_every == 0) options.progress(st.lines, st.errors);
    } catch (...) {
      keep_current_failure(st.failure,
                           "writing the output of line " + std::to_string(st.last_line));
      return;
    }
  }
  if (options.progress) options.progress(st.lines, st.errors);
}

// What the reader, the workers and the writer share.
struct Shared {
  std::mutex m;
  std::condition_variable work_cv, done_cv, space_cv;
  std::deque<std::shared_ptr<Chunk>> queue;    // read, waiting for a worker
  std::deque<std::shared_ptr<Chunk>> pending;  // in input order, waiting to be written
  bool reading_done = false;
  std::atomic<bool> aborted{false};  // a failure ends the stream: no more reading or writing
  std::optional<Error> failure;
  std::size_t last_line = 0;
  bool interrupted = false;

  // Called inside a catch block: keeps the failure and wakes everybody to stop.
  void abort_with_current(std::string_view context) noexcept {
    {
      std::lock_guard lock(m);
      keep_current_failure(failure, context);
      aborted = true;
    }
    wake();
  }
  // Called inside a catch block: keeps the failure; the stream still finishes what it read.
  void keep_current(std::string_view context) noexcept {
    std::lock_guard lock(m);
    keep_current_failure(failure, context);
  }
  void wake() noexcept {
    work_cv.notify_all();
    done_cv.notify_all();
    space_cv.notify_all();
  }
};

// Joins every thread however the calling thread leaves, so that no exception can end the process
// with a thread still joinable.
struct Joiner {
  Shared& s;
  std::vector<std::thread> threads;
  ~Joiner() {
    bool running = false;
    for (auto& t : threads) running = running || t.joinable();
    if (!running) return;
    {
      std::lock_guard lock(s.m);
      s.aborted = true;
    }
    s.wake();
    for (auto& t : threads) {
      if (t.joinable()) t.join();
    }
  }
};

void diagnose_threaded(const Engine& engine, const std::function<bool(std::string&)>& next,
                       const std::function<void(std::string_view)>& write,
                       const StreamOptions& options,
                       const std::function<void(std::size_t, const Error&)>& on_error,
                       StreamStats& stats) {
  const unsigned threads =
      options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  const std::size_t in_flight = options.chunks_in_flight ? options.chunks_in_flight : 4u * threads;
  const std::size_t chunk_lines = std::max<std::size_t>(1, options.chunk_lines);
  DiagnoseOptions dopts = options.diagnose;
  if (!dopts.now) dopts.now = boost::posix_time::second_clock::universal_time();
  RequestIdGenerator own_ids;
  RequestIdGenerator& ids = dopts.request_ids ? *dopts.request_ids : own_ids;
  dopts.request_ids = nullptr;
  Shared s;
  const Selection whole;
  const Selection& sel = options.select ? *options.select : whole;

  auto worker = [&]() noexcept {
    try {
      Evaluation ev;
      for (;;) {
        std::shared_ptr<Chunk> c;
        {
          std::unique_lock lock(s.m);
          s.work_cv.wait(lock, [&] { return !s.queue.empty() || s.reading_done || s.aborted; });
          if (s.aborted || s.queue.empty()) return;
          c = std::move(s.queue.front());
          s.queue.pop_front();
        }
        for (auto& line : c->lines) {
          answer(
              engine, sel, line.number,
              [&](std::string& out) {
                DiagnoseOptions o = dopts;
                o.request_id = std::move(line.request_id);
                return detail::answer_line(engine, line.ticket, line.number, ev, o, sel, out);
              },
              c->out, c->failures);
          c->out += '\n';
        }
        c->errors = c->failures.size();
        {
          std::lock_guard lock(s.m);
          c->done = true;
        }
        s.done_cv.notify_all();
      }
    } catch (...) {  // memory ran out outside any one line: the stream cannot go on whole
      s.abort_with_current("diagnosing");
    }
  };

  // The reader runs on its own thread so that the calling thread can write in order.
  auto reader = [&]() noexcept {
    std::size_t number = 0;
    try {
      std::string line;
      std::size_t seq = 0;
      auto chunk = std::make_shared<Chunk>();
      auto flush = [&] {
        if (chunk->lines.empty()) return;
        std::unique_lock lock(s.m);
        s.space_cv.wait(lock, [&] { return s.pending.size() < in_flight || s.aborted; });
        if (s.aborted) return;
        chunk->seq = seq++;
        s.pending.push_back(chunk);
        s.queue.push_back(chunk);
        lock.unlock();
        s.work_cv.notify_one();
        chunk = std::make_shared<Chunk>();
      };
      for (;;) {
        if (s.aborted || (options.stop && options.stop->load())) break;
        try {
          if (!next(line)) break;
        } catch (
            ...) {  // like the end of the input, with the reason kept: what was read is answered
          s.keep_current("reading the input after line " + std::to_string(number));
          break;
        }
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (is_blank(line)) continue;
        Chunk::Line l{number, parse_ticket(line), {}};
        if (l.ticket) {  // numbered here, in input order, whatever thread diagnoses it
          l.request_id = ids.next(desk_day(*l.ticket, *dopts.now), l.ticket->channel);
        }
        chunk->lines.push_back(std::move(l));
        if (chunk->lines.size() >= chunk_lines) flush();
      }
      flush();
    } catch (...) {
      s.abort_with_current("reading the input after line " + std::to_string(number));
    }
    {
      std::lock_guard lock(s.m);
      s.last_line = number;
      s.interrupted = options.stop && options.stop->load();
      s.reading_done = true;
    }
    s.wake();
  };

  Joiner joiner{s, {}};
  joiner.threads.reserve(threads + 1);
  for (unsigned i = 0; i < threads; ++i) joiner.threads.emplace_back(worker);
  joiner.threads.emplace_back(reader);

  // The writer: the oldest chunk, as soon as it is done.
  for (;;) {
    std::shared_ptr<Chunk> c;
    {
      std::unique_lock lock(s.m);
      s.done_cv.wait(lock, [&] {
        return s.aborted || (!s.pending.empty() && s.pending.front()->done) ||
               (s.reading_done && s.pending.empty());
      });
      if (s.aborted || s.pending.empty()) break;
      c = std::move(s.pending.front());
      s.pending.pop_front();
    }
    s.space_cv.notify_one();
    try {
      write(c->out);
      stats.lines += c->lines.size();
      stats.errors += c->errors;
      if (on_error) {
        for (const auto& [n, e] : c->failures) on_error(n, e);
      }
      if (options.progress) options.progress(stats.lines, stats.errors);
    } catch (...) {
      s.abort_with_current("writing the output of lines " +
                           std::to_string(c->lines.front().number) + "-" +
                           std::to_string(c->lines.back().number));
      break;
    }
  }
  for (auto& t : joiner.threads) t.join();
  std::lock_guard lock(s.m);
  stats.last_line = s.last_line;
  stats.interrupted = s.interrupted;
  if (s.failure) stats.failure = std::move(s.failure);
}
}  // namespace

StreamStats diagnose_stream(const Engine& engine, const std::function<bool(std::string&)>& next,
                            const std::function<void(std::string_view)>& write,
                            const StreamOptions& options,
                            const std::function<void(std::size_t, const Error&)>& on_error) {
  StreamStats stats;
  try {
    if (options.link) {
      diagnose_linked(engine, next, write, options, on_error, stats);
      stats.interrupted = options.stop && options.stop->load();
    } else {
      diagnose_threaded(engine, next, write, options, on_error, stats);
    }
  } catch (...) {  // setting up (threads, buffers) failed; the threads were joined on the way out
    keep_current_failure(stats.failure, "starting the stream");
  }
  return stats;
}

}  // namespace v1
}  // namespace triage
