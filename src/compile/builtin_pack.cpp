// The built-in pack, compiled at build time by triage_gen_tpk and embedded by the assembler, so
// that Engine::builtin() loads tables instead of compiling JSON, OpenCC variants and the model.
// Linked into the libraries only: the build tool, which makes this file's input, has its own
// (empty) definition and compiles the pack from JSON.
#include "base/embed.hpp"
#include "compile/pack_file.hpp"

#ifndef TRIAGE_BUILTIN_TPK
#error "TRIAGE_BUILTIN_TPK names the compiled pack to embed (CMakeLists.txt sets it)"
#endif

// As the file's tables, which are read in place (pack_file.cpp).
TRIAGE_EMBED_FILE(triage_builtin_tpk, TRIAGE_BUILTIN_TPK, 64)

namespace triage {
inline namespace v1 {
namespace detail {

std::string_view builtin_compiled_pack() noexcept {
  return std::string_view(
      triage_builtin_tpk_begin,
      static_cast<std::size_t>(triage_builtin_tpk_end - triage_builtin_tpk_begin));
}

}  // namespace detail
}  // namespace v1
}  // namespace triage
