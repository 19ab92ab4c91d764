#include "report.hpp"

#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "html.hpp"
#include "report_util.hpp"

namespace triage::cli {

namespace report_util {
std::string source_html(const boost::json::object& doc) {
  const auto& pack = obj(at(doc, "pack_info"));
  const auto& input = obj(at(doc, "input"));
  std::string out = "<dl class=\"meta\">";
  auto row = [&](std::string_view name, const std::string& html) {
    out += "<dt>" + std::string(name) + "</dt><dd>" + html + "</dd>";
  };
  row("pack", "<b>" + html::escape(text(at(pack, "name"))) + "</b> " +
                  html::escape(text(at(pack, "version"))));
  if (!text(at(pack, "description")).empty()) {
    row("description", html::escape(text(at(pack, "description"))));
  }
  const auto* model = at(pack, "model");
  if (model && model->is_object()) {
    const auto& m = model->get_object();
    row("model", "<code>" + html::escape(text(at(m, "file"))) + "</code>, " +
                     html::escape(text(at(m, "policy"))) + ", weight " +
                     html::fixed(at(m, "weight"), 1));
  } else {
    row("model", "none (rules only)");
  }
  row("data file", "<code>" + html::escape(text(at(input, "file"))) + "</code>, " +
                       html::count(at(input, "lines")) + " lines" +
                       (number(at(input, "failed")).value_or(0) > 0
                            ? ", <span class=\"bad\">" + html::count(at(input, "failed")) +
                                  " could not be read</span>"
                            : std::string()));
  row("SHA-256", "<code class=\"mono\">" + html::escape(text(at(input, "sha256"))) + "</code>");
  out += "</dl>";
  return out;
}
}  // namespace report_util

int report(const ReportArgs& args) {
  std::string page;
  std::size_t failed = 0;
  if (args.kind == "eval") {
    auto run = run_eval(args.pack, args.compare, args.input);
    if (!run) return kUsage;
    page = eval_report_html(run->document);
    failed = run->failed;
  } else {
    auto run = run_metrics(args.pack, args.input);
    if (!run) return kUsage;
    page = metrics_report_html(run->document);
    failed = run->failed;
  }
  std::ofstream out(args.output, std::ios::binary | std::ios::trunc);
  out << page;
  out.close();
  if (!out) {
    std::cerr << "triage: " << args.output << ": cannot write the report\n";
    return kUsage;
  }
  return failed ? kSomeFailed : kOk;
}

}  // namespace triage::cli
