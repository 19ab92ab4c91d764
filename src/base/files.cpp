#include "triage/files.hpp"

#include <filesystem>
#include <fstream>

#include "base/json_util.hpp"
#include "triage/learned_classifier.hpp"
#include "triage/pack_file.hpp"

namespace triage {
inline namespace v1 {

Result<std::string> read_text_file(const std::string& path, std::size_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return make_error(Errc::io, path, "is a folder");
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::io, path, "cannot open file");
  // Read in blocks up to the limit: the size a file reports cannot be trusted (pipes, /dev/zero).
  std::string text;
  char block[1 << 16];
  while (in.read(block, sizeof block) || in.gcount() > 0) {
    text.append(block, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes) {
      return make_error(Errc::pack_limit, path,
                        "file exceeds the limit of " + std::to_string(max_bytes) + " bytes");
    }
  }
  if (in.bad()) return make_error(Errc::io, path, "read error");
  return text;
}

Result<Engine> engine_from_file(const std::string& path, EngineOptions options) {
  auto text = read_text_file(path, options.limits.max_pack_bytes);
  if (!text) return text.error();
  auto in_file = [&](Error e) {
    e.message = path + ": " + e.message;
    return e;
  };
  if (is_compiled_pack(*text)) {
    auto engine = Engine::load(*text, options);
    if (!engine) return in_file(engine.error());
    return engine;
  }
  auto pack = parse_pack(*text, options.limits);
  if (!pack) return in_file(pack.error());
  const auto dir = std::filesystem::path(path).parent_path();
  const std::size_t max_bytes = options.limits.max_pack_bytes;
  auto with_model = with_pack_model(*pack, std::move(options), [&](const std::string& file) {
    return read_text_file((dir / file).string(), max_bytes);
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
