// Runs the `triage` binary as a user would.
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/wait.h>

#include <unistd.h>
#include <csignal>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "triage/pack.hpp"
#include "triage/text_table.hpp"

namespace {
// Every file a test writes lives in one directory of this process, removed when the tests end:
// CI machines are shared, and the interrupt tests alone write 70 MB a run.
const std::string& scratch() {
  static const std::string dir = [] {
    const auto d = std::filesystem::path(::testing::TempDir()) /
                   ("triage_cli_test_" + std::to_string(getpid()));
    std::filesystem::create_directories(d);
    return d.string() + "/";
  }();
  return dir;
}

class RemoveScratch : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(scratch(), ignored);
  }
};
[[maybe_unused]] auto* const remove_scratch =
    ::testing::AddGlobalTestEnvironment(std::make_unique<RemoveScratch>().release());

struct Run {
  int status;
  std::string out, err;
};

Run run(const std::string& args, const std::string& input = "") {
  static int n = 0;
  const std::string base = scratch() + "run_" + std::to_string(n++);
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
  Run r{WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(base + ".out"), slurp(base + ".err")};
  for (const char* ext : {".in", ".out", ".err"}) std::remove((base + ext).c_str());
  return r;
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
  const std::string small = scratch() + "rss_small.jsonl";
  const std::string large = scratch() + "rss_large.jsonl";
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
  const std::string base = scratch() + "interrupted_" + std::to_string(signal);
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

namespace {
// `triage diagnose` reading a pipe the test holds open (`tail -f log | triage diagnose -`): a few
// lines, then nothing more. The signal must end the run within two seconds, not at the next line.
struct StalledRun {
  int status = -1;
  double seconds = 0;
  std::string out, err;
};
StalledRun signal_a_stalled_run(const std::vector<std::string>& args, int signal,
                                const std::string& input, std::size_t wait_for_lines) {
  const std::string base =
      scratch() + "stalled_" + std::to_string(signal) + "_" + std::to_string(wait_for_lines);
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[0], STDIN_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::FILE* out = std::freopen((base + ".out").c_str(), "wb", stdout);
    std::FILE* err = std::freopen((base + ".err").c_str(), "wb", stderr);
    (void)out, (void)err;
    std::vector<char*> argv{const_cast<char*>(TRIAGE_CLI)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(TRIAGE_CLI, argv.data());
    _exit(127);
  }
  close(fds[0]);
  EXPECT_EQ(write(fds[1], input.data(), input.size()), static_cast<ssize_t>(input.size()));
  auto slurp = [](const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  };
  // Until the run catches the signal (its handler is in /proc's SigCgt mask), and then until
  // the lines are answered (a linked run writes each at once) or for a moment to read them.
  auto catching = [&] {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string l; std::getline(status, l);) {
      if (l.rfind("SigCgt:", 0) == 0)
        return (std::stoull(l.substr(7), nullptr, 16) >> (signal - 1) & 1) != 0;
    }
    return false;
  };
  for (int i = 0; i < 600 && !catching(); ++i) usleep(50000);
  for (int i = 0; i < 300; ++i) {
    if (wait_for_lines && lines(slurp(base + ".out")).size() >= wait_for_lines) break;
    if (!wait_for_lines && i == 3) break;
    usleep(100000);
  }
  StalledRun r;
  const auto start = std::chrono::steady_clock::now();
  kill(pid, signal);
  int rc = 0;
  for (int i = 0; i < 500 && waitpid(pid, &rc, WNOHANG) == 0; ++i) usleep(10000);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (waitpid(pid, &rc, WNOHANG) == 0) {  // still blocked after five seconds: end it, and fail
    kill(pid, SIGKILL);
    waitpid(pid, &rc, 0);
  }
  close(fds[1]);  // only now: the input stayed open (stalled) until the run ended
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -WTERMSIG(rc);
  r.out = slurp(base + ".out");
  r.err = slurp(base + ".err");
  return r;
}

std::size_t said_last_line(const std::string& err) {
  const std::string said = "interrupted after input line ";
  const auto at = err.find(said);
  return at == std::string::npos ? SIZE_MAX : std::stoul(err.substr(at + said.size()));
}
}  // namespace

