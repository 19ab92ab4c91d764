#include "variants.hpp"

#include <algorithm>
#include <memory>
#include <mutex>

#include <opencc/opencc.h>

#include "triage/fold.hpp"

namespace triage {
inline namespace v1 {
namespace detail {
namespace {
struct Converters {
  std::vector<std::unique_ptr<opencc::SimpleConverter>> list;
  std::mutex mutex;  // OpenCC does not promise concurrent Convert calls are safe
  Converters() {
    for (const char* name : {"s2twp.json", "s2hk.json", "tw2sp.json", "hk2s.json"}) {
      for (const std::string& path :
           {std::string(name), std::string("/usr/share/opencc/") + name}) {
        try {
          list.push_back(std::make_unique<opencc::SimpleConverter>(path));
          break;
        } catch (...) {
        }
      }
    }
  }
};
bool has_han(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp;
    i += decode_utf8(s, i, cp);
    if (is_han(cp)) return true;
  }
  return false;
}
}  // namespace

std::vector<std::string> regional_variants(const std::string& keyword) {
  std::vector<std::string> out;
  if (!has_han(keyword)) return out;
  static Converters conv;
  const std::string base = fold(keyword);
  std::lock_guard lock(conv.mutex);
  for (const auto& c : conv.list) {
    std::string v;
    try {
      v = c->Convert(keyword);
    } catch (...) {
      continue;
    }
    // Variants that fold to the keyword itself add nothing to the automaton.
    if (!v.empty() && fold(v) != base && std::find(out.begin(), out.end(), v) == out.end()) {
      out.push_back(std::move(v));
    }
  }
  return out;
}

}  // namespace detail
}  // namespace v1
}  // namespace triage
