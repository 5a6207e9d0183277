#include "dashboard/options.hpp"

#include <memory>

#include <nlohmann/json.hpp>

#include "common/text_file.hpp"
#include "common/https_client.hpp"
#include "common/json.hpp"
#include "common/text.hpp"

namespace annexa::dashboard {
namespace fs = std::filesystem;

const char* const kUsage = R"(usage: annexa-dashboard CONNECTION [--screenshot FILE.png --view VIEW [--frames N] [--size WxH] [--timeout S]]

CONNECTION (an operator certificate, mutual TLS):
  --data DIR                 an `annexa-collector init`ed data directory: operators/admin.{crt,key}, ca.crt,
                             address from collector.json (--server overrides it)
  --server URL --cert F --key F --ca F
  --config FILE              JSON: {"server": URL, "cert": F, "key": F, "ca": F, "refresh_seconds": 30}
  --refresh S                refresh interval in seconds (default 30; F5 refreshes at once)

Headless capture (e.g. under xvfb-run -a):
  --screenshot FILE.png      render VIEW once the data has arrived, write a PNG and exit
  --view overview|annex-a|hosts|host|findings|trends|soa|exceptions|risks|nc|readiness|export
                                   (also the first view when interactive)
  --frames N                 frames to render after the data arrived (default 3)
  --size WxH                 window size (default 1280x800)
  --timeout S                give up waiting for data after S seconds (default 30; exit 3)
)";

std::string_view viewName(ViewId view) {
  switch (view) {
    case ViewId::Overview: return "overview";
    case ViewId::AnnexA: return "annex-a";
    case ViewId::Hosts: return "hosts";
    case ViewId::Host: return "host";
    case ViewId::Findings: return "findings";
    case ViewId::Trends: return "trends";
    case ViewId::Soa: return "soa";
    case ViewId::Exceptions: return "exceptions";
    case ViewId::Risks: return "risks";
    case ViewId::Nc: return "nc";
    case ViewId::Readiness: return "readiness";
    case ViewId::Export: return "export";
  }
  return "overview";
}

bool isIsmsView(ViewId view) {
  return view == ViewId::Soa || view == ViewId::Exceptions || view == ViewId::Risks || view == ViewId::Nc ||
         view == ViewId::Readiness;
}

Result<ViewId> parseViewName(std::string_view name) {
  for (const auto view : kAllViews)
    if (viewName(view) == name) return view;
  return makeError("unknown view \"" + std::string(name) + "\" (overview, annex-a, hosts, host, findings, trends, soa, exceptions, risks, nc, readiness, export)");
}

Result<ConnectionConfig> connectionFromDataDir(const fs::path& dir) {
  ConnectionConfig config;
  config.certificate = dir / "operators" / "admin.crt";
  config.privateKey = dir / "operators" / "admin.key";
  config.caCertificate = dir / "ca.crt";
  const auto configFile = dir / "collector.json";
  auto content = readTextFile(configFile, 1024 * 1024);
  if (!content) return makeError(content.error() + " (is " + dir.string() + " an `annexa-collector init`ed directory?)");
  auto doc = parseJson(*content);
  if (!doc || !doc->is_object()) return makeError(configFile.string() + ": not a JSON object");
  std::string listen = "127.0.0.1:8443";
  if (const auto it = doc->find("listen"); it != doc->end() && it->is_string()) listen = it->get<std::string>();
  const auto colon = listen.rfind(':');
  long long port = 0;
  if (colon == std::string::npos || !text::parseInt(listen.substr(colon + 1), port) || port < 0 || port > 65535)
    return makeError(configFile.string() + ": listen must be ADDRESS:PORT (got \"" + listen + "\")");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";  // a wildcard listener is reachable on loopback
  if (host == "::") host = "::1";
  config.serverUrl = ServerEndpoint{host, static_cast<std::uint16_t>(port)}.url();
  if (port == 0) config.serverUrl.clear();  // an ephemeral port: the caller must say where (--server)
  return config;
}

Result<ConnectionConfig> connectionFromConfigFile(const fs::path& file) {
  auto content = readTextFile(file, 1024 * 1024);
  if (!content) return makeError(content.error());
  auto doc = parseJson(*content);
  if (!doc || !doc->is_object()) return makeError(file.string() + ": expected a JSON object");
  const auto base = file.parent_path();
  const auto path = [&](const char* key) -> fs::path {
    const auto it = doc->find(key);
    if (it == doc->end() || !it->is_string()) return {};
    fs::path p = it->get<std::string>();
    return p.is_relative() ? base / p : p;
  };
  ConnectionConfig config;
  if (const auto it = doc->find("server"); it != doc->end() && it->is_string()) config.serverUrl = it->get<std::string>();
  config.certificate = path("cert");
  config.privateKey = path("key");
  config.caCertificate = path("ca");
  if (const auto it = doc->find("refresh_seconds"); it != doc->end()) {
    if (!it->is_number_integer() || it->get<long long>() < 1 || it->get<long long>() > 86400)
      return makeError(file.string() + ": refresh_seconds must be an integer between 1 and 86400");
    config.refreshInterval = std::chrono::seconds(it->get<long long>());
  }
  for (const auto& [key, value] : doc->items())
    if (key != "server" && key != "cert" && key != "key" && key != "ca" && key != "refresh_seconds")
      return makeError(file.string() + ": unknown key \"" + key + "\"");
  return config;
}

