// The page of `triage report eval`: accuracy, coverage and accuracy when answering per target,
// the coverage/accuracy curve and calibration per dimension, confusion heatmaps, per-rule
// figures worst first and, with --compare, the tickets whose diagnosis changed.
#include <algorithm>
#include <cstdio>
#include <set>

#include "html.hpp"
#include "report.hpp"
#include "report_util.hpp"

namespace triage::cli {

namespace {
using namespace report_util;
using boost::json::object;
using boost::json::value;

// Changed tickets shown at most; the JSON lists every change.
constexpr std::size_t kChangedTicketsShown = 500;

std::string td(const std::string& html) {
  return "<td class=\"n\">" + html + "</td>";
}

std::string target_heading(const object& doc, const std::string& target) {
  const std::string title = text(at(obj(at(doc, "dimension_titles")), target));
  return html::escape(target) +
         (title.empty() ? std::string() : " <small>" + html::escape(title) + "</small>");
}

std::string summary(const object& doc) {
  std::string out =
      "<h2 id=\"summary\">Accuracy per target</h2><div class=\"scroll\"><table><thead><tr>"
      "<th>target</th><th class=\"n\">scored</th><th class=\"n\">answered</th>"
      "<th class=\"n\">accuracy</th><th class=\"n\">coverage</th>"
      "<th class=\"n\">accuracy when answering</th><th class=\"n\">ECE</th></tr></thead><tbody>";
  for (const auto& tv : arr(at(doc, "targets"))) {
    const auto& t = tv.as_object();
    const std::string name = text(at(t, "target"));
    out += "<tr id=\"target-" + html::escape(name) + "\"><th>" + target_heading(doc, name) +
           "</th>" + td(html::count(at(t, "scored"))) + td(html::count(at(t, "answered"))) +
           td(html::percent(at(t, "accuracy"))) + td(html::percent(at(t, "coverage"))) +
           td(html::percent(at(t, "accuracy_when_answering"))) +
           td(html::fixed(at(t, "expected_calibration_error"), 3)) + "</tr>";
  }
  out +=
      "</tbody></table></div><p class=\"note\">Accuracy counts a ticket without a value as "
      "wrong; coverage is the share of scored tickets that got a value; accuracy when answering "
      "is right / answered. ECE, the expected calibration error, compares the confidence the "
      "engine gave with how often it was right: Σ |bin accuracy − bin mean confidence| × bin "
      "share, over the answered tickets in 10 equal-width confidence bins (dimensions only: "
      "urgency and the department carry no confidence).</p>";
  return out;
}

std::string curves(const object& doc) {
  std::string out =
      "<h2 id=\"curves\">Coverage and accuracy by min_confidence</h2><p class=\"note\">What each "
      "dimension would answer if its <code>min_confidence</code> were raised: a value whose "
      "confidence is under the threshold counts as unanswered. Below each, calibration: how "
      "often the answers in each confidence bin were right, against their mean "
      "confidence.</p><div class=\"grid\">";
  for (const auto& tv : arr(at(doc, "targets"))) {
    const auto& t = tv.as_object();
    if (!t.contains("curve")) continue;
    const std::string name = text(at(t, "target"));
    html::LineChart curve;
    curve.label = name + ": coverage and accuracy when answering by min_confidence";
    curve.percent = true;
    curve.width = 360;
    curve.height = 220;
    html::Series coverage{"coverage", "s1", {}, {}},
        accuracy{"accuracy when answering", "s2", {}, {}};
    for (const auto& pv : arr(at(t, "curve"))) {
      const auto& p = pv.as_object();
      const std::string threshold = html::fixed(at(p, "min_confidence"), 1);
      curve.x_labels.push_back(threshold);
      coverage.values.push_back(number(at(p, "coverage")));
      coverage.titles.push_back("min_confidence " + threshold + ": " +
                                html::count(at(p, "answered")) + " answered (" +
                                html::percent(at(p, "coverage")) + ")");
      accuracy.values.push_back(number(at(p, "accuracy_when_answering")));
      accuracy.titles.push_back("min_confidence " + threshold + ": " + html::count(at(p, "right")) +
                                " of " + html::count(at(p, "answered")) + " right (" +
                                html::percent(at(p, "accuracy_when_answering")) + ")");
    }
    curve.series = {coverage, accuracy};

    html::LineChart calibration;
    calibration.label = name + ": accuracy and mean confidence per confidence bin";
    calibration.percent = true;
    calibration.width = 360;
    calibration.height = 200;
    html::Series right{"accuracy", "s2", {}, {}}, confidence{"mean confidence", "s3", {}, {}};
    for (const auto& bv : arr(at(t, "calibration"))) {
      const auto& b = bv.as_object();
      const std::string bin = html::fixed(at(b, "from"), 1) + "–" + html::fixed(at(b, "to"), 1);
      calibration.x_labels.push_back(html::fixed(at(b, "from"), 1));
      right.values.push_back(number(at(b, "accuracy")));
      right.titles.push_back("confidence " + bin + ": " + html::count(at(b, "right")) + " of " +
                             html::count(at(b, "tickets")) + " right (" +
                             html::percent(at(b, "accuracy")) + ")");
      confidence.values.push_back(number(at(b, "mean_confidence")));
      confidence.titles.push_back("confidence " + bin + ": mean " +
                                  html::fixed(at(b, "mean_confidence"), 3) + " over " +
                                  html::count(at(b, "tickets")) + " tickets");
    }
    calibration.series = {right, confidence};
    out += "<figure id=\"curve-" + html::escape(name) + "\"><h3>" + target_heading(doc, name) +
           "</h3>" + html::svg(curve) + html::svg(calibration) + "<figcaption>ECE <b>" +
           html::fixed(at(t, "expected_calibration_error"), 3) + "</b> over " +
           html::count(at(t, "answered")) + " answered tickets</figcaption></figure>";
  }
  out += "</div>";
  return out;
}

std::string heatmap(const object& doc, const object& t) {
  const std::string name = text(at(t, "target"));
  const auto& confusion = obj(at(t, "confusion"));
  // Columns: the expected values in row order, then any other value given, "(none)" last.
  std::vector<std::string> columns;
  std::set<std::string> seen;
  for (const auto& row : confusion) {
    columns.emplace_back(row.key());
    seen.emplace(row.key());
  }
  std::set<std::string> others;
  for (const auto& row : confusion) {
    for (const auto& cell : row.value().as_object()) {
      if (!seen.count(cell.key()) && cell.key() != "(none)") others.emplace(cell.key());
    }
  }
  columns.insert(columns.end(), others.begin(), others.end());
  columns.emplace_back("(none)");

  std::string out = "<h3 id=\"confusion-" + html::escape(name) + "\">" + target_heading(doc, name) +
                    "</h3><div class=\"pair\"><div class=\"scroll\"><table "
                    "class=\"heat\"><thead><tr><th>expected ↓ "
                    "got →</th>";
  for (const auto& c : columns) out += "<th>" + html::breakable(c) + "</th>";
  out += "</tr></thead><tbody>";
  for (const auto& row : confusion) {
    const auto& cells = row.value().as_object();
    double total = 0;
    for (const auto& cell : cells) total += number(&cell.value()).value_or(0);
    const std::string want(row.key());
    out += "<tr><th>" + html::escape(want) + " <small>(" +
           std::to_string(static_cast<long long>(total)) + ")</small></th>";
    for (const auto& c : columns) {
      const auto* v = cells.if_contains(c);
      const double n = number(v).value_or(0);
      const double share = total > 0 ? n / total : 0;
      char pct[16];
      std::snprintf(pct, sizeof pct, "%.0f%%", 100 * share);
      const std::string title = "expected " + want + ", got " + c + ": " +
                                std::to_string(static_cast<long long>(n)) + " of " +
                                std::to_string(static_cast<long long>(total)) + " (" + pct + ")";
      if (n == 0) {
        out += "<td title=\"" + html::escape(title) + "\"></td>";
        continue;
      }
      const bool diagonal = c == want;
      out += "<td" + std::string(share > 0.55 ? " class=\"dark\"" : "") + " style=\"" +
             html::shade(share, diagonal) + "\" title=\"" + html::escape(title) + "\">" +
             html::count(v) + "<small>" + pct + "</small></td>";
    }
    out += "</tr>";
  }
  out += "</tbody></table></div>";

  out +=
      "<div class=\"scroll\"><table><thead><tr><th>value</th><th class=\"n\">precision</th>"
      "<th class=\"n\">recall</th><th class=\"n\">F1</th><th class=\"n\">support</th></tr>"
      "</thead><tbody>";
  for (const auto& v : obj(at(t, "values"))) {
    const auto& s = v.value().as_object();
    out += "<tr><th>" + html::escape(v.key()) + "</th>" + td(html::fixed(at(s, "precision"), 3)) +
           td(html::fixed(at(s, "recall"), 3)) + td(html::fixed(at(s, "f1"), 3)) +
           td(html::count(at(s, "support"))) + "</tr>";
  }
  out += "</tbody></table></div></div>";
  return out;
}

std::string confusions(const object& doc) {
  std::string out =
      "<h2 id=\"confusion\">Confusion matrices</h2><p class=\"note\">Rows: the expected value "
      "(with its number of tickets); columns: the value given. Each cell: tickets and their share "
      "of the row; green on the diagonal (right), red elsewhere, darker for a larger share. Hover "
      "a cell for its figures.</p>";
  for (const auto& tv : arr(at(doc, "targets"))) out += heatmap(doc, tv.as_object());
  return out;
}

std::string rules(const object& doc) {
  std::vector<const object*> rows;
  for (const auto& rv : arr(at(doc, "rules"))) rows.push_back(&rv.as_object());
  // Worst first: judged rules by precision, then by how often wrong; then rules that fired
  // unjudged; rules that never fired last.
  auto key = [](const object* r) {
    const double fired = number(at(*r, "fired")).value_or(0);
    const double judged = number(at(*r, "judged")).value_or(0);
    const double right = number(at(*r, "right")).value_or(0);
    const int group = judged > 0 ? 0 : fired > 0 ? 1 : 2;
    const double precision = number(at(*r, "precision")).value_or(0);
    return std::tuple(group, precision, -(judged - right), -fired);
  };
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const object* a, const object* b) { return key(a) < key(b); });
  std::string out =
      "<h2 id=\"rules\">Rules, worst first</h2><p class=\"note\">Fired: tickets on which the rule "
      "fired. Judged: of those, tickets labelled on a dimension the rule scores. Right: of those, "
      "tickets whose label is the rule's strongest value. Sorted by right / judged, then by how "
      "often wrong; rules never judged follow, rules that never fired come last.</p>"
      "<div class=\"scroll\"><table><thead><tr><th>rule</th><th class=\"n\">fired</th>"
      "<th class=\"n\">judged</th><th class=\"n\">right</th><th class=\"n\">right / judged</th>"
      "<th></th></tr></thead><tbody>";
  for (const auto* r : rows) {
    const std::string id = text(at(*r, "rule"));
    const auto precision = number(at(*r, "precision"));
    const int width = precision ? static_cast<int>(60 * *precision + 0.5) : 0;
    out +=
        "<tr id=\"rule-" + html::escape(id) + "\"><th><code>" + html::escape(id) + "</code></th>" +
        td(html::count(at(*r, "fired"))) + td(html::count(at(*r, "judged"))) +
        td(html::count(at(*r, "right"))) + td(html::percent(at(*r, "precision"))) + "<td>" +
        (precision ? "<span class=\"bar\" style=\"width:" + std::to_string(width) + "px\"></span>"
                   : std::string()) +
        "</td></tr>";
  }
  out += "</tbody></table></div>";
  return out;
}