TEST(Cli, SigintEndsARunWhoseInputStalledAndSaysTheLastLineRead) {
  const std::string input = "{\"id\":\"a\",\"text\":\"闪退\"}\n{\"id\":\"b\",\"text\":\"退款\"}\n";
  const auto r = signal_a_stalled_run({"diagnose", "--link", "-"}, SIGINT, input, 2);
  EXPECT_EQ(r.status, 130) << r.err;
  EXPECT_LT(r.seconds, 2.0);
  EXPECT_EQ(lines(r.out).size(), 2u);
  EXPECT_EQ(said_last_line(r.err), 2u) << r.err;
}

TEST(Cli, SigtermEndsAThreadedRunWhoseInputStalledWithEveryLineItReadAnswered) {
  const auto r =
      signal_a_stalled_run({"diagnose", "--jobs", "2", "-"}, SIGTERM, generated_input(3), 0);
  EXPECT_EQ(r.status, 130) << r.err;
  EXPECT_LT(r.seconds, 2.0);
  const std::size_t last = said_last_line(r.err);
  ASSERT_NE(last, SIZE_MAX) << r.err;
  EXPECT_EQ(lines(r.out).size(), last);  // every line read was answered, however many
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

TEST(Cli, LinkRelatesLaterTicketsToEarlierOnesOfTheSameCase) {
  // The water heater of seed 001: reported in the app chat, then by phone with the same number;
  // a stranger's unrelated ticket in between; then the app ticket's text again from an e-mail.
  const std::string input =
      R"({"id": "APP-1", "channel": "app", "created_at": "2026-11-20T09:00:00+08:00", "customer": {"phone": "+86 138-0013-8000"}, "text": "热水器不加热，洗澡只有冷水，麻烦派人看一下"})"
      "\n"
      R"({"id": "OTHER-1", "channel": "web", "created_at": "2026-11-20T09:30:00+08:00", "customer": {"phone": "13900000000"}, "text": "请问会员积分怎么兑换优惠券"})"
      "\n"
      R"({"id": "TEL-1", "channel": "phone", "created_at": "2026-11-20T10:00:00+08:00", "customer": {"phone": "13800138000"}, "text": "你们的服务怎么一直没人回复？我的热水器还是不热"})"
      "\n"
      "not json\n"
      R"({"id": "EML-1", "channel": "email", "created_at": "2026-11-20T11:00:00+08:00", "text": "热水器不加热，洗澡只有冷水，麻烦派人看一下！"})"
      "\n";
  auto r = run("diagnose --link -", input);
  EXPECT_EQ(r.status, 1) << r.err;  // the bad line is answered in place, the others linked
  const auto out = lines(r.out);
  ASSERT_EQ(out.size(), 5u) << r.out;
  auto related = [&](std::size_t i) {
    std::vector<std::pair<std::string, std::string>> ids;  // (ticket, reason)
    const auto v = boost::json::parse(out[i]);
    for (const auto& x : v.at("related").as_array()) {
      ids.emplace_back(x.at("ticket_id").as_string(), x.at("reason").as_string());
    }
    return ids;
  };
  using Links = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(related(0), Links{});  // the first ticket has nothing before it
  EXPECT_EQ(related(1), Links{});  // another customer, another matter
  EXPECT_EQ(related(2), (Links{{"APP-1", "phone"}}));
  EXPECT_TRUE(boost::json::parse(out[3]).as_object().contains("error"));
  EXPECT_EQ(related(4).size(), 1u);
  EXPECT_EQ(related(4).front(), (std::pair<std::string, std::string>{"APP-1", "similar_text"}));
  // The phone call's answer acknowledges the app chat.
  const auto phone = boost::json::parse(out[2]);
  EXPECT_EQ(phone.at("template").at("id"), "tpl.opening.related");
  EXPECT_NE(std::string(phone.at("template").at("text").as_string()).find("App"),
            std::string::npos);
  // Without --link nothing is related, and no diagnosis carries the key.
  for (const auto& l : lines(run("diagnose -", input).out)) {
    EXPECT_FALSE(boost::json::parse(l).as_object().contains("related")) << l;
  }
}

TEST(Cli, SelectWritesOnlyTheNamedKeys) {
  const std::string input = "{\"id\":\"a\",\"text\":\"APP一直闪退\"}\nnot json\n";
  auto r = run("diagnose --select labels,urgency,route -", input);
  EXPECT_EQ(r.status, 1);
  auto out = lines(r.out);
  ASSERT_EQ(out.size(), 2u);
  const auto o = boost::json::parse(out[0]).as_object();
  EXPECT_EQ(o.size(), 3u);
  EXPECT_TRUE(o.contains("labels") && o.contains("urgency") && o.contains("route"));
  EXPECT_EQ(boost::json::parse(out[1]).at("error").at("code"), "json_syntax");  // unchanged

  auto bad = run("diagnose --select labels,urgncy -", input);
  EXPECT_EQ(bad.status, 2);
  EXPECT_TRUE(bad.out.empty());
  EXPECT_NE(bad.err.find("triage: invalid_argument: --select: \"urgncy\" is not a key of the "
                         "diagnosis"),
            std::string::npos)
      << bad.err;
  auto format = run("diagnose --format xml -", input);
  EXPECT_EQ(format.status, 2);
  EXPECT_NE(format.err.find("--format: \"xml\" is not one of jsonl, csv, tsv"), std::string::npos)
      << format.err;
}

TEST(Cli, CsvAndTsvHaveAHeaderRowAndOneRowPerLine) {
  const std::string input = "{\"id\":\"a\",\"text\":\"APP一直闪退\"}\nnot json\n";
  auto csv = run("diagnose --format csv --select ticket_id,urgency,route -", input);
  EXPECT_EQ(csv.status, 1);
  auto rows = lines(csv.out);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], "ticket_id,urgency,primary,assisting,group,error");
  EXPECT_EQ(rows[1].rfind("a,high,engineering,", 0), 0u) << rows[1];
  EXPECT_EQ(rows[2].rfind(",,,,,line 2: json_syntax: ", 0), 0u) << rows[2];
  auto tsv = run("diagnose --format tsv -", input);
  rows = lines(tsv.out);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].rfind("ticket_id\tproblem_type\tproblem_type.confidence\t", 0), 0u);
  EXPECT_EQ(rows[1].rfind("a\tsystem_failure\t", 0), 0u) << rows[1];
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

