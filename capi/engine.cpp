// Engines, diagnosis and typed results.
#include <algorithm>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "guard.hpp"
#include "handles.hpp"
#include "run/diagnosis_json.hpp"
#include "triage/triage.hpp"

using namespace triage;
using triage::capi::fail;
using triage::capi::give;
using triage::capi::guarded;
using triage::capi::null_arg;

namespace triage::capi {
namespace {
struct LastError {
  int code = 0;
  std::string message;
  std::string where;
};
thread_local LastError last_error;

// The ticket JSON a host callback receives: what the host sent, re-serialised.
class CallbackClassifier final : public Classifier {
 public:
  CallbackClassifier(std::string name, triage_classifier_fn fn, void* user_data)
      : name_(std::move(name)), fn_(fn), user_data_(user_data) {}
  std::string_view name() const noexcept override { return name_; }
  void classify(const Ticket& ticket, Evaluation& ev) const override {
    const std::string json = boost::json::serialize(to_json(ticket));
    triage_scores scores{&ev};
    if (fn_(user_data_, json.c_str(), json.size(), &scores) != 0) {
      throw CallbackFailed("classifier " + name_ + " reported a failure");
    }
  }

 private:
  std::string name_;
  triage_classifier_fn fn_;
  void* user_data_;
};
}  // namespace

void set_error(int code, std::string message, std::string where) noexcept {
  try {
    last_error.code = code;
    last_error.message = std::move(message);
    last_error.where = std::move(where);
  } catch (...) {
    last_error.message.clear();
    last_error.where.clear();
  }
}

int give(std::string_view s, char** out, std::size_t* out_len) noexcept {
  char* buf = static_cast<char*>(std::malloc(s.size() + 1));
  if (!buf) return fail(TRIAGE_ERR_OUT_OF_MEMORY, "out of memory");
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  *out = buf;
  if (out_len) *out_len = s.size();
  return TRIAGE_OK;
}

std::shared_ptr<const Classifier> make_callback_classifier(std::string name,
                                                           triage_classifier_fn fn,
                                                           void* user_data) {
  return std::make_shared<CallbackClassifier>(std::move(name), fn, user_data);
}

namespace {
// Per thread: warm buffers, no locks; one evaluation per nesting level in use.
struct EvaluationStack {
  std::vector<std::unique_ptr<Evaluation>> levels;
  std::size_t depth = 0;
};
thread_local EvaluationStack evaluations;
}  // namespace

ThreadEvaluation::ThreadEvaluation() {
  auto& st = evaluations;
  if (st.depth >= max_callback_nesting) {
    throw Exception(make_error(Errc::callback, "callback",
                               "library calls nested more than " +
                                   std::to_string(max_callback_nesting) +
                                   " deep through host callbacks on one thread"));
  }
  if (st.depth == st.levels.size()) st.levels.push_back(std::make_unique<Evaluation>());
  ev_ = st.levels[st.depth++].get();
}

ThreadEvaluation::~ThreadEvaluation() {
  --evaluations.depth;
}

int new_engine(Result<Engine> r, triage_engine** out) {
  if (!r) return fail(r.error());
  *out = std::make_unique<triage_engine>(triage_engine{std::move(*r), {}}).release();
  (*out)->pack_label = (*out)->engine.pack().name + " " + (*out)->engine.pack().version;
  return TRIAGE_OK;
}

}  // namespace triage::capi

