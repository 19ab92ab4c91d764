// The default pack's learned model, embedded by the assembler: a multi-megabyte byte-list
// initialiser would cost the compiler far more than `.incbin` costs the assembler.
#include <string_view>

#include "base/embed.hpp"
#include "triage/pack.hpp"

#ifndef TRIAGE_DEFAULT_MODEL
#error "TRIAGE_DEFAULT_MODEL names the model file to embed (CMakeLists.txt sets it)"
#endif

TRIAGE_EMBED_FILE(triage_default_model, TRIAGE_DEFAULT_MODEL, 16)

namespace triage {
inline namespace v1 {

std::string_view default_model_json() noexcept {
  return std::string_view(
      triage_default_model_begin,
      static_cast<std::size_t>(triage_default_model_end - triage_default_model_begin));
}

}  // namespace v1
}  // namespace triage
