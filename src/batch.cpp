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
