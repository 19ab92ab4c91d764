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
/// Whose bytes a load reads.
enum class PackBytes {
  caller,  ///< Engine::load: copied where kept, and checked against their checksum
  library  ///< the embedded pack: they outlive every engine, so the learned model's tables are
           ///< read in place; and this build wrote them, so the checksum (a guard against damaged
           ///< files, and a read of all 11 MB) and the learned model's row tables' entry-by-entry
           ///< check (a read of every slot) are skipped; the other structure checks still run
};
/// Engine::load, and Engine::builtin from the embedded pack.
Result<Engine> load_compiled_pack(std::string_view bytes, const EngineOptions& options,
                                  PackBytes whose);
}  // namespace detail
}  // namespace v1
}  // namespace triage