TEST(Cli, ValidateNamesAnSlaTargetsUnknownCalendarAtItsPlace) {
  auto pack = boost::json::parse(triage::default_pack_json()).as_object();
  auto& target = pack["sla"].as_object()["targets"].as_array()[4].as_object();
  ASSERT_EQ(target["name"], "assessment");
  const std::string file = scratch() + "calendar.json";
  target["calendar"] = "cn_extended";  // any calendar of the pack will do
  std::ofstream(file) << boost::json::serialize(pack);
  EXPECT_EQ(run("validate " + file).status, 0);
  target["calendar"] = "engineering_hours";
  std::ofstream(file) << boost::json::serialize(pack);
  auto broken = run("validate --format json " + file);
  EXPECT_EQ(broken.status, 2);
  const auto finding = boost::json::parse(broken.out).at("findings").as_array().at(0);
  EXPECT_EQ(finding.at("code"), "pack_unknown_reference");
  EXPECT_EQ(finding.at("where"), "/sla/targets/4/calendar");
  EXPECT_NE(std::string(finding.at("message").as_string()).find("\"engineering_hours\""),
            std::string::npos);
}

TEST(Cli, ValidateAtAnInstantWarnsAboutStaleAnswers) {
  auto pack = boost::json::parse(R"({"schema": 1, "name": "p", "version": "1",
    "dimensions": [{"id": "d", "values": ["a"]}],
    "rules": [{"id": "r", "when": {"text_any": ["x"]}, "then": {"score": {"d": {"a": 1}}}}],
    "templates": [{"id": "t.618", "kind": "opening", "valid_until": "2026-06-21T00:00:00+08:00",
                   "text": {"zh-Hans": "a", "zh-Hant": "a", "en": "a"}}]})");
  const std::string file = scratch() + "dated.json";
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
  const std::string model = scratch() + "model.json";
  auto t = run("train " TRIAGE_SOURCE_DIR "/examples/labelled.jsonl -o " + model);
  EXPECT_EQ(t.status, 0) << t.err;
  std::ifstream in(model);
  EXPECT_TRUE(in.good());
  auto cv = run("eval --cross-validate --folds 3 " TRIAGE_SOURCE_DIR "/examples/labelled.jsonl");
  EXPECT_EQ(cv.status, 0) << cv.err;
  EXPECT_NE(cv.out.find("rules   model  combined"), std::string::npos) << cv.out;
}

