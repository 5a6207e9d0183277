#include "agent/windows/host_info.hpp"

#include "agent/windows/registry_facts.hpp"
#include "common/text.hpp"

namespace annexa::agent {

HostInfo describeWindowsHost(const WindowsView& view, std::string hostname) {
  HostInfo host;
  host.hostname = std::move(hostname);
  host.os.id = "windows";
  if (auto version = view.osVersion()) {
    // "10.0.22631": what tells Windows 10 (builds below 22000) from 11 as much as the product name does.
    host.os.version = std::to_string(version->major) + "." + std::to_string(version->minor) + "." +
                      std::to_string(version->build);
    host.kernel = "Windows NT " + host.os.version;
    host.os.prettyName = version->productName.empty() ? "Windows" : version->productName;
    if (!version->displayVersion.empty()) host.os.prettyName += " " + version->displayVersion;
    host.os.prettyName += " (build " + std::to_string(version->build) + ")";
  }
  const auto guid = readRegistry(view, RegistryHive::LocalMachine, "SOFTWARE\\Microsoft\\Cryptography", "MachineGuid");
  if (auto text = guid.text()) host.machineId = *text;
  for (auto* field : {&host.hostname, &host.kernel, &host.machineId, &host.os.version, &host.os.prettyName})
    *field = text::escapeInvalidUtf8(*field);
  return host;
}

}  // namespace annexa::agent