Result<DashboardOptions> parseOptions(const std::vector<std::string>& args) {
  DashboardOptions options;
  std::string data, server, cert, key, ca, config, refresh;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--help" || a == "-h") {
      options.help = true;
      return options;
    }
    if (i + 1 >= args.size()) return makeError(a + (text::startsWith(a, "--") ? " needs a value" : ": unexpected argument"));
    const std::string value = args[++i];
    long long n = 0;
    if (a == "--data") data = value;
    else if (a == "--server") server = value;
    else if (a == "--cert") cert = value;
    else if (a == "--key") key = value;
    else if (a == "--ca") ca = value;
    else if (a == "--config") config = value;
    else if (a == "--refresh") refresh = value;
    else if (a == "--screenshot") options.screenshot = value;
    else if (a == "--view") {
      auto view = parseViewName(value);
      if (!view) return makeError(view.error());
      options.view = *view;
    } else if (a == "--frames") {
      if (!text::parseInt(value, n) || n < 1 || n > 10000) return makeError("--frames must be between 1 and 10000");
      options.frames = static_cast<int>(n);
    } else if (a == "--timeout") {
      if (!text::parseInt(value, n) || n < 1 || n > 3600) return makeError("--timeout must be between 1 and 3600 seconds");
      options.timeout = std::chrono::seconds(n);
    } else if (a == "--size") {
      const auto x = value.find('x');
      long long w = 0, h = 0;
      if (x == std::string::npos || !text::parseInt(value.substr(0, x), w) || !text::parseInt(value.substr(x + 1), h) ||
          w < 320 || h < 240 || w > 8192 || h > 8192)
        return makeError("--size must be WIDTHxHEIGHT between 320x240 and 8192x8192 (got \"" + value + "\")");
      options.width = static_cast<int>(w);
      options.height = static_cast<int>(h);
    } else {
      return makeError("unknown option " + a);
    }
  }
  const int sources = !data.empty() + !config.empty() + (data.empty() && !server.empty());
  if (sources == 0) return makeError("say where the collector is: --data DIR, --server URL --cert --key --ca, or --config FILE");
  if (sources > 1) return makeError("use one of --data, --server or --config");
  if (!data.empty()) {
    auto fromDir = connectionFromDataDir(data);
    if (!fromDir) return makeError(fromDir.error());
    options.connection = *fromDir;
  } else if (!config.empty()) {
    auto fromFile = connectionFromConfigFile(config);
    if (!fromFile) return makeError(fromFile.error());
    options.connection = *fromFile;
  }
  if (!server.empty()) options.connection.serverUrl = server;
  if (!cert.empty()) options.connection.certificate = cert;
  if (!key.empty()) options.connection.privateKey = key;
  if (!ca.empty()) options.connection.caCertificate = ca;
  if (!refresh.empty()) {
    long long n = 0;
    if (!text::parseInt(refresh, n) || n < 1 || n > 86400) return makeError("--refresh must be between 1 and 86400 seconds");
    options.connection.refreshInterval = std::chrono::seconds(n);
  }
  const auto& c = options.connection;
  if (c.serverUrl.empty()) return makeError("no server address (collector.json listens on port 0: pass --server https://HOST:PORT)");
  if (auto url = parseServerUrl(c.serverUrl); !url) return makeError(url.error());
  if (c.certificate.empty() || c.privateKey.empty() || c.caCertificate.empty())
    return makeError("an operator certificate is needed: --cert, --key and --ca (or --data DIR)");
  return options;
}

Result<Exchange> makeHttpsExchange(const ConnectionConfig& config) {
  auto endpoint = parseServerUrl(config.serverUrl);
  if (!endpoint) return makeError(endpoint.error());
  auto cert = readTextFile(config.certificate, 1024 * 1024);
  if (!cert) return makeError("operator certificate: " + cert.error());
  auto key = readTextFile(config.privateKey, 1024 * 1024);
  if (!key) return makeError("operator key: " + key.error());
  auto ca = readTextFile(config.caCertificate, 1024 * 1024);
  if (!ca) return makeError("CA certificate: " + ca.error());
  auto client = std::make_shared<HttpsClient>(*endpoint, ClientTls{*ca, "", *cert, *key}, std::chrono::seconds(10));
  return Exchange([client](std::string_view method, const std::string& target, const std::string& body) {
    return client->request(method, target, body);
  });
}

Result<Fetch> makeHttpsFetch(const ConnectionConfig& config) {
  auto exchange = makeHttpsExchange(config);
  if (!exchange) return makeError(exchange.error());
  return fetchOver(std::move(*exchange));
}

}  // namespace annexa::dashboard
