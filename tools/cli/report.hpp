// The HTML reports: each renders the JSON document its command prints with --format json, so a
// page shows exactly the figures of the JSON (one computation, two renderings).
#pragma once

#include <string>

#include <boost/json/object.hpp>

namespace triage::cli {

/// The page of `triage report eval`, from the document of `triage eval --format json`.
std::string eval_report_html(const boost::json::object& eval);

/// The page of `triage report metrics`, from the document of `triage metrics --format json`.
std::string metrics_report_html(const boost::json::object& metrics);

/// Breached targets listed on the metrics page at most (latest first); the JSON lists them all.
inline constexpr std::size_t kBreachesShown = 1000;

}  // namespace triage::cli
