// One line: the JSONL contract (a diagnosis or an error object per line) and the selected keys
// in JSONL, CSV or TSV.
#include "triage/batch.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "base/json_util.hpp"
#include "compile/compiled_pack.hpp"
#include "run/answer_line.hpp"
#include "run/diagnosis_json.hpp"

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
  using detail::DiagnosisKey;
  if (sel.format == LineFormat::jsonl) {
    if (sel.keys.empty()) return detail::write_diagnosis(d, out);
    out += '{';
    bool first = true;
    for (auto it = sel.keys.begin(); it != sel.keys.end(); ++it) {
      const auto k = detail::diagnosis_key(*it);
      if (!k || !detail::has_key(d, *k) || std::find(sel.keys.begin(), it, *it) != it) continue;
      if (!first) out += ',';
      first = false;
      detail::append_json_string(*it, out);
      out += ':';
      detail::write_value(d, *k, out);
    }
    out += '}';
    return;
  }
  // The cells as columns_of() lays them out, each read straight off the diagnosis.
  thread_local std::string cell;
  bool first = true;
  auto put = [&](std::optional<DiagnosisKey> k, std::string_view sub, std::string_view member) {
    if (!first) out += separator(sel.format);
    first = false;
    cell.clear();
    if (k) detail::write_cell(d, *k, sub, member, cell);
    append_cell(out, cell, sel.format);
  };
  for (const auto& key : sel.keys) {
    const auto k = detail::diagnosis_key(key);
    if (k == DiagnosisKey::labels) {
      for (const auto& dim : engine.pack().dimensions) {
        put(k, dim.id, "value");
        put(k, dim.id, "confidence");
      }
    } else if (k == DiagnosisKey::route) {
      for (const char* m : {"primary", "assisting", "group"}) put(k, m, "");
    } else if (k == DiagnosisKey::sla) {
      for (const char* m : {"first_response_due", "resolution_due"}) put(k, m, "");
    } else {
      put(k, "", "");
    }
  }
  put(std::nullopt, "", "");  // the error column
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

std::optional<Error> detail::answer_line(const Engine& engine, const Result<Ticket>& ticket,
                                         std::size_t line_number, Evaluation& scratch,
                                         const DiagnoseOptions& opts, const Selection& selection,
                                         std::string& out, const Diagnosed& diagnosed) {
  if (!ticket) {
    write_selected_error(engine, selection, line_number, ticket.error(), out);
    return ticket.error();
  }
  // Only the parts the selection writes; the whole diagnosis for a host that reads it.
  std::uint32_t keys = ~std::uint32_t{0};
  if (!selection.keys.empty() && !diagnosed) {
    keys = 0;
    for (const auto& name : selection.keys) {
      if (const auto k = detail::diagnosis_key(name)) keys |= 1u << static_cast<unsigned>(*k);
    }
    // CSV and TSV write a label's value and confidence, never its evidence, which is read again
    // from the text only for `labels`: without that key the labels are decided all the same.
    if (selection.format != LineFormat::jsonl)
      keys &= ~(1u << static_cast<unsigned>(detail::DiagnosisKey::labels));
  }
  const Diagnosis d = EngineAccess::diagnose_keys(engine, *ticket, scratch, opts, keys);
  write_selected(engine, d, selection, out);
  if (diagnosed) diagnosed(*ticket, d);
  return std::nullopt;
}

LineResult diagnose_line(const Engine& engine, std::string_view line, std::size_t line_number,
                         Evaluation& scratch, const DiagnoseOptions& opts) {
  LineResult r;
  r.error = detail::answer_line(engine, parse_ticket(line), line_number, scratch, opts, {}, r.json);
  return r;
}

}  // namespace v1
}  // namespace triage
