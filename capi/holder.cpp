// The engine holder: swap a pack in while other threads diagnose.
#include "guard.hpp"
#include "handles.hpp"

using namespace triage;
using triage::capi::fail;
using triage::capi::guarded;
using triage::capi::null_arg;

extern "C" {

int triage_holder_new(const triage_engine* engine, triage_holder** out) {
  return guarded([&] {
    if (!engine) return null_arg("engine");
    if (!out) return null_arg("out");
    *out = std::make_unique<triage_holder>(engine->engine).release();
    return static_cast<int>(TRIAGE_OK);
  });
}

void triage_holder_free(triage_holder* holder) {
  std::unique_ptr<triage_holder>{holder};
}

int triage_holder_swap_json(triage_holder* holder, const char* pack, size_t len) {
  return guarded([&] {
    if (!holder) return null_arg("holder");
    if (!pack) return null_arg("pack");
    auto r = holder->holder.swap_json(std::string_view(pack, len));
    if (!r) return fail(r.error());
    return static_cast<int>(TRIAGE_OK);
  });
}

int triage_holder_swap(triage_holder* holder, const triage_engine* engine) {
  return guarded([&] {
    if (!holder) return null_arg("holder");
    if (!engine) return null_arg("engine");
    holder->holder.swap(engine->engine);
    return static_cast<int>(TRIAGE_OK);
  });
}

int triage_holder_acquire(const triage_holder* holder, triage_engine** out) {
  return guarded([&] {
    if (!holder) return null_arg("holder");
    if (!out) return null_arg("out");
    return triage::capi::new_engine(holder->holder.current(), out);
  });
}

}  // extern "C"
