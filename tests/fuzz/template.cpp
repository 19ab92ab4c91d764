// Fuzz target: the response-template renderer. The input is a template; parsing either accepts
// it or names the character at fault; rendering, whichever values are present (the first byte
// chooses which placeholders have one), leaves no placeholder or bracket behind.
#include <algorithm>
#include <optional>
#include <string>

#include "fuzz_check.hpp"
#include "triage/templates.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t present = data[0];
  const std::string_view text = triage::fuzz::bytes(data + 1, size - 1);
  const auto& names = triage::template_placeholders();
  auto known = [&](std::string_view n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  auto tpl = triage::Template::parse(text, known, "/templates/0/text/en");
  if (!tpl) {
    TRIAGE_FUZZ_CHECK(tpl.error().code == triage::Errc::pack_invalid);
    TRIAGE_FUZZ_CHECK(tpl.error().message.find("at character") != std::string::npos);
    return 0;
  }
  for (const auto& p : tpl->placeholders()) TRIAGE_FUZZ_CHECK(known(p));
  // Values are the placeholder's own name in angle brackets, so none of them adds a brace.
  auto lookup = [&](std::string_view name) -> std::optional<std::string> {
    const auto i =
        static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
    if (((present >> (i % 8)) & 1) == 0) return std::nullopt;
    return "<" + std::string(name) + ">";
  };
  const std::string out = tpl->render(lookup);
  // The output is the template's literal text, values and fallbacks, nothing more.
  std::size_t longest = 0;
  for (const auto& n : names) longest = std::max(longest, n.size() + 2);
  TRIAGE_FUZZ_CHECK(out.size() <= text.size() + tpl->placeholders().size() * longest);
  // Without fallbacks (which may say anything), no brace or bracket of the syntax survives: a
  // response never shows a raw placeholder or half a clause.
  if (text.find('|') == std::string_view::npos) {
    TRIAGE_FUZZ_CHECK(out.find_first_of("{}[]") == std::string::npos);
  }
  return 0;
}
