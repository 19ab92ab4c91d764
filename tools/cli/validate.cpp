#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/json.hpp>

#include "commands.hpp"
#include "triage/triage.hpp"

namespace triage::cli {

int validate(const ValidateArgs& args) {
  std::ifstream in(args.pack, std::ios::binary);
  if (!in) {
    std::cerr << "triage: " << args.pack << ": cannot open pack file\n";
    return kUsage;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  ValidateOptions vo;
  if (args.at) {
    auto at = parse_timestamp(*args.at, "--at");
    if (!at) {
      std::cerr << "triage: " << at.error().message << "\n";
      return kUsage;
    }
    vo.at = at->utc;
  }
  const auto findings = validate_pack(buf.str(), {}, vo);
  std::size_t errors = 0, warnings = 0;
  for (const auto& f : findings) {
    errors += f.severity == Finding::Severity::error;
    warnings += f.severity == Finding::Severity::warning;
  }
  if (args.format == "json") {
    boost::json::array a;
    for (const auto& f : findings) a.push_back(to_json(f));
    std::cout << boost::json::serialize(boost::json::object{{"pack", args.pack},
                                                            {"errors", errors},
                                                            {"warnings", warnings},
                                                            {"findings", std::move(a)}})
              << "\n";
  } else {
    for (const auto& f : findings) {
      std::cout << args.pack << ":" << f.line << ":" << f.column << ": " << to_string(f.severity)
                << " [" << f.code << "] " << f.message << "\n";
    }
    std::cout << args.pack << ": " << errors << " errors, " << warnings << " warnings, "
              << findings.size() - errors - warnings << " notes\n";
  }
  return errors ? kUsage : warnings ? kSomeFailed : kOk;
}

}  // namespace triage::cli
