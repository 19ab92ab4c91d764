// Compiled packs (triage/pack_file.hpp): a loaded engine diagnoses exactly as the engine compiled
// from JSON, and a foreign, truncated or damaged file is refused with a stable code naming the
// byte and section, never a crash.
#include <algorithm>
#include <cstring>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "compile/pack_file.hpp"
#include "compile/term_index.hpp"
#include "compile/variants.hpp"
#include "test_util.hpp"
#include "triage/triage.hpp"

namespace {
using namespace triage;
using triage::test::read_file;
using triage::test::read_lines;

struct Compiled {
  Pack pack;
  std::optional<LearnedModel> model;
  std::string bytes;
};

const Compiled& default_compiled() {
  static const Compiled c = [] {
    Compiled out;
    out.pack = parse_pack(default_pack_json()).value();
    out.model = LearnedModel::from_json(default_model_json()).value();
    out.bytes = compile_pack(out.pack, &*out.model).value();
    return out;
  }();
  return c;
}

// `pack` compiled from its JSON form, with the default model.
Engine default_from_json(const Pack& pack = default_compiled().pack) {
  auto opts = with_pack_model(pack, {}, [](const std::string&) -> Result<std::string> {
                return std::string(default_model_json());
              }).value();
  return Engine::compile(pack, opts).value();
}

// Every ticket line of the examples: the sample tickets and the labelled corpus.
std::vector<std::string> example_lines() {
  std::vector<std::string> out;
  for (const char* f : {"/examples/tickets.jsonl", "/examples/labelled.jsonl"}) {
    for (auto& l : read_lines(std::string(TRIAGE_SOURCE_DIR) + f)) {
      if (!l.empty()) out.push_back(std::move(l));
    }
  }
  return out;
}

std::string diagnose_json(const Engine& e, const std::string& line) {
  auto ticket = parse_ticket(line);
  if (!ticket) return "error " + std::string(errc_name(ticket.error().code));
  DiagnoseOptions opts;
  opts.now = test::at("2026-11-20T10:00:00Z");
  return boost::json::serialize(to_json(e.diagnose(*ticket, opts)));
}

void expect_same_diagnoses(const Engine& a, const Engine& b) {
  const auto lines = example_lines();
  ASSERT_GT(lines.size(), 300u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    ASSERT_EQ(diagnose_json(a, lines[i]), diagnose_json(b, lines[i])) << "line " << i;
  }
}

struct SectionInfo {
  std::uint32_t id;
  std::uint64_t offset, size;
};
std::vector<SectionInfo> sections_of(const std::string& bytes) {
  std::uint32_t count;
  std::memcpy(&count, bytes.data() + 56, 4);
  std::vector<SectionInfo> out;
  for (std::uint32_t i = 0; i < count; ++i) {
    SectionInfo s;
    std::memcpy(&s.id, bytes.data() + 64 + 24 * i, 4);
    std::memcpy(&s.offset, bytes.data() + 64 + 24 * i + 8, 8);
    std::memcpy(&s.size, bytes.data() + 64 + 24 * i + 16, 8);
    out.push_back(s);
  }
  return out;
}

Error load_error(std::string_view bytes, const EngineOptions& opts = {}) {
  auto e = Engine::load(bytes, opts);
  EXPECT_FALSE(e) << "loaded";
  return e ? Error{} : e.error();
}

// A load interns every keyword of the pack through this index: each one is found under its own
// id however far the index grew, and a keyword never added is not found.
TEST(TermIndex, EveryKeywordIsFoundUnderItsIdAcrossGrowth) {
  std::vector<std::string> terms;
  triage::detail::TermIndex index;
  for (std::uint32_t i = 0; i < 50000; ++i) {
    terms.push_back("kw" + std::to_string(i * 7919u % 100003u));
    ASSERT_EQ(index.find(terms.back(), terms), triage::detail::TermIndex::npos);
    index.add_last(terms);
  }
  for (std::uint32_t i = 0; i < terms.size(); ++i) ASSERT_EQ(index.find(terms[i], terms), i);
  EXPECT_EQ(index.find("kw100003", terms), triage::detail::TermIndex::npos);
  EXPECT_EQ(index.find("", terms), triage::detail::TermIndex::npos);
  // Reserving room keeps what is there.
  index.reserve(200000, terms);
  EXPECT_EQ(index.find(terms[12345], terms), 12345u);
}

TEST(PackFile, LoadedDefaultPackDiagnosesExactlyAsCompiledFromJson) {
  const auto loaded = Engine::load(default_compiled().bytes).value();
  expect_same_diagnoses(default_from_json(), loaded);
  EXPECT_EQ(loaded.stats().states, default_from_json().stats().states);
  EXPECT_EQ(loaded.stats().patterns, default_from_json().stats().patterns);
}

TEST(PackFile, BuiltinEngineIsTheEmbeddedCompiledPackAndAgreesWithJson) {
  EXPECT_TRUE(is_compiled_pack(detail::builtin_compiled_pack()));
  // Engine::builtin skips the checksum of the library's own bytes; a load as any caller's file
  // checks it, so the embedded bytes are known to be whole.
  EXPECT_TRUE(Engine::load(detail::builtin_compiled_pack()));
  expect_same_diagnoses(default_from_json(), Engine::builtin());
}

// model.weights (a weight per dimension) is part of the pack: a loaded engine weighs each
// dimension as the engine compiled from JSON does.
TEST(PackFile, PerDimensionModelWeightsSurviveTheCompiledForm) {
  const auto& c = default_compiled();
  Pack weighed = c.pack;
  ASSERT_TRUE(weighed.model);
  weighed.model->weights = {{"request_kind", 9.0}, {"emotion", 0.5}};
  const auto loaded = Engine::load(compile_pack(weighed, &*c.model).value()).value();
  ASSERT_TRUE(loaded.pack().model);
  EXPECT_EQ(loaded.pack().model->weights, weighed.model->weights);
  expect_same_diagnoses(default_from_json(weighed), loaded);
}

TEST(PackFile, CompilingTheLoadedPackAgainGivesTheSameBytes) {
  const auto& c = default_compiled();
  const auto loaded = Engine::load(c.bytes).value();
  EXPECT_EQ(compile_pack(loaded.pack(), &*c.model).value(), c.bytes);
}

// all_sections.json has every section a pack may have: workflow, chains, knowledge, templates,
// repeat contacts, validity windows.
TEST(PackFile, SmallPacksWithEverySectionAndNoModelRoundTrip) {
  for (const std::string& json :
       {read_file(TRIAGE_TEST_DATA "/mini_pack.json"),
        read_file(TRIAGE_SOURCE_DIR "/tests/fuzz/corpus/pack_json/all_sections.json"),
        std::string(boost::json::serialize(test::mini_pack_with_default_sla()))}) {
    const auto pack = parse_pack(json).value();
    const auto bytes = compile_pack(pack, nullptr).value();
    const auto loaded = Engine::load(bytes).value();
    expect_same_diagnoses(Engine::compile(pack).value(), loaded);
    EXPECT_EQ(compile_pack(loaded.pack(), nullptr).value(), bytes);
  }
}

TEST(PackFile, WithoutRegionalVariantsTheChoiceIsKept) {
  EngineOptions plain;
  plain.regional_variants = false;
  const auto& pack = default_compiled().pack;
  const auto bytes = compile_pack(pack, nullptr, plain);
  ASSERT_FALSE(bytes);  // the default pack names a model
  Pack no_model = pack;
  no_model.model.reset();
  const auto loaded = Engine::load(compile_pack(no_model, nullptr, plain).value()).value();
  expect_same_diagnoses(Engine::compile(no_model, plain).value(), loaded);
}

TEST(PackFile, ALargePacksRegionalVariantsAreEachKeywordsOwn) {
  // From 20,000 Han keywords on, the four OpenCC converters run two at a time: each keyword
  // still gets exactly the phrasings it gets alone, in the same order.
  const char* words[] = {"软件", "网络", "鼠标", "信息", "打印机", "视频",
                         "内存", "硬盘", "短信", "账号", "软体",   "網路"};
  std::vector<std::string> keywords;
  for (std::size_t i = 0; keywords.size() < 24000; ++i) {
    keywords.push_back(std::string(words[i % std::size(words)]) + std::to_string(i));
  }
  const auto all = detail::regional_variants(keywords);
  ASSERT_EQ(all.size(), keywords.size());
  std::size_t with_variants = 0;
  for (std::size_t i = 0; i < keywords.size(); i += 997) {
    const auto alone = detail::regional_variants(gsl::span<const std::string>(&keywords[i], 1));
    EXPECT_EQ(all[i], alone.at(0)) << keywords[i];
    with_variants += !all[i].empty();
  }
  EXPECT_GT(with_variants, 0u);  // 软件 → 軟體, 鼠标 → 滑鼠 …
  const auto software = std::find(all[0].begin(), all[0].end(), "軟體0");
  EXPECT_NE(software, all[0].end());
}

TEST(PackFile, HostClassifiersGivenAtLoadRun) {
  struct Always final : Classifier {
    std::string_view name() const noexcept override { return "always"; }
    void classify(const Ticket&, Evaluation& ev) const override {
      ev.add_score("problem_type", "external", 1000);
    }
  };
  EngineOptions opts;
  opts.classifiers.push_back(std::make_shared<Always>());
  const auto e = Engine::load(default_compiled().bytes, opts).value();
  const auto d = e.diagnose(parse_ticket(R"({"text":"APP一直闪退"})").value());
  ASSERT_FALSE(d.labels.empty());
  EXPECT_EQ(d.labels[0].value.value_or(""), "external");
}

TEST(PackFile, PackJsonAndOtherFilesAreForeign) {
  for (std::string_view bytes :
       {std::string_view(""), std::string_view("TRIAGE"), default_pack_json(),
        std::string_view("\x7f"
                         "ELF\x02\x01\x01")}) {
    const auto e = load_error(bytes);
    EXPECT_EQ(e.code, Errc::compiled_pack_foreign);
    EXPECT_EQ(e.where, "byte 0");
  }
}

TEST(PackFile, AnotherFormatLibraryBuildOrByteOrderIsRefusedAsVersion) {
  const auto& good = default_compiled().bytes;
  struct Case {
    std::size_t offset;
    const char* where;
  };
  for (const Case c : {Case{8, "byte 8, header"}, Case{12, "byte 12, header"},
                       Case{16, "byte 16, header"}, Case{32, "byte 32, header"}}) {
    std::string bad = good;
    bad[c.offset] = static_cast<char>(bad[c.offset] ^ 0x01);
    const auto e = load_error(bad);
    EXPECT_EQ(e.code, Errc::compiled_pack_version) << c.offset;
    EXPECT_EQ(e.where, c.where);
  }
  std::string other_version = good;
  std::memcpy(other_version.data() + 16, "0.1.0\0\0\0", 8);
  const auto e = load_error(other_version);
  EXPECT_NE(e.message.find("compiled by triage 0.1.0"), std::string::npos) << e.message;
}

TEST(PackFile, TruncatedAtEverySectionBoundaryIsCorruptAndNamesThePlace) {
  const auto& good = default_compiled().bytes;
  std::set<std::size_t> cuts = {8, 9, 40, 63, 64, 65, good.size() - 1};
  for (const auto& s : sections_of(good)) {
    for (std::uint64_t at :
         {s.offset, s.offset + 1, s.offset + s.size / 2, s.offset + s.size - 1}) {
      cuts.insert(static_cast<std::size_t>(at));
    }
  }
  for (std::size_t at = 8; at < good.size(); at += good.size() / 997) cuts.insert(at);
  for (std::size_t cut : cuts) {
    const auto e = load_error(std::string_view(good).substr(0, cut));
    EXPECT_EQ(e.code, Errc::compiled_pack_corrupt) << cut;
    EXPECT_EQ(e.where.rfind("byte " + std::to_string(cut) + ", ", 0), 0u) << cut << " " << e.where;
  }
  // Within a section, the section is named.
  const auto matcher = sections_of(good)[2];
  const auto e = load_error(std::string_view(good).substr(0, matcher.offset + 5));
  EXPECT_NE(e.where.find("section matcher"), std::string::npos) << e.where;
  std::string longer = good + "x";
  EXPECT_EQ(load_error(longer).code, Errc::compiled_pack_corrupt);
}

TEST(PackFile, AFlippedByteAnywhereIsCaughtByTheChecksum) {
  const auto& good = default_compiled().bytes;
  std::mt19937 rng(20);
  for (int i = 0; i < 200; ++i) {
    const std::size_t at = 64 + rng() % (good.size() - 64);
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ (1 << (rng() % 8)));
    const auto e = load_error(bad);
    EXPECT_EQ(e.code, Errc::compiled_pack_corrupt) << at;
    EXPECT_EQ(e.where, "byte 48, header") << at;
  }
  std::string bad_sum = good;
  bad_sum[50] ^= 0x10;
  EXPECT_EQ(load_error(bad_sum).code, Errc::compiled_pack_corrupt);
}

