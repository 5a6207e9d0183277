// Writing files where someone else may have planted a symbolic link (docs/security.md, "Files"). The collector and
// the agent often run as root: a path that ends in a link to /etc/shadow must never be written through.
//
// A file is written to a new temporary name in its directory (created with O_CREAT | O_EXCL | O_NOFOLLOW |
// O_CLOEXEC, relative to a descriptor of the directory opened with O_NOFOLLOW), its mode set with fchmod, synced,
// and renamed over the final name within that directory: a link planted at the final name is replaced, not
// followed. Directories we write into must be real directories owned by us and writable by nobody else.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace annexa::safe_file {

// Streams a file's content; the stream's failure state is checked afterwards.
using ContentWriter = std::function<void(std::ostream&)>;

// Writes `directory`/`name` (a plain name, no '/') as described above, then syncs the directory.
VoidResult write(const std::filesystem::path& directory, std::string_view name, std::string_view content, mode_t mode);
VoidResult write(const std::filesystem::path& directory, std::string_view name, const ContentWriter& content,
                 mode_t mode);
// The same for a full path (e.g. an operator's --out FILE). Its directory is not checked: it may be /tmp, where the
// random temporary name and the rename are what keep a planted link from being followed.
VoidResult writePath(const std::filesystem::path& path, std::string_view content, mode_t mode);

// A directory we may write into: not a symbolic link, a directory, owned by this process's effective user, and not
// writable by group or others (they could swap files under us). The error names which rule failed.
VoidResult checkDirectory(const std::filesystem::path& directory);
// Creates `directory` (its parents as needed) with `mode` if it does not exist, then checkDirectory.
VoidResult ensureDirectory(const std::filesystem::path& directory, mode_t mode);

}  // namespace annexa::safe_file
