// SHA-256 (FIPS 180-4) of the data files a report was made from: the fingerprint in its header,
// the same hex digest `sha256sum` prints.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace triage::cli {

class Sha256 {
 public:
  Sha256() noexcept;
  void update(std::string_view bytes) noexcept;
  /// The digest as 64 lowercase hex digits; the hash is finished (further updates are ignored).
  std::string hex();

 private:
  void block(const unsigned char* p) noexcept;
  std::array<std::uint32_t, 8> h_;
  std::array<unsigned char, 64> buf_{};
  std::size_t used_ = 0;
  std::uint64_t bytes_ = 0;
  bool done_ = false;
  std::string digest_;
};

}  // namespace triage::cli
