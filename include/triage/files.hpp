// The one place the library reads files, for the edges that need it (the `triage` command and
// triage_engine_new_from_file): the engine itself only ever sees text the host hands it.
#pragma once

#include <string>

#include "triage/engine.hpp"

namespace triage {
inline namespace v1 {

/// The whole file; an io error naming the path when it cannot be read.
Result<std::string> read_text_file(const std::string& path);

/// Compiles the pack in `path`; a learned model the pack names is read relative to it.
Result<Engine> engine_from_file(const std::string& path, EngineOptions options = {});

}  // namespace v1
}  // namespace triage
