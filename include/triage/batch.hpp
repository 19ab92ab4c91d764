// One JSON line in, one JSON line out: the contract shared by `triage diagnose`, the C ABI's
// batch call and the Python binding. A bad line yields an error object, never a gap.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gsl/span>

#include "triage/engine.hpp"
#include "triage/ticket.hpp"

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

/// What a batch writes for each line: only some top-level keys of the diagnosis, and in which
/// format — JSON Lines, or CSV (RFC 4180 quoting) / TSV with a header row for bulk work.
enum class LineFormat : std::uint8_t { jsonl, csv, tsv };
struct Selection {
  std::vector<std::string> keys;  ///< top-level keys in output order; empty: the whole diagnosis
  LineFormat format = LineFormat::jsonl;
};

/// The keys a selection may name: the diagnosis's top-level keys (stable, as in its JSON).
gsl::span<const std::string_view> selectable_keys() noexcept;
/// Parses "labels,urgency,route" and "jsonl" | "csv" | "tsv". An unknown key or format is
/// Errc::invalid_argument at "select" or "format", naming it. csv and tsv without keys select
/// ticket_id,labels,urgency,route.
Result<Selection> parse_selection(std::string_view keys, std::string_view format = "jsonl");
/// The header row with its newline (csv and tsv; empty for jsonl). Columns: one per scalar key;
/// labels as <dimension> and <dimension>.confidence; route as primary, assisting (joined by ';')
/// and group; sla as first_response_due and resolution_due; then "error".
std::string selection_header(const Engine& engine, const Selection& selection);
/// Appends one diagnosis (no newline) as the selection says.
void write_selected(const Engine& engine, const Diagnosis& d, const Selection& selection,
                    std::string& out);
/// Appends the answer to a failed line: its error object, or for csv/tsv every column empty but
/// "error" ("line N: code: message").
void write_selected_error(const Engine& engine, const Selection& selection, std::size_t line,
                          const Error& e, std::string& out);

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
  /// Only these keys, in this format (the header row is the caller's to write); null: the whole
  /// diagnosis as JSON Lines.
  const Selection* select = nullptr;
};

struct StreamStats {
  std::size_t lines = 0;      ///< non-blank lines answered
  std::size_t errors = 0;     ///< of which error objects
  std::size_t last_line = 0;  ///< 1-based number of the last input line read
  bool interrupted = false;   ///< stopped early through `stop`
  /// Set when the stream ended early because a host callback (`next`, `write`, `progress`,
  /// `on_error`) threw (`Errc::callback`; its message says which and what) or memory ran out
  /// outside any one line (`Errc::out_of_memory`). What was written before stays whole.
  std::optional<Error> failure;
};

/// `next(line)` yields the next input line (without its newline) or returns false at the end;
/// `write(text)` receives the output, one line at a time, each ending in '\n'. Each line that
/// fails is reported to `on_error(line number, error)` too, when given. Never throws and never
/// ends the process: a line whose diagnosis runs out of memory becomes an `out_of_memory` error
/// line, and a callback that throws ends the stream with `StreamStats::failure`.
StreamStats diagnose_stream(const Engine& engine, const std::function<bool(std::string&)>& next,
                            const std::function<void(std::string_view)>& write,
                            const StreamOptions& options,
                            const std::function<void(std::size_t, const Error&)>& on_error = {});

/// Splits a byte source into lines with bounded memory, for `diagnose_stream`'s `next`. A line
/// longer than `max_line_bytes` keeps only its first `max_line_bytes + 1` bytes — enough for
/// `parse_ticket` to refuse it as `text_too_large` — and the rest is skipped as it is read,
/// never stored: a gigabyte without a newline costs the buffer, not a gigabyte.
class LineReader {
 public:
  /// Fills up to `size` bytes of `buffer`; returns how many (> 0), 0 at the end of the input, or
  /// a negative number when reading stopped or failed (the unfinished line is then dropped).
  using Source = std::function<std::ptrdiff_t(char* buffer, std::size_t size)>;
  explicit LineReader(Source source, std::size_t max_line_bytes = TicketLimits{}.max_ticket_bytes,
                      std::size_t buffer_bytes = 64 << 10);
  /// The next line without its newline; false at the end of the input or when reading stopped.
  bool next(std::string& line);
  std::uintmax_t bytes_read() const noexcept { return bytes_; }
  /// True when the source stopped or failed (a negative return), not at a clean end.
  bool stopped() const noexcept { return stopped_; }

 private:
  bool fill();
  Source source_;
  std::size_t max_line_bytes_;
  std::string buffer_;
  std::size_t begin_ = 0, end_ = 0;
  std::uintmax_t bytes_ = 0;
  bool eof_ = false, stopped_ = false;
};

}  // namespace v1
}  // namespace triage