namespace {
std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string temp_path(const std::string& name) {
  return scratch() + "report_" + name;
}

// The HTML of the table row with this id ("" when there is none).
std::string row(const std::string& html, const std::string& id) {
  const auto start = html.find("<tr id=\"" + id + "\"");
  if (start == std::string::npos) return "";
  return html.substr(start, html.find("</tr>", start) - start);
}

// A JSON share as the pages print it: 0.639 → "63.9%".
std::string pct(const boost::json::value& v) {
  if (v.is_null()) return "–";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * v.to_number<double>());
  return buf;
}
std::string fixed(const boost::json::value& v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v.to_number<double>());
  return buf;
}
std::string cell(const std::string& html) {
  return ">" + html + "<";
}

std::string sha256sum(const std::string& path) {
  std::string out;
  if (FILE* p = popen(("sha256sum " + path).c_str(), "r")) {
    char buf[128];
    if (std::fgets(buf, sizeof buf, p)) out = std::string(buf).substr(0, 64);
    pclose(p);
  }
  return out;
}

// A page is self-contained: no scripts, no external fonts, styles or images.
void expect_self_contained(const std::string& html) {
  std::string lower = html;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* banned : {"<script", "<link", "<img", "<iframe", "src=\"", "url(", "@import",
                             "http://", "https://"}) {
    EXPECT_EQ(lower.find(banned), std::string::npos) << banned;
  }
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  EXPECT_NE(html.find("<meta name=\"viewport\""), std::string::npos);
}
}  // namespace

TEST(Cli, TheEvalReportShowsTheFiguresOfTheJson) {
  const std::string labelled = TRIAGE_SOURCE_DIR "/examples/labelled.jsonl";
  const std::string page = temp_path("eval.html");
  auto r = run("report eval " + labelled + " -o " + page);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string html = read_all(page);
  expect_self_contained(html);
  auto json = run("eval --format json " + labelled);
  ASSERT_EQ(json.status, 0);
  const auto doc = boost::json::parse(json.out).as_object();

  // The header: pack, version, model, the data file and its fingerprint.
  EXPECT_NE(html.find("<b>default</b> 1.0.0"), std::string::npos);
  EXPECT_NE(html.find("<code>model.json</code>, blend, weight 3.0"), std::string::npos);
  EXPECT_NE(html.find(sha256sum(labelled)), std::string::npos) << sha256sum(labelled);
  EXPECT_EQ(doc.at("input").at("sha256").as_string(), sha256sum(labelled));
  EXPECT_NE(html.find("310 lines"), std::string::npos);

  std::size_t curves = 0;
  for (const auto& tv : doc.at("targets").as_array()) {
    const auto& t = tv.as_object();
    const std::string name(t.at("target").as_string());
    const std::string tr = row(html, "target-" + name);
    ASSERT_FALSE(tr.empty()) << name;
    for (const char* key : {"accuracy", "coverage", "accuracy_when_answering"}) {
      EXPECT_NE(tr.find(cell(pct(t.at(key)))), std::string::npos) << name << " " << key << tr;
    }
    EXPECT_NE(tr.find(cell(std::to_string(t.at("answered").as_int64()))), std::string::npos);
    if (!t.contains("curve")) {
      EXPECT_TRUE(name == "urgency" || name == "primary") << name;
      continue;
    }
    ++curves;
    EXPECT_NE(tr.find(cell(fixed(t.at("expected_calibration_error"), 3))), std::string::npos);
    // Every point of the curve, in its hover title.
    for (const auto& pv : t.at("curve").as_array()) {
      const auto& p = pv.as_object();
      const std::string title = "min_confidence " + fixed(p.at("min_confidence"), 1) + ": " +
                                std::to_string(p.at("answered").as_int64()) + " answered (" +
                                pct(p.at("coverage")) + ")";
      EXPECT_NE(html.find("<title>" + title + "</title>"), std::string::npos) << title;
    }
    // Every cell of the confusion matrix, with its count and row share.
    for (const auto& [want, got] : t.at("confusion").as_object()) {
      std::int64_t total = 0;
      for (const auto& [g, n] : got.as_object()) total += n.as_int64();
      for (const auto& [g, n] : got.as_object()) {
        const std::string title = "expected " + std::string(want) + ", got " + std::string(g) +
                                  ": " + std::to_string(n.as_int64()) + " of " +
                                  std::to_string(total);
        EXPECT_NE(html.find("title=\"" + title), std::string::npos) << title;
      }
    }
  }
  EXPECT_EQ(curves, 4u);  // the four dimensions of the default pack

  // Rules, worst first: the first row is a judged rule with the lowest right / judged.
  double lowest = 2;
  for (const auto& rv : doc.at("rules").as_array()) {
    const auto& rule = rv.as_object();
    const std::string tr = row(html, "rule-" + std::string(rule.at("rule").as_string()));
    ASSERT_FALSE(tr.empty()) << rule.at("rule");
    EXPECT_NE(tr.find(cell(std::to_string(rule.at("fired").as_int64()))), std::string::npos);
    EXPECT_NE(tr.find(cell(pct(rule.at("precision")))), std::string::npos) << tr;
    if (!rule.at("precision").is_null())
      lowest = std::min(lowest, rule.at("precision").to_number<double>());
  }
  const auto first_rule = html.find("<tr id=\"rule-");
  EXPECT_NE(html.substr(first_rule, html.find("</tr>", first_rule) - first_rule)
                .find(cell(pct(boost::json::value(lowest)))),
            std::string::npos);
}

