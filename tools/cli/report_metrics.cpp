// The page of `triage report metrics`: FCR, handling time, CSAT and reopen rate per handling
// group, SLA compliance per target and group, weekly trends and the breached targets.
#include <algorithm>
#include <set>

#include "html.hpp"
#include "report.hpp"
#include "report_util.hpp"

namespace triage::cli {

namespace {
using namespace report_util;
using boost::json::object;
using boost::json::value;

std::string td(const std::string& html) {
  return "<td class=\"n\">" + html + "</td>";
}

std::string card(std::string_view name, const std::string& figure) {
  return "<div class=\"card\"><span>" + std::string(name) + "</span><b>" + figure + "</b></div>";
}

std::string group_row(const std::string& name, const object& g, bool all) {
  return "<tr id=\"group-" + html::escape(name) + "\"" + (all ? " class=\"all\"" : "") + "><th>" +
         html::escape(name) + "</th>" + td(html::count(at(g, "tickets"))) +
         td(html::count(at(g, "closed"))) + td(html::percent(at(g, "first_contact_resolution"))) +
         td(html::fixed(at(g, "average_handling_hours"), 1)) +
         td(html::fixed(at(g, "p90_handling_hours"), 1)) +
         td(html::percent(at(obj(at(g, "csat")), "satisfied_share"))) +
         td(html::percent(at(g, "reopen_rate"))) + "</tr>";
}

std::string groups(const object& doc) {
  std::string out =
      "<h2 id=\"groups\">Per handling group</h2><div class=\"scroll\"><table><thead><tr>"
      "<th>group</th><th class=\"n\">tickets</th><th class=\"n\">closed</th><th "
      "class=\"n\">FCR</th><th class=\"n\">avg h</th><th class=\"n\">p90 h</th><th "
      "class=\"n\">CSAT</th><th class=\"n\">reopen</th></tr></thead><tbody>";
  out += group_row("all", doc, true);
  for (const auto& g : obj(at(doc, "by_group"))) {
    out += group_row(std::string(g.key()), g.value().as_object(), false);
  }
  out +=
      "</tbody></table></div><p class=\"note\">Rates are over closed tickets. FCR (first-contact "
      "resolution): closed, never reopened or escalated, at most one response before the first "
      "resolution. Handling time: creation to the last resolution, in hours (average and 90th "
      "percentile). CSAT: satisfied share of the rated tickets.</p>";
  return out;
}

std::string compliance_cell(const object* c, const std::string& where) {
  if (!c) return "<td class=\"n\">–</td>";
  const double met = number(at(*c, "met")).value_or(0);
  const double breached = number(at(*c, "breached")).value_or(0);
  if (met + breached == 0) return "<td class=\"n\">–</td>";
  const double rate = number(at(*c, "compliance")).value_or(0);
  const std::string title = where + ": " + html::count(at(*c, "met")) + " met, " +
                            html::count(at(*c, "breached")) + " breached (" +
                            html::percent(at(*c, "compliance")) + " compliance)";
  return "<td class=\"n" + std::string(1 - rate > 0.55 ? " dark" : "") + "\" style=\"" +
         html::shade(1 - rate, false) + "\" title=\"" + html::escape(title) + "\">" +
         html::percent(at(*c, "compliance")) + "<small>" + html::count(at(*c, "met")) + "/" +
         std::to_string(static_cast<long long>(met + breached)) + "</small></td>";
}

std::string sla(const object& doc) {
  std::set<std::string> targets;
  for (const auto& t : obj(at(doc, "sla"))) targets.emplace(t.key());
  std::string out =
      "<h2 id=\"sla\">SLA compliance per target and group</h2><div class=\"scroll\"><table "
      "class=\"heat\"><thead><tr><th>group</th>";
  for (const auto& t : targets) out += "<th>" + html::breakable(t) + "</th>";
  out += "<th>all targets</th></tr></thead><tbody>";
  auto row = [&](const std::string& name, const object& g) {
    out += "<tr id=\"sla-" + html::escape(name) + "\"><th>" + html::escape(name) + "</th>";
    const auto& s = obj(at(g, "sla"));
    for (const auto& t : targets) {
      const auto* c = at(s, t);
      out += compliance_cell(c && c->is_object() ? &c->get_object() : nullptr, name + ", " + t);
    }
    out += compliance_cell(&obj(at(g, "sla_all_targets")), name + ", all targets") + "</tr>";
  };
  row("all", doc);
  for (const auto& g : obj(at(doc, "by_group"))) row(std::string(g.key()), g.value().as_object());
  out +=
      "</tbody></table></div><p class=\"note\">Each target with a deadline is judged at the "
      "closed ticket's last event: met, or breached (done after the deadline, or not done by "
      "then). Cells: compliance, met / judged; redder for more breaches.</p>";
  return out;
}

std::string trends(const object& doc) {
  const auto& weeks = arr(at(doc, "weeks"));
  html::LineChart volume, rates;
  volume.label = "tickets and closed tickets per week";
  rates.label = "first-contact resolution and SLA compliance per week";
  rates.percent = true;
  volume.width = rates.width = 480;
  html::Series tickets{"tickets", "s1", {}, {}}, closed{"closed", "s3", {}, {}};
  html::Series fcr{"FCR", "s2", {}, {}}, compliance{"SLA compliance (all targets)", "s1", {}, {}};
  std::string table;
  for (const auto& wv : weeks) {
    const auto& w = wv.as_object();
    const std::string week = text(at(w, "week"));
    const auto& all = obj(at(w, "sla_all_targets"));
    volume.x_labels.push_back(week);
    rates.x_labels.push_back(week);
    tickets.values.push_back(number(at(w, "tickets")));
    tickets.titles.push_back("week of " + week + ": " + html::count(at(w, "tickets")) + " tickets");
    closed.values.push_back(number(at(w, "closed")));
    closed.titles.push_back("week of " + week + ": " + html::count(at(w, "closed")) + " closed");
    const bool any_closed = number(at(w, "closed")).value_or(0) > 0;
    fcr.values.push_back(any_closed ? number(at(w, "first_contact_resolution")) : std::nullopt);
    fcr.titles.push_back("week of " + week + ": FCR " +
                         html::percent(at(w, "first_contact_resolution")));
    const bool judged =
        number(at(all, "met")).value_or(0) + number(at(all, "breached")).value_or(0) > 0;
    compliance.values.push_back(judged ? number(at(all, "compliance")) : std::nullopt);
    compliance.titles.push_back(
        "week of " + week + ": SLA compliance " + html::percent(at(all, "compliance")) + " (" +
        html::count(at(all, "met")) + " met, " + html::count(at(all, "breached")) + " breached)");
    table += "<tr id=\"week-" + html::escape(week) + "\"><th>" + html::escape(week) + "</th>" +
             td(html::count(at(w, "tickets"))) + td(html::count(at(w, "closed"))) +
             td(any_closed ? html::percent(at(w, "first_contact_resolution")) : "–") +
             td(judged ? html::percent(at(all, "compliance")) : "–") + "</tr>";
  }
  volume.series = {tickets, closed};
  rates.series = {fcr, compliance};
  return "<h2 id=\"trends\">Weekly trends</h2><p class=\"note\">Weeks of creation (Monday, in "
         "the ticket's own time zone).</p><div class=\"grid wide\"><figure>" +
         html::svg(volume) + "</figure><figure>" + html::svg(rates) +
         "</figure></div><div class=\"scroll\"><table><thead><tr><th>week</th><th "
         "class=\"n\">tickets</th><th class=\"n\">closed</th><th class=\"n\">FCR</th><th "
         "class=\"n\">SLA compliance</th></tr></thead><tbody>" +
         table + "</tbody></table></div>";
}

std::string breaches(const object& doc) {
  std::vector<const object*> rows;
  for (const auto& bv : arr(at(doc, "breaches"))) rows.push_back(&bv.as_object());
  std::stable_sort(rows.begin(), rows.end(), [](const object* a, const object* b) {
    return number(at(*a, "late_hours")).value_or(0) > number(at(*b, "late_hours")).value_or(0);
  });
  std::string out = "<h2 id=\"breaches\">" + std::to_string(rows.size()) +
                    " breached targets</h2><p class=\"note\">Latest first. Late: hours past the "
                    "deadline at completion, or at the last event when never done.";
  if (rows.size() > kBreachesShown) {
    out += " The " + std::to_string(kBreachesShown) +
           " latest are listed; <code>triage metrics --format json</code> lists every one.";
  }
  out +=
      "</p><div class=\"scroll\"><table><thead><tr><th>ticket</th><th>group</th><th>target</th>"
      "<th>due</th><th>done</th><th class=\"n\">late h</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < rows.size() && i < kBreachesShown; ++i) {
    const object& b = *rows[i];
    const std::string completed = text(at(b, "completed"));
    out += "<tr><td class=\"mono\">" + html::escape(text(at(b, "ticket_id"))) + "</td><td>" +
           html::escape(text(at(b, "group"))) + "</td><td>" + html::escape(text(at(b, "target"))) +
           "</td><td class=\"mono\">" + html::escape(text(at(b, "due"))) +
           "</td><td class=\"mono\">" +
           (completed.empty() ? "<span class=\"bad\">not done</span>" : html::escape(completed)) +
           "</td>" + td(html::fixed(at(b, "late_hours"), 1)) + "</tr>";
  }
  out += "</tbody></table></div>";
  return out;
}
}  // namespace

