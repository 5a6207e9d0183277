// Hands a folder to the desktop's file manager: `xdg-open DIR` via posix_spawnp (found on PATH, no shell).
#pragma once

#include <chrono>
#include <filesystem>

#include "common/result.hpp"

namespace annexa::dashboard {

// Waits up to `wait` for xdg-open to exit; an error says why it could not be run or what status it ended with.
VoidResult openFolderOnDesktop(const std::filesystem::path& folder,
                               std::chrono::milliseconds wait = std::chrono::seconds(10));

}  // namespace annexa::dashboard
