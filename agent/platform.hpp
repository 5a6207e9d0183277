// What the shared agent (command line, enrollment, run loop) needs from the operating system it runs on. One
// implementation per platform, chosen by the build: platform_linux.cpp, platform_windows.cpp.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "agent/config.hpp"
#include "agent/runner.hpp"
#include "common/catalog.hpp"
#include "common/model.hpp"
#include "common/result.hpp"

namespace annexa::agent {

// The live host as a report describes it.
HostInfo describeLiveHost();

// Runs the selected checks on the live host, or on an offline root where the platform supports one.
Result<Report> checkHost(const AgentConfig& config, const CheckMapping& mapping, const RunOptions& options,
                         const std::optional<std::filesystem::path>& offlineRoot = std::nullopt);

// Linux: /etc/annexa/agent.json. Windows: %ProgramData%\Annexa\agent.json.
std::filesystem::path defaultConfigPath();
// Linux: /var/lib/annexa-agent for root, else under $XDG_STATE_HOME or ~/.local/state.
// Windows: %ProgramData%\Annexa.
std::filesystem::path defaultStateDirectory();
// Creates the agent's state directory (the key lives there) so that only the agent's own account can use it:
// Linux 0700 and owned by us; Windows an ACL that admits only SYSTEM and Administrators.
VoidResult prepareStateDirectory(const std::filesystem::path& directory);

// `annexa-agent service install|uninstall|run`: the agent as a service of the platform's service manager
// (Windows); on Linux, where a systemd unit runs `annexa-agent run`, an error that says so.
int serviceCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// Whether `out` is the process's standard output on a terminal that wants colour.
bool isColourTerminal(const std::ostream& out);

// Stop requests for the run loop (Linux: SIGTERM/SIGINT, blocked while it lives and waited for; Windows: Ctrl+C,
// console close, the service's stop control), so a stop never interrupts a write.
class StopRequests {
 public:
  StopRequests();
  ~StopRequests();
  StopRequests(const StopRequests&) = delete;
  StopRequests& operator=(const StopRequests&) = delete;

  bool requested() const;
  // Sleeps until the deadline; true as soon as a stop is requested.
  bool sleepUntil(std::chrono::steady_clock::time_point deadline);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace annexa::agent
