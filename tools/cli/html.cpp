#include "html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace triage::cli::html {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string breakable(std::string_view text) {
  std::string out;
  for (char c : text) {
    out += escape(std::string_view(&c, 1));
    if (c == '_' || c == '.' || c == '-') out += "<wbr>";
  }
  return out;
}

namespace {
std::optional<double> number_of(const boost::json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return std::nullopt;
}

std::string format(const char* spec, double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, spec, x);
  return buf;
}
}  // namespace

std::string percent(const boost::json::value* share) {
  const auto x = number_of(share);
  return x ? format("%.1f%%", 100 * *x) : "–";
}

std::string fixed(const boost::json::value* number, int decimals) {
  const auto x = number_of(number);
  if (!x) return "–";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, *x);
  return buf;
}

std::string count(const boost::json::value* number) {
  if (!number) return "–";
  if (number->is_uint64()) return std::to_string(number->get_uint64());
  if (number->is_int64()) return std::to_string(number->get_int64());
  return fixed(number, 1);
}

std::string excerpt(std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0, i = 0;
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars++ == max_chars) return std::string(text.substr(0, i)) + "…";
  }
  return std::string(text);
}

std::string shade(double share, bool good) {
  share = std::clamp(share, 0.0, 1.0);
  // Light enough for dark text up to 55%; darker cells switch to white text (class "dark").
  return format(good ? "background:rgba(26,127,55,%.2f)" : "background:rgba(207,34,46,%.2f)",
                share > 0 ? 0.08 + 0.82 * share : 0.0);
}

std::string page(std::string_view title, std::string_view body) {
  std::string out = R"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>)";
  out += escape(title);
  out += R"(</title>
<style>
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--good:#1a7f37;--bad:#cf222e;--s1:#0969da;--s2:#1a7f37;--s3:#bc4c00}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--fg);background:#fff;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;-webkit-print-color-adjust:exact;print-color-adjust:exact}
main{max-width:1120px;margin:0 auto;padding:20px 16px 40px}
h1{font-size:1.6em;margin:0 0 .2em}
h2{font-size:1.25em;margin:1.8em 0 .6em;padding-bottom:.25em;border-bottom:1px solid var(--line)}
h3{font-size:1.05em;margin:1.2em 0 .4em}
p,figcaption,.note{color:var(--muted)}
.note{font-size:.9em}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em;overflow-wrap:anywhere}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:.8em 0;font-size:.93em}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(130px,1fr));gap:8px;margin:1em 0}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 10px;background:var(--soft)}
.card span{display:block;color:var(--muted);font-size:.85em}
.card b{font-size:1.35em;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.4em 0}
table{border-collapse:collapse;font-size:.92em}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:var(--soft);font-weight:600;white-space:nowrap}
tbody th{white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.all td,tr.all th{font-weight:600;background:var(--soft)}
table.heat td{text-align:center;min-width:3.4em;white-space:nowrap;font-variant-numeric:tabular-nums}
table.heat td small{display:block;font-size:.78em;opacity:.85}
table.heat td.dark{color:#fff}
table.heat thead th{font-size:.8em;font-weight:500;white-space:normal;vertical-align:bottom}
table.heat tbody th{font-size:.85em;font-weight:500;vertical-align:middle}
.pair{display:flex;flex-wrap:wrap;gap:0 28px;align-items:flex-start}
.pair>.scroll{max-width:100%}
th small{font-weight:400;white-space:nowrap}
.good{color:var(--good)}.bad{color:var(--bad)}
.bar{display:inline-block;height:.7em;background:var(--s1);border-radius:2px;vertical-align:middle}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:18px}
.grid.wide{grid-template-columns:repeat(auto-fill,minmax(min(100%,440px),1fr))}
figure{margin:0;break-inside:avoid}
figcaption{font-size:.9em}
svg.chart{display:block;width:100%;height:auto;font-size:12px}
svg.chart .axis{stroke:var(--line);stroke-width:1}
svg.chart text{fill:var(--muted)}
svg.chart polyline{fill:none;stroke-width:2.5}
svg.chart .s1{stroke:var(--s1);fill:var(--s1)}svg.chart .s2{stroke:var(--s2);fill:var(--s2)}svg.chart .s3{stroke:var(--s3);fill:var(--s3)}
svg.chart polyline.s1,svg.chart polyline.s2,svg.chart polyline.s3{fill:none}
.legend{font-size:.88em;color:var(--muted);margin:.2em 0 0}
.legend i{display:inline-block;width:.9em;height:.9em;border-radius:2px;margin:0 .3em 0 .8em;vertical-align:-.1em}
.legend i.s1{background:var(--s1)}.legend i.s2{background:var(--s2)}.legend i.s3{background:var(--s3)}
.ticket{border:1px solid var(--line);border-radius:6px;margin:.6em 0;padding:8px 10px;break-inside:avoid}
.ticket p{margin:.2em 0 .5em;color:var(--fg);overflow-wrap:anywhere}
@media (max-width:600px){body{font-size:14px}main{padding:12px 10px 28px}h1{font-size:1.3em}dl.meta{grid-template-columns:1fr}dl.meta dd{margin-bottom:4px}svg.chart{font-size:15px}table{font-size:.86em}th,td{padding:3px 5px}}
@media print{main{max-width:none;padding:0}.scroll{overflow:visible}h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}}
</style>
</head>
<body>
<main>
)";
  out += body;
  out += "</main>\n</body>\n</html>\n";
  return out;
}

