#include "dashboard/desktop_open.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>

extern char** environ;

namespace annexa::dashboard {

VoidResult openFolderOnDesktop(const std::filesystem::path& folder, std::chrono::milliseconds wait) {
  std::string program = "xdg-open";
  std::string argument = folder.string();
  char* argv[] = {program.data(), argument.data(), nullptr};
  pid_t pid = 0;
  if (const int error = posix_spawnp(&pid, program.c_str(), nullptr, nullptr, argv, environ); error != 0)
    return makeError("cannot run xdg-open (" + std::string(std::strerror(error)) + "); open " + argument + " yourself");
  // xdg-open hands the folder to the file manager and exits; poll (bounded) rather than block forever.
  const auto deadline = std::chrono::steady_clock::now() + wait;
  int status = 0;
  while (true) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return makeError("lost track of xdg-open: " + std::string(std::strerror(errno)));
    if (std::chrono::steady_clock::now() >= deadline) return makeError("xdg-open did not finish within the time allowed");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return success();
  if (WIFEXITED(status))
    return makeError("xdg-open exited with status " + std::to_string(WEXITSTATUS(status)) +
                     " (is a file manager installed?); the export is in " + argument);
  return makeError("xdg-open was killed by signal " + std::to_string(WTERMSIG(status)));
}

}  // namespace annexa::dashboard
