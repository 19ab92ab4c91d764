// A small HTML writer for the reports: escaping, number formats read off the JSON the reports
// render, the page shell (inline CSS, no scripts, no external assets) and SVG line charts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

namespace triage::cli::html {

/// Text made safe for element content and quoted attribute values (& < > " ').
std::string escape(std::string_view text);

/// `escape(text)` with a line-break opportunity after each '_', '.' and '-': long ids wrap
/// at their parts in narrow columns instead of anywhere.
std::string breakable(std::string_view text);

/// A JSON share as a percentage with one decimal ("63.9%"); "–" for null or a missing value.
std::string percent(const boost::json::value* share);
/// A JSON number with `decimals` decimals; "–" for null or a missing value.
std::string fixed(const boost::json::value* number, int decimals);
/// A JSON integer or number as written ("310").
std::string count(const boost::json::value* number);

/// At most `max_chars` characters of UTF-8 text (never a broken character), "…" when cut.
std::string excerpt(std::string_view text, std::size_t max_chars);

/// A background for a table cell: `share` (0–1) of the colour; good (green) or bad (red).
std::string shade(double share, bool good);

/// The whole document: <!doctype html>, the stylesheet, `body` inside <main>.
std::string page(std::string_view title, std::string_view body);

struct Series {
  std::string name;
  std::string css_class;                      ///< s1, s2, s3: the stroke and fill colours
  std::vector<std::optional<double>> values;  ///< one per x label; none breaks the line
  std::vector<std::string> titles;            ///< hover text per point (plain text)
};

struct LineChart {
  std::string label;  ///< what the chart shows, for screen readers
  std::vector<std::string> x_labels;
  std::vector<Series> series;
  bool percent = false;  ///< values are shares: the axis runs 0–100%
  int width = 600, height = 240;
};

/// An inline SVG line chart with a grid, axis labels and a <title> on every point, followed by
/// an HTML legend.
std::string svg(const LineChart& chart);

}  // namespace triage::cli::html
