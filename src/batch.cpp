#include "triage/batch.hpp"

#include <algorithm>

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

namespace {
namespace json = boost::json;

constexpr std::string_view kKeys[] = {
    "ticket_id", "request_id", "pack",     "labels",     "tags",           "entities",
    "language",  "urgency",    "route",    "sla",        "repeat_contact", "related",
    "questions", "knowledge",  "template", "conclusion", "explain"};

// One CSV/TSV column: read off the diagnosis JSON at key[/sub[/member]].
struct Column {
  std::string header, key, sub, member;
};

std::vector<Column> columns_of(const Engine& engine, const Selection& sel) {
  std::vector<Column> cols;
  for (const auto& k : sel.keys) {
    if (k == "labels") {
      for (const auto& d : engine.pack().dimensions) {
        cols.push_back({d.id, k, d.id, "value"});
        cols.push_back({d.id + ".confidence", k, d.id, "confidence"});
      }
    } else if (k == "route") {
      for (const char* m : {"primary", "assisting", "group"}) cols.push_back({m, k, m, ""});
    } else if (k == "sla") {
      for (const char* m : {"first_response_due", "resolution_due"}) cols.push_back({m, k, m, ""});
    } else {
      cols.push_back({k, k, "", ""});
    }
  }
  cols.push_back({"error", "", "", ""});
  return cols;
}

// A cell: strings as they are, null or absent as nothing, a list of strings joined by ';',
// anything else as compact JSON (numbers as people read them: 0.75).
std::string cell_text(const json::value* v) {
  if (!v || v->is_null()) return {};
  if (v->is_string()) return std::string(v->get_string());
  const auto& a = v->is_array() ? v->get_array() : json::array();
  if (v->is_array() &&
      std::all_of(a.begin(), a.end(), [](const json::value& x) { return x.is_string(); })) {
    std::string s;
    for (const auto& x : a) s += (s.empty() ? "" : ";") + std::string(x.get_string());
    return s;
  }
  return detail::write_json(*v);
}

// RFC 4180: a field with a comma, a quote or a line break is quoted and its quotes doubled. TSV
// cannot quote: tab, line breaks and backslash are escaped as \t, \n, \r and \\.
void append_cell(std::string& out, std::string_view text, LineFormat f) {
  if (f == LineFormat::csv) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
      out += text;
      return;
    }
    out += '"';
    for (char c : text) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
    return;
  }
  for (char c : text) {
    switch (c) {
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        out += c;
    }
  }
}

char separator(LineFormat f) {
  return f == LineFormat::csv ? ',' : '\t';
}
}  // namespace

gsl::span<const std::string_view> selectable_keys() noexcept {
  return kKeys;
}

Result<Selection> parse_selection(std::string_view keys, std::string_view format) {
  Selection sel;
  if (format == "jsonl") {
    sel.format = LineFormat::jsonl;
  } else if (format == "csv") {
    sel.format = LineFormat::csv;
  } else if (format == "tsv") {
    sel.format = LineFormat::tsv;
  } else {
    return make_error(Errc::invalid_argument, "format",
                      "\"" + std::string(format) + "\" is not one of jsonl, csv, tsv");
  }
  if (keys.empty() && sel.format != LineFormat::jsonl) keys = "ticket_id,labels,urgency,route";
  for (std::size_t b = 0; !keys.empty();) {
    const auto e = keys.find(',', b);
    const std::string_view key = keys.substr(b, e == std::string_view::npos ? keys.npos : e - b);
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      std::string known;
      for (auto k : kKeys) known += (known.empty() ? "" : ", ") + std::string(k);
      return make_error(
          Errc::invalid_argument, "select",
          "\"" + std::string(key) + "\" is not a key of the diagnosis (" + known + ")");
    }
    if (std::find(sel.keys.begin(), sel.keys.end(), key) == sel.keys.end()) {
      sel.keys.emplace_back(key);
    }
    if (e == std::string_view::npos) break;
    b = e + 1;
  }
  return sel;
}

std::string selection_header(const Engine& engine, const Selection& sel) {
  if (sel.format == LineFormat::jsonl) return {};
  std::string out;
  for (const auto& c : columns_of(engine, sel)) {
    if (!out.empty()) out += separator(sel.format);
    append_cell(out, c.header, sel.format);
  }
  return out + '\n';
}

void write_selected(const Engine& engine, const Diagnosis& d, const Selection& sel,
                    std::string& out) {
  json::object full = to_json(d);
  if (sel.format == LineFormat::jsonl) {
    if (sel.keys.empty()) return detail::write_json(full, out);
    json::object picked;
    for (const auto& k : sel.keys) {
      if (auto* v = full.if_contains(k)) picked[k] = std::move(*v);
    }
    return detail::write_json(picked, out);
  }
  bool first = true;
  for (const auto& c : columns_of(engine, sel)) {
    if (!first) out += separator(sel.format);
    first = false;
    const json::value* v = c.key.empty() ? nullptr : full.if_contains(c.key);
    if (v && !c.sub.empty()) v = v->is_object() ? v->get_object().if_contains(c.sub) : nullptr;
    if (v && !c.member.empty())
      v = v->is_object() ? v->get_object().if_contains(c.member) : nullptr;
    append_cell(out, cell_text(v), sel.format);
  }
}

void write_selected_error(const Engine& engine, const Selection& sel, std::size_t line,
                          const Error& e, std::string& out) {
  if (sel.format == LineFormat::jsonl) {
    out += error_line(line, e);
    return;
  }
  out.append(columns_of(engine, sel).size() - 1, separator(sel.format));
  append_cell(
      out,
      "line " + std::to_string(line) + ": " + std::string(errc_name(e.code)) + ": " + e.message,
      sel.format);
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
  const Selection whole;
  const Selection& sel = options.select ? *options.select : whole;
  auto fail = [&](const Error& e) {
    ++st.errors;
    write_selected_error(engine, sel, st.last_line, e, out);
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
        write_selected(engine, d, sel, out);
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

  const Selection whole;
  const Selection& sel = options.select ? *options.select : whole;
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
      auto fail = [&](std::size_t number, const Error& e) {
        write_selected_error(engine, sel, number, e, c->out);
        c->failures.emplace_back(number, e);
      };
      for (auto& line : c->lines) {
        if (!line.ticket) {
          fail(line.number, line.ticket.error());
        } else {
          DiagnoseOptions o = dopts;
          o.request_id = std::move(line.request_id);
          try {
            write_selected(engine, engine.diagnose(*line.ticket, ev, o), sel, c->out);
          } catch (const Exception& e) {
            fail(line.number, e.error());
          } catch (const std::exception& e) {  // a host classifier failed: only this line
            fail(line.number, make_error(Errc::callback, "", e.what()));
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
