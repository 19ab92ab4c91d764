// Internal: a regular expression compiled on first use.
//
// A compiled pack loads without compiling its expressions (RE2 was most of a load's time), so an
// engine holds each one as its pattern until a ticket first needs it. Engines are immutable and
// shared by threads, so that first use may come from several threads at once: std::call_once
// compiles exactly once and publishes the result to every thread; later uses cost one atomic
// load. An engine compiled from JSON has compiled (and so checked) every expression already and
// hands it over compiled.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <re2/re2.h>

namespace triage {
inline namespace v1 {
namespace detail {

class LazyRegex {
 public:
  /// Compiled when first used. A pattern that does not compile (only a damaged compiled pack can
  /// hold one: compiling from JSON refuses it) gives an RE2 that never matches.
  LazyRegex(std::string pattern, const RE2::Options& options)
      : pattern_(std::move(pattern)), options_(options) {}
  /// Compiled already.
  explicit LazyRegex(std::unique_ptr<RE2> compiled)
      : pattern_(compiled->pattern()), options_(compiled->options()) {
    std::call_once(once_, [&] { re_ = std::move(compiled); });
  }
  LazyRegex(const LazyRegex&) = delete;
  LazyRegex& operator=(const LazyRegex&) = delete;

  const RE2& get() const {
    std::call_once(once_, [this] { re_ = std::make_unique<RE2>(pattern_, options_); });
    return *re_;
  }
  const RE2& operator*() const { return get(); }
  const RE2* operator->() const { return &get(); }
  const std::string& pattern() const noexcept { return pattern_; }

 private:
  std::string pattern_;
  RE2::Options options_;
  mutable std::once_flag once_;
  mutable std::unique_ptr<RE2> re_;
};

}  // namespace detail
}  // namespace v1
}  // namespace triage
