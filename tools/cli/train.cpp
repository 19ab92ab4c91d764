#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "commands.hpp"
#include "triage/triage.hpp"

namespace triage::cli {

std::optional<LabelledFile> read_labelled(const std::string& path) {
  std::ifstream file;
  std::istream* in = open_input(path, file);
  if (!in) return std::nullopt;
  LabelledFile file_read;
  Sha256 hash;
  for_each_line(*in, hash, [&](std::size_t number, const std::string& line) {
    if (is_blank(line)) return;
    ++file_read.input.lines;
    auto v = parse_json(line);
    auto t = v ? labelled_from_json(*v) : Result<LabelledTicket>(v.error());
    if (!t) {
      std::cerr << "triage: line " << number << ": " << errc_name(t.error().code) << ": "
                << t.error().message << "\n";
      ++file_read.failed;
      return;
    }
    file_read.tickets.push_back(std::move(*t));
  });
  file_read.input.path = path;
  file_read.input.sha256 = hash.hex();
  file_read.input.failed = file_read.failed;
  return file_read;
}

namespace {

// A value id for any label: ASCII letters and digits kept (lower case), runs of anything else
// become one '_'; ids that collide, or that keep nothing, get a number.
std::string value_id(std::string_view label) {
  std::string id;
  for (unsigned char c : label) {
    if (std::isalnum(c) || c == '.' || c == '-') {
      id += static_cast<char>(std::tolower(c));
    } else if (!id.empty() && id.back() != '_') {
      id += '_';
    }
  }
  while (!id.empty() && id.back() == '_') id.pop_back();
  return id.substr(0, 120);
}

// The pack `--map-labels` writes: one dimension per label key, values in first-seen order.
boost::json::object mapped_pack(const std::vector<LabelledTicket>& tickets, const std::string& name,
                                const std::string& model_file) {
  std::map<std::string, std::vector<std::string>> seen;  // dimension → labels, first seen first
  for (const auto& t : tickets) {
    for (const auto& [dim, label] : t.expected) {
      auto& v = seen[dim];
      if (std::find(v.begin(), v.end(), label) == v.end()) v.push_back(label);
    }
  }
  boost::json::array dims;
  for (const auto& [dim, labels] : seen) {
    boost::json::array values;
    std::set<std::string> used;
    for (const auto& label : labels) {
      std::string id = value_id(label);
      if (id.empty()) id = "value";
      for (int n = 2; used.count(id); ++n) id = value_id(label) + "_" + std::to_string(n);
      used.insert(id);
      values.push_back({{"id", id}, {"title", label}});
    }
    std::string dim_id = value_id(dim);
    dims.push_back({{"id", dim_id.empty() ? "label" : dim_id}, {"values", std::move(values)}});
  }
  return {{"schema", 1},
          {"name", name},
          {"version", "0.1.0"},
          {"description", "Dimensions mapped from the labels of a labelled file; no rules yet."},
          {"dimensions", std::move(dims)},
          {"rules", boost::json::array()},
          {"model", {{"file", model_file}, {"policy", "rules_first"}}}};
}

std::string file_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

void labels_by_title(const Pack& pack, std::vector<LabelledTicket>& tickets) {
  for (auto& t : tickets) {
    for (auto& [dim, label] : t.expected) {
      auto d = std::find_if(pack.dimensions.begin(), pack.dimensions.end(),
                            [&](const Dimension& x) { return x.id == dim; });
      if (d == pack.dimensions.end()) continue;
      if (std::any_of(d->values.begin(), d->values.end(), [&](auto& v) { return v.id == label; }))
        continue;
      for (const auto& v : d->values) {
        if (!v.title.empty() && v.title == label) label = v.id;
      }
    }
  }
}

int train(const TrainArgs& args) {
  auto read = read_labelled(args.input);
  if (!read) return kUsage;
  auto& tickets = read->tickets;
  std::optional<Pack> pack;  // only its dimensions: the model it may name is not read
  if (args.map_labels) {
    // Dimension keys are mapped like values, so the tickets' keys follow.
    for (auto& t : tickets) {
      std::map<std::string, std::string> renamed;
      for (auto& [k, v] : t.expected) {
        const std::string id = value_id(k);
        renamed[id.empty() ? "label" : id] = v;
      }
      t.expected = std::move(renamed);
    }
    std::string name = file_name(args.input);
    if (auto dot = name.find('.'); dot != std::string::npos) name.resize(dot);
    if (name.empty() || !std::isalnum(static_cast<unsigned char>(name[0]))) name = "mapped";
    const std::string pack_text =
        boost::json::serialize(mapped_pack(tickets, value_id(name), file_name(args.output)));
    auto e = Engine::from_json(pack_text);
    if (!e) {
      std::cerr << "triage: --map-labels: " << e.error().message << "\n";
      return kUsage;
    }
    std::ofstream out(*args.map_labels, std::ios::binary);
    if (!out || !(out << pack_text << "\n")) {
      std::cerr << "triage: " << *args.map_labels << ": cannot write\n";
      return kUsage;
    }
    pack = e->pack();
  } else if (args.pack) {
    auto text = read_text_file(*args.pack);
    auto parsed = text ? parse_pack(*text) : Result<Pack>(text.error());
    if (!parsed) {
      std::cerr << "triage: " << errc_name(parsed.error().code) << ": " << *args.pack << ": "
                << parsed.error().message << "\n";
      return kUsage;
    }
    pack = std::move(*parsed);
  } else {
    pack = Engine::builtin().pack();
  }
  labels_by_title(*pack, tickets);
  std::vector<std::string> dims;
  for (const auto& d : pack->dimensions) dims.push_back(d.id);
  TrainOptions options;
  options.algorithm = *parse_algorithm(args.algorithm);
  options.linear.c = args.c;
  options.linear.min_df = args.min_df;
  std::vector<TrainChoice> choices;
  const LearnedModel model = LearnedModel::train(tickets, dims, options, &choices);
  std::ofstream out(args.output, std::ios::binary);
  if (!out || !(out << model.to_json() << "\n")) {
    std::cerr << "triage: " << args.output << ": cannot write\n";
    return kUsage;
  }
  for (const auto& c : choices) {
    std::cerr << "triage: " << c.dimension << ": " << to_string(c.chosen) << " on " << c.tickets
              << " tickets";
    if (c.naive_bayes_accuracy >= 0) {
      std::fprintf(stderr, " (cross-validated accuracy: naive_bayes %.1f%%, linear %.1f%%)",
                   100 * c.naive_bayes_accuracy, 100 * c.linear_accuracy);
    }
    std::cerr << "\n";
  }
  std::cerr << "triage: trained on " << tickets.size() << " tickets for "
            << model.dimensions().size() << " dimensions -> " << args.output << "\n";
  return read->failed ? kSomeFailed : kOk;
}

int cross_validate_cmd(const Engine& engine, const std::vector<LabelledTicket>& tickets,
                       const std::string& policy, int folds, const std::string& algorithm) {
  TrainOptions training;
  training.algorithm = *parse_algorithm(algorithm);
  const auto cv = cross_validate(
      engine.pack(), tickets, policy == "blend" ? CombinePolicy::blend : CombinePolicy::rules_first,
      folds, training, engine.pack().model ? engine.pack().model->weight : 2.0);
  std::printf("%d-fold cross-validation, policy %s, model %s, %zu tickets\n\n", cv.folds,
              policy.c_str(), std::string(to_string(training.algorithm)).c_str(), tickets.size());
  std::printf("target           scored   rules   model  combined\n");
  for (const auto& r : cv.rows) {
    auto pct = [&](std::size_t n) {
      return r.scored ? 100.0 * static_cast<double>(n) / static_cast<double>(r.scored) : 0.0;
    };
    std::printf("%-16s %6zu  %5.1f%%  %5.1f%%   %5.1f%%\n", r.target.c_str(), r.scored,
                pct(r.rules), pct(r.model), pct(r.combined));
  }
  return kOk;
}

}  // namespace triage::cli
