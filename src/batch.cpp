#include "triage/batch.hpp"

#include <boost/json.hpp>

#include "json_util.hpp"

namespace triage {
inline namespace v1 {

std::string error_line(std::size_t line_number, const Error& e) {
  boost::json::object err{{"code", errc_name(e.code)}, {"message", e.message}};
  if (!e.where.empty()) err["where"] = e.where;
  return boost::json::serialize(
      boost::json::object{{"line", line_number}, {"error", std::move(err)}});
}

bool is_blank(std::string_view line) noexcept {
  return line.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

LineResult diagnose_line(const Engine& engine, std::string_view line, std::size_t line_number,
                         Evaluation& scratch, const DiagnoseOptions& opts) {
  LineResult r;
  auto ticket = parse_ticket(line);
  if (!ticket) {
    r.error = ticket.error();
    r.json = error_line(line_number, *r.error);
    return r;
  }
  r.json = detail::write_json(to_json(engine.diagnose(*ticket, scratch, opts)));
  return r;
}

}  // namespace v1
}  // namespace triage

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <boost/date_time/posix_time/posix_time.hpp>

namespace triage {
inline namespace v1 {
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

// The stream with a linker: in input order on the calling thread, each ticket added once
// diagnosed so that the next one can be related to it.
StreamStats diagnose_linked(const Engine& engine, const std::function<bool(std::string&)>& next,
                            const std::function<void(std::string_view)>& write,
                            const StreamOptions& options,
                            const std::function<void(std::size_t, const Error&)>& on_error) {
  DiagnoseOptions o = options.diagnose;
  if (!o.now) o.now = boost::posix_time::second_clock::universal_time();
  RequestIdGenerator own_ids;
  if (!o.request_ids) o.request_ids = &own_ids;
  o.linker = options.link;
  const std::size_t report_every = std::max<std::size_t>(1, options.chunk_lines);
  Evaluation ev;
  StreamStats st;
  std::string line, out;
  auto fail = [&](const Error& e) {
    ++st.errors;
    out += error_line(st.last_line, e);
    if (on_error) on_error(st.last_line, e);
  };
  while (!(options.stop && options.stop->load()) && next(line)) {
    ++st.last_line;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (is_blank(line)) continue;
    ++st.lines;
    out.clear();
    if (auto ticket = parse_ticket(line); !ticket) {
      fail(ticket.error());
    } else {
      try {
        const Diagnosis d = engine.diagnose(*ticket, ev, o);
        detail::write_json(to_json(d), out);
        options.link->add(*ticket, d);
      } catch (const Exception& e) {
        fail(e.error());
      } catch (const std::exception& e) {  // a host classifier failed: only this line
        fail(make_error(Errc::callback, "", e.what()));
      }
    }
    out += '\n';
    write(out);
    if (options.progress && st.lines % report_every == 0) options.progress(st.lines, st.errors);
  }
  if (options.progress) options.progress(st.lines, st.errors);
  st.interrupted = options.stop && options.stop->load();
  return st;
}
}  // namespace

StreamStats diagnose_stream(const Engine& engine, const std::function<bool(std::string&)>& next,
                            const std::function<void(std::string_view)>& write,
                            const StreamOptions& options,
                            const std::function<void(std::size_t, const Error&)>& on_error) {
  if (options.link) return diagnose_linked(engine, next, write, options, on_error);
  const unsigned threads =
      options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  const std::size_t in_flight = options.chunks_in_flight ? options.chunks_in_flight : 4u * threads;
  const std::size_t chunk_lines = std::max<std::size_t>(1, options.chunk_lines);
  DiagnoseOptions dopts = options.diagnose;
  if (!dopts.now) dopts.now = boost::posix_time::second_clock::universal_time();
  RequestIdGenerator own_ids;
  RequestIdGenerator& ids = dopts.request_ids ? *dopts.request_ids : own_ids;
  dopts.request_ids = nullptr;

  std::mutex m;
  std::condition_variable work_cv, done_cv, space_cv;
  std::deque<std::shared_ptr<Chunk>> queue;    // read, waiting for a worker
  std::deque<std::shared_ptr<Chunk>> pending;  // in input order, waiting to be written
  bool reading_done = false;
  StreamStats stats;

  auto worker = [&] {
    Evaluation ev;
    for (;;) {
      std::shared_ptr<Chunk> c;
      {
        std::unique_lock lock(m);
        work_cv.wait(lock, [&] { return !queue.empty() || reading_done; });
        if (queue.empty()) return;
        c = std::move(queue.front());
        queue.pop_front();
      }
      for (auto& line : c->lines) {
        if (!line.ticket) {
          c->out += error_line(line.number, line.ticket.error());
          c->failures.emplace_back(line.number, line.ticket.error());
        } else {
          DiagnoseOptions o = dopts;
          o.request_id = std::move(line.request_id);
          try {
            c->out += detail::write_json(to_json(engine.diagnose(*line.ticket, ev, o)));
          } catch (const Exception& e) {
            c->out += error_line(line.number, e.error());
            c->failures.emplace_back(line.number, e.error());
          } catch (const std::exception& e) {  // a host classifier failed: only this line
            Error err = make_error(Errc::callback, "", e.what());
            c->out += error_line(line.number, err);
            c->failures.emplace_back(line.number, err);
          }
        }
        c->out += '\n';
      }
      c->errors = c->failures.size();
      {
        std::lock_guard lock(m);
        c->done = true;
      }
      done_cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned i = 0; i < threads; ++i) pool.emplace_back(worker);

  // The reader runs on its own thread so that the calling thread can write in order.
  std::thread reader([&] {
    std::string line;
    std::size_t number = 0, seq = 0;
    auto chunk = std::make_shared<Chunk>();
    auto flush = [&] {
      if (chunk->lines.empty()) return;
      std::unique_lock lock(m);
      space_cv.wait(lock, [&] { return pending.size() < in_flight; });
      chunk->seq = seq++;
      pending.push_back(chunk);
      queue.push_back(chunk);
      lock.unlock();
      work_cv.notify_one();
      chunk = std::make_shared<Chunk>();
    };
    while (!(options.stop && options.stop->load()) && next(line)) {
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
    std::lock_guard lock(m);
    stats.last_line = number;
    stats.interrupted = options.stop && options.stop->load();
    reading_done = true;
    work_cv.notify_all();
    done_cv.notify_all();
  });

  // The writer: the oldest chunk, as soon as it is done.
  for (;;) {
    std::shared_ptr<Chunk> c;
    {
      std::unique_lock lock(m);
      done_cv.wait(lock, [&] {
        return (!pending.empty() && pending.front()->done) || (reading_done && pending.empty());
      });
      if (pending.empty()) break;
      c = std::move(pending.front());
      pending.pop_front();
    }
    space_cv.notify_one();
    write(c->out);
    stats.lines += c->lines.size();
    stats.errors += c->errors;
    if (on_error) {
      for (const auto& [n, e] : c->failures) on_error(n, e);
    }
    if (options.progress) options.progress(stats.lines, stats.errors);
  }
  reader.join();
  for (auto& t : pool) t.join();
  return stats;
}

}  // namespace v1
}  // namespace triage
