// C ABI: compiled packs (include/triage/pack_file.hpp).
#include <cstdlib>
#include <cstring>

#include "guard.hpp"
#include "handles.hpp"
#include "triage/triage.hpp"

using namespace triage;
using triage::capi::fail;
using triage::capi::guarded;
using triage::capi::null_arg;

extern "C" {

int triage_engine_new_from_compiled(const void* data, size_t len, triage_engine** out) {
  return guarded([&] {
    if (!out) return null_arg("out");
    if (!data && len > 0) return null_arg("data");
    const std::string_view bytes(static_cast<const char*>(data), data ? len : 0);
    return triage::capi::new_engine(Engine::load(bytes), out);
  });
}

int triage_compile_pack_file(const char* path, void** out, size_t* out_len) {
  return guarded([&] {
    if (!out) return null_arg("out");
    if (!out_len) return null_arg("out_len");
    if (!path) return null_arg("path");
    auto bytes = compile_pack_file(path);
    if (!bytes) return fail(bytes.error());
    void* buf = std::malloc(bytes->size() ? bytes->size() : 1);
    if (!buf) return fail(TRIAGE_ERR_OUT_OF_MEMORY, "out of memory");
    std::memcpy(buf, bytes->data(), bytes->size());
    *out = buf;
    *out_len = bytes->size();
    return static_cast<int>(TRIAGE_OK);
  });
}

void triage_compiled_free(void* data) {
  std::free(data);
}

}  // extern "C"