TEST(PackFile, DamageBehindAValidChecksumIsCaughtByTheStructureChecks) {
  const auto& good = default_compiled().bytes;
  const auto sections = sections_of(good);
  // A section that reaches past the end of the file.
  std::string bad = good;
  const std::uint64_t huge = good.size();
  std::memcpy(bad.data() + 64 + 16, &huge, 8);
  detail::reseal_compiled_pack(bad);
  auto e = load_error(bad);
  EXPECT_EQ(e.code, Errc::compiled_pack_corrupt);
  EXPECT_EQ(e.where, "byte 72, section table");
  // A count in the pack section larger than the section.
  bad = good;
  std::memset(bad.data() + sections[0].offset, 0xFF, 8);
  detail::reseal_compiled_pack(bad);
  e = load_error(bad);
  EXPECT_EQ(e.code, Errc::compiled_pack_corrupt);
  EXPECT_NE(e.where.find("section pack"), std::string::npos) << e.where;
  // The matcher's first symbol table entry pointing past the alphabet.
  bad = good;
  std::memset(bad.data() + sections[2].offset, 0xFF, 2);
  detail::reseal_compiled_pack(bad);
  e = load_error(bad);
  EXPECT_EQ(e.code, Errc::compiled_pack_corrupt);
  EXPECT_NE(e.message.find("no symbol"), std::string::npos) << e.message;
}

