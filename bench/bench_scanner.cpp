// Which scanner triage keeps (issue 20, item 6): our Matcher against Vectorscan, side by side in
// one process, on the same keywords (the default pack scaled 1×, 10×, 100×) and the same ~116-byte
// tickets.
//
//   Classify             the engine's classification (scan, rules, decisions): the figure the
//                        0.3× target is about
//   ScanOurs             Matcher::scan: folds through the automaton, spans into the raw text
//   ScanVectorscanFolded what switching would cost: fold the text into a buffer with a map back
//                        to raw offsets, scan the folded keywords as literals, recover the spans
//                        from the keyword lengths and check word boundaries on the raw text —
//                        the same matches as ScanOurs (checked at start-up)
//   ScanVectorscanPrefolded  the same on texts folded beforehand: the bound if folding were free
//   FoldOnly             the fold pass and offset map alone
//   ScanVectorscanRaw    Hyperscan's literal scan as the peer runs it (caseless literals on the
//                        raw text, every match, no folding, no boundaries): the reference
//   VectorscanAnyHit     bench/peers/hyperscan_peer keywords: stop at the first match
//
// Every scan row carries the scanner's build time (build_s) and table size (MiB) as counters.
#include <hs/hs.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <tuple>

#include "fixtures.hpp"
#include "triage/fold.hpp"

