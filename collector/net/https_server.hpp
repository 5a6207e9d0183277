// The HTTPS listener (Boost.Beast + OpenSSL): mutual TLS, timeouts and limits on every read, a small thread pool.
// Everything Beast/Asio lives in https_server.cpp; callers see only this header.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "collector/api/http.hpp"
#include "collector/api/metrics.hpp"
#include "collector/api/revocation_list.hpp"
#include "common/result.hpp"

namespace annexa::collector {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8443;  // 0 picks a free port
  int threads = 2;
  std::size_t bodyLimit = 1024 * 1024;
  std::chrono::milliseconds handshakeTimeout{10000};
  std::chrono::milliseconds headerTimeout{10000};
  std::chrono::milliseconds bodyTimeout{30000};
  std::chrono::milliseconds idleTimeout{60000};
  std::chrono::milliseconds shutdownGrace{10000};
  std::filesystem::path certificateChain;  // server certificate followed by the CA
  std::filesystem::path privateKey;
  std::filesystem::path caCertificate;     // verifies client certificates
};

class HttpsServer {
 public:
  // `handler` answers requests and names their routes for metrics; `revocations` is checked at each handshake.
  HttpsServer(ServerOptions options, RequestHandler& handler, Metrics& metrics, const RevocationList& revocations);
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  // Loads certificates and binds; the error names what failed (bad key, port in use, …).
  VoidResult start();
  std::uint16_t port() const;
  // Serves until stop() or SIGTERM/SIGINT (when handleSignals): stops accepting, lets in-flight requests
  // finish (bounded by shutdownGrace), then returns.
  void run(bool handleSignals);
  // Thread-safe; may be called from any thread.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace annexa::collector
