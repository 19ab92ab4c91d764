// Fuzz target: the text matcher and the normaliser. The input is keywords (one per line) up to
// the first NUL, then the text: any bytes (invalid UTF-8, mixed scripts, NUL bytes). The first
// byte makes the text long now and then: 'K' repeats it to 64 KiB, 'M' to 1 MiB (the text limit).
// Matches lie inside the text, in order of end offset, on code-point boundaries (of valid UTF-8);
// folding is idempotent; the built-in engine classifies the raw text without reading outside it.
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "triage/triage.hpp"

namespace {
bool boundary(std::string_view text, std::size_t at) {
  return at == text.size() || (static_cast<unsigned char>(text[at]) & 0xC0) != 0x80;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // Long texts cost the fuzzer time; a few are enough to find what only length breaks. (Not
  // 0xFF or 0x00: libFuzzer's mutations favour those bytes.)
  const std::size_t repeat_to = data[0] == 'M' ? (1u << 20) : data[0] == 'K' ? (1u << 16) : 0;
  const bool huge = repeat_to > 0;
  std::string_view rest = triage::fuzz::bytes(data + 1, size - 1);
  std::string_view keywords = triage::fuzz::take_until(rest, '\0');
  std::string text(rest);
  while (!text.empty() && text.size() < repeat_to) text += text;

  std::vector<triage::MatcherPattern> patterns;
  while (!keywords.empty() && patterns.size() < 64) {
    std::string_view k = triage::fuzz::take_until(keywords, '\n');
    triage::MatcherPattern p;
    p.boundary_start = !k.starts_with('*');
    p.boundary_end = !k.ends_with('*');
    if (!p.boundary_start) k.remove_prefix(1);
    if (!p.boundary_end && !k.empty()) k.remove_suffix(1);
    p.text = std::string(k);
    p.id = static_cast<std::uint32_t>(patterns.size());
    patterns.push_back(std::move(p));
  }
  auto matcher = triage::Matcher::compile(patterns);
  if (matcher) {
    std::vector<triage::Match> matches;
    matcher->scan(text, matches);
    const bool valid = triage::is_valid_utf8(text);  // invalid bytes scan as U+FFFD, one each
    std::uint32_t last_end = 0;
    for (const auto& m : matches) {
      TRIAGE_FUZZ_CHECK(m.id < patterns.size());
      TRIAGE_FUZZ_CHECK(m.begin < m.end && m.end <= text.size() && m.end >= last_end);
      TRIAGE_FUZZ_CHECK(!valid || (boundary(text, m.begin) && boundary(text, m.end)));
      last_end = m.end;
    }
  } else {
    const auto code = matcher.error().code;
    TRIAGE_FUZZ_CHECK(code == triage::Errc::pack_bad_keyword || code == triage::Errc::pack_limit);
  }

  // Long texts only go through the matcher (where length matters: its ring of recent
  // characters, its offsets); mutations of one would otherwise take most of the fuzzer's time.
  if (huge) return 0;

  // The normaliser: folding is idempotent and always yields valid UTF-8.
  const std::string folded = triage::fold(text);
  TRIAGE_FUZZ_CHECK(triage::is_valid_utf8(folded));
  TRIAGE_FUZZ_CHECK(triage::fold(folded) == folded);

  // The whole scan on the built-in pack (C++ hosts may hand it any bytes).
  triage::Ticket ticket;
  ticket.text = std::move(text);
  triage::Evaluation ev;
  triage::Engine::builtin().evaluate(ticket, ev);
  return 0;
}
