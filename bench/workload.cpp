#include "workload.hpp"

#include <boost/json.hpp>

#include "triage/fold.hpp"
#include "triage/pack.hpp"

namespace triage_bench {
namespace {

// splitmix64: the same sequence on every platform and standard library.
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

// Phrases that set the scene without naming a problem (ours, written for the benchmark).
constexpr const char* kFiller[] = {
    "你好",         "麻烦看一下",     "今天上午",
    "我这边",       "从昨天开始",     "一直这样",
    "请尽快处理",   "谢谢",           "在家里",
    "用的是手机",   "刚才又试了",     "还是一样",
    "同事也遇到",   "请问",           "大概十分钟前",
    "您好",         "麻煩幫忙看看",   "昨天晚上",
    "我們這邊",     "謝謝",           "hello",
    "thanks a lot", "since monday",   "on my phone",
    "please help",  "same as before", "my colleague too",
    "this morning", "any update",     "kind regards",
    "订单",         "账户",           "页面",
    "这个问题",     "我想知道",
};
constexpr std::size_t kFillerCount = sizeof(kFiller) / sizeof(kFiller[0]);

std::string synthetic_cjk_word(Rng& rng) {
  std::string w;
  const std::size_t n = 2 + rng.below(3);
  for (std::size_t i = 0; i < n; ++i)
    triage::append_utf8(w, 0x4E00 + static_cast<char32_t>(rng.below(0x51A0)));
  return w;
}

std::string synthetic_latin_word(Rng& rng) {
  static constexpr char kC[] = "bcdfghjklmnprstvwz";
  static constexpr char kV[] = "aeiou";
  std::string w;
  const std::size_t syllables = 3 + rng.below(3);
  for (std::size_t i = 0; i < syllables; ++i) {
    w += kC[rng.below(sizeof(kC) - 1)];
    w += kV[rng.below(sizeof(kV) - 1)];
  }
  return w;
}

void collect_keywords(const boost::json::value& v, std::vector<std::string>& out) {
  if (const auto* o = v.if_object()) {
    for (const auto& [k, x] : *o) {
      const bool keyword_list = k == "text_any" || k == "text_all" || k == "text_none";
      if (keyword_list && x.is_array()) {
        for (const auto& s : x.get_array()) {
          if (!s.is_string()) continue;
          std::string w(s.get_string());
          if (!w.empty() && w.back() == '*') w.pop_back();
          if (!w.empty()) out.push_back(std::move(w));
        }
      } else {
        collect_keywords(x, out);
      }
    }
  } else if (const auto* a = v.if_array()) {
    for (const auto& x : *a) collect_keywords(x, out);
  }
}

}  // namespace

std::vector<std::string> keywords_of(const std::string& pack_json) {
  std::vector<std::string> out;
  collect_keywords(boost::json::parse(pack_json), out);
  return out;
}

const std::vector<std::string>& default_keywords() {
  static const std::vector<std::string> k = keywords_of(std::string(triage::default_pack_json()));
  return k;
}

std::string scaled_pack_json(int scale) {
  const std::string base(triage::default_pack_json());
  if (scale <= 1) return base;
  boost::json::value doc = boost::json::parse(base);
  auto& pack = doc.as_object();
  auto& rules = pack["rules"].as_array();
  // Synthetic rules score the dimensions' real values, weakly, so that they take part in the
  // decision like any pack author's rule would.
  std::vector<std::pair<std::string, std::string>> targets;
  for (const auto& d : pack["dimensions"].as_array()) {
    for (const auto& v : d.at("values").as_array()) {
      targets.emplace_back(std::string(d.at("id").as_string()),
                           std::string(v.at("id").as_string()));
    }
  }
  Rng rng{static_cast<std::uint64_t>(scale)};
  const std::size_t want = default_keywords().size() * static_cast<std::size_t>(scale - 1);
  constexpr std::size_t per_rule = 12;
  for (std::size_t made = 0, r = 0; made < want; ++r) {
    boost::json::array words;
    for (std::size_t i = 0; i < per_rule && made < want; ++i, ++made) {
      words.emplace_back(i % 3 == 2 ? synthetic_latin_word(rng) : synthetic_cjk_word(rng));
    }
    const auto& [dim, value] = targets[rng.below(targets.size())];
    boost::json::object score;
    score[dim] = boost::json::object{{value, 0.5}};
    rules.emplace_back(
        boost::json::object{{"id", "bench.synthetic." + std::to_string(r)},
                            {"priority", 1},
                            {"when", boost::json::object{{"text_any", std::move(words)}}},
                            {"then", boost::json::object{{"score", std::move(score)}}}});
  }
  return boost::json::serialize(doc);
}

std::vector<std::string> ticket_texts(std::size_t count, std::size_t bytes, std::uint64_t seed) {
  const auto& keywords = default_keywords();
  Rng rng{seed};
  std::vector<std::string> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::string t;
    while (t.size() < bytes) {
      if (!t.empty()) t += (rng.below(3) == 0) ? " " : "，";
      // About one segment in five names a problem, as the pack words it.
      t += rng.below(5) == 0 ? keywords[rng.below(keywords.size())]
                             : std::string(kFiller[rng.below(kFillerCount)]);
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<std::string> ticket_lines(std::size_t count, std::size_t bytes, std::uint64_t seed) {
  static constexpr const char* kChannels[] = {"app", "web", "chat", "email", "phone", "wechat"};
  auto texts = ticket_texts(count, bytes, seed);
  std::vector<std::string> out;
  out.reserve(count);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    boost::json::object t{{"id", "B-" + std::to_string(i)},
                          {"channel", kChannels[i % 6]},
                          {"created_at", "2026-11-23T10:00:00+08:00"},
                          {"text", std::move(texts[i])}};
    out.push_back(boost::json::serialize(t));
  }
  return out;
}

}  // namespace triage_bench