// The learned model's tables are read in place, not rebuilt: damage to them behind a valid
// checksum (a row table naming rows that do not exist, sizes that do not agree) is refused or
// harmless, never a read out of bounds.
TEST(PackFile, DamageToTheModelTablesIsRefusedOrHarmless) {
  const auto& good = default_compiled().bytes;
  const auto model = sections_of(good)[3];
  ASSERT_EQ(model.id, 4u);
  std::mt19937 rng(11);
  int refused = 0;
  for (int i = 0; i < 24; ++i) {
    std::string bad = good;
    // A run of bytes anywhere in the section: counts, padding, weights or the row table.
    const std::size_t at = model.offset + rng() % (model.size - 64);
    std::memset(bad.data() + at, i % 2 ? 0xFF : 0x01, 1 + rng() % 64);
    detail::reseal_compiled_pack(bad);
    auto e = Engine::load(bad);
    if (!e) {
      ++refused;
      EXPECT_EQ(e.error().code, Errc::compiled_pack_corrupt);
      EXPECT_NE(e.error().where.find("section model"), std::string::npos) << e.error().where;
      continue;
    }
    e->diagnose(parse_ticket(R"({"text":"APP闪退了，投诉，退款还没到账"})").value());
  }
  EXPECT_GT(refused, 0);
}

