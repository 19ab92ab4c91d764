#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "triage/triage.hpp"

namespace triage::cli {

std::optional<Engine> load_engine(const std::optional<std::string>& path) {
  if (!path) return Engine::builtin();
  auto engine = engine_from_file(*path);
  if (!engine) {
    std::cerr << "triage: " << errc_name(engine.error().code) << ": " << engine.error().message
              << "\n";
    return std::nullopt;
  }
  return *engine;
}

std::istream* open_input(const std::string& path, std::ifstream& file) {
  if (path == "-") return &std::cin;
  file.open(path, std::ios::binary);
  if (!file) {
    std::cerr << "triage: " << path << ": cannot open input file\n";
    return nullptr;
  }
  return &file;
}

namespace {
std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) {
  g_stop.store(true);
}
}  // namespace

int diagnose(const DiagnoseArgs& args) {
  DiagnoseOptions opts;
  if (args.now) {
    auto now = parse_timestamp(*args.now, "--now");
    if (!now) {
      std::cerr << "triage: " << now.error().message << "\n";
      return kUsage;
    }
    opts.now = now->utc;
  }
  const auto selection = parse_selection(args.select.value_or(""), args.format);
  if (!selection) {
    std::cerr << "triage: " << errc_name(selection.error().code) << ": --"
              << selection.error().message << "\n";
    return kUsage;
  }
  auto engine = load_engine(args.pack);
  if (!engine) return kUsage;

  std::ifstream file;
  std::istream* in = open_input(args.input, file);
  if (!in) return kUsage;
  std::uintmax_t total_bytes = 0;  // known for regular files: gives the ETA
  if (args.input != "-") {
    std::error_code ec;
    if (std::filesystem::is_regular_file(args.input, ec)) {
      total_bytes = std::filesystem::file_size(args.input, ec);
    }
  }
  std::ios::sync_with_stdio(false);
  // An interrupted run still writes every line it finished, in order, and says where it stopped.
  g_stop = false;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  std::atomic<std::uintmax_t> bytes_read{0};
  const auto start = std::chrono::steady_clock::now();
  auto last_report = start;
  const bool progress = args.progress || isatty(STDERR_FILENO);
  auto rate = [&](std::size_t lines) {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return secs > 0 ? static_cast<double>(lines) / secs : 0.0;
  };

  StreamOptions so;
  so.threads = args.jobs;
  so.diagnose = opts;
  so.stop = &g_stop;
  Linker linker;
  if (args.link) so.link = &linker;
  if (args.select || selection->format != LineFormat::jsonl) {
    so.select = &*selection;
    const std::string header = selection_header(*engine, *selection);
    std::cout.write(header.data(), static_cast<std::streamsize>(header.size()));
  }
  if (progress) {
    so.progress = [&](std::size_t lines, std::size_t errors) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_report < std::chrono::milliseconds(500)) return;
      last_report = now;
      const double r = rate(lines);
      std::fprintf(stderr, "\rtriage: %zu lines, %zu errors, %.0f tickets/s", lines, errors, r);
      if (total_bytes > 0 && bytes_read > 0) {
        const double done = static_cast<double>(bytes_read) / static_cast<double>(total_bytes);
        const double elapsed = std::chrono::duration<double>(now - start).count();
        if (done > 0) std::fprintf(stderr, ", ETA %.0f s   ", elapsed * (1 - done) / done);
      }
      std::fflush(stderr);
    };
  }
  auto next = [&](std::string& line) {
    if (!std::getline(*in, line)) return false;
    bytes_read += line.size() + 1;
    return true;
  };
  auto write = [&](std::string_view text) {
    std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
  };
  auto on_error = [&](std::size_t line, const Error& e) {
    std::cerr << "triage: line " << line << ": " << errc_name(e.code) << ": " << e.message << "\n";
  };
  const StreamStats st = diagnose_stream(*engine, next, write, so, on_error);
  std::cout.flush();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (progress) std::fputc('\n', stderr);
  std::fprintf(stderr, "triage: %zu lines, %zu errors, %.0f tickets/s\n", st.lines, st.errors,
               rate(st.lines));
  if (st.interrupted) {
    std::fprintf(stderr,
                 "triage: interrupted after input line %zu; every line up to it was written\n",
                 st.last_line);
    return kInterrupted;
  }
  if (in->bad()) {
    std::cerr << "triage: read error after line " << st.last_line << "\n";
    return kSomeFailed;
  }
  return st.errors ? kSomeFailed : kOk;
}

}  // namespace triage::cli