TEST(Cli, TheEvalReportComparesTwoPacksTicketByTicket) {
  // The second pack loses its crash rule: E1 is no longer a system failure.
  auto pack = boost::json::parse(read_all(TRIAGE_TEST_DATA "/mini_pack.json")).as_object();
  pack["version"] = "0.2.0";
  auto& rules = pack["rules"].as_array();
  rules.erase(rules.begin());
  const std::string other = temp_path("other_pack.json");
  std::ofstream(other) << boost::json::serialize(pack);
  const std::string page = temp_path("compare.html");
  auto r = run("report eval --pack " TRIAGE_TEST_DATA "/mini_pack.json --compare " + other + " " +
               TRIAGE_TEST_DATA "/labelled_small.jsonl -o " + page);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string html = read_all(page);
  EXPECT_NE(html.find("1 tickets whose diagnosis changed"), std::string::npos);
  EXPECT_NE(html.find("<b class=\"mono\">E1</b><p>APP闪退</p>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"good\">system_failure ✓</td><td class=\"bad\">(none) ✗</td>"),
            std::string::npos);
  const std::string tr = row(html, "compare-problem_type");
  EXPECT_NE(tr.find(cell("50.0%")), std::string::npos) << tr;  // mini 0.1.0
  EXPECT_NE(tr.find(cell("25.0%")), std::string::npos) << tr;  // mini 0.2.0
}

TEST(Cli, TheMetricsReportShowsTheFiguresOfTheJson) {
  const std::string history = TRIAGE_SOURCE_DIR "/examples/history.jsonl";
  const std::string page = temp_path("metrics.html");
  auto r = run("report metrics " + history + " -o " + page);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string html = read_all(page);
  expect_self_contained(html);
  auto json = run("metrics --format json " + history);
  const auto doc = boost::json::parse(json.out).as_object();
  EXPECT_NE(html.find(sha256sum(history)), std::string::npos);

  auto check_group = [&](const std::string& name, const boost::json::object& g) {
    const std::string tr = row(html, "group-" + name);
    ASSERT_FALSE(tr.empty()) << name;
    EXPECT_NE(tr.find(cell(pct(g.at("first_contact_resolution")))), std::string::npos) << tr;
    EXPECT_NE(tr.find(cell(fixed(g.at("average_handling_hours"), 1))), std::string::npos) << tr;
    EXPECT_NE(tr.find(cell(fixed(g.at("p90_handling_hours"), 1))), std::string::npos) << tr;
    EXPECT_NE(tr.find(cell(pct(g.at("csat").at("satisfied_share")))), std::string::npos) << tr;
    EXPECT_NE(tr.find(cell(pct(g.at("reopen_rate")))), std::string::npos) << tr;
    // SLA compliance per target of this group: share, then met / judged.
    const std::string sla = row(html, "sla-" + name);
    for (const auto& [target, c] : g.at("sla").as_object()) {
      const auto met = c.at("met").as_int64(), all = met + c.at("breached").as_int64();
      EXPECT_NE(sla.find(">" + pct(c.at("compliance")) + "<small>" + std::to_string(met) + "/" +
                         std::to_string(all) + "</small>"),
                std::string::npos)
          << name << " " << target;
    }
  };
  check_group("all", doc);
  for (const auto& [g, v] : doc.at("by_group").as_object())
    check_group(std::string(g), v.as_object());
  ASSERT_FALSE(doc.at("weeks").as_array().empty());
  for (const auto& wv : doc.at("weeks").as_array()) {
    const auto& w = wv.as_object();
    const std::string tr = row(html, "week-" + std::string(w.at("week").as_string()));
    EXPECT_NE(tr.find(cell(std::to_string(w.at("tickets").as_int64()))), std::string::npos) << tr;
    EXPECT_NE(tr.find(cell(pct(w.at("sla_all_targets").at("compliance")))), std::string::npos)
        << tr;
  }
  const auto& breaches = doc.at("breaches").as_array();
  EXPECT_NE(html.find(std::to_string(breaches.size()) + " breached targets"), std::string::npos);
  for (const auto& bv : breaches) {
    const auto& b = bv.as_object();
    EXPECT_NE(html.find("<tr><td class=\"mono\">" + std::string(b.at("ticket_id").as_string()) +
                        "</td><td>" + std::string(b.at("group").as_string()) + "</td><td>" +
                        std::string(b.at("target").as_string()) + "</td><td class=\"mono\">" +
                        std::string(b.at("due").as_string())),
              std::string::npos)
        << b;
  }
}

