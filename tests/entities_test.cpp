#include "triage/entities.hpp"

#include <gtest/gtest.h>

using namespace triage;

namespace {
std::vector<std::pair<std::string, std::string>> found(std::string_view text) {
  static const EntityExtractor x;
  std::vector<EntitySpan> spans;
  std::vector<int> scratch;
  x.extract(text, 1, spans, scratch);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& s : spans) {
    out.emplace_back(std::string(to_string(s.kind)),
                     std::string(text.substr(s.begin, s.end - s.begin)));
  }
  return out;
}
using P = std::pair<std::string, std::string>;
}  // namespace

TEST(Entities, OrderNumbers) {
  EXPECT_EQ(found("订单号：2026112012345678 一直没发货"),
            (std::vector<P>{{"order_id", "2026112012345678"}}));
  EXPECT_EQ(found("order #AB-778812 is late"), (std::vector<P>{{"order_id", "AB-778812"}}));
  EXPECT_EQ(found("訂單編號 TW20261120001"), (std::vector<P>{{"order_id", "TW20261120001"}}));
}

TEST(Entities, ErrorCodes) {
  EXPECT_EQ(found("一打开就报错 E1024"), (std::vector<P>{{"error_code", "E1024"}}));
  EXPECT_EQ(found("页面显示 502 Bad Gateway"), (std::vector<P>{{"error_code", "502"}}));
  EXPECT_EQ(found("error code: 40013"), (std::vector<P>{{"error_code", "40013"}}));
  EXPECT_EQ(found("充了500元"), (std::vector<P>{{"amount", "500元"}}));  // money, not an error
}

TEST(Entities, VersionsOsPhonesAndEmails) {
  EXPECT_EQ(found("v2.3.1 on iOS 17.2"),
            (std::vector<P>{{"version", "v2.3.1"}, {"os", "iOS 17.2"}}));
  EXPECT_EQ(found("版本号 3.2"), (std::vector<P>{{"version", "3.2"}}));
  EXPECT_EQ(found("打我电话 138-0013-8000"), (std::vector<P>{{"phone", "138-0013-8000"}}));
  EXPECT_EQ(found("mail li.wei@example.com thanks"),
            (std::vector<P>{{"email", "li.wei@example.com"}}));
  EXPECT_EQ(found("鸿蒙4.0 闪退"), (std::vector<P>{{"os", "鸿蒙4.0"}}));
}

TEST(Entities, Amounts) {
  EXPECT_EQ(found("扣了我 ¥199.00 两次"), (std::vector<P>{{"amount", "¥199.00"}}));
  EXPECT_EQ(found("charged USD 25 twice"), (std::vector<P>{{"amount", "USD 25"}}));
  EXPECT_EQ(found("退了1,280元"), (std::vector<P>{{"amount", "1,280元"}}));
}

TEST(Entities, NothingInPlainText) {
  EXPECT_TRUE(found("我想问一下怎么修改收货地址").empty());
  EXPECT_TRUE(found("").empty());
  EXPECT_EQ(supplied_field(EntityKind::order_id), "order_id");
  EXPECT_EQ(supplied_field(EntityKind::error_code), "error_message");
}
