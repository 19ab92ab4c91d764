#include "triage/language.hpp"

#include <gtest/gtest.h>

using namespace triage;

TEST(Language, TellsTheThreeScriptsApart) {
  EXPECT_EQ(detect_language("APP一直闪退，订单也打不开"), "zh-Hans");
  EXPECT_EQ(detect_language("APP一直閃退，訂單也打不開"), "zh-Hant");
  EXPECT_EQ(detect_language("The app keeps crashing"), "en");
  EXPECT_EQ(detect_language("12345"), "zh-Hans");
  EXPECT_EQ(detect_language(""), "zh-Hans");
}
