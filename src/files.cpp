#include "triage/files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "json_util.hpp"
#include "triage/learned_classifier.hpp"

namespace triage {
inline namespace v1 {

Result<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::io, path, "cannot open file");
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return make_error(Errc::io, path, "read error");
  return buf.str();
}

Result<Engine> engine_from_file(const std::string& path, EngineOptions options) {
  auto text = read_text_file(path);
  if (!text) return text.error();
  auto in_file = [&](Error e) {
    e.message = path + ": " + e.message;
    return e;
  };
  auto pack = parse_pack(*text, options.limits);
  if (!pack) return in_file(pack.error());
  const auto dir = std::filesystem::path(path).parent_path();
  auto with_model = with_pack_model(*pack, std::move(options), [&](const std::string& file) {
    return read_text_file((dir / file).string());
  });
  if (!with_model) return in_file(with_model.error());
  auto engine = Engine::compile(*pack, *with_model);
  if (!engine) {
    Error e = engine.error();
    detail::add_position(e, *text);
    return in_file(std::move(e));
  }
  return engine;
}

}  // namespace v1
}  // namespace triage
