// Test harness for the collector: a real HttpsServer on 127.0.0.1 (port 0) over a real SQLite file in a temp
// directory, clients with real certificates, a raw OpenSSL client for what HttpsClient will not do (old TLS
// versions, half-sent headers), and helpers to wait on conditions with a deadline. Header-only: the test glob
// compiles *_test.cpp files only.
#pragma once

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "collector/app/data_dir.hpp"
#include "collector/app/maintenance.hpp"
#include "collector/net/https_server.hpp"
#include "common/catalog.hpp"
#include "common/clock.hpp"
#include "common/digest.hpp"
#include "common/https_client.hpp"
#include "common/json.hpp"
#include "common/pki.hpp"
#include "common/random.hpp"
#include "common/text_file.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::test {

// Polls `condition` until it holds or the deadline passes; returns whether it held. Never a fixed sleep.
inline bool waitFor(const std::function<bool()>& condition,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

inline std::string readFileOrEmpty(const std::filesystem::path& path) {
  auto content = readTextFile(path);
  return content ? *content : std::string();
}

inline std::string errorOf(const HttpResponse& response) {
  auto body = parseJson(response.body);
  return body && body->is_object() ? body->value("error", std::string()) : std::string();
}

// A report of `results` checks as an enrolled agent sends it.
inline Report makeReport(const std::string& agentId, const std::string& machineId, int results = 3) {
  Report report;
  report.reportId = uuid4();
  report.agentId = agentId;
  report.agentVersion = "test";
  report.host.hostname = "host-" + agentId.substr(0, 8);
  report.host.machineId = machineId;
  report.startedAt = formatRfc3339(unixNow());
  const char* checks[] = {"ssh.permit_root_login", "kernel.aslr", "time.sync_enabled", "logging.journald_persistent"};
  for (int i = 0; i < results; ++i) {
    CheckResult r;
    r.check = i < 4 ? checks[i] : "test.check_" + std::to_string(i);
    r.title = "check " + std::to_string(i);
    r.status = i % 3 == 0 ? CheckStatus::Fail : CheckStatus::Pass;
    r.severity = Severity::High;
    r.evidence = {{"/etc/test/" + std::to_string(i), "observed " + std::to_string(i), "expected"}};
    report.results.push_back(std::move(r));
  }
  return report;
}

inline std::string reportBody(const Report& report) { return toJson(report).dump(); }

struct TestAgent {
  std::string id;
  std::string machineId;
  ClientTls tls;
};

// The collector of cli.cpp's `serve`, in-process, with a settable clock.
class InProcessCollector {
 public:
  static collector::ServerOptions fastOptions() {
    collector::ServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.bodyLimit = 64 * 1024;
    options.handshakeTimeout = std::chrono::milliseconds(2000);
    options.headerTimeout = std::chrono::milliseconds(2000);
    options.bodyTimeout = std::chrono::milliseconds(2000);
    options.idleTimeout = std::chrono::milliseconds(5000);
    options.shutdownGrace = std::chrono::milliseconds(5000);
    return options;
  }

  // What the API serves beyond the fleet (ISMS registers, export jobs), made once the data directory exists.
  using Extras = std::function<collector::ApiExtras(InProcessCollector&)>;

  // Maintenance runs once before serving, as in `serve`, and then only when a test calls maintain().
  explicit InProcessCollector(collector::ServerOptions options = fastOptions(), collector::SqliteTuning tuning = {},
                              const Extras& extras = {})
      : data_{root_.path() / "data"} {
    auto init = collector::initDataDir(data_, {});
    if (!init) throw std::runtime_error(init.error());
    caFingerprint_ = init->caFingerprint;
    store_ = collector::openSqliteStore(data_.database(), tuning);
    auto ca = collector::loadCertificateAuthority(data_);
    if (!ca) throw std::runtime_error(ca.error());
    ca_ = std::move(*ca);
    queue_ = std::make_unique<collector::IngestQueue>(*store_);
    api_ = std::make_unique<collector::Api>(*store_, *queue_, metrics_, revocations_, ca_, Catalog::builtin(),
                                            CheckMapping::builtin(), collector::ApiOptions{},
                                            [this] { return now_.load(); }, extras ? extras(*this) : collector::ApiExtras{});
    maintenance_ = std::make_unique<collector::Maintenance>(*store_, *api_, revocations_, nullptr,
                                                            collector::MaintenanceOptions{}, [this] { return now_.load(); });
    maintenance_->run();
    options.certificateChain = data_.serverChain();
    options.privateKey = data_.serverKey();
    options.caCertificate = data_.caCertificate();
    server_ = std::make_unique<collector::HttpsServer>(options, *api_, metrics_, revocations_);
    if (auto started = server_->start(); !started) throw std::runtime_error(started.error());
    port_ = server_->port();
    thread_ = std::thread([this] {
      server_->run(false);
      stopped_ = true;
    });
  }

  ~InProcessCollector() {
    stop();
    queue_->stop();
  }

  InProcessCollector(const InProcessCollector&) = delete;
  InProcessCollector& operator=(const InProcessCollector&) = delete;

  // Stops the server and waits for run() to return.
  void stop() {
    server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  bool stopped() const { return stopped_; }

  std::uint16_t port() const { return port_; }
  ServerEndpoint endpoint() const { return {"127.0.0.1", port_}; }
  std::string url() const { return endpoint().url(); }
  const std::string& caFingerprint() const { return caFingerprint_; }
  collector::Store& store() { return *store_; }
  collector::IngestQueue& queue() { return *queue_; }
  collector::Metrics& metrics() { return metrics_; }
  collector::Api& api() { return *api_; }
  // One maintenance round, as `serve` runs every few seconds (revocations made elsewhere, the body dictionary,
  // today's posture row, retention).
  void maintain() { maintenance_->run(); }
  const collector::DataDir& data() const { return data_; }
  const std::filesystem::path& scratch() const { return root_.path(); }
  void advanceClock(std::int64_t seconds) { now_ += seconds; }
  std::int64_t now() const { return now_; }

  ClientTls anonymous() const { return {ca_.certificatePem, "", "", ""}; }

  // The operator's certificate, issued once per name and role: issuing again revokes the one issued before.
  ClientTls operatorTls(const std::string& name, pki::Role role) {
    std::lock_guard lock(operatorsMutex_);
    if (const auto it = operators_.find(name); it != operators_.end() && it->second.first == role) return it->second.second;
    auto tls = issueOperator(name, role);
    operators_[name] = {role, tls};
    return tls;
  }
  // A new certificate for the operator, every time (the previous one is revoked).
  ClientTls issueOperator(const std::string& name, pki::Role role) {
    auto cert = collector::addOperator(data_, *store_, name, role);
    if (!cert) throw std::runtime_error(cert.error());
    return {ca_.certificatePem, "", readFileOrEmpty(*cert), readFileOrEmpty(data_.operatorKey(name))};
  }
  ClientTls admin() { return operatorTls("admin", pki::Role::Admin); }

  std::unique_ptr<HttpsClient> client(const ClientTls& tls) const {
    return std::make_unique<HttpsClient>(endpoint(), tls, std::chrono::seconds(10));
  }

  std::string createToken(std::int64_t uses = 1, std::int64_t ttlSeconds = 3600) {
    const std::string token = "anx_" + uuid4();
    store_->addToken({uuid4(), "test", now_, now_ + ttlSeconds, uses, std::nullopt}, sha256Hex(token));
    return token;
  }

  // Enrolls over HTTPS as an agent would (own key, CSR), claiming `machineId`.
  Result<TestAgent> enroll(const std::string& token, const std::string& machineId = uuid4()) {
    auto key = pki::generateKey();
    auto csr = pki::createCsrPem(key->get(), "annexa-agent");
    const nlohmann::json body = {{"token", token}, {"csr", *csr},
                                 {"host", {{"hostname", "test-host"}, {"machine_id", machineId}}}};
    auto response = client(anonymous())->request("POST", "/api/v1/enroll", body.dump());
    if (!response) return makeError(response.error());
    if (response->status != 201) return makeError("HTTP " + std::to_string(response->status) + ": " + errorOf(*response));
    const auto reply = nlohmann::json::parse(response->body);
    return TestAgent{reply.at("agent_id").get<std::string>(), machineId,
                     ClientTls{ca_.certificatePem, "", reply.at("certificate").get<std::string>(),
                               pki::privateKeyPem(key->get())}};
  }

  TestAgent enrollOrThrow(const std::string& machineId = uuid4()) {
    auto agent = enroll(createToken(), machineId);
    if (!agent) throw std::runtime_error("enrollment failed: " + agent.error());
    return *agent;
  }

 private:
  FixtureRoot root_;
  collector::DataDir data_;
  std::string caFingerprint_;
  std::atomic<std::int64_t> now_{unixNow()};
  std::unique_ptr<collector::Store> store_;
  collector::Metrics metrics_;
  collector::RevocationList revocations_;
  collector::CertificateAuthority ca_;
  std::unique_ptr<collector::IngestQueue> queue_;
  std::unique_ptr<collector::Api> api_;
  std::unique_ptr<collector::Maintenance> maintenance_;
  std::unique_ptr<collector::HttpsServer> server_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};
  std::thread thread_;
  std::mutex operatorsMutex_;
  std::map<std::string, std::pair<pki::Role, ClientTls>> operators_;
};

// A blocking OpenSSL client for the cases HttpsClient does not cover. Every read and write has a 5 s timeout.
class RawTlsConnection {
 public:
  enum class ReadResult { Data, Closed, TimedOut };

  explicit RawTlsConnection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~RawTlsConnection() {
    if (ssl_) SSL_free(ssl_);
    if (ctx_) SSL_CTX_free(ctx_);
    if (fd_ >= 0) ::close(fd_);
  }
  RawTlsConnection(const RawTlsConnection&) = delete;
  RawTlsConnection& operator=(const RawTlsConnection&) = delete;

  bool connected() const { return connected_; }

  // Handshakes offering at most `maxVersion` (TLS1_1_VERSION, TLS1_2_VERSION, …); the server is not verified.
  bool handshake(int maxVersion = TLS1_3_VERSION) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_security_level(ctx_, 0);  // let OpenSSL 3 offer TLS 1.0/1.1 at all
    SSL_CTX_set_min_proto_version(ctx_, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(ctx_, maxVersion);
    SSL_CTX_set_cipher_list(ctx_, "DEFAULT:@SECLEVEL=0");
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    const bool ok = SSL_connect(ssl_) == 1;
    ERR_clear_error();
    return ok;
  }
  int version() const { return ssl_ ? SSL_version(ssl_) : 0; }
  // Whether the server handed out anything to resume this session with (a TLS 1.3 ticket arrives after the
  // handshake, so read a response first).
  bool resumable() const {
    SSL_SESSION* session = ssl_ ? SSL_get1_session(ssl_) : nullptr;
    const bool resumable = session && SSL_SESSION_is_resumable(session) == 1;
    SSL_SESSION_free(session);
    return resumable;
  }

  bool send(std::string_view bytes) {
    return SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) == static_cast<int>(bytes.size());
  }

  // Reads what the server sends until it closes, `marker` arrives, or 5 s pass without a byte.
  ReadResult readUntilClosed(std::string& out, std::string_view marker = {}) {
    char buffer[4096];
    while (marker.empty() || out.find(marker) == std::string::npos) {
      errno = 0;
      const int n = SSL_read(ssl_, buffer, sizeof buffer);
      if (n > 0) {
        out.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      const int error = SSL_get_error(ssl_, n);
      const bool timedOut = error == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK);
      ERR_clear_error();
      if (timedOut) return ReadResult::TimedOut;
      return out.empty() ? ReadResult::Closed : ReadResult::Data;
    }
    return ReadResult::Data;
  }

  // Without TLS: waits for the server to close the TCP connection.
  ReadResult readPlainUntilClosed() {
    char buffer[256];
    while (true) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) continue;
      if (n == 0 || errno == ECONNRESET) return ReadResult::Closed;
      return ReadResult::TimedOut;
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

}  // namespace annexa::test
