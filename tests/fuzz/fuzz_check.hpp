// What every fuzz target shares: a check that stops the run on a broken invariant (libFuzzer then
// saves the input; the standalone runner fails the test), and a way to read the fuzzer's bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

/// Like assert, but kept in every build type: a fuzz target is only as good as its checks.
#define TRIAGE_FUZZ_CHECK(cond)                                                         \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

namespace triage::fuzz {

inline std::string_view bytes(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Splits off the text before the first `sep` (all of it when there is none).
inline std::string_view take_until(std::string_view& rest, char sep) {
  const auto at = rest.find(sep);
  const std::string_view head = rest.substr(0, at);
  rest = at == std::string_view::npos ? std::string_view() : rest.substr(at + 1);
  return head;
}

}  // namespace triage::fuzz
