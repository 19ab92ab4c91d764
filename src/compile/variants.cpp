#include "compile/variants.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include <opencc/opencc.h>

#include "triage/fold.hpp"

namespace triage {
inline namespace v1 {
namespace detail {
namespace {
struct Converters {
  struct One {
    std::unique_ptr<opencc::SimpleConverter> converter;
    std::unique_ptr<std::mutex> mutex;  // OpenCC does not promise concurrent Convert calls are safe
  };
  std::vector<One> list;
  Converters() {
    for (const char* name : {"s2twp.json", "s2hk.json", "tw2sp.json", "hk2s.json"}) {
      for (const std::string& path :
           {std::string(name), std::string("/usr/share/opencc/") + name}) {
        try {
          list.push_back(
              {std::make_unique<opencc::SimpleConverter>(path), std::make_unique<std::mutex>()});
          break;
        } catch (...) {
        }
      }
    }
  }
};

// From this many Han keywords on, the converters run two at a time: for a pack of a million
// keywords OpenCC's dictionary look-ups are most of the compile, and each converter is
// independent of the others. Smaller packs (the default has a few thousand) start no thread.
constexpr std::size_t kParallelFrom = 20000;
bool has_han(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp;
    i += decode_utf8(s, i, cp);
    if (is_han(cp)) return true;
  }
  return false;
}

Converters& converters() {
  static Converters conv;
  return conv;
}

// Keeps `v` when it is a new phrasing: variants that fold to the keyword itself add nothing to
// the automaton.
void add_variant(std::string v, const std::string& folded_keyword, std::vector<std::string>& out) {
  if (!v.empty() && fold(v) != folded_keyword &&
      std::find(out.begin(), out.end(), v) == out.end()) {
    out.push_back(std::move(v));
  }
}
}  // namespace

std::vector<std::vector<std::string>> regional_variants(gsl::span<const std::string> keywords) {
  std::vector<std::vector<std::string>> out(keywords.size());
  // Only keywords with Han characters have regional phrasings.
  std::vector<std::size_t> batch;
  for (std::size_t i = 0; i < keywords.size(); ++i) {
    if (has_han(keywords[i])) batch.push_back(i);
  }
  if (batch.empty()) return out;
  std::string joined;
  std::vector<std::string> folded(keywords.size());
  for (std::size_t i : batch) {
    (joined += keywords[i]) += '\n';
    folded[i] = fold(keywords[i]);
  }

  auto& conv = converters();
  // 1. Each converter converts the joined lines. Dictionary phrases hold no line breaks, so
  //    this converts each keyword exactly as converting it alone would.
  std::vector<std::optional<std::string>> converted(conv.list.size());
  auto convert = [&](std::size_t c) {
    std::lock_guard lock(*conv.list[c].mutex);
    try {
      converted[c] = conv.list[c].converter->Convert(joined);
    } catch (...) {
    }
  };
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t c; (c = next.fetch_add(1)) < conv.list.size();) convert(c);
  };
  std::thread helper;
  if (batch.size() >= kParallelFrom && conv.list.size() > 1 &&
      std::thread::hardware_concurrency() > 1) {
    try {
      helper = std::thread(work);
    } catch (const std::system_error&) {  // no thread to be had: convert them all here
    }
  }
  work();
  if (helper.joinable()) helper.join();

  // 2. The variants, converter by converter in order.
  for (std::size_t c = 0; c < conv.list.size(); ++c) {
    if (!converted[c]) continue;
    std::size_t at = 0;
    std::vector<std::string_view> lines;
    lines.reserve(batch.size());
    for (std::size_t nl; (nl = converted[c]->find('\n', at)) != std::string::npos; at = nl + 1) {
      lines.emplace_back(converted[c]->data() + at, nl - at);
    }
    // A converter that changed the line count (or a keyword holding a line break) breaks the
    // pairing: take each keyword alone.
    const bool paired = lines.size() == batch.size() && at == converted[c]->size();
    for (std::size_t k = 0; k < batch.size(); ++k) {
      const std::size_t i = batch[k];
      std::string v;
      if (paired) {
        v.assign(lines[k]);
      } else {
        try {
          std::lock_guard lock(*conv.list[c].mutex);
          v = conv.list[c].converter->Convert(keywords[i]);
        } catch (...) {
          continue;
        }
      }
      add_variant(std::move(v), folded[i], out[i]);
    }
  }
  return out;
}

}  // namespace detail
}  // namespace v1
}  // namespace triage