TEST(Cli, ReportsEscapeEveryTextFromTicketsAndPacks) {
  auto pack = boost::json::parse(read_all(TRIAGE_TEST_DATA "/mini_pack.json")).as_object();
  pack["name"] = "<script>alert('pack')</script>";
  pack["description"] = "<img src=x onerror=alert(1)> & \"quotes\"";
  pack["dimensions"].as_array()[0].as_object()["title"] = "<script>alert('title')</script>";
  const std::string evil_pack = temp_path("evil_pack.json");
  std::ofstream(evil_pack) << boost::json::serialize(pack);
  const std::string labelled = temp_path("evil.jsonl");
  std::ofstream(labelled)
      << R"({"id":"<script>alert('id')</script>","text":"闪退 <script>alert(1)</script>","labels":{"problem_type":"<b>bold</b>","scenario":"other"}})"
      << "\n";
  const std::string page = temp_path("evil_eval.html");
  // Compared with the mini pack, the ticket's diagnosis is the same: compare with a pack without
  // the crash rule so that the ticket (and its text) is listed.
  auto other = pack;
  other["rules"].as_array().erase(other["rules"].as_array().begin());
  const std::string other_pack = temp_path("evil_other.json");
  std::ofstream(other_pack) << boost::json::serialize(other);
  auto r = run("report eval --pack " + evil_pack + " --compare " + other_pack + " " + labelled +
               " -o " + page);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string html = read_all(page);
  expect_self_contained(html);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;pack&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;"),
            std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;id&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("闪退 &lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;bold&lt;/b&gt;"), std::string::npos);

  const std::string history = temp_path("evil_history.jsonl");
  std::ofstream(history)
      << R"({"id":"<script>alert('t')</script>","text":"<script>x</script>","created_at":"2026-11-20T10:00:00+08:00","events":[{"at":"2026-11-23T10:00:00+08:00","type":"responded"},{"at":"2026-11-24T10:00:00+08:00","type":"resolved"},{"at":"2026-11-24T11:00:00+08:00","type":"closed"}]})"
      << "\n";
  const std::string metrics_page = temp_path("evil_metrics.html");
  auto m = run("report metrics --pack " + evil_pack + " " + history + " -o " + metrics_page);
  ASSERT_EQ(m.status, 0) << m.err;
  const std::string mhtml = read_all(metrics_page);
  expect_self_contained(mhtml);
  EXPECT_NE(mhtml.find("&lt;script&gt;alert(&#39;pack&#39;)&lt;/script&gt;"), std::string::npos);
}

TEST(Cli, AMetricsReportOfTenThousandTicketsStaysUnderTwoMegabytes) {
  const auto examples = lines(read_all(TRIAGE_SOURCE_DIR "/examples/history.jsonl"));
  const std::string history = temp_path("history_10k.jsonl");
  {
    std::ofstream out(history);
    for (int i = 0; i < 10000; ++i) {
      auto v = boost::json::parse(examples[static_cast<std::size_t>(i) % examples.size()]);
      v.as_object()["id"] = "G-" + std::to_string(i);
      out << boost::json::serialize(v) << "\n";
    }
  }
  const std::string page = temp_path("metrics_10k.html");
  auto r = run("report metrics " + history + " -o " + page);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string html = read_all(page);
  EXPECT_LT(html.size(), 2'000'000u);
  EXPECT_NE(html.find("<b>10000</b>"), std::string::npos);  // the tickets card
  EXPECT_NE(html.find("The 1000 latest are listed"), std::string::npos);
  std::remove(history.c_str());
  std::remove(page.c_str());
}