TEST(PackFile, RandomDamageBehindAValidChecksumNeverCrashes) {
  // Small pack: a few hundred loads of damaged copies stay quick.
  const auto pack = parse_pack(boost::json::serialize(test::mini_pack_with_default_sla())).value();
  const auto good = compile_pack(pack, nullptr).value();
  std::mt19937 rng(7);
  int refused = 0;
  for (int i = 0; i < 300; ++i) {
    std::string bad = good;
    for (int k = 0; k < 1 + i % 4; ++k) {
      const std::size_t at = 64 + rng() % (good.size() - 64);
      bad[at] = static_cast<char>(rng());
    }
    detail::reseal_compiled_pack(bad);
    auto e = Engine::load(bad);
    if (!e) {
      ++refused;
      EXPECT_FALSE(e.error().where.empty());
      continue;
    }
    e->diagnose(parse_ticket(R"({"text":"APP闪退了，投诉，宕机"})").value());
  }
  EXPECT_GT(refused, 100);
}

TEST(PackFile, LimitsApplyToTheFile) {
  EngineOptions small;
  small.limits.max_pack_bytes = 1000;
  const auto e = load_error(default_compiled().bytes, small);
  EXPECT_EQ(e.code, Errc::pack_limit);
}

TEST(PackFile, FilesLoadThroughEngineFromFileToo) {
  const std::string path = ::testing::TempDir() + "pack_file_test.tpk";
  {
    std::ofstream out(path, std::ios::binary);
    out << default_compiled().bytes;
  }
  const auto a = engine_from_file(path).value();
  const auto b = load_compiled_file(path).value();
  const std::string line = R"({"text":"付款后订单一直显示待支付"})";
  EXPECT_EQ(diagnose_json(a, line), diagnose_json(Engine::builtin(), line));
  EXPECT_EQ(diagnose_json(b, line), diagnose_json(Engine::builtin(), line));
  {
    std::ofstream out(path, std::ios::binary);
    out << default_compiled().bytes.substr(0, 1000);
  }
  const auto e = load_compiled_file(path);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::compiled_pack_corrupt);
  EXPECT_NE(e.error().message.find(path), std::string::npos);
}

TEST(PackFile, CompilingNeedsTheModelThePackNames) {
  const auto& pack = default_compiled().pack;
  EXPECT_EQ(compile_pack(pack, nullptr).error().code, Errc::invalid_argument);
  const auto model = LearnedModel::from_json(default_model_json()).value();
  Pack no_model = pack;
  no_model.model.reset();
  EXPECT_EQ(compile_pack(no_model, &model).error().code, Errc::invalid_argument);
}

// The compiled_pack fuzz target starts from these seeds; one written by another version or with
// other pack structures is refused at the header and fuzzes nothing behind it.
TEST(PackFile, FuzzSeedsLoadInThisBuild) {
  for (const char* seed : {"all_sections.tpk", "mini_pack.tpk", "mini_pack_with_model.tpk"}) {
    const auto loaded = Engine::load(
        read_file(std::string(TRIAGE_SOURCE_DIR) + "/tests/fuzz/corpus/compiled_pack/" + seed));
    EXPECT_TRUE(loaded) << seed << " is stale (" << loaded.error().message
                        << "): write the seeds again with tools/fuzz-seeds.sh";
  }
}

}  // namespace
