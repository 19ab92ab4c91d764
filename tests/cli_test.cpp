// Runs the `triage` binary as a user would.
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/wait.h>

#include <unistd.h>
#include <csignal>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

namespace {
struct Run {
  int status;
  std::string out, err;
};

Run run(const std::string& args, const std::string& input = "") {
  static int n = 0;
  const std::string base =
      ::testing::TempDir() + "cli_" + std::to_string(getpid()) + "_" + std::to_string(n++);
  { std::ofstream(base + ".in", std::ios::binary) << input; }
  const std::string cmd = std::string(TRIAGE_CLI) + " " + args + " < " + base + ".in > " + base +
                          ".out 2> " + base + ".err";
  const int rc = std::system(cmd.c_str());
  auto slurp = [](const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  };
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(base + ".out"), slurp(base + ".err")};
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}
}  // namespace

TEST(Cli, DiagnosesTheExampleTicketsOneLineEach) {
  auto r = run("diagnose " TRIAGE_SOURCE_DIR "/examples/tickets.jsonl");
  EXPECT_EQ(r.status, 0) << r.err;
  std::ifstream in(TRIAGE_SOURCE_DIR "/examples/tickets.jsonl");
  std::vector<std::string> ids;
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) ids.emplace_back(boost::json::parse(l).at("id").as_string());
  }
  auto out = lines(r.out);
  ASSERT_EQ(out.size(), ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto v = boost::json::parse(out[i]);
    EXPECT_EQ(v.at("ticket_id").as_string(), ids[i]) << "order preserved";
    for (const char* key : {"request_id", "labels", "pack"})
      EXPECT_TRUE(v.as_object().contains(key));
  }
  // stderr holds only the closing summary.
  EXPECT_EQ(r.err.rfind("triage: 40 lines, 0 errors, ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
}

namespace {
// A generated input: realistic tickets with bad lines and blank lines interleaved.
std::string generated_input(int n) {
  std::ifstream in(TRIAGE_SOURCE_DIR "/examples/tickets.jsonl");
  std::vector<std::string> tickets;
  for (std::string l; std::getline(in, l);) tickets.push_back(l);
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i % 37 == 5)
      out += "{\"text\": \"broken\",\n";
    else if (i % 53 == 7)
      out += "\n";
    else if (i % 41 == 9)
      out += "{\"text\":\"x\",\"channel\":\"fax\"}\n";
    else
      out += tickets[static_cast<std::size_t>(i) % tickets.size()] + "\n";
  }
  return out;
}
}  // namespace

TEST(Cli, EveryThreadCountGivesByteIdenticalOutput) {
  const std::string input = generated_input(3000);
  const auto one = run("diagnose --now 2026-11-23T10:00:00+08:00 --jobs 1", input);
  const auto two = run("diagnose --now 2026-11-23T10:00:00+08:00 --jobs 2", input);
  const auto eight = run("diagnose --now 2026-11-23T10:00:00+08:00 --jobs 8", input);
  EXPECT_EQ(one.status, 1);  // there are bad lines
  EXPECT_EQ(two.status, 1);
  ASSERT_FALSE(one.out.empty());
  EXPECT_EQ(one.out, two.out);
  EXPECT_EQ(one.out, eight.out);
  const auto out = lines(one.out);
  std::size_t blank = 0;
  for (const auto& l : lines(input)) blank += l.empty();
  EXPECT_EQ(out.size(), 3000 - blank);  // one output line per non-blank input line
  EXPECT_NE(one.err.find("errors"), std::string::npos);
}

namespace {
// Peak resident memory (KiB) of `triage diagnose` over an input file, from wait4's rusage.
long peak_rss_kib(const std::string& input_path) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::FILE* in = std::freopen(input_path.c_str(), "rb", stdin);
    std::FILE* out = std::freopen("/dev/null", "wb", stdout);
    std::FILE* err = std::freopen("/dev/null", "wb", stderr);
    (void)in, (void)out, (void)err;
    execl(TRIAGE_CLI, TRIAGE_CLI, "diagnose", "--jobs", "2", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  return ru.ru_maxrss;
}
}  // namespace