namespace {
using namespace triage_bench;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

const std::vector<std::string>& texts() {
  static const auto t = ticket_texts(kTicketsPerSet, 116);
  return t;
}
std::int64_t texts_bytes() {
  std::int64_t n = 0;
  for (const auto& t : texts()) n += static_cast<std::int64_t>(t.size());
  return n;
}
const std::vector<std::string>& keywords_at(int scale) {
  static std::map<int, std::vector<std::string>> cache;
  auto& v = cache[scale];
  if (v.empty()) v = keywords_of(scaled_pack_json(scale));
  return v;
}

struct Ours {
  triage::Matcher m;
  double build_s = 0;
};
const Ours& ours_at(int scale) {
  static std::map<int, Ours> cache;
  auto it = cache.find(scale);
  if (it == cache.end()) {
    std::vector<triage::MatcherPattern> patterns;
    std::uint32_t id = 0;
    for (const auto& k : keywords_at(scale)) patterns.push_back({k, id++});
    const auto t0 = Clock::now();
    auto m = triage::Matcher::compile(patterns);
    const double s = seconds_since(t0);
    if (!m) std::abort();
    it = cache.emplace(scale, Ours{std::move(*m), s}).first;
  }
  return it->second;
}

// A Vectorscan block-mode database of literals and its scratch.
struct Vs {
  hs_database_t* db = nullptr;
  hs_scratch_t* scratch = nullptr;
  std::vector<std::uint32_t> length;  // folded keyword length in bytes, by id
  std::vector<bool> bound_start, bound_end;
  double build_s = 0;
  std::size_t bytes = 0;
};
Vs compile_vs(const std::vector<std::string>& lits, unsigned flags) {
  Vs v;
  std::vector<const char*> p;
  std::vector<std::size_t> lens;
  std::vector<unsigned> ids, fl(lits.size(), flags);
  for (std::size_t i = 0; i < lits.size(); ++i) {
    p.push_back(lits[i].data());
    lens.push_back(lits[i].size());
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_compile_error_t* err = nullptr;
  const auto t0 = Clock::now();
  if (hs_compile_lit_multi(p.data(), fl.data(), ids.data(), lens.data(),
                           static_cast<unsigned>(lits.size()), HS_MODE_BLOCK, nullptr, &v.db,
                           &err) != HS_SUCCESS ||
      hs_alloc_scratch(v.db, &v.scratch) != HS_SUCCESS) {
    std::fprintf(stderr, "bench_scanner: vectorscan: %s\n", err ? err->message : "scratch");
    std::abort();
  }
  v.build_s = seconds_since(t0);
  std::size_t db = 0, sc = 0;
  hs_database_size(v.db, &db);
  hs_scratch_size(v.scratch, &sc);
  v.bytes = db + sc;
  return v;
}

// The folded keywords, as a switch would compile them (the fold is what makes case, width and
// traditional characters match; the boundary flags are the Matcher's).
const Vs& vs_folded_at(int scale) {
  static std::map<int, Vs> cache;
  auto it = cache.find(scale);
  if (it == cache.end()) {
    const auto t0 = Clock::now();
    std::vector<std::string> lits;
    for (const auto& k : keywords_at(scale)) lits.push_back(triage::fold(k));
    Vs v;
    std::vector<std::uint32_t> length;
    std::vector<bool> bs, be;
    for (const auto& l : lits) {
      length.push_back(static_cast<std::uint32_t>(l.size()));
      char32_t first, last = 0;
      triage::decode_utf8(l, 0, first);
      for (std::size_t i = 0; i < l.size();) i += triage::decode_utf8(l, i, last);
      bs.push_back(triage::is_word_char(first));
      be.push_back(triage::is_word_char(last));
    }
    v = compile_vs(lits, 0);
    v.build_s = seconds_since(t0);  // the fold of the keywords counts too
    v.length = std::move(length);
    v.bound_start = std::move(bs);
    v.bound_end = std::move(be);
    it = cache.emplace(scale, std::move(v)).first;
  }
  return it->second;
}
const Vs& vs_raw_at(int scale) {
  static std::map<int, Vs> cache;
  auto it = cache.find(scale);
  if (it == cache.end()) {
    it = cache.emplace(scale, compile_vs(keywords_at(scale), HS_FLAG_CASELESS)).first;
  }
  return it->second;
}
const Vs& vs_any_at(int scale) {
  static std::map<int, Vs> cache;
  auto it = cache.find(scale);
  if (it == cache.end()) {
    it =
        cache.emplace(scale, compile_vs(keywords_at(scale), HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH))
            .first;
  }
  return it->second;
}

// The Matcher's word test on raw code points (src/matcher.cpp).
bool is_word_raw(char32_t cp) noexcept {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  }
  if (cp >= 0xFF10 && cp <= 0xFF5A) return triage::is_word_char(triage::fold(cp));
  return cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7;
}

// Folded text plus, for every folded byte (and the end), the raw offset of its code point.
struct Folded {
  std::string text;
  std::vector<std::uint32_t> raw;
};
void fold_into(std::string_view in, Folded& f) {
  f.text.clear();
  f.raw.clear();
  for (std::size_t i = 0; i < in.size();) {
    char32_t cp;
    const std::size_t n = triage::decode_utf8(in, i, cp);
    const std::size_t before = f.text.size();
    triage::append_utf8(f.text, triage::fold(cp));
    f.raw.insert(f.raw.end(), f.text.size() - before, static_cast<std::uint32_t>(i));
    i += n;
  }
  f.raw.push_back(static_cast<std::uint32_t>(in.size()));
}

struct VsCtx {
  const Vs* vs;
  const Folded* f;
  std::string_view raw;
  std::vector<triage::Match>* out;
};
int on_folded(unsigned id, unsigned long long, unsigned long long to, unsigned, void* p) {
  auto& c = *static_cast<VsCtx*>(p);
  const std::uint32_t begin = c.f->raw[to - c.vs->length[id]];
  const std::uint32_t end = c.f->raw[to];
  if (c.vs->bound_start[id] && begin > 0) {
    std::size_t b = begin - 1;
    while (b > 0 && (static_cast<unsigned char>(c.raw[b]) & 0xC0) == 0x80) --b;
    char32_t cp;
    triage::decode_utf8(c.raw, b, cp);
    if (is_word_raw(cp)) return 0;
  }
  if (c.vs->bound_end[id] && end < c.raw.size()) {
    char32_t cp;
    triage::decode_utf8(c.raw, end, cp);
    if (is_word_raw(cp)) return 0;
  }
  c.out->push_back({id, begin, end});
  return 0;
}
void scan_folded(const Vs& vs, std::string_view t, Folded& f, std::vector<triage::Match>& out) {
  fold_into(t, f);
  VsCtx c{&vs, &f, t, &out};
  hs_scan(vs.db, f.text.data(), static_cast<unsigned>(f.text.size()), 0, vs.scratch, on_folded, &c);
}

// Both scanners must report the same matches (id, span) for every text, or the comparison is moot.
void check_same(int scale) {
  const auto& m = ours_at(scale).m;
  const auto& vs = vs_folded_at(scale);
  Folded f;
  std::vector<triage::Match> a, b;
  auto key = [](const triage::Match& x) { return std::tie(x.end, x.begin, x.id); };
  for (const auto& t : texts()) {
    a.clear();
    b.clear();
    m.scan(t, a);
    scan_folded(vs, t, f, b);
    std::sort(a.begin(), a.end(), [&](auto& x, auto& y) { return key(x) < key(y); });
    std::sort(b.begin(), b.end(), [&](auto& x, auto& y) { return key(x) < key(y); });
    if (a.size() != b.size() || !std::equal(a.begin(), a.end(), b.begin(),
                                            [&](auto& x, auto& y) { return key(x) == key(y); })) {
      std::fprintf(stderr, "bench_scanner: scale %d: the scanners disagree on \"%s\"\n", scale,
                   t.c_str());
      std::abort();
    }
  }
}

void counters(benchmark::State& state, double build_s, std::size_t bytes) {
  report(state, texts().size(), texts_bytes());
  state.counters["build_s"] = build_s;
  state.counters["MiB"] = static_cast<double>(bytes) / (1 << 20);
}

void BM_Classify(benchmark::State& state) {
  const auto& tickets = tickets_of_size(116);
  const auto& engine = engine_at(static_cast<int>(state.range(0)));
  triage::Evaluation ev;
  std::size_t decided = 0;
  const std::size_t dims = engine.pack().dimensions.size();
  for (const auto& t : tickets) engine.evaluate(t, ev);  // first touch of a fresh engine: untimed
  for (auto _ : state) {
    for (const auto& t : tickets) {
      engine.evaluate(t, ev);
      for (std::size_t d = 0; d < dims; ++d) decided += ev.decided(d) >= 0;
    }
  }
  benchmark::DoNotOptimize(decided);
  report(state, tickets.size(), text_bytes(tickets));
}

void BM_ScanOurs(benchmark::State& state) {
  const auto& o = ours_at(static_cast<int>(state.range(0)));
  std::vector<triage::Match> out;
  std::size_t matches = 0;
  for (const auto& t : texts()) o.m.scan(t, out);  // first touch of the tables: untimed
  for (auto _ : state) {
    for (const auto& t : texts()) {
      out.clear();
      o.m.scan(t, out);
      matches += out.size();
    }
  }
  benchmark::DoNotOptimize(matches);
  counters(state, o.build_s, o.m.memory_bytes());
  state.counters["matches_per_ticket"] =
      static_cast<double>(matches) / static_cast<double>(state.iterations() * texts().size());
}

void BM_ScanVectorscanFolded(benchmark::State& state) {
  const int scale = static_cast<int>(state.range(0));
  check_same(scale);
  const auto& vs = vs_folded_at(scale);
  Folded f;
  std::vector<triage::Match> out;
  std::size_t matches = 0;
  for (auto _ : state) {
    for (const auto& t : texts()) {
      out.clear();
      scan_folded(vs, t, f, out);
      matches += out.size();
    }
  }
  benchmark::DoNotOptimize(matches);
  counters(state, vs.build_s, vs.bytes);
}

// The same scan on texts folded beforehand (offset maps too): what Vectorscan would cost if the
// fold pass were free — a bound, since a real caller's text arrives unfolded.
void BM_ScanVectorscanPrefolded(benchmark::State& state) {
  const auto& vs = vs_folded_at(static_cast<int>(state.range(0)));
  std::vector<Folded> folded(texts().size());
  for (std::size_t i = 0; i < folded.size(); ++i) fold_into(texts()[i], folded[i]);
  std::vector<triage::Match> out;
  std::size_t matches = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < folded.size(); ++i) {
      out.clear();
      VsCtx c{&vs, &folded[i], texts()[i], &out};
      hs_scan(vs.db, folded[i].text.data(), static_cast<unsigned>(folded[i].text.size()), 0,
              vs.scratch, on_folded, &c);
      matches += out.size();
    }
  }
  benchmark::DoNotOptimize(matches);
  counters(state, vs.build_s, vs.bytes);
}

