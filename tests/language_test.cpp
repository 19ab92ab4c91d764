#include "triage/language.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "triage/fold.hpp"

using namespace triage;

TEST(Language, TellsTheThreeScriptsApart) {
  EXPECT_EQ(detect_language("APP一直闪退，订单也打不开"), "zh-Hans");
  EXPECT_EQ(detect_language("APP一直閃退，訂單也打不開"), "zh-Hant");
  EXPECT_EQ(detect_language("The app keeps crashing"), "en");
  EXPECT_EQ(detect_language("12345"), "zh-Hans");
  EXPECT_EQ(detect_language(""), "zh-Hans");
}

TEST(Language, EveryHanCharacterThatFoldingChangesCountsAsTraditional) {
  // detect_language reads a table built from the folding table: it must agree with fold().
  for (char32_t cp = 0x3400; cp <= 0x9FFF; ++cp) {
    if (!is_han(cp)) continue;
    std::string one;
    append_utf8(one, cp);
    EXPECT_EQ(detect_language(one), fold(cp) != cp ? "zh-Hant" : "zh-Hans")
        << "U+" << std::hex << static_cast<std::uint32_t>(cp);
  }
}