namespace {
// A round axis maximum and step for counts: 1, 2 or 5 times a power of ten, about 4 steps.
std::pair<double, double> nice_axis(double max) {
  if (max <= 0) return {1, 1};
  const double raw = max / 4;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  }
  step = std::max(step, 1.0);
  return {std::ceil(max / step) * step, step};
}

std::string num(double x) {
  return format("%.1f", x);
}
}  // namespace

std::string svg(const LineChart& c) {
  // Labels sit centred under their points; the margins leave room for half the longest one.
  constexpr double char_width =
      9;  // of a digit at the largest font size (phones), in viewBox units
  std::size_t longest = 0;
  for (const auto& l : c.x_labels) longest = std::max(longest, l.size());
  const double label_width = char_width * static_cast<double>(longest);
  const double left = std::max(48.0, label_width / 2 + 4),
               right = std::max(14.0, label_width / 2 + 4);
  const double top = 12, bottom = 34;
  const double w = c.width - left - right, h = c.height - top - bottom;
  double max = 0;
  for (const auto& s : c.series) {
    for (const auto& v : s.values) {
      if (v) max = std::max(max, *v);
    }
  }
  const auto [y_max, step] = c.percent ? std::pair<double, double>{1.0, 0.25} : nice_axis(max);
  const std::size_t n = c.x_labels.size();
  auto x_at = [&](std::size_t i) {
    return n <= 1 ? left + w / 2 : left + w * static_cast<double>(i) / static_cast<double>(n - 1);
  };
  auto y_at = [&](double v) { return top + h - h * std::clamp(v / y_max, 0.0, 1.0); };

  std::string out = "<svg class=\"chart\" viewBox=\"0 0 " + std::to_string(c.width) + " " +
                    std::to_string(c.height) + "\" role=\"img\" aria-label=\"" + escape(c.label) +
                    "\">";
  for (double v = 0; v <= y_max + step / 2; v += step) {
    const std::string y = num(y_at(v));
    out += "<line class=\"axis\" x1=\"" + num(left) + "\" x2=\"" + num(left + w) + "\" y1=\"" + y +
           "\" y2=\"" + y + "\"/>";
    const std::string label = c.percent ? format("%.0f%%", 100 * v) : format("%.0f", v);
    out += "<text x=\"" + num(left - 6) + "\" y=\"" + num(y_at(v) + 4) + "\" text-anchor=\"end\">" +
           label + "</text>";
  }
  // Every k-th label, k as small as keeps them apart; a k that also lands on the last point if
  // one is close.
  std::size_t every = 1;
  if (n > 1) {
    const double gap = w / static_cast<double>(n - 1);
    every = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil((label_width + 10) / gap)));
    for (std::size_t k = every; k <= every + 2 && k < n; ++k) {
      if ((n - 1) % k == 0) {
        every = k;
        break;
      }
    }
  }
  for (std::size_t i = 0; i < n; i += every) {
    out += "<text x=\"" + num(x_at(i)) + "\" y=\"" + num(top + h + 20) +
           "\" text-anchor=\"middle\">" + escape(c.x_labels[i]) + "</text>";
  }
  for (const auto& s : c.series) {
    const std::string cls = escape(s.css_class);
    std::string points;
    auto flush = [&] {
      if (points.find(' ') != std::string::npos) {
        out += "<polyline class=\"" + cls + "\" points=\"" + points + "\"/>";
      }
      points.clear();
    };
    for (std::size_t i = 0; i < s.values.size() && i < n; ++i) {
      if (!s.values[i]) {
        flush();
        continue;
      }
      if (!points.empty()) points += ' ';
      points += num(x_at(i)) + "," + num(y_at(*s.values[i]));
    }
    flush();
    for (std::size_t i = 0; i < s.values.size() && i < n; ++i) {
      if (!s.values[i]) continue;
      out += "<circle class=\"" + cls + "\" cx=\"" + num(x_at(i)) + "\" cy=\"" +
             num(y_at(*s.values[i])) + "\" r=\"3.5\"><title>" +
             escape(i < s.titles.size() ? s.titles[i] : s.name) + "</title></circle>";
    }
  }
  out += "</svg><div class=\"legend\">";
  for (const auto& s : c.series) {
    out += "<i class=\"" + escape(s.css_class) + "\"></i>" + escape(s.name);
  }
  out += "</div>";
  return out;
}

}  // namespace triage::cli::html
