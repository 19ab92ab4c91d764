// The pieces of the HTML reports (tools/cli): escaping, formats read off the JSON, SVG charts,
// and the SHA-256 fingerprint of the data files.
#include <gtest/gtest.h>

#include <string>

#include <boost/json.hpp>

#include "html.hpp"
#include "sha256.hpp"

using namespace triage::cli;

TEST(Report, EscapingLeavesNoMarkupFromTheText) {
  EXPECT_EQ(html::escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;");
  EXPECT_EQ(html::escape("退款 ok"), "退款 ok");
  EXPECT_EQ(html::breakable("first_response<b>"), "first_<wbr>response&lt;b&gt;");
}

TEST(Report, FiguresAreTheJsonsNumbersFormatted) {
  const boost::json::value share = 0.639, none = nullptr, n = 310, hours = 39.05;
  EXPECT_EQ(html::percent(&share), "63.9%");
  EXPECT_EQ(html::percent(&none), "–");
  EXPECT_EQ(html::percent(nullptr), "–");
  EXPECT_EQ(html::count(&n), "310");
  EXPECT_EQ(html::fixed(&share, 3), "0.639");
  EXPECT_EQ(html::fixed(&hours, 1), "39.0");  // as printf rounds the JSON's 39.05
}

TEST(Report, ExcerptsCutOnCharacterBoundaries) {
  EXPECT_EQ(html::excerpt("退款一周了还没到", 3), "退款一…");
  EXPECT_EQ(html::excerpt("short", 10), "short");
  EXPECT_EQ(html::excerpt("abcdef", 6), "abcdef");
}

TEST(Report, ChartsCarryATitlePerPointAndEscapeTheirLabels) {
  html::LineChart c;
  c.label = "<x>";
  c.percent = true;
  c.x_labels = {"0.0", "0.1", "0.2"};
  c.series = {{"coverage", "s1", {1.0, std::nullopt, 0.5}, {"a <1>", "b", "c"}}};
  const std::string svg = html::svg(c);
  EXPECT_NE(svg.find("aria-label=\"&lt;x&gt;\""), std::string::npos);
  EXPECT_NE(svg.find("<title>a &lt;1&gt;</title>"), std::string::npos);
  EXPECT_EQ(svg.find("<title>b</title>"), std::string::npos);  // no value, no point
  EXPECT_EQ(svg.find("<polyline"), std::string::npos);         // a gap leaves single points
  EXPECT_NE(svg.find(">100%</text>"), std::string::npos);
  EXPECT_NE(svg.find("<i class=\"s1\"></i>coverage"), std::string::npos);
}

TEST(Report, Sha256MatchesTheStandardVectors) {
  auto hex = [](std::string_view s, std::size_t chunk) {
    Sha256 h;
    for (std::size_t i = 0; i < s.size(); i += chunk) h.update(s.substr(i, chunk));
    return h.hex();
  };
  EXPECT_EQ(hex("", 1), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex("abc", 1), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  for (std::size_t chunk : {1, 7, 64, 1000}) {
    EXPECT_EQ(hex(two_blocks, chunk),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  }
  EXPECT_EQ(hex(std::string(1'000'000, 'a'), 4096),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
