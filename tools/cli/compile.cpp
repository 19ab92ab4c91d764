// `triage compile pack.json -o pack.tpk`: the pack's tables in a file that loads in
// milliseconds (include/triage/pack_file.hpp).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "triage/triage.hpp"

namespace triage::cli {

int compile(const CompileArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  EngineOptions options;
  options.regional_variants = !args.no_variants;
  auto bytes = compile_pack_file(args.pack, options);
  if (!bytes) {
    std::cerr << "triage: " << errc_name(bytes.error().code) << ": " << bytes.error().message
              << "\n";
    return kUsage;
  }
  // Written beside the target and renamed over it: a reader never sees half a file.
  const std::string tmp = args.output + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    out.close();
    if (!out) {
      std::cerr << "triage: io: " << tmp << ": cannot write\n";
      std::remove(tmp.c_str());
      return kUsage;
    }
  }
  if (std::rename(tmp.c_str(), args.output.c_str()) != 0) {
    std::cerr << "triage: io: " << args.output << ": cannot write\n";
    std::remove(tmp.c_str());
    return kUsage;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "triage: compiled %s into %s (%zu bytes) in %.2f s\n", args.pack.c_str(),
               args.output.c_str(), bytes->size(), seconds);
  return kOk;
}

}  // namespace triage::cli