TEST(Cli, MemoryStaysFlatHoweverLongTheInput) {
  // Chunks of 256 lines, a few in flight: 8x the input must not mean 8x the memory.
  const std::string small = ::testing::TempDir() + "rss_small.jsonl";
  const std::string large = ::testing::TempDir() + "rss_large.jsonl";
  { std::ofstream(small, std::ios::binary) << generated_input(3000); }
  { std::ofstream(large, std::ios::binary) << generated_input(24000); }
  const long a = peak_rss_kib(small);
  const long b = peak_rss_kib(large);
  RecordProperty("rss_3000_kib", std::to_string(a));
  RecordProperty("rss_24000_kib", std::to_string(b));
  EXPECT_GT(a, 0);
  EXPECT_LT(b, a + a / 2) << a << " KiB for 3000 lines, " << b << " KiB for 24000";
}

TEST(Cli, ProgressGoesToStderrOnly) {
  const auto r = run("diagnose --progress --jobs 2", generated_input(500));
  EXPECT_NE(r.err.find("tickets/s"), std::string::npos);
  for (const auto& l : lines(r.out)) EXPECT_EQ(l.front(), '{');
}

namespace {
// A large input; the signal once the first diagnoses are out (not before the handler exists).
// Whatever the signal, every line written is whole, and the run says where it stopped.
void expect_a_clean_stop_on(int signal) {
  const std::string base =
      ::testing::TempDir() + "cli_int_" + std::to_string(getpid()) + "_" + std::to_string(signal);
  { std::ofstream(base + ".in", std::ios::binary) << generated_input(200000); }
  const pid_t pid = fork();
  if (pid == 0) {
    std::FILE* in = std::freopen((base + ".in").c_str(), "rb", stdin);
    std::FILE* out = std::freopen((base + ".out").c_str(), "wb", stdout);
    std::FILE* err = std::freopen((base + ".err").c_str(), "wb", stderr);
    (void)in, (void)out, (void)err;
    execl(TRIAGE_CLI, TRIAGE_CLI, "diagnose", "--jobs", "2", static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 600; ++i) {  // up to a minute for the first output
    std::ifstream probe(base + ".out", std::ios::binary | std::ios::ate);
    if (probe && probe.tellg() > 0) break;
    usleep(100000);
  }
  kill(pid, signal);
  int rc = 0;
  waitpid(pid, &rc, 0);
  std::ifstream err(base + ".err");
  std::string err_text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  ASSERT_TRUE(WIFEXITED(rc)) << "killed by a signal: the handler did not run";
  if (WEXITSTATUS(rc) == 0 || WEXITSTATUS(rc) == 1) GTEST_SKIP() << "finished before the signal";
  EXPECT_EQ(WEXITSTATUS(rc), 130) << err_text;
  EXPECT_NE(err_text.find("interrupted after input line"), std::string::npos) << err_text;
  std::ifstream out(base + ".out");
  std::size_t n = 0;
  for (std::string l; std::getline(out, l); ++n) {
    ASSERT_FALSE(l.empty());
    ASSERT_EQ(l.front(), '{');
    ASSERT_EQ(l.back(), '}') << "line " << n << " is cut";
  }
  EXPECT_GT(n, 0u);
  // Nothing read was lost: every non-blank line up to the one it names has its output line.
  const std::string said = "interrupted after input line ";
  const auto at = err_text.find(said);
  ASSERT_NE(at, std::string::npos);
  const std::size_t last = std::stoul(err_text.substr(at + said.size()));
  std::ifstream in(base + ".in");
  std::size_t answered = 0, number = 0;
  for (std::string l; number < last && std::getline(in, l); ++number) {
    if (l.find_first_not_of(" \t\r") != std::string::npos) ++answered;
  }
  EXPECT_EQ(answered, n);
}
}  // namespace

TEST(Cli, AnInterruptedRunWritesWhatItFinishedAndSaysWhere) {
  expect_a_clean_stop_on(SIGINT);
}

TEST(Cli, ATerminatedRunWritesWhatItFinishedAndSaysWhere) {
  expect_a_clean_stop_on(SIGTERM);
}

TEST(Cli, BadLinesAreAnsweredInPlaceAndTheStatusIsOne) {
  const std::string input =
      "{\"id\":\"a\",\"text\":\"闪退\"}\n"
      "\n"
      "not json\n"
      "{\"id\":\"b\",\"text\":\"x\",\"customer\":{\"tier\":\"gold\"}}\n"
      "{\"id\":\"c\",\"text\":\"ok\"}\r\n";
  auto r = run("diagnose -", input);
  EXPECT_EQ(r.status, 1);
  auto out = lines(r.out);
  ASSERT_EQ(out.size(), 4u);  // the blank line is skipped, nothing else is
  EXPECT_EQ(boost::json::parse(out[0]).at("ticket_id"), "a");
  auto e1 = boost::json::parse(out[1]);
  EXPECT_EQ(e1.at("line"), 3);
  EXPECT_EQ(e1.at("error").at("code"), "json_syntax");
  auto e2 = boost::json::parse(out[2]);
  EXPECT_EQ(e2.at("line"), 4);
  EXPECT_EQ(e2.at("error").at("code"), "field_value");
  EXPECT_EQ(boost::json::parse(out[3]).at("ticket_id"), "c");
  EXPECT_NE(r.err.find("line 3"), std::string::npos);
  EXPECT_NE(r.err.find("line 4: field_value: /customer/tier"), std::string::npos) << r.err;
}

TEST(Cli, StdinIsTheDefaultInput) {
  auto r = run("diagnose", "{\"text\":\"hello\"}\n");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(lines(r.out).size(), 1u);
}

TEST(Cli, NowStampsTicketsWithoutCreatedAt) {
  auto r =
      run("diagnose --now 2026-11-20T10:00:00+08:00", "{\"text\":\"hi\",\"channel\":\"email\"}\n");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(boost::json::parse(r.out).at("request_id"), "20261120-EML-001");
  EXPECT_EQ(run("diagnose --now yesterday", "").status, 2);
}

TEST(Cli, APackFileReplacesTheBuiltInOne) {
  auto r = run("diagnose --pack " TRIAGE_TEST_DATA "/mini_pack.json", "{\"text\":\"闪退\"}\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(boost::json::parse(r.out).at("pack").at("name"), "mini");
}

TEST(Cli, UnusablePacksAndFilesAreUsageErrors) {
  auto missing = run("diagnose --pack /nonexistent.json", "{\"text\":\"x\"}\n");
  EXPECT_EQ(missing.status, 2);
  EXPECT_TRUE(missing.out.empty());
  EXPECT_NE(missing.err.find("/nonexistent.json"), std::string::npos);
  auto bad = run("diagnose --pack " TRIAGE_TEST_DATA "/bad_pack.json", "{\"text\":\"x\"}\n");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("pack_unknown_reference"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("line "), std::string::npos) << bad.err;
  EXPECT_EQ(run("diagnose /nonexistent.jsonl").status, 2);
}

TEST(Cli, MetricsOverAHistoryFile) {
  auto table = run("metrics " TRIAGE_SOURCE_DIR "/examples/history.jsonl");
  EXPECT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("first_response"), std::string::npos);
  auto json = run("metrics --format json " TRIAGE_TEST_DATA "/history.jsonl");
  EXPECT_EQ(json.status, 0) << json.err;
  auto v = boost::json::parse(json.out);
  EXPECT_EQ(v.at("tickets"), 5);
  auto bad = run("metrics -", "{\"text\":\"x\",\"satisfaction\":\"meh\"}\n{\"text\":\"y\"}\n");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("line 1: field_value: /satisfaction"), std::string::npos) << bad.err;
}

