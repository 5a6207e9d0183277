#include "common/text_file.hpp"

#include <fstream>

namespace annexa {

Result<std::string> readTextFile(const std::filesystem::path& path, std::size_t maxBytes) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return makeError(path.string() + ": no such file");
  if (std::filesystem::is_directory(status)) return makeError(path.string() + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError(path.string() + ": cannot open (permission denied?)");
  std::string content;
  char buffer[8192];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    content.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (content.size() > maxBytes) return makeError(path.string() + ": larger than " + std::to_string(maxBytes) + " bytes");
  }
  if (in.bad()) return makeError(path.string() + ": read error");
  return content;
}

}  // namespace annexa
