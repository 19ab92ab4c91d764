// Internal to the C ABI: the exception guard every entry point runs in, and the thread-local
// last error. No exception, and no C++ type, crosses extern "C".
#pragma once

#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>

#include "triage.h"
#include "triage/error.hpp"

namespace triage::capi {

/// Thrown by host-callback adapters when the host's callback reports a failure.
struct CallbackFailed : std::runtime_error {
  explicit CallbackFailed(const std::string& what) : std::runtime_error(what) {}
};

void set_error(int code, std::string message, std::string where = {}) noexcept;
inline int fail(const Error& e) noexcept {
  set_error(static_cast<int>(e.code), e.message, e.where);
  return static_cast<int>(e.code);
}
inline int fail(int code, std::string_view message) noexcept {
  set_error(code, std::string(message));
  return code;
}

/// Runs `f` (returning a status) with every exception turned into a status and a message.
template <class F>
int guarded(F&& f) noexcept {
  try {
    return f();
  } catch (const CallbackFailed& e) {
    return fail(TRIAGE_ERR_CALLBACK, e.what());
  } catch (const std::bad_alloc&) {
    return fail(TRIAGE_ERR_OUT_OF_MEMORY, "out of memory");
  } catch (const Exception& e) {
    return fail(e.error());
  } catch (const std::exception& e) {
    return fail(TRIAGE_ERR_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(TRIAGE_ERR_INTERNAL, "internal error");
  }
}

/// Copies into a malloc'd, NUL-terminated string for the host (freed by triage_string_free).
int give(std::string_view s, char** out, std::size_t* out_len) noexcept;

/// A NULL pointer where one is required.
inline int null_arg(const char* name) noexcept {
  return fail(TRIAGE_ERR_INVALID_ARGUMENT, std::string(name) + ": must not be NULL");
}

}  // namespace triage::capi
