// Build tool: compiles the built-in pack (and its model), as embedded in the library sources,
// into the compiled form that src/compile/builtin_pack.cpp embeds in turn.
//
//   triage_gen_tpk OUTPUT
#include <cstdio>
#include <fstream>

#include "compile/pack_file.hpp"

namespace triage {
inline namespace v1 {
namespace detail {
// This tool makes the compiled built-in pack, so it has none yet.
std::string_view builtin_compiled_pack() noexcept {
  return {};
}
}  // namespace detail
}  // namespace v1
}  // namespace triage

int main(int argc, char** argv) {
  using namespace triage;
  if (argc != 2) {
    std::fprintf(stderr, "usage: triage_gen_tpk OUTPUT\n");
    return 2;
  }
  auto pack = parse_pack(default_pack_json());
  if (!pack) {
    std::fprintf(stderr, "triage_gen_tpk: default pack: %s\n", pack.error().message.c_str());
    return 1;
  }
  auto model = LearnedModel::from_json(default_model_json());
  if (!model) {
    std::fprintf(stderr, "triage_gen_tpk: default model: %s\n", model.error().message.c_str());
    return 1;
  }
  auto bytes = compile_pack(*pack, pack->model ? &*model : nullptr);
  if (!bytes) {
    std::fprintf(stderr, "triage_gen_tpk: %s: %s\n", bytes.error().where.c_str(),
                 bytes.error().message.c_str());
    return 1;
  }
  const std::string tmp = std::string(argv[1]) + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    if (!out) {
      std::fprintf(stderr, "triage_gen_tpk: cannot write %s\n", tmp.c_str());
      return 1;
    }
  }
  if (std::rename(tmp.c_str(), argv[1]) != 0) {
    std::fprintf(stderr, "triage_gen_tpk: cannot rename to %s\n", argv[1]);
    return 1;
  }
  return 0;
}