void BM_FoldOnly(benchmark::State& state) {
  Folded f;
  std::size_t bytes = 0;
  for (auto _ : state) {
    for (const auto& t : texts()) {
      fold_into(t, f);
      bytes += f.text.size();
    }
  }
  benchmark::DoNotOptimize(bytes);
  report(state, texts().size(), texts_bytes());
}

int count_match(unsigned, unsigned long long, unsigned long long, unsigned, void* p) {
  ++*static_cast<std::size_t*>(p);
  return 0;
}
int stop_at_first(unsigned, unsigned long long, unsigned long long, unsigned, void*) {
  return 1;
}

void BM_ScanVectorscanRaw(benchmark::State& state) {
  const auto& vs = vs_raw_at(static_cast<int>(state.range(0)));
  std::size_t matches = 0;
  for (auto _ : state) {
    for (const auto& t : texts()) {
      hs_scan(vs.db, t.data(), static_cast<unsigned>(t.size()), 0, vs.scratch, count_match,
              &matches);
    }
  }
  benchmark::DoNotOptimize(matches);
  counters(state, vs.build_s, vs.bytes);
}

void BM_VectorscanAnyHit(benchmark::State& state) {
  const auto& vs = vs_any_at(static_cast<int>(state.range(0)));
  std::size_t hits = 0;
  for (auto _ : state) {
    for (const auto& t : texts()) {
      hits += hs_scan(vs.db, t.data(), static_cast<unsigned>(t.size()), 0, vs.scratch,
                      stop_at_first, nullptr) == HS_SCAN_TERMINATED;
    }
  }
  benchmark::DoNotOptimize(hits);
  counters(state, vs.build_s, vs.bytes);
}

void scales(benchmark::internal::Benchmark* b) {
  b->ArgName("scale");
  for (int s : {1, 10, 100}) b->Arg(s);
}
BENCHMARK(BM_Classify)->Apply(scales);
BENCHMARK(BM_ScanOurs)->Apply(scales);
BENCHMARK(BM_ScanVectorscanFolded)->Apply(scales);
BENCHMARK(BM_ScanVectorscanPrefolded)->Apply(scales);
BENCHMARK(BM_FoldOnly);
BENCHMARK(BM_ScanVectorscanRaw)->Apply(scales);
BENCHMARK(BM_VectorscanAnyHit)->Apply(scales);

}  // namespace

BENCHMARK_MAIN();
