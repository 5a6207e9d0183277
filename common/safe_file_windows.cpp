// common/safe_file.hpp on Windows. The same discipline as on POSIX: a new file under an unguessable name created
// with CREATE_NEW (never opening what exists, links included), flushed to disk, then moved over the final name with
// MoveFileEx(REPLACE_EXISTING | WRITE_THROUGH). Directories that are reparse points (symbolic links, junctions)
// are refused. `mode` has no Windows meaning: a new file inherits its directory's ACL, which is why the agent's
// state directory gets a protected ACL for SYSTEM and Administrators only (agent/platform_windows.cpp).
#include "common/safe_file.hpp"

#include <windows.h>

#include "common/random.hpp"
#include "common/sink_buffer.hpp"

namespace annexa::safe_file {
namespace fs = std::filesystem;

namespace {

std::string lastError(const fs::path& path, std::string_view what) {
  return path.string() + ": " + std::string(what) + " (Windows error " + std::to_string(::GetLastError()) + ")";
}

class Handle {
 public:
  explicit Handle(HANDLE handle) : handle_(handle) {}
  ~Handle() { close(); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  HANDLE get() const { return handle_; }
  bool ok() const { return handle_ != INVALID_HANDLE_VALUE; }
  bool close() {
    if (!ok()) return true;
    const bool closed = ::CloseHandle(handle_) != 0;
    handle_ = INVALID_HANDLE_VALUE;
    return closed;
  }

 private:
  HANDLE handle_;
};

// Writes all of `data` to a handle (WriteFile may write less than asked).
bool writeAll(HANDLE handle, const char* data, std::size_t left) {
  while (left > 0) {
    DWORD written = 0;
    const auto chunk = static_cast<DWORD>(left > 0x40000000 ? 0x40000000 : left);
    if (!::WriteFile(handle, data, chunk, &written, nullptr) || written == 0) return false;
    data += written;
    left -= written;
  }
  return true;
}

bool isPlainName(std::string_view name) {
  return !name.empty() && name.find_first_of("/\\:") == std::string_view::npos && name != "." && name != "..";
}

VoidResult writeAt(const fs::path& directory, std::string_view name, const ContentWriter& content) {
  if (!isPlainName(name)) return makeError("not a plain file name: " + std::string(name));
  if (auto checked = checkDirectory(directory); !checked) return checked;
  const auto target = directory / std::string(name);
  const auto random = randomBytes(8);
  const auto temp = directory / ("." + std::string(name) + "." + toHex(random.data(), random.size()) + ".tmp");
  Handle file(::CreateFileW(temp.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!file.ok()) return makeError(lastError(target, "cannot create a temporary file"));
  const auto discard = [&](const std::string& why) {
    file.close();
    ::DeleteFileW(temp.c_str());
    return makeError(why);
  };
  {
    SinkBuffer buffer([&file](const char* data, std::size_t size) { return writeAll(file.get(), data, size); });
    std::ostream out(&buffer);
    content(out);
    out.flush();
    if (!out) return discard(lastError(target, "write failed"));
  }
  if (!::FlushFileBuffers(file.get())) return discard(lastError(target, "flush failed"));
  if (!file.close()) return discard(lastError(target, "close failed"));
  if (!::MoveFileExW(temp.c_str(), target.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
    return discard(lastError(target, "cannot rename into place"));
  return success();
}

}  // namespace

VoidResult write(const fs::path& directory, std::string_view name, std::string_view content, mode_t) {
  const auto copy = [&](std::ostream& out) { out.write(content.data(), static_cast<std::streamsize>(content.size())); };
  return writeAt(directory, name, copy);
}

VoidResult write(const fs::path& directory, std::string_view name, const ContentWriter& content, mode_t) {
  return writeAt(directory, name, content);
}

VoidResult writePath(const fs::path& path, std::string_view content, mode_t mode) {
  const auto directory = path.has_parent_path() ? path.parent_path() : fs::path(".");
  return write(directory, path.filename().string(), content, mode);
}

VoidResult checkDirectory(const fs::path& directory) {
  const DWORD attributes = ::GetFileAttributesW(directory.c_str());
  if (attributes == INVALID_FILE_ATTRIBUTES) return makeError(lastError(directory, "cannot read its attributes"));
  if (attributes & FILE_ATTRIBUTE_REPARSE_POINT)
    return makeError(directory.string() + ": is a symbolic link or junction; refusing to write through it");
  if (!(attributes & FILE_ATTRIBUTE_DIRECTORY)) return makeError(directory.string() + ": is not a directory");
  return success();
}

VoidResult ensureDirectory(const fs::path& directory, mode_t) {
  if (::GetFileAttributesW(directory.c_str()) == INVALID_FILE_ATTRIBUTES) {
    std::error_code ec;
    if (directory.has_parent_path()) fs::create_directories(directory.parent_path(), ec);
    if (ec) return makeError(directory.string() + ": cannot create its parent (" + ec.message() + ")");
    if (!::CreateDirectoryW(directory.c_str(), nullptr) && ::GetLastError() != ERROR_ALREADY_EXISTS)
      return makeError(lastError(directory, "cannot create"));
  }
  return checkDirectory(directory);
}

}  // namespace annexa::safe_file
