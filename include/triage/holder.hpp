// Safe swap: one place holding the engine every thread uses, replaced atomically when a new pack
// compiles — and left alone when it does not.
#pragma once

#include <atomic>
#include <memory>
#include <string_view>

#include "triage/engine.hpp"

namespace triage {
inline namespace v1 {

class EngineHolder {
 public:
  explicit EngineHolder(Engine engine)
      : current_(std::make_shared<const Engine>(std::move(engine))) {}

  /// The engine in force now. A thread keeps using the copy it got even while another swaps.
  Engine current() const { return *current_.load(); }

  /// Installs an engine.
  void swap(Engine engine) { current_.store(std::make_shared<const Engine>(std::move(engine))); }

  /// Compiles a pack and installs it; on any error the running engine stays and the error says
  /// why (with its place in the pack).
  Result<void> swap_json(std::string_view pack_json, const EngineOptions& options = {}) {
    auto next = Engine::from_json(pack_json, options);
    if (!next) return next.error();
    swap(std::move(*next));
    return {};
  }

 private:
  std::atomic<std::shared_ptr<const Engine>> current_;
};

}  // namespace v1
}  // namespace triage
