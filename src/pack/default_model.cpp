// The default pack's learned model, embedded by the assembler: a multi-megabyte byte-list
// initialiser would cost the compiler far more than `.incbin` costs the assembler.
#include <string_view>

#include "triage/pack.hpp"

#ifndef TRIAGE_DEFAULT_MODEL
#error "TRIAGE_DEFAULT_MODEL names the model file to embed (CMakeLists.txt sets it)"
#endif

__asm__(
    ".section .rodata.triage_default_model,\"a\"\n"
    ".balign 16\n"
    ".globl triage_default_model_begin\n"
    ".hidden triage_default_model_begin\n"
    "triage_default_model_begin:\n"
    ".incbin \"" TRIAGE_DEFAULT_MODEL
    "\"\n"
    ".globl triage_default_model_end\n"
    ".hidden triage_default_model_end\n"
    "triage_default_model_end:\n"
    ".previous\n");

extern "C" {
__attribute__((visibility("hidden"))) extern const char triage_default_model_begin[];
__attribute__((visibility("hidden"))) extern const char triage_default_model_end[];
}

namespace triage {
inline namespace v1 {

std::string_view default_model_json() noexcept {
  return std::string_view(
      triage_default_model_begin,
      static_cast<std::size_t>(triage_default_model_end - triage_default_model_begin));
}

}  // namespace v1
}  // namespace triage
