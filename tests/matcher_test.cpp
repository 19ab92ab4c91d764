#include "triage/matcher.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <tuple>

using namespace triage;

namespace {
std::vector<Match> scan(const Matcher& m, std::string_view text) {
  std::vector<Match> out;
  m.scan(text, out);
  return out;
}
Matcher compile(std::vector<MatcherPattern> ps) {
  auto m = Matcher::compile(ps);
  EXPECT_TRUE(m) << (m ? "" : m.error().message);
  return std::move(*m);
}

// `words[i]` is pattern i; random texts of `length` characters from `alphabet` are scanned and
// every match is compared with a naive search for each word (whole characters only: the
// alphabets mix 1- and 3-byte characters).
template <std::size_t N>
void expect_naive_search_agrees(const std::vector<std::string>& words,
                                const char* const (&alphabet)[N], int rounds, int length,
                                std::mt19937& rng) {
  std::vector<MatcherPattern> ps;
  for (std::uint32_t i = 0; i < words.size(); ++i) ps.push_back({words[i], i, false, false});
  auto m = compile(ps);
  for (int round = 0; round < rounds; ++round) {
    std::string text;
    for (int k = 0; k < length; ++k) text += alphabet[rng() % N];
    std::multiset<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>> want, got;
    for (std::uint32_t i = 0; i < words.size(); ++i) {
      for (auto p = text.find(words[i]); p != std::string::npos; p = text.find(words[i], p + 1)) {
        if ((static_cast<unsigned char>(text[p]) & 0xC0) != 0x80)
          want.insert(
              {i, static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(p + words[i].size())});
      }
    }
    for (const auto& h : scan(m, text)) got.insert({h.id, h.begin, h.end});
    ASSERT_EQ(got, want) << "round " << round;
  }
}
}  // namespace

TEST(Matcher, FindsEveryKeywordWithByteSpans) {
  auto m = compile({{"闪退", 1}, {"打不开", 2}, {"crash", 3}});
  auto hits = scan(m, "APP闪退，也打不开 crash");
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].id, 1u);
  EXPECT_EQ(hits[0].begin, 3u);
  EXPECT_EQ(hits[0].end, 9u);
  EXPECT_EQ(hits[1].id, 2u);
  EXPECT_EQ(hits[2].id, 3u);
}

TEST(Matcher, FoldsCaseWidthAndScriptWithoutRewritingTheText) {
  auto m = compile({{"闪退", 1}, {"订单", 2}, {"app", 3}, {"e1024", 4}});
  std::string_view text = "ＡＰＰ閃退 訂單 App E１０２４";
  auto hits = scan(m, text);
  ASSERT_EQ(hits.size(), 5u);
  EXPECT_EQ(text.substr(hits[0].begin, hits[0].end - hits[0].begin), "ＡＰＰ");
  EXPECT_EQ(text.substr(hits[1].begin, hits[1].end - hits[1].begin), "閃退");
  EXPECT_EQ(text.substr(hits[2].begin, hits[2].end - hits[2].begin), "訂單");
  EXPECT_EQ(hits[3].id, 3u);
  EXPECT_EQ(hits[4].id, 4u);
}

TEST(Matcher, LatinKeywordsRespectWordBoundariesUnlessStarred) {
  auto m = compile({{"app", 1}, {"crash", 2, true, false}, {"load", 3, false, true}});
  EXPECT_TRUE(scan(m, "happy apples").empty());
  EXPECT_EQ(scan(m, "the app.").size(), 1u);
  EXPECT_EQ(scan(m, "APP闪退").size(), 1u);  // Han characters are boundaries
  EXPECT_EQ(scan(m, "it crashed").size(), 1u);
  EXPECT_TRUE(scan(m, "acrash").empty());
  EXPECT_EQ(scan(m, "download").size(), 1u);
  EXPECT_TRUE(scan(m, "loader").empty());
  EXPECT_TRUE(scan(m, "ａｐｐｌｅ").empty());  // full-width letters are word characters too
}

