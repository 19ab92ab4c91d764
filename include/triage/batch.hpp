// One JSON line in, one JSON line out: the contract shared by `triage diagnose`, the C ABI's
// batch call and the Python binding. A bad line yields an error object, never a gap.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "triage/engine.hpp"

namespace triage {
inline namespace v1 {

struct LineResult {
  std::string json;            ///< the diagnosis, or {"line": N, "error": {"code", "message"}}
  std::optional<Error> error;  ///< set when the line failed
};

/// Diagnoses one line of JSONL (`line_number` is 1-based and only used in error objects).
LineResult diagnose_line(const Engine& engine, std::string_view line, std::size_t line_number,
                         Evaluation& scratch, const DiagnoseOptions& opts = {});

/// The error object written in place of a diagnosis.
std::string error_line(std::size_t line_number, const Error& e);

/// True for lines that hold nothing but white space (they are skipped, not answered).
bool is_blank(std::string_view line) noexcept;

/// Many lines on many threads, in order: the machinery behind `triage diagnose --jobs`, the C
/// ABI's threaded batch call and Python's `diagnose_many(threads=)`. A reader parses lines in
/// chunks and numbers requests in input order; workers diagnose chunks; the writer emits them in
/// input order. At most a bounded number of chunks are in flight, so memory does not grow with
/// the input. The output is byte-identical for every thread count.
struct StreamOptions {
  unsigned threads = 0;              ///< 0: one per hardware thread
  std::size_t chunk_lines = 256;     ///< lines per unit of work
  std::size_t chunks_in_flight = 0;  ///< 0: 4 per thread
  DiagnoseOptions diagnose;          ///< `now` is fixed once for the whole stream when unset
  /// Called on the writer's thread after each chunk: (lines done, errors so far).
  std::function<void(std::size_t, std::size_t)> progress;
  /// Set (e.g. by a signal handler) to stop reading; what was read is still finished and written.
  const std::atomic<bool>* stop = nullptr;
  /// One case across the stream: each ticket lists the related open tickets before it
  /// (`related`) and is then added. A ticket's answer depends on those before it, so lines are
  /// diagnosed one after another in input order (`threads` does not apply).
  Linker* link = nullptr;
};

struct StreamStats {
  std::size_t lines = 0;      ///< non-blank lines answered
  std::size_t errors = 0;     ///< of which error objects
  std::size_t last_line = 0;  ///< 1-based number of the last input line read
  bool interrupted = false;   ///< stopped early through `stop`
};

/// `next(line)` yields the next input line (without its newline) or returns false at the end;
/// `write(text)` receives the output, one line at a time, each ending in '\n'. Each line that
/// fails is reported to `on_error(line number, error)` too, when given.
StreamStats diagnose_stream(const Engine& engine, const std::function<bool(std::string&)>& next,
                            const std::function<void(std::string_view)>& write,
                            const StreamOptions& options,
                            const std::function<void(std::size_t, const Error&)>& on_error = {});

}  // namespace v1
}  // namespace triage
