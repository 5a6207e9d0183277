#include "agent/facts/file_probe.hpp"

#include <cerrno>
#include <cstring>

#include "common/text.hpp"

namespace annexa::agent {

FileProbe probeFile(const SystemView& system, std::string_view path, std::size_t maxBytes) {
  auto content = system.readFile(path, maxBytes);
  if (content) return FileProbe::read(std::move(*content));
  // SystemView reports "PATH: strerror(errno)"; only ENOENT/ENOTDIR mean the file is not there (a dangling link
  // included). Anything else (EACCES, a directory, too large) is a file we failed to read.
  const auto& error = content.error();
  for (const int missing : {ENOENT, ENOTDIR})
    if (text::endsWith(error, std::string(": ") + std::strerror(missing))) return FileProbe::missing();
  return FileProbe::unreadable(error);
}

}  // namespace annexa::agent