std::string metrics_report_html(const object& doc) {
  const auto& pack = obj(at(doc, "pack_info"));
  const std::string title =
      "Service metrics: " + text(at(pack, "name")) + " " + text(at(pack, "version"));
  const auto& csat = obj(at(doc, "csat"));
  std::string body =
      "<header><h1>" + html::escape(title) + "</h1>" + source_html(doc) + "<div class=\"cards\">";
  body += card("tickets", html::count(at(doc, "tickets")));
  body += card("closed", html::count(at(doc, "closed")));
  body += card("FCR", html::percent(at(doc, "first_contact_resolution")));
  body += card("avg handling h", html::fixed(at(doc, "average_handling_hours"), 1));
  body += card("p90 handling h", html::fixed(at(doc, "p90_handling_hours"), 1));
  body += card("CSAT", html::percent(at(csat, "satisfied_share")));
  body += card("reopen rate", html::percent(at(doc, "reopen_rate")));
  body += card("SLA compliance", html::percent(at(obj(at(doc, "sla_all_targets")), "compliance")));
  body += "</div><p class=\"note\">CSAT: " + html::count(at(csat, "satisfied")) + " satisfied, " +
          html::count(at(csat, "neutral")) + " neutral, " + html::count(at(csat, "unsatisfied")) +
          " unsatisfied, " + html::count(at(csat, "unrated")) + " unrated.</p></header>";
  body += groups(doc) + sla(doc) + trends(doc) + breaches(doc);
  return html::page(title, body);
}

}  // namespace triage::cli