std::string cell_for(const std::string& value, const std::string& expected) {
  const std::string shown = value.empty() ? "(none)" : value;
  if (expected.empty()) return "<td>" + html::escape(shown) + "</td>";
  return "<td class=\"" + std::string(value == expected ? "good" : "bad") + "\">" +
         html::escape(shown) + (value == expected ? " ✓" : " ✗") + "</td>";
}

std::string comparison(const object& doc) {
  const auto* cv = at(doc, "compare");
  if (!cv || !cv->is_object()) return "";
  const auto& other = cv->get_object();
  const std::string before = text(at(doc, "pack")), after = text(at(other, "pack"));
  std::string out = "<h2 id=\"compare\">Compared with " + html::escape(after) +
                    "</h2><div class=\"scroll\"><table><thead><tr><th>target</th><th "
                    "class=\"n\">" +
                    html::escape(before) + "</th><th class=\"n\">" + html::escape(after) +
                    "</th></tr></thead><tbody>";
  for (const auto& tv : arr(at(doc, "targets"))) {
    const auto& t = tv.as_object();
    const std::string name = text(at(t, "target"));
    const object* u = nullptr;
    for (const auto& ov : arr(at(other, "targets"))) {
      if (text(at(ov.as_object(), "target")) == name) u = &ov.as_object();
    }
    if (!u) continue;
    out += "<tr id=\"compare-" + html::escape(name) + "\"><th>" + html::escape(name) + "</th>" +
           td(html::percent(at(t, "accuracy"))) + td(html::percent(at(*u, "accuracy"))) + "</tr>";
  }
  out += "</tbody></table></div>";

  const auto& changes = arr(at(doc, "changes"));
  std::size_t tickets = 0;
  std::string list;
  for (std::size_t i = 0; i < changes.size();) {
    const auto& first = changes[i].as_object();
    const std::string id = text(at(first, "ticket_id"));
    std::size_t j = i;
    while (j < changes.size() && text(at(changes[j].as_object(), "ticket_id")) == id) ++j;
    if (++tickets <= kChangedTicketsShown) {
      list += "<div class=\"ticket\"><b class=\"mono\">" + html::escape(id) + "</b><p>" +
              html::escape(html::excerpt(text(at(first, "text")), 300)) +
              "</p><div class=\"scroll\"><table><thead><tr><th>target</th><th>expected</th><th>" +
              html::escape(before) + "</th><th>" + html::escape(after) +
              "</th></tr></thead><tbody>";
      for (std::size_t k = i; k < j; ++k) {
        const auto& c = changes[k].as_object();
        const std::string expected = text(at(c, "expected"));
        list += "<tr><th>" + html::escape(text(at(c, "target"))) + "</th><td>" +
                html::escape(expected.empty() ? "–" : expected) + "</td>" +
                cell_for(text(at(c, "before")), expected) +
                cell_for(text(at(c, "after")), expected) + "</tr>";
      }
      list += "</tbody></table></div></div>";
    }
    i = j;
  }
  out += "<h3 id=\"changes\">" + std::to_string(tickets) + " tickets whose diagnosis changed</h3>";
  if (tickets > kChangedTicketsShown) {
    out += "<p class=\"note\">The first " + std::to_string(kChangedTicketsShown) +
           " are shown; "
           "<code>triage eval --format json --compare …</code> lists every change.</p>";
  }
  out += list;
  return out;
}
}  // namespace

std::string eval_report_html(const object& doc) {
  const std::string pack = text(at(doc, "pack"));
  std::string body = "<header><h1>Pack quality: " + html::escape(pack) + "</h1>" +
                     source_html(doc) + "<div class=\"cards\">";
  body += "<div class=\"card\"><span>tickets</span><b>" + html::count(at(doc, "tickets")) +
          "</b></div>";
  for (const auto& tv : arr(at(doc, "targets"))) {
    const auto& t = tv.as_object();
    body += "<div class=\"card\"><span>" + html::escape(text(at(t, "target"))) + "</span><b>" +
            html::percent(at(t, "accuracy")) + "</b></div>";
  }
  body += "</div></header>";
  body += summary(doc) + curves(doc) + confusions(doc) + rules(doc) + comparison(doc);
  return html::page("Pack quality: " + pack, body);
}

}  // namespace triage::cli
