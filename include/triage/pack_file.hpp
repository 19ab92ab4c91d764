// Compiled packs: the engine's tables in a versioned binary file that loads in milliseconds,
// as Hyperscan serialises its databases. `triage compile pack.json -o pack.tpk` writes one;
// Engine::load and triage_engine_new_from_compiled read it.
//
// A file is tied to the library version that wrote it (like a Hyperscan database): another
// version refuses it with compiled_pack_version, and the host compiles the pack again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "triage/engine.hpp"
#include "triage/error.hpp"
#include "triage/learned_classifier.hpp"
#include "triage/pack.hpp"

namespace triage {
inline namespace v1 {

/// The binary format's version: bumped on any change to the layout of the file.
inline constexpr std::uint32_t pack_file_format = 2;

/// Compiles `pack` (with the learned model it names, when `model` is given) into the bytes of a
/// compiled pack. `options.regional_variants` is decided here, once; host classifiers in
/// `options` are not stored (a host passes them again to Engine::load).
Result<std::string> compile_pack(const Pack& pack, const LearnedModel* model,
                                 const EngineOptions& options = {});
/// The same for the pack file in `path`; a model the pack names is read relative to it.
Result<std::string> compile_pack_file(const std::string& path, const EngineOptions& options = {});
/// Reads and loads a compiled pack file (errors name the path).
Result<Engine> load_compiled_file(const std::string& path, const EngineOptions& options = {});
/// Whether the bytes start with a compiled pack's magic (to tell a .tpk from pack JSON).
bool is_compiled_pack(std::string_view bytes) noexcept;

}  // namespace v1
}  // namespace triage