TEST(Cli, EvalBacktestsAndCompares) {
  auto table = run("eval --pack " TRIAGE_TEST_DATA "/mini_pack.json " TRIAGE_TEST_DATA
                   "/labelled_small.jsonl");
  EXPECT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("problem_type"), std::string::npos);
  auto json = run("eval --format json --pack " TRIAGE_TEST_DATA
                  "/mini_pack.json --compare " TRIAGE_TEST_DATA "/mini_pack.json " TRIAGE_TEST_DATA
                  "/labelled_small.jsonl");
  EXPECT_EQ(json.status, 0) << json.err;
  auto v = boost::json::parse(json.out);
  EXPECT_EQ(v.at("tickets"), 5);
  EXPECT_TRUE(v.at("changes").as_array().empty());  // a pack compared with itself changes nothing
  auto bad = run("eval -", "{\"text\":\"x\",\"labels\":{\"urgency\":3}}\n{\"text\":\"y\"}\n");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("line 1: field_type: /labels/urgency"), std::string::npos) << bad.err;
}

TEST(Cli, ValidateReportsFindingsAndExitsByTheirSeverity) {
  auto clean = run("validate " TRIAGE_SOURCE_DIR "/packs/default/pack.json");
  EXPECT_EQ(clean.status, 0) << clean.out;
  EXPECT_NE(clean.out.find("0 errors, 0 warnings"), std::string::npos);
  auto broken = run("validate --format json " TRIAGE_TEST_DATA "/bad_pack.json");
  EXPECT_EQ(broken.status, 2);
  auto v = boost::json::parse(broken.out);
  EXPECT_EQ(v.at("errors"), 1);
  EXPECT_EQ(v.at("findings").as_array()[0].at("code"), "pack_unknown_reference");
  EXPECT_EQ(run("validate /nonexistent.json").status, 2);
}

