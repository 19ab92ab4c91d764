// The one place the library reads files, for the edges that need it (the `triage` command and
// triage_engine_new_from_file): the engine itself only ever sees text the host hands it.
#pragma once

#include <string>

#include "triage/engine.hpp"

namespace triage {
inline namespace v1 {

/// The whole file; an io error naming the path when it cannot be read (or is a folder), and a
/// pack_limit error once it grows past `max_bytes` (so /dev/zero or a runaway file stops there).
Result<std::string> read_text_file(const std::string& path,
                                   std::size_t max_bytes = PackLimits{}.max_pack_bytes);

/// Compiles the pack in `path`; a learned model the pack names is read relative to it.
Result<Engine> engine_from_file(const std::string& path, EngineOptions options = {});

}  // namespace v1
}  // namespace triage
