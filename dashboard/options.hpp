// Command line and connection settings of annexa-dashboard: where the collector is and which operator
// certificate to present; plus the headless screenshot mode.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "dashboard/data_source.hpp"

namespace annexa::dashboard {

enum class ViewId { Overview, AnnexA, Hosts, Host, Findings, Trends, Soa, Exceptions, Risks, Nc, Readiness, Export };
inline constexpr ViewId kAllViews[] = {ViewId::Overview, ViewId::AnnexA,     ViewId::Hosts, ViewId::Host,
                                       ViewId::Findings, ViewId::Trends,     ViewId::Soa,   ViewId::Exceptions,
                                       ViewId::Risks,    ViewId::Nc,         ViewId::Readiness, ViewId::Export};
// "overview", "annex-a", "hosts", "host", "findings", "trends", "soa", "exceptions", "risks", "nc", "readiness", "export"
std::string_view viewName(ViewId view);
bool isIsmsView(ViewId view);  // the five register views, fed by /api/v1/{soa,exceptions,...}
Result<ViewId> parseViewName(std::string_view name);

struct ConnectionConfig {
  std::string serverUrl;  // https://host:port
  std::filesystem::path certificate;
  std::filesystem::path privateKey;
  std::filesystem::path caCertificate;
  std::chrono::seconds refreshInterval{30};
};

struct DashboardOptions {
  ConnectionConfig connection;
  std::filesystem::path screenshot;  // empty: interactive
  ViewId view = ViewId::Overview;
  int frames = 3;                    // frames rendered after the data arrived, before the capture
  int width = 1280;
  int height = 800;
  std::chrono::seconds timeout{30};  // screenshot mode: give up waiting for data after this
  bool help = false;
};

extern const char* const kUsage;

// --data DIR | --server URL --cert F --key F --ca F | --config FILE, and the screenshot options.
// With --data, --server overrides the address read from DIR/collector.json.
Result<DashboardOptions> parseOptions(const std::vector<std::string>& args);

// DIR/operators/admin.{crt,key}, DIR/ca.crt and the listen address of DIR/collector.json
// (layout as in collector/app/data_dir.hpp; a wildcard listen address is reached on loopback).
Result<ConnectionConfig> connectionFromDataDir(const std::filesystem::path& dir);
// {"server": URL, "cert": F, "key": F, "ca": F, "refresh_seconds": N}; relative paths are relative to FILE.
Result<ConnectionConfig> connectionFromConfigFile(const std::filesystem::path& file);

// An mTLS exchange on its own kept-alive HttpsClient (to be used from one thread at a time).
Result<Exchange> makeHttpsExchange(const ConnectionConfig& config);
// The same as a GET-only fetcher (the data source's worker).
Result<Fetch> makeHttpsFetch(const ConnectionConfig& config);

}  // namespace annexa::dashboard
