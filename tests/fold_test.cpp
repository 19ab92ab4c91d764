#include "triage/fold.hpp"

#include <gtest/gtest.h>

using namespace triage;

TEST(Fold, LatinLettersFoldToLowerCase) {
  EXPECT_EQ(fold("CRASH Login"), "crash login");
}

TEST(Fold, FullWidthFormsFoldToHalfWidth) {
  EXPECT_EQ(fold("ＡＰＰ１２３"), "app123");
  EXPECT_EQ(fold("Ｅ１０２４"), "e1024");
  EXPECT_EQ(fold("订单号："), "订单号:");
}

TEST(Fold, TraditionalChineseFoldsToSimplified) {
  EXPECT_EQ(fold("閃退"), "闪退");
  EXPECT_EQ(fold("訂單"), "订单");
  EXPECT_EQ(fold("帳號無法登入"), fold("帐号无法登入"));
  EXPECT_EQ(fold("闪退"), "闪退");  // already canonical
}

TEST(Fold, TypographicVariantsFoldTogether) {
  EXPECT_EQ(fold("can’t"), "can't");
  EXPECT_EQ(fold("a\u3000b"), "a b");
}

TEST(Fold, IsIdempotent) {
  for (char32_t cp = 0; cp < 0x30000; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    ASSERT_EQ(fold(fold(cp)), fold(cp)) << std::hex << static_cast<unsigned>(cp);
  }
}

TEST(Fold, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xe9\x97"));
  EXPECT_TRUE(is_valid_utf8("闪退\xef\xbf\xbd"));
  EXPECT_EQ(fold("a\xffz"), "a\xef\xbf\xbdz");
}
