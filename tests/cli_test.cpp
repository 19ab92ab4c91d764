// Runs the `triage` binary as a user would.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
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
  EXPECT_TRUE(r.err.empty()) << r.err;
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
