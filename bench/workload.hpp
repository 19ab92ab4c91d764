// Deterministic benchmark workloads: the default pack scaled to N times its keyword count, and
// synthetic tickets of a chosen size. Every benchmark and bench_gen (which hands the same data
// to the peer engines in bench/peers) draws from here, so all figures describe one workload.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace triage_bench {

/// The default pack's keywords as written (wildcard '*' dropped), in pack order.
const std::vector<std::string>& default_keywords();

/// The default pack with synthetic rules added until it holds about `scale` times the default
/// pack's keyword count. The synthetic keywords are random CJK words and Latin pseudo-words
/// that seldom occur in tickets, as in a large real pack where most rules do not fire.
std::string scaled_pack_json(int scale);

/// Every keyword of `pack_json`, one string each (wildcards dropped).
std::vector<std::string> keywords_of(const std::string& pack_json);

/// `count` ticket texts of about `bytes` bytes each: default-pack keywords in mixed scripts
/// among filler phrases in Chinese and English. The same seed gives the same texts.
std::vector<std::string> ticket_texts(std::size_t count, std::size_t bytes, std::uint64_t seed = 1);

/// The same texts as ticket JSON lines ({"id", "channel", "created_at", "text"}).
std::vector<std::string> ticket_lines(std::size_t count, std::size_t bytes, std::uint64_t seed = 1);

}  // namespace triage_bench
