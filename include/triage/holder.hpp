// Safe swap: one place holding the engine every thread uses, replaced atomically when a new pack
// compiles — and left alone when it does not.
#pragma once

#include <memory>
#include <mutex>
#include <string_view>

#include "triage/engine.hpp"

namespace triage {
inline namespace v1 {

class EngineHolder {
 public:
  explicit EngineHolder(Engine engine)
      : current_(std::make_shared<const Engine>(std::move(engine))) {}

  /// The engine in force now. A thread keeps using the copy it got even while another swaps.
  Engine current() const {
    std::lock_guard lock(mutex_);
    return *current_;  // a copy shares the compiled tables: a reference count, no more
  }

  /// Installs an engine.
  void swap(Engine engine) {
    auto next = std::make_shared<const Engine>(std::move(engine));
    {
      std::lock_guard lock(mutex_);
      current_.swap(next);
    }
    // `next` now holds the old engine: the last copy frees its tables here, outside the lock.
  }

  /// Compiles a pack and installs it; on any error the running engine stays and the error says
  /// why (with its place in the pack).
  Result<void> swap_json(std::string_view pack_json, const EngineOptions& options = {}) {
    auto next = Engine::from_json(pack_json, options);
    if (!next) return next.error();
    swap(std::move(*next));
    return {};
  }

 private:
  // A mutex, not std::atomic<std::shared_ptr>: libstdc++ 12's load() releases its internal lock
  // with a relaxed store, which ThreadSanitizer rightly reports as a race with the next store.
  // The lock is held for a pointer copy only.
  mutable std::mutex mutex_;
  std::shared_ptr<const Engine> current_;
};

}  // namespace v1
}  // namespace triage
