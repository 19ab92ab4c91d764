// The built-in pack, compiled at build time by triage_gen_tpk and embedded by the assembler, so
// that Engine::builtin() loads tables instead of compiling JSON, OpenCC variants and the model.
// Linked into the libraries only: the build tool, which makes this file's input, has its own
// (empty) definition and compiles the pack from JSON.
#include "compile/pack_file.hpp"

#ifndef TRIAGE_BUILTIN_TPK
#error "TRIAGE_BUILTIN_TPK names the compiled pack to embed (CMakeLists.txt sets it)"
#endif

__asm__(
    ".section .rodata.triage_builtin_tpk,\"a\"\n"
    // As the file's tables, which are read in place (pack_file.cpp).
    ".balign 64\n"
    ".globl triage_builtin_tpk_begin\n"
    ".hidden triage_builtin_tpk_begin\n"
    "triage_builtin_tpk_begin:\n"
    ".incbin \"" TRIAGE_BUILTIN_TPK
    "\"\n"
    ".globl triage_builtin_tpk_end\n"
    ".hidden triage_builtin_tpk_end\n"
    "triage_builtin_tpk_end:\n"
    ".previous\n");

extern "C" {
__attribute__((visibility("hidden"))) extern const char triage_builtin_tpk_begin[];
__attribute__((visibility("hidden"))) extern const char triage_builtin_tpk_end[];
}

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
