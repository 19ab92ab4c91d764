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
Evaluation& thread_evaluation();
}  // namespace triage::capi
