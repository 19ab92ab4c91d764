// Replaces the global allocation functions to count heap allocations while `g_counting` is set
// (the hot paths must not allocate). Include it in exactly one source file of a test program.
#pragma once

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
}  // namespace
void* operator new(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1);
  return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept {
  return operator new(n, t);
}
// Every form of delete pairs with the malloc above (sanitizers check the pairing). Kept out of
// line: inlined, GCC 12 at -O2 sees free() on memory from operator new and warns
// (-Wmismatched-new-delete), not knowing this operator new is malloc.
#define TRIAGE_TEST_DELETE __attribute__((noinline))
TRIAGE_TEST_DELETE void operator delete(void* p) noexcept {
  std::free(p);
}
TRIAGE_TEST_DELETE void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
TRIAGE_TEST_DELETE void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
TRIAGE_TEST_DELETE void operator delete[](void* p) noexcept {
  std::free(p);
}
TRIAGE_TEST_DELETE void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
TRIAGE_TEST_DELETE void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