extern "C" {

const char* triage_version(void) {
  return TRIAGE_VERSION_STRING;
}
int triage_abi_version(void) {
  return TRIAGE_ABI_VERSION;
}

const char* triage_status_name(int status) {
  const auto name = errc_name(static_cast<Errc>(status));  // one list for both (status_list.h)
  return name == "unknown" ? "unknown" : name.data();      // errc_name returns literals
}

const char* triage_last_error_message(void) {
  return triage::capi::last_error.message.c_str();
}

const char* triage_last_error_where(void) {
  return triage::capi::last_error.where.c_str();
}

void triage_string_free(char* s) {
  std::free(s);
}

int triage_engine_new_default(triage_engine** out) {
  return guarded([&] {
    if (!out) return null_arg("out");
    return triage::capi::new_engine(Engine::builtin(), out);
  });
}

int triage_engine_new_from_json(const char* pack, size_t len, triage_engine** out) {
  return guarded([&] {
    if (!out) return null_arg("out");
    if (!pack) return null_arg("pack");
    return triage::capi::new_engine(Engine::from_json(std::string_view(pack, len)), out);
  });
}

int triage_engine_new_from_file(const char* path, triage_engine** out) {
  return guarded([&] {
    if (!out) return null_arg("out");
    if (!path) return null_arg("path");
    return triage::capi::new_engine(engine_from_file(path), out);
  });
}

void triage_engine_free(triage_engine* engine) {
  std::unique_ptr<triage_engine>{engine};
}

const char* triage_engine_pack(const triage_engine* engine) {
  return engine ? engine->pack_label.c_str() : "";
}

int triage_scores_add(triage_scores* scores, const char* dimension, const char* value,
                      double weight) {
  return guarded([&] {
    if (!scores) return null_arg("scores");
    if (!dimension) return null_arg("dimension");
    if (!value) return null_arg("value");
    if (!scores->ev->add_score(dimension, value, weight)) {
      return fail(TRIAGE_ERR_NOT_FOUND,
                  std::string(dimension) + "." + value + ": no such dimension value");
    }
    return static_cast<int>(TRIAGE_OK);
  });
}

int triage_engine_builder_new(triage_engine_builder** out) {
  return guarded([&] {
    if (!out) return null_arg("out");
    *out = std::make_unique<triage_engine_builder>().release();
    return static_cast<int>(TRIAGE_OK);
  });
}

void triage_engine_builder_free(triage_engine_builder* builder) {
  std::unique_ptr<triage_engine_builder>{builder};
}

int triage_engine_builder_set_pack_json(triage_engine_builder* builder, const char* pack,
                                        size_t len) {
  return guarded([&] {
    if (!builder) return null_arg("builder");
    if (!pack) return null_arg("pack");
    builder->pack = std::string(pack, len);
    return static_cast<int>(TRIAGE_OK);
  });
}

int triage_engine_builder_add_classifier(triage_engine_builder* builder, const char* name,
                                         triage_classifier_fn fn, void* user_data) {
  return guarded([&] {
    if (!builder) return null_arg("builder");
    if (!name) return null_arg("name");
    if (!fn) return null_arg("fn");
    builder->options.classifiers.push_back(
        triage::capi::make_callback_classifier(name, fn, user_data));
    return static_cast<int>(TRIAGE_OK);
  });
}

int triage_engine_builder_build(const triage_engine_builder* builder, triage_engine** out) {
  return guarded([&] {
    if (!builder) return null_arg("builder");
    if (!out) return null_arg("out");
    const std::string_view pack =
        builder->pack ? std::string_view(*builder->pack) : default_pack_json();
    return triage::capi::new_engine(Engine::from_json(pack, builder->options), out);
  });
}

int triage_diagnose_json(const triage_engine* engine, const char* ticket, size_t len,
                         char** out_json, size_t* out_len) {
  return guarded([&] {
    if (!engine) return null_arg("engine");
    if (!ticket) return null_arg("ticket");
    if (!out_json) return null_arg("out_json");
    auto r = diagnose_line(engine->engine, std::string_view(ticket, len), 1,
                           triage::capi::ThreadEvaluation());
    if (r.error) return fail(*r.error);
    return give(r.json, out_json, out_len);
  });
}

int triage_diagnose_jsonl(const triage_engine* engine, const char* tickets, size_t len,
                          char** out_jsonl, size_t* out_len) {
  return triage_diagnose_jsonl_threads(engine, tickets, len, 1, out_jsonl, out_len);
}

namespace {
// The host's output, grown with realloc and handed over as it is: a batch's output is hundreds of
// bytes per ticket, and copying it once more (std::string, then malloc for the host) cost a
// fifth of the call.
class HostBuffer {
 public:
  HostBuffer() = default;
  HostBuffer(const HostBuffer&) = delete;
  HostBuffer& operator=(const HostBuffer&) = delete;
  ~HostBuffer() { std::free(data_); }
  void append(std::string_view text) {
    if (size_ + text.size() + 1 > capacity_) {
      const std::size_t want = std::max(capacity_ * 2, size_ + text.size() + 1);
      char* grown = static_cast<char*>(std::realloc(data_, std::max<std::size_t>(want, 4096)));
      if (!grown) throw std::bad_alloc();
      data_ = grown;
      capacity_ = std::max<std::size_t>(want, 4096);
    }
    std::memcpy(data_ + size_, text.data(), text.size());
    size_ += text.size();
  }
  int give(char** out, std::size_t* out_len) noexcept {
    if (!data_) return triage::capi::give("", out, out_len);
    data_[size_] = '\0';
    *out = std::exchange(data_, nullptr);
    if (out_len) *out_len = size_;
    return TRIAGE_OK;
  }

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0, capacity_ = 0;
};

// Diagnoses the batch's lines into `write` (the selection's header row first); TRIAGE_OK, or the
// status of what stopped the stream.
int stream(const triage_engine* engine, const char* tickets, size_t len, unsigned threads,
           const Selection* select, const std::function<void(std::string_view)>& write) {
  std::string_view rest(tickets ? tickets : "", len);
  // A line past the ticket limit is copied only up to one byte beyond it: enough to be refused
  // as text_too_large, never a second copy of a huge line.
  const std::size_t keep = TicketLimits{}.max_ticket_bytes + 1;
  auto next = [&](std::string& line) {
    if (rest.empty()) return false;
    const auto nl = rest.find('\n');
    line.assign(rest.substr(0, std::min(nl, keep)));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    return true;
  };
  if (select) {
    const std::string header = selection_header(engine->engine, *select);
    if (!header.empty()) {
      try {
        write(header);
      } catch (const std::bad_alloc&) {
        throw;
      } catch (const std::exception& e) {
        return fail(TRIAGE_ERR_CALLBACK, std::string("writing the header row: ") + e.what());
      }
    }
  }
  StreamOptions so;
  so.threads = threads;
  so.select = select;
  const StreamStats st = diagnose_stream(engine->engine, next, write, so);
  if (st.failure) return fail(*st.failure);
  return TRIAGE_OK;
}

// The host's `select` and `format` (NULL: the whole diagnosis, JSON Lines): null when that is
// all it asks for, so that the batch writes the diagnosis whole.
Result<std::unique_ptr<Selection>> host_selection(const char* select, const char* format) {
  auto selection = parse_selection(select ? select : "", format ? format : "jsonl");
  if (!selection) return selection.error();
  if (!select && selection->format == LineFormat::jsonl) return std::unique_ptr<Selection>();
  return std::make_unique<Selection>(std::move(*selection));
}

int batch(const triage_engine* engine, const char* tickets, size_t len, unsigned threads,
          const Selection* select, char** out, size_t* out_len) {
  HostBuffer buffer;
  const int status = stream(engine, tickets, len, threads, select,
                            [&](std::string_view text) { buffer.append(text); });
  if (status != TRIAGE_OK) return status;  // e.g. out of memory: no partial output
  return buffer.give(out, out_len);
}
}  // namespace

int triage_diagnose_jsonl_threads(const triage_engine* engine, const char* tickets, size_t len,
                                  unsigned threads, char** out_jsonl, size_t* out_len) {
  return guarded([&] {
    if (!engine) return null_arg("engine");
    if (!tickets && len) return null_arg("tickets");
    if (!out_jsonl) return null_arg("out_jsonl");
    return batch(engine, tickets, len, threads, nullptr, out_jsonl, out_len);
  });
}

int triage_diagnose_batch(const triage_engine* engine, const char* tickets, size_t len,
                          unsigned threads, const char* select, const char* format, char** out,
                          size_t* out_len) {
  return guarded([&] {
    if (!engine) return null_arg("engine");
    if (!tickets && len) return null_arg("tickets");
    if (!out) return null_arg("out");
    auto selection = host_selection(select, format);
    if (!selection) return fail(selection.error());
    return batch(engine, tickets, len, threads, selection->get(), out, out_len);
  });
}

int triage_diagnose_batch_stream(const triage_engine* engine, const char* tickets, size_t len,
                                 unsigned threads, const char* select, const char* format,
                                 triage_write_fn write, void* user_data) {
  return guarded([&] {
    if (!engine) return null_arg("engine");
    if (!tickets && len) return null_arg("tickets");
    if (!write) return null_arg("write");
    auto selection = host_selection(select, format);
    if (!selection) return fail(selection.error());
    // A refusal becomes an exception the stream turns into Errc::callback, naming the lines.
    return stream(engine, tickets, len, threads, selection->get(), [&](std::string_view text) {
      if (const int rc = write(user_data, text.data(), text.size()); rc != 0) {
        throw std::runtime_error("the host's write callback returned " + std::to_string(rc));
      }
    });
  });
}

namespace {
int classify(const triage_engine* engine, Result<Ticket> ticket, triage_result** out) {
  if (!ticket) return fail(ticket.error());
  auto r = std::make_unique<triage_result>();
  r->diagnosis = engine->engine.diagnose(*ticket, triage::capi::ThreadEvaluation());
  *out = r.release();
  return TRIAGE_OK;
}
}  // namespace

int triage_classify_json(const triage_engine* engine, const char* ticket, size_t len,
                         triage_result** out) {
  return guarded([&] {
    if (!engine) return null_arg("engine");
    if (!ticket) return null_arg("ticket");
    if (!out) return null_arg("out");
    return classify(engine, parse_ticket(std::string_view(ticket, len)), out);
  });
}

int triage_classify_text(const triage_engine* engine, const char* text, size_t len,
                         triage_result** out) {
  return guarded([&] {
    if (!engine) return null_arg("engine");
    if (!text) return null_arg("text");
    if (!out) return null_arg("out");
    const std::string_view t(text, len);
    if (!is_valid_utf8(t)) return fail(TRIAGE_ERR_INVALID_ARGUMENT, "text: invalid UTF-8");
    if (len > TicketLimits{}.max_text_bytes) {
      return fail(TRIAGE_ERR_TEXT_TOO_LARGE, "text: exceeds the limit of 1 MiB");
    }
    Ticket ticket;
    ticket.text = std::string(t);
    return classify(engine, std::move(ticket), out);
  });
}

void triage_result_free(triage_result* result) {
  std::unique_ptr<triage_result>{result};
}

size_t triage_result_label_count(const triage_result* result) {
  return result ? result->diagnosis.labels.size() : 0;
}

int triage_result_label(const triage_result* result, size_t index, const char** dimension,
                        const char** value, double* confidence) {
  return guarded([&] {
    if (!result) return null_arg("result");
    if (index >= result->diagnosis.labels.size()) {
      return fail(TRIAGE_ERR_NOT_FOUND, "index " + std::to_string(index) + ": no such dimension");
    }
    const Label& l = result->diagnosis.labels[index];
    if (dimension) *dimension = l.dimension.c_str();
    if (value) *value = l.value ? l.value->c_str() : nullptr;
    if (confidence) *confidence = l.confidence;
    return static_cast<int>(TRIAGE_OK);
  });
}

const char* triage_result_urgency(const triage_result* result) {
  return result && result->diagnosis.urgency ? result->diagnosis.urgency->c_str() : nullptr;
}
const char* triage_result_primary(const triage_result* result) {
  return result && result->diagnosis.route ? result->diagnosis.route->primary.c_str() : nullptr;
}
const char* triage_result_group(const triage_result* result) {
  return result && result->diagnosis.route ? result->diagnosis.route->group.c_str() : nullptr;
}
const char* triage_result_request_id(const triage_result* result) {
  return result ? result->diagnosis.request_id.c_str() : nullptr;
}

int triage_result_json(const triage_result* result, char** out_json, size_t* out_len) {
  return guarded([&] {
    if (!result) return null_arg("result");
    if (!out_json) return null_arg("out_json");
    // The writer every diagnosis line goes through, so that numbers read as they do there.
    std::string json;
    detail::write_diagnosis(result->diagnosis, json);
    return give(json, out_json, out_len);
  });
}

}  // extern "C"
