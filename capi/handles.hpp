// Internal to the C ABI: what the opaque handles hold.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "triage.h"
#include "triage/triage.hpp"

struct triage_engine {
  triage::Engine engine;
  std::string pack_label;  // "name version", for triage_engine_pack
};

struct triage_engine_builder {
  std::optional<std::string> pack;
  triage::EngineOptions options;
};

struct triage_scores {
  triage::Evaluation* ev;
};

struct triage_result {
  triage::Diagnosis diagnosis;
};

struct triage_roster {
  triage::Roster roster;
  triage::RouterRegistry routers;
};

struct triage_linker {
  triage::Linker linker;
};

struct triage_holder {
  explicit triage_holder(triage::Engine e) : holder(std::move(e)) {}
  triage::EngineHolder holder;
};

namespace triage::capi {
int new_engine(Result<Engine> r, triage_engine** out);

/// How deep C calls may nest through host callbacks on one thread (a classifier that diagnoses,
/// whose classifier diagnoses, …); deeper is TRIAGE_ERR_CALLBACK rather than a blown stack.
inline constexpr std::size_t max_callback_nesting = 16;

/// The calling thread's scratch evaluation for one C call, as a temporary argument:
/// `engine.diagnose(t, ThreadEvaluation(), opts)`. Each thread keeps a small stack of warm
/// evaluations; a call made from inside a host callback on the same thread takes the next one,
/// never the one the outer call is still using.
class ThreadEvaluation {
 public:
  ThreadEvaluation();  // throws Exception(callback) past max_callback_nesting
  ~ThreadEvaluation();
  ThreadEvaluation(const ThreadEvaluation&) = delete;
  ThreadEvaluation& operator=(const ThreadEvaluation&) = delete;
  operator Evaluation&() const noexcept { return *ev_; }

 private:
  Evaluation* ev_;
};
}  // namespace triage::capi