TEST(Matcher, OverlappingAndNestedKeywordsAllMatch) {
  auto m = compile({{"退款", 1},
                    {"退款失败", 2},
                    {"款失", 3},
                    {"he", 4, false, false},
                    {"she", 5, false, false},
                    {"hers", 6, false, false}});
  auto hits = scan(m, "退款失败");
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(scan(m, "ushers").size(), 3u);
}

TEST(Matcher, SeveralPatternsMayShareAnId) {
  auto m = compile({{"软件", 7}, {"軟體", 7}});
  auto hits = scan(m, "軟體 软件");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].id, 7u);
  EXPECT_EQ(hits[1].id, 7u);
}

TEST(Matcher, RejectsEmptyAndOverlongPatterns) {
  std::vector<MatcherPattern> empty = {{"", 9}};
  auto e = Matcher::compile(empty);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::pack_bad_keyword);
  std::vector<MatcherPattern> long_one = {{std::string(65, 'a'), 1}};
  EXPECT_FALSE(Matcher::compile(long_one));
  std::vector<MatcherPattern> max_one = {{std::string(64, 'a'), 1, false, false}};
  auto ok = Matcher::compile(max_one);
  ASSERT_TRUE(ok);
  EXPECT_EQ(scan(*ok, std::string(100, 'a')).size(), 37u);
}

TEST(Matcher, SurvivesInvalidUtf8AndBinaryNoise) {
  auto m = compile({{"闪退", 1}, {"ab", 2, false, false}});
  std::string noise =
      "\xe9\x97\xaa\xe9\x80\x80\xff\xfe\xe9\x97"
      "ab";
  noise.push_back('\0');
  noise += "ab";
  auto hits = scan(m, noise);
  EXPECT_GE(hits.size(), 2u);
  std::mt19937 rng(42);
  std::string junk(1 << 16, '\0');
  for (auto& c : junk) c = static_cast<char>(rng());
  std::vector<Match> out;
  m.scan(junk, out);  // must not crash or read out of bounds (ASan checks)
  for (const auto& h : out) EXPECT_LE(h.end, junk.size());
}

TEST(Matcher, AgreesWithANaiveSearchOnRandomText) {
  // Differential test over a small alphabet that forces many failure transitions.
  std::mt19937 rng(7);
  const char* const alphabet[] = {"a", "b", "c", "退", "款"};
  std::vector<std::string> words;
  for (std::uint32_t i = 0; i < 60; ++i) {
    std::string w;
    const int len = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < len; ++k) w += alphabet[rng() % 5];
    words.push_back(w);
  }
  expect_naive_search_agrees(words, alphabet, 50, 200, rng);
}

TEST(Matcher, AgreesWithANaiveSearchWithThousandsOfKeywordsSharingPrefixes) {
  // A deeper trie than above: long keywords over a few letters share long prefixes, repeat
  // one another and end inside one another; a keyword given twice matches twice.
  std::mt19937 rng(11);
  const char* const alphabet[] = {"a", "b", "退", "款", "c"};
  std::vector<std::string> words;
  for (std::uint32_t i = 0; i < 3000; ++i) {
    std::string w;
    const int len = 1 + static_cast<int>(rng() % 9);
    for (int k = 0; k < len; ++k) w += alphabet[rng() % 5];
    if (i % 50 == 49) w = words[rng() % words.size()];  // the same text again, another id
    words.push_back(w);
  }
  expect_naive_search_agrees(words, alphabet, 20, 300, rng);
}

TEST(Matcher, MatchesEndingTogetherComeLongestKeywordFirstThenInPatternOrder) {
  // A state's outputs: its own keywords in the order given, then those of its failure state.
  auto m = compile({{"款", 1, false, false},
                    {"退款", 2, false, false},
                    {"退款", 3, false, false},
                    {"要退款", 4, false, false}});
  const auto hits = scan(m, "我要退款");
  ASSERT_EQ(hits.size(), 4u);
  EXPECT_EQ(hits[0].id, 4u);
  EXPECT_EQ(hits[1].id, 2u);
  EXPECT_EQ(hits[2].id, 3u);
  EXPECT_EQ(hits[3].id, 1u);
}
