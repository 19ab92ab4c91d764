// Internal side of compiled packs (the public one is include/triage/pack_file.hpp).
#pragma once

#include <string>
#include <string_view>

#include "triage/pack_file.hpp"

namespace triage {
inline namespace v1 {
namespace detail {
/// Recomputes the checksum of a compiled pack in place: tests and the fuzz target use it to
/// reach the checks behind the checksum with damaged contents.
void reseal_compiled_pack(std::string& bytes);
/// The built-in pack, compiled at build time (src/compile/builtin_pack.cpp); empty in the build
/// tool that makes it, which then compiles the pack from JSON.
std::string_view builtin_compiled_pack() noexcept;
/// Engine::load. When `bytes_outlive_engine` (the embedded pack), the learned model's tables are
/// read in place in `bytes`, not copied.
Result<Engine> load_compiled_pack(std::string_view bytes, const EngineOptions& options,
                                  bool bytes_outlive_engine);
}  // namespace detail
}  // namespace v1
}  // namespace triage
