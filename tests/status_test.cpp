// One status list (triage/status_list.h) makes the C++ Errc, the C triage_status, errc_name and
// triage_status_name; these tests check that they say the same thing for every code.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "triage.h"
#include "triage/error.hpp"

using namespace triage;

namespace {
struct Entry {
  int c_value;  // TRIAGE_<CONSTANT>, as C sees it
  Errc errc;    // Errc::<name>, as C++ sees it
  std::string_view name;
};

// Each entry reads the C constant and the C++ enumerator by their own names: a list that made
// them differ would not compile, or would fail below.
const std::vector<Entry> entries = {
#define TRIAGE_TEST_ENTRY(constant, value, name) {TRIAGE_##constant, Errc::name, #name},
    TRIAGE_STATUS_LIST(TRIAGE_TEST_ENTRY)
#undef TRIAGE_TEST_ENTRY
};
}  // namespace

TEST(Status, EveryCodeHasOneValueInCAndCpp) {
  for (const auto& e : entries) {
    EXPECT_EQ(e.c_value, static_cast<int>(e.errc)) << e.name;
  }
}

TEST(Status, EveryCodeHasOneNameInCAndCpp) {
  for (const auto& e : entries) {
    EXPECT_EQ(errc_name(e.errc), e.name);
    EXPECT_EQ(std::string_view(triage_status_name(e.c_value)), e.name);
  }
}

TEST(Status, CodesOutsideTheListAreUnknown) {
  std::set<int> listed;
  for (const auto& e : entries) listed.insert(e.c_value);
  for (int code = -1; code < 130; ++code) {
    if (listed.count(code)) continue;
    EXPECT_EQ(std::string_view(triage_status_name(code)), "unknown") << code;
    EXPECT_EQ(errc_name(static_cast<Errc>(code)), "unknown") << code;
  }
}

TEST(Status, TheListIsAscendingWithUniqueNames) {
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) {
      EXPECT_LT(entries[i - 1].c_value, entries[i].c_value) << entries[i].name;
    }
    EXPECT_TRUE(names.insert(entries[i].name).second) << entries[i].name;
  }
}

TEST(Status, OutOfMemoryIsACodeOfBoth) {
  EXPECT_EQ(static_cast<int>(Errc::out_of_memory), TRIAGE_ERR_OUT_OF_MEMORY);
  EXPECT_EQ(errc_name(Errc::out_of_memory), "out_of_memory");
  EXPECT_EQ(std::string_view(triage_status_name(TRIAGE_ERR_OUT_OF_MEMORY)), "out_of_memory");
}
