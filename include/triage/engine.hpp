// The engine: a pack compiled once into immutable tables, then shared by every thread that
// diagnoses. Copies are cheap and share the compiled tables.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/date_time/posix_time/posix_time_types.hpp>
#include <gsl/span>

#include "triage/calendar.hpp"
#include "triage/chain.hpp"
#include "triage/classifier.hpp"
#include "triage/diagnosis.hpp"
#include "triage/error.hpp"
#include "triage/evaluation.hpp"
#include "triage/linker.hpp"
#include "triage/pack.hpp"
#include "triage/request_id.hpp"
#include "triage/router.hpp"
#include "triage/sla.hpp"
#include "triage/ticket.hpp"
#include "triage/workflow.hpp"

namespace triage {
inline namespace v1 {

struct EngineOptions {
  PackLimits limits;
  /// Add traditional-Chinese regional phrasings of each keyword (软件 → 軟體) through OpenCC.
  bool regional_variants = true;
  /// Host classifiers, run after the rules in this order.
  std::vector<std::shared_ptr<const Classifier>> classifiers;
};

struct DiagnoseOptions {
  /// "Now", for tickets without created_at (default: the system clock).
  std::optional<boost::posix_time::ptime> now;
  /// Where request numbers come from; without one, the diagnosis numbers every ticket 001.
  RequestIdGenerator* request_ids = nullptr;
  /// A request number already assigned (batches number in input order before diagnosing).
  std::optional<std::string> request_id;
  /// With a roster, the diagnosis also assigns an agent of the handling group (and counts the
  /// ticket in that agent's load). Routers come from `routers`, or the built-in three.
  Roster* roster = nullptr;
  const RouterRegistry* routers = nullptr;
  /// With a linker, the diagnosis lists the related open tickets (`related`), and conditions
  /// and templates may use them. The host adds the ticket to the linker afterwards.
  const Linker* linker = nullptr;
};

/// What a classification-only caller reads (Engine::classify): labels, urgency and route as
/// views into the engine's pack, valid while the engine lives and until the next classify into
/// the same object. Reuse one per thread: once warm, classify allocates nothing.
struct Classification {
  struct Label {
    const std::string* dimension = nullptr;
    const std::string* value = nullptr;  ///< nullptr when the dimension abstains
    double confidence = 0;
  };
  std::vector<Label> labels;               ///< one per dimension, in the pack's order
  std::optional<Urgency> urgency;          ///< empty when the pack has no urgency section
  const std::string* primary = nullptr;    ///< nullptr when the pack has no routing section
  gsl::span<const std::string> assisting;  ///< assisting departments (may be empty)
  const std::string* group = nullptr;      ///< handling group (with routing)
};

struct EngineStats {
  std::size_t rules = 0, terms = 0, patterns = 0, states = 0, regexes = 0, memory_bytes = 0;
};

namespace detail {
struct CompiledPack;
}

class Engine {
 public:
  /// Compiles a pack. Reports the first problem found, naming the rule and JSON pointer.
  static Result<Engine> compile(const Pack& pack, const EngineOptions& options = {});
  /// Parses and compiles pack JSON.
  static Result<Engine> from_json(std::string_view pack_json, const EngineOptions& options = {});
  /// Loads a compiled pack (triage/pack_file.hpp: `triage compile`): no JSON, OpenCC, automaton
  /// construction or RE2 (each expression compiles when a ticket first needs it, once, whichever
  /// thread asks; the bytes are copied as needed and may be freed on return). `options` gives
  /// the limits and host classifiers (which run before the pack's own model); the regional
  /// variants were decided when the pack was compiled. Refuses a foreign, truncated or damaged
  /// file with compiled_pack_foreign / _version / _corrupt, naming the byte offset and section.
  static Result<Engine> load(std::string_view bytes, const EngineOptions& options = {});
  /// The built-in default pack, loaded once per process on first use from its compiled form,
  /// which the build embeds in the library (its model's tables are read there, not copied).
  static const Engine& builtin();

  /// Scans and classifies into `ev` (the hot path: no allocation once `ev` is warm).
  void evaluate(const Ticket& ticket, Evaluation& ev) const;
  /// Evaluates, then decides urgency and route as diagnose() does, into `out`: no request
  /// number, SLA, questions, explanations or JSON. No allocation once `ev` and `out` are warm
  /// (RE2 may allocate the first time it meets some text).
  void classify(const Ticket& ticket, Evaluation& ev, Classification& out) const;
  /// Evaluates and builds the full diagnosis.
  Diagnosis diagnose(const Ticket& ticket, Evaluation& ev, const DiagnoseOptions& opts = {}) const;
  Diagnosis diagnose(const Ticket& ticket, const DiagnoseOptions& opts = {}) const;
  /// Reads the value (best candidate, or empty) of a dimension from an evaluated ticket.
  std::optional<std::uint16_t> decide(const Evaluation& ev, std::size_t dimension,
                                      double* confidence = nullptr) const;

  const Pack& pack() const noexcept;
  /// The ticket lifecycle: the pack's own graph, or the standard one.
  const Workflow& workflow() const noexcept;
  /// A process chain of the pack by id (nullptr when there is none).
  const ChainSpec* chain(std::string_view id) const noexcept;
  /// A calendar of the pack by id (nullptr when there is none).
  const Calendar* calendar(std::string_view id) const noexcept;
  /// Recomputes every deadline of a ticket as if the SLA calendar were `changed` (a new holiday,
  /// other hours): the classification, urgency and route are the same as in `diagnose`. A target
  /// with its own calendar keeps it, unless that calendar has `changed`'s id.
  std::optional<SlaPlan> what_if(const Ticket& ticket, const Calendar& changed,
                                 const DiagnoseOptions& opts = {}) const;
  /// The state of every SLA target of a diagnosis made by this engine, given the ticket's events
  /// so far and judged at `now`: each target on its own calendar, with the pack's at-risk share.
  /// Empty when the diagnosis has no SLA report. What `triage_sla_status_json` and the service
  /// metrics both report.
  std::vector<TargetStatus> sla_status(const Diagnosis& d, gsl::span<const TicketEvent> events,
                                       boost::posix_time::ptime now) const;
  EngineStats stats() const noexcept;
  /// Index of a dimension by id.
  std::optional<std::uint16_t> dimension_index(std::string_view id) const noexcept;
  /// The pack's keyword (as written) behind a term index from a Hit.
  std::string_view term(std::uint32_t index) const noexcept;

 private:
  friend class Evaluation;
  friend struct EngineAccess;
  explicit Engine(std::shared_ptr<const detail::CompiledPack> impl) : impl_(std::move(impl)) {}
  void extract_entities(const Ticket& ticket, Evaluation& ev) const;
  // evaluate(), with every entity found before the rules run when the caller reports them all
  // anyway: conditions asking whether a field is supplied then read that one extraction instead
  // of extracting their kinds first and the whole set again afterwards.
  void evaluate(const Ticket& ticket, Evaluation& ev, bool all_entities) const;
  bool regex_matches(std::uint32_t regex, const Ticket& ticket) const;
  void extract_entity_kinds(const Ticket& ticket, std::uint32_t kinds, const Evaluation& ev) const;
  bool repeat_contact_occurs(const Ticket& ticket, const Evaluation& ev,
                             std::string& scratch) const;
  // diagnose(), building only what the diagnosis keys in `keys` need (bit 1 << the key's index
  // in selectable_keys()); batches that write a selection call it.
  Diagnosis diagnose_keys(const Ticket& ticket, Evaluation& ev, const DiagnoseOptions& opts,
                          std::uint32_t keys) const;
  std::shared_ptr<const detail::CompiledPack> impl_;
};

}  // namespace v1
}  // namespace triage