TEST(Cli, ReportUsageAndBadInput) {
  EXPECT_EQ(run("report eval " TRIAGE_SOURCE_DIR "/examples/labelled.jsonl").status, 2);  // no -o
  EXPECT_EQ(run("report").status, 2);
  EXPECT_EQ(run("report metrics /nonexistent.jsonl -o " + temp_path("x.html")).status, 2);
  EXPECT_EQ(run("report eval x.jsonl -o /nonexistent/dir/x.html").status, 2);
  // Bad lines are reported and skipped; the page is still written, the exit status says so.
  const std::string page = temp_path("bad_lines.html");
  auto bad = run("report metrics - -o " + page,
                 "{\"text\":\"x\",\"satisfaction\":\"meh\"}\n{\"text\":\"y\"}\n");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("line 1: field_value"), std::string::npos) << bad.err;
  EXPECT_NE(read_all(page).find("1 could not be read"), std::string::npos);
}

TEST(Cli, EvalTablesStayAlignedWithLongAndWideValues) {
  const std::string input =
      R"({"id":"银行卡-1","text":"APP闪退","labels":{"problem_type":"card_payment_wrong_exchange_rate"}})"
      "\n"
      R"({"id":"W2","text":"退款一周了还没到","labels":{"problem_type":"退款未到账（跨境）"}})"
      "\n";
  auto r = run("eval --pack " TRIAGE_TEST_DATA "/mini_pack.json -", input);
  ASSERT_EQ(r.status, 0) << r.err;
  // The per-value table of problem_type: every line ends at the same terminal column.
  const auto out = lines(r.out);
  auto start = std::find(out.begin(), out.end(), "problem_type");
  ASSERT_NE(start, out.end()) << r.out;
  std::vector<std::size_t> widths;
  for (auto it = start + 1; it != out.end() && it->rfind("  confusion", 0) != 0; ++it) {
    widths.push_back(triage::display_width(*it));
  }
  ASSERT_EQ(widths.size(), 5u) << r.out;  // header, two expected values, two values given
  for (auto w : widths) EXPECT_EQ(w, widths[0]) << r.out;
  EXPECT_NE(
      r.out.find("  退款未到账（跨境）" + std::string(20, ' ') + "0.000   0.000  0.000        1"),
      std::string::npos)
      << r.out;
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

namespace {
TEST(Cli, CompiledPackDiagnosesAsItsJson) {
  const std::string tpk = scratch() + "compiled.tpk";
  auto c = run("compile " TRIAGE_SOURCE_DIR "/packs/default/pack.json -o " + tpk);
  ASSERT_EQ(c.status, 0) << c.err;
  EXPECT_NE(c.err.find("compiled"), std::string::npos) << c.err;
  const std::string args =
      " --now 2026-11-20T10:00:00+08:00 " TRIAGE_SOURCE_DIR "/examples/tickets.jsonl";
  auto from_json = run("diagnose --pack " TRIAGE_SOURCE_DIR "/packs/default/pack.json" + args);
  auto from_tpk = run("diagnose --pack " + tpk + args);
  auto builtin = run("diagnose" + args);
  ASSERT_EQ(from_json.status, 0) << from_json.err;
  ASSERT_EQ(from_tpk.status, 0) << from_tpk.err;
  EXPECT_EQ(from_tpk.out, from_json.out);
  EXPECT_EQ(builtin.out, from_json.out);
  // A damaged file: a clear error with its code and place, exit status 2.
  {
    std::ofstream cut(tpk, std::ios::binary | std::ios::trunc);
    cut << "TRIAGEPK";
  }
  auto bad = run("diagnose --pack " + tpk, "{\"text\":\"x\"}\n");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("compiled_pack_corrupt"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("byte 8"), std::string::npos) << bad.err;
  auto missing = run("compile /nonexistent.json -o " + tpk);
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("io"), std::string::npos) << missing.err;
}
}  // namespace
