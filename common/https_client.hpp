// A small HTTPS/1.1 client for agents, the dashboard and benchmarks: mutual TLS, keep-alive, timeouts,
// and CA pinning by fingerprint for the first contact (enrollment). Beast lives only in https_client.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace annexa {

struct ServerEndpoint {
  std::string host;
  std::uint16_t port = 8443;
  std::string url() const;
};

// "https://host:port" (port defaults to 8443; "[::1]:8443" for IPv6). Plain http:// is refused.
Result<ServerEndpoint> parseServerUrl(std::string_view url);

struct ClientTls {
  std::string caPem;                // trust anchor(s); may be empty when pinning
  std::string pinnedCaFingerprint;  // when set: some certificate in the server's chain must have this SHA-256
  std::string certificatePem;       // client identity (optional)
  std::string privateKeyPem;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string contentType;
};

class HttpsClient {
 public:
  HttpsClient(ServerEndpoint endpoint, ClientTls tls, std::chrono::milliseconds timeout = std::chrono::seconds(15));
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // Sends one request on the kept-alive connection (connecting, or reconnecting once, as needed).
  // Transport and TLS failures are errors; any HTTP status is a response.
  Result<HttpResponse> request(std::string_view method, std::string_view target, std::string_view body = {},
                               std::string_view contentType = "application/json");
  // With pinning: the PEM of the CA certificate that matched the pin on the last handshake.
  const std::string& pinnedCaPem() const;
  void close();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace annexa
