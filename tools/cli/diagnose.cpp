#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
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

// Without SA_RESTART, so that a read blocked on stalled input returns EINTR instead of waiting for
// the next line (`tail -f log | triage diagnose -` must stop on ^C).
void catch_stop_signals(bool catching) {
  struct sigaction sa {};
  sa.sa_handler = catching ? on_signal : SIG_DFL;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// LineReader's source: reads a file descriptor, returning -1 once a stop is asked for. It waits in
// poll() with a short timeout as well as handling EINTR, because the signal may land on another
// thread of the run, or just before the wait begins. `error` is errno when reading failed.
std::ptrdiff_t read_until_stopped(int fd, char* buffer, std::size_t size, int& error) {
  for (;;) {
    if (g_stop.load()) return -1;
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, 100);
    if (ready < 0 && errno != EINTR) {
      error = errno;
      return -1;
    }
    if (ready <= 0) continue;  // a timeout or a signal: look at the stop flag again
    const ssize_t n = read(fd, buffer, size);
    if (n >= 0) return n;
    if (errno == EINTR || errno == EAGAIN) continue;
    error = errno;
    return -1;
  }
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

  // Read with POSIX calls, not iostreams: libstdc++'s file reads retry on EINTR, so a signal
  // could not end a read blocked on stalled input.
  const int fd = args.input == "-" ? STDIN_FILENO : open(args.input.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::cerr << "triage: " << args.input << ": cannot open input file\n";
    return kUsage;
  }
  struct CloseFd {
    int fd;
    ~CloseFd() {
      if (fd != STDIN_FILENO) close(fd);
    }
  } close_fd{fd};
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
  catch_stop_signals(true);

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
  int read_error = 0;
  // Bounded memory per line: past the ticket limit the rest of a line is skipped, not stored.
  LineReader reader([&](char* buffer, std::size_t size) {
    const std::ptrdiff_t n = read_until_stopped(fd, buffer, size, read_error);
    if (n > 0) bytes_read += static_cast<std::uintmax_t>(n);
    return n;
  });
  auto next = [&](std::string& line) { return reader.next(line); };
  auto write = [&](std::string_view text) {
    std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
  };
  auto on_error = [&](std::size_t line, const Error& e) {
    std::cerr << "triage: line " << line << ": " << errc_name(e.code) << ": " << e.message << "\n";
  };
  const StreamStats st = diagnose_stream(*engine, next, write, so, on_error);
  std::cout.flush();
  catch_stop_signals(false);
  if (progress) std::fputc('\n', stderr);
  std::fprintf(stderr, "triage: %zu lines, %zu errors, %.0f tickets/s\n", st.lines, st.errors,
               rate(st.lines));
  if (st.interrupted) {
    std::fprintf(stderr,
                 "triage: interrupted after input line %zu; every line up to it was written\n",
                 st.last_line);
    return kInterrupted;
  }
  if (read_error) {
    std::cerr << "triage: read error after line " << st.last_line << ": "
              << std::strerror(read_error) << "\n";
    return kSomeFailed;
  }
  if (st.failure) {
    std::cerr << "triage: " << errc_name(st.failure->code) << ": " << st.failure->message << "\n";
    return kSomeFailed;
  }
  return st.errors ? kSomeFailed : kOk;
}

}  // namespace triage::cli