TEST(Cli, ValidateAtAnInstantWarnsAboutStaleAnswers) {
  auto pack = boost::json::parse(R"({"schema": 1, "name": "p", "version": "1",
    "dimensions": [{"id": "d", "values": ["a"]}],
    "rules": [{"id": "r", "when": {"text_any": ["x"]}, "then": {"score": {"d": {"a": 1}}}}],
    "templates": [{"id": "t.618", "kind": "opening", "valid_until": "2026-06-21T00:00:00+08:00",
                   "text": {"zh-Hans": "a", "zh-Hant": "a", "en": "a"}}]})");
  const std::string file = ::testing::TempDir() + "dated_" + std::to_string(getpid()) + ".json";
  std::ofstream(file) << boost::json::serialize(pack);
  EXPECT_EQ(run("validate " + file).status, 0);
  auto soon = run("validate --at 2026-06-01T00:00:00+08:00 " + file);
  EXPECT_EQ(soon.status, 1);
  EXPECT_NE(soon.out.find("[expiring_soon] /templates/0/valid_until: template t.618 expires at "
                          "2026-06-21T00:00:00+08:00, within 30 days"),
            std::string::npos)
      << soon.out;
  auto gone = run("validate --format json --at 2026-06-20T16:00:00Z " + file);
  EXPECT_EQ(gone.status, 1);
  EXPECT_EQ(boost::json::parse(gone.out).at("findings").as_array()[0].at("code"), "expired");
  EXPECT_EQ(run("validate --at 2026-06-20 " + file).status, 2);  // an instant needs its offset
}

TEST(Cli, TrainThenCrossValidate) {
  const std::string model = ::testing::TempDir() + "model_" + std::to_string(getpid()) + ".json";
  auto t = run("train " TRIAGE_SOURCE_DIR "/examples/labelled.jsonl -o " + model);
  EXPECT_EQ(t.status, 0) << t.err;
  std::ifstream in(model);
  EXPECT_TRUE(in.good());
  auto cv = run("eval --cross-validate --folds 3 " TRIAGE_SOURCE_DIR "/examples/labelled.jsonl");
  EXPECT_EQ(cv.status, 0) << cv.err;
  EXPECT_NE(cv.out.find("rules   model  combined"), std::string::npos) << cv.out;
}

TEST(Cli, GraphPrintsTheWorkflow) {
  auto dot = run("graph");
  EXPECT_EQ(dot.status, 0);
  EXPECT_EQ(dot.out.rfind("digraph workflow {", 0), 0u);
  auto json = run("graph --format json");
  EXPECT_EQ(boost::json::parse(json.out).at("start"), "new");
  EXPECT_EQ(run("graph --format png").status, 2);
}

TEST(Cli, HelpVersionAndUsage) {
  auto help = run("--help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("diagnose"), std::string::npos);
  auto dhelp = run("diagnose --help");
  EXPECT_EQ(dhelp.status, 0);
  EXPECT_NE(dhelp.out.find("--pack"), std::string::npos);
  auto version = run("--version");
  EXPECT_EQ(version.status, 0);
  EXPECT_NE(version.out.find("triage 0."), std::string::npos);
  EXPECT_EQ(run("").status, 2);
  EXPECT_EQ(run("frobnicate").status, 2);
  EXPECT_EQ(run("diagnose --no-such-flag").status, 2);
}
