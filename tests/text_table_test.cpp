// Terminal tables stay aligned when cells hold long names and wide (CJK) text.
#include "triage/text_table.hpp"

#include <gtest/gtest.h>

#include <sstream>

using namespace triage;

TEST(TextTable, DisplayWidthCountsWideCharactersTwice) {
  EXPECT_EQ(display_width(""), 0u);
  EXPECT_EQ(display_width("refund"), 6u);
  EXPECT_EQ(display_width("退款"), 4u);         // CJK ideographs
  EXPECT_EQ(display_width("ＡＰＰ"), 6u);       // full-width Latin
  EXPECT_EQ(display_width("訂單 order"), 10u);  // traditional Chinese and ASCII
  EXPECT_EQ(display_width("환불"), 4u);         // Hangul
  EXPECT_EQ(display_width("、。"), 4u);         // CJK punctuation
  EXPECT_EQ(display_width("e\xCC\x81"), 1u);    // e + combining acute accent
  EXPECT_EQ(display_width("a\xE2\x80\x8B"
                          "b"),
            2u);                              // zero-width space
  EXPECT_EQ(display_width("\xFF\xFEx"), 3u);  // invalid bytes: one cell each
  EXPECT_EQ(display_width("\xE9\x80"), 2u);   // a truncated sequence
}

TEST(TextTable, ColumnsLineUpByDisplayWidth) {
  const TextTable t{
      {"value", "n"},
      {false, true},
      {{"card_payment_wrong_exchange_rate", "12"}, {"退款未到账", "3"}, {"ＡＰＰ闪退", "100"}}};
  const std::string out = render(t, "  ");
  EXPECT_EQ(out,
            "  value                               n\n"
            "  card_payment_wrong_exchange_rate   12\n"
            "  退款未到账                          3\n"
            "  ＡＰＰ闪退                        100\n");
  // Every line ends at the same terminal column.
  std::istringstream lines(out);
  for (std::string l; std::getline(lines, l);) EXPECT_EQ(display_width(l), 39u) << l;
}

TEST(TextTable, TextColumnsAreLeftAlignedAndLinesCarryNoTrailingSpaces) {
  const TextTable t{{"a", "b"}, {}, {{"long value", "x"}, {"y", ""}}};
  EXPECT_EQ(render(t), "a           b\nlong value  x\ny\n");
}
