#include "triage/entities.hpp"

#include <algorithm>
#include <array>

#include <re2/re2.h>
#include <re2/set.h>

namespace triage {
inline namespace v1 {

std::string_view to_string(EntityKind k) noexcept {
  constexpr std::array<std::string_view, entity_kind_count> names = {
      "order_id", "error_code", "version", "phone", "email", "os", "amount"};
  return names[static_cast<std::size_t>(k)];
}

std::string_view supplied_field(EntityKind k) noexcept {
  constexpr std::array<std::string_view, entity_kind_count> fields = {
      "order_id", "error_message", "version", "customer.phone", "customer.email", "os", "amount"};
  return fields[static_cast<std::size_t>(k)];
}

namespace {
struct PatternDef {
  EntityKind kind;
  const char* re;  // exactly one capturing group: the entity itself
};
// Boundaries are spelled out as (?:^|[^…]) because RE2 has no look-around.
constexpr PatternDef kPatterns[] = {
    {EntityKind::order_id,
     R"((?i)(?:订单|訂單|order)\s*(?:号码|號碼|号|號|编号|編號|no\.?|number|id|#)?\s*(?:is\s*)?[:：#]?\s*([A-Za-z0-9][A-Za-z0-9-]{5,31}))"},
    {EntityKind::order_id, R"((?:^|[^0-9A-Za-z])(\d{12,24})(?:[^0-9A-Za-z]|$))"},
    {EntityKind::error_code, R"((?:^|[^0-9A-Za-z])([A-Z]{1,4}[-_]?\d{2,6})(?:[^0-9A-Za-z]|$))"},
    {EntityKind::error_code,
     R"((?i)(?:error|err|code|错误码|错误代码|错误|报错|錯誤碼|錯誤代碼|錯誤|報錯|状态码|狀態碼|http)\s*[:：#]?\s*(\d{3,6})(?:[^0-9]|$))"},
    {EntityKind::error_code, R"((?:^|[^0-9A-Za-z.])(50[0-4])(?:[^0-9A-Za-z.%元块塊]|$))"},
    {EntityKind::version, R"((?i)(?:^|[^0-9A-Za-z])(v\d{1,3}(?:\.\d{1,4}){1,3}))"},
    {EntityKind::version,
     R"((?i)(?:版本|version|ver\.?)\s*(?:号|號)?\s*[:：]?\s*(v?\d{1,3}(?:\.\d{1,4}){0,3}))"},
    {EntityKind::version, R"((?:^|[^0-9A-Za-z.])(\d{1,3}\.\d{1,3}\.\d{1,4})(?:[^0-9.]|$))"},
    {EntityKind::phone, R"((?:^|[^0-9])((?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4})(?:[^0-9]|$))"},
    {EntityKind::phone, R"((?:^|[^0-9])(0\d{2,3}-\d{7,8})(?:[^0-9]|$))"},
    {EntityKind::email, R"(([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}))"},
    {EntityKind::amount,
     R"((?i)((?:[¥￥$]|rmb|cny|usd|nt\$|hk\$)\s*\d+(?:,\d{3})*(?:\.\d{1,2})?|\d+(?:,\d{3})*(?:\.\d{1,2})?\s*(?:元|块|塊|rmb|cny|usd|dollars?|港币|港幣|台币|台幣)))"},
    {EntityKind::os,
     R"((?i)(?:^|[^0-9A-Za-z])((?:android|ios|ipados|harmonyos|windows|macos|mac os|linux|鸿蒙|鴻蒙)(?:\s*\d+(?:\.\d+)*)?))"},
};
constexpr std::size_t kCount = sizeof(kPatterns) / sizeof(kPatterns[0]);

RE2::Options options() {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_encoding(RE2::Options::EncodingUTF8);
  return o;
}
}  // namespace

struct EntityExtractor::Impl {
  std::vector<std::unique_ptr<RE2>> res;
  RE2::Set set{options(), RE2::UNANCHORED};
};

// Compiled on first use rather than with each engine: loading a compiled pack compiles no
// expression, and every engine of the process shares these.
const EntityExtractor::Impl& EntityExtractor::impl() {
  static const Impl* const shared = [] {
    auto impl = std::make_unique<Impl>();
    for (const auto& p : kPatterns) {
      impl->res.push_back(std::make_unique<RE2>(p.re, options()));
      // The patterns are ours: a failure here is a bug caught by the first test run.
      if (!impl->res.back()->ok() || impl->set.Add(p.re, nullptr) < 0) std::abort();
    }
    if (!impl->set.Compile()) std::abort();
    return impl.release();  // lives as long as the process: engines may outlive static objects
  }();
  return *shared;
}

EntityExtractor::EntityExtractor() = default;
EntityExtractor::~EntityExtractor() = default;
EntityExtractor::EntityExtractor(EntityExtractor&&) noexcept = default;
EntityExtractor& EntityExtractor::operator=(EntityExtractor&&) noexcept = default;

void EntityExtractor::extract(std::string_view text, std::uint8_t field,
                              std::vector<EntitySpan>& out, std::vector<int>& scratch) const {
  scratch.clear();
  if (text.empty() || !impl().set.Match(text, &scratch)) return;
  const std::size_t first = out.size();
  // Patterns run in table order: order numbers before error codes (see `dup` below).
  std::sort(scratch.begin(), scratch.end());
  for (int idx : scratch) {
    if (idx >= 0 && static_cast<std::size_t>(idx) < kCount) {
      find_all(static_cast<std::size_t>(idx), text, field, first, out);
    }
  }
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
            [](const EntitySpan& a, const EntitySpan& b) { return a.begin < b.begin; });
}

void EntityExtractor::find_all(std::size_t idx, std::string_view text, std::uint8_t field,
                               std::size_t first, std::vector<EntitySpan>& out) const {
  const RE2& re = *impl().res[idx];
  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece cap;
  while (RE2::FindAndConsume(&input, re, &cap)) {
    if (cap.empty()) {
      if (input.empty()) break;
      continue;
    }
    const auto begin = static_cast<std::uint32_t>(cap.data() - text.data());
    const EntitySpan span{kPatterns[idx].kind, field, begin,
                          begin + static_cast<std::uint32_t>(cap.size())};
    // The same span can be found by two patterns of one kind (an order number after 订单号);
    // and an order number like AB-778812 also looks like an error code: the order wins.
    const bool dup = std::any_of(
        out.begin() + static_cast<std::ptrdiff_t>(first), out.end(), [&](const EntitySpan& e) {
          const bool rival = e.kind == span.kind || (e.kind == EntityKind::order_id &&
                                                     span.kind == EntityKind::error_code);
          return rival && e.begin < span.end && span.begin < e.end;
        });
    if (!dup) out.push_back(span);
  }
}

void EntityExtractor::extract_kinds(std::string_view text, std::uint8_t field, std::uint32_t kinds,
                                    std::vector<EntitySpan>& out) const {
  if (text.empty()) return;
  kinds = with_rivals(kinds);
  bool digit = false, at = false;
  for (char c : text) {
    digit |= c >= '0' && c <= '9';
    at |= c == '@';
  }
  // Every pattern but the os names and the lettered order number needs an ASCII digit (RE2's
  // \d is ASCII), an email needs '@': most texts are settled without running any pattern.
  std::uint32_t possible = entity_bit(EntityKind::os) | entity_bit(EntityKind::order_id);
  if (digit) possible = all_entity_kinds & ~entity_bit(EntityKind::email);
  if (at) possible |= entity_bit(EntityKind::email);
  if (!(kinds & possible)) return;
  // A pattern first runs without captures (RE2's DFA, which allocates nothing once warm); only
  // the patterns that occur run again for their spans.
  const std::size_t first = out.size();
  for (std::size_t idx = 0; idx < kCount; ++idx) {
    const EntityKind k = kPatterns[idx].kind;
    if (!(kinds & possible & entity_bit(k))) continue;
    if (!RE2::PartialMatch(text, *impl().res[idx])) continue;
    find_all(idx, text, field, first, out);
  }
}

}  // namespace v1
}  // namespace triage
