#include "collector/net/https_server.hpp"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace annexa::collector {
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;
// After refusing a request whose body is still arriving, read and discard up to this much of it before closing:
// closing with unread input resets the connection, and the client would never see the refusal.
constexpr std::uint64_t kMinDiscardBytes = 16 * 1024 * 1024;

// Our own SSL_CTX ex-data slot for the revocation list: the app-data slot belongs to Asio's verify callback.
int revocationSlot() {
  static const int slot = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return slot;
}

// Refuses revoked certificates during the handshake (depth 0 = the peer's own certificate).
int verifyPeer(int preverifyOk, X509_STORE_CTX* store) {
  if (!preverifyOk) return 0;
  if (X509_STORE_CTX_get_error_depth(store) != 0) return 1;
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  const auto* revocations = static_cast<const RevocationList*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), revocationSlot()));
  X509* cert = X509_STORE_CTX_get_current_cert(store);
  if (revocations && cert && revocations->isRevoked(pki::serialHex(cert))) {
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REVOKED);
    return 0;
  }
  return 1;
}

}  // namespace

class HttpsServer::Impl {
 public:
  class Session;

  Impl(ServerOptions options, RequestHandler& handler, Metrics& metrics, const RevocationList& revocations)
      : options_(std::move(options)),
        handler_(handler),
        metrics_(metrics),
        revocations_(revocations),
        ioc_(std::max(1, options_.threads)),
        control_(net::make_strand(ioc_)),
        ssl_(ssl::context::tls_server),
        acceptor_(control_),
        graceTimer_(control_),
        signals_(control_) {}

  VoidResult start() {
    if (auto tls = configureTls(); !tls) return tls;
    boost::system::error_code ec;
    const auto address = net::ip::make_address(options_.address, ec);
    if (ec) return makeError("invalid listen address " + options_.address);
    const tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return makeError("cannot listen on " + options_.address + ":" + std::to_string(options_.port) + ": " + ec.message());
    doAccept();
    return success();
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  void run(bool handleSignals) {
    if (handleSignals) {
      // Handlers first: a signal already pending (sent while blocked) then arrives here, not as a default kill.
      signals_.add(SIGTERM);
      signals_.add(SIGINT);
      signals_.async_wait([this](const boost::system::error_code& ec, int) {
        if (!ec) beginShutdown();
      });
      // A parent may have started us with these blocked (the mask is inherited): then they would never arrive.
      sigset_t stopSignals;
      sigemptyset(&stopSignals);
      sigaddset(&stopSignals, SIGTERM);
      sigaddset(&stopSignals, SIGINT);
      pthread_sigmask(SIG_UNBLOCK, &stopSignals, nullptr);
    }
    std::vector<std::thread> threads;
    for (int i = 1; i < std::max(1, options_.threads); ++i) threads.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (auto& t : threads) t.join();
  }

  void stop() {
    net::post(control_, [this] { beginShutdown(); });
  }

  bool stopping() const { return stopping_; }
  const ServerOptions& options() const { return options_; }
  RequestHandler& handler() { return handler_; }
  Metrics& metrics() { return metrics_; }

  void track(const std::shared_ptr<Session>& session) {
    std::lock_guard lock(sessionsMutex_);
    if (sessions_.size() > 256) sessions_.remove_if([](const auto& weak) { return weak.expired(); });
    sessions_.push_back(session);
  }

 private:
  VoidResult configureTls() {
    SSL_CTX* native = ssl_.native_handle();
    // Mozilla "intermediate": TLS 1.2 and 1.3, ECDHE with AES-GCM or ChaCha20 only.
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
    SSL_CTX_set_cipher_list(native,
                            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                            "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
    SSL_CTX_set_ciphersuites(native, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256");
    SSL_CTX_set1_groups_list(native, "X25519:P-256:P-384");
    // No resumption: every connection is verified against the current revocation list. TLS 1.3 would still send
    // two (unusable) tickets after each handshake unless told not to: work and bytes for nothing.
    SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(native, 0);
    boost::system::error_code ec;
    ssl_.use_certificate_chain_file(options_.certificateChain.string(), ec);
    if (ec) return makeError("server certificate " + options_.certificateChain.string() + ": " + ec.message());
    ssl_.use_private_key_file(options_.privateKey.string(), ssl::context::pem, ec);
    if (ec) return makeError("server key " + options_.privateKey.string() + ": " + ec.message());
    ssl_.load_verify_file(options_.caCertificate.string(), ec);
    if (ec) return makeError("CA certificate " + options_.caCertificate.string() + ": " + ec.message());
    // Ask for a client certificate and verify one when sent; enrollment is the one route that works without.
    SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, verifyPeer);
    if (revocationSlot() < 0 || SSL_CTX_set_ex_data(native, revocationSlot(), const_cast<RevocationList*>(&revocations_)) != 1)
      return makeError("cannot attach the revocation list to the TLS context");
    return success();
  }

  void doAccept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec) {
        if (!acceptor_.is_open()) return;  // shutting down
      } else {
        // Responses are small and written whole: do not let Nagle hold them back on keep-alive connections.
        socket.set_option(tcp::no_delay(true), ignoredError_);
        startSession(std::move(socket));
      }
      doAccept();
    });
  }

  void startSession(tcp::socket socket);

  void beginShutdown();

  ServerOptions options_;
  RequestHandler& handler_;
  Metrics& metrics_;
  const RevocationList& revocations_;
  net::io_context ioc_;
  // The acceptor, the timers and the signal set are not thread-safe, and their handlers run on any of the pool's
  // threads: all of them live on this strand, so shutdown never closes the acceptor while a handler starts the
  // next accept on it (seen as a crash in epoll_reactor::start_op under load).
  net::strand<net::io_context::executor_type> control_;
  ssl::context ssl_;
  tcp::acceptor acceptor_;
  net::steady_timer graceTimer_;
  net::signal_set signals_;
  std::atomic<bool> stopping_{false};
  boost::system::error_code ignoredError_;
  std::mutex sessionsMutex_;
  std::list<std::weak_ptr<Session>> sessions_;
};

class HttpsServer::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ssl::context& context, Impl& server)
      : stream_(std::move(socket), context), server_(server) {}

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      beast::get_lowest_layer(self->stream_).expires_after(self->server_.options().handshakeTimeout);
      self->stream_.async_handshake(ssl::stream_base::server,
                                    [self](const boost::system::error_code& ec) { self->onHandshake(ec); });
    });
  }

  // Called on shutdown: an idle keep-alive connection closes now, a busy one after its response.
  void closeIfIdle() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) beast::get_lowest_layer(self->stream_).cancel();
    });
  }

 private:
  void onHandshake(const boost::system::error_code& ec) {
    if (ec) {
      server_.metrics().handshakeFailed();
      return;  // the socket closes with the session
    }
    if (X509* cert = SSL_get0_peer_certificate(stream_.native_handle());
        cert && SSL_get_verify_result(stream_.native_handle()) == X509_V_OK) {
      const auto subject = pki::subjectOf(cert);
      peer_ = {true, subject.commonName, subject.role, pki::serialHex(cert)};
    }
    readRequest(server_.options().headerTimeout);
  }

  void readRequest(std::chrono::milliseconds timeout) {
    // Idle at shutdown: close now, as closeIfIdle does. A TLS shutdown would wait for an idle client's close_notify
    // (it sends none until it next uses the connection) and hold the stop for the full grace period.
    if (server_.stopping()) return beast::get_lowest_layer(stream_).close();
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(server_.options().bodyLimit);
    beast::get_lowest_layer(stream_).expires_after(timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                              self->onHeader(ec);
                            });
  }

  void onHeader(const boost::system::error_code& ec) {
    if (ec) return onReadError(ec);
    busy_ = true;
    started_ = std::chrono::steady_clock::now();
    const auto& header = parser_->get();
    if (header.has_content_length() && *parser_->content_length() > server_.options().bodyLimit) {
      discardBudget_ = std::min<std::uint64_t>(*parser_->content_length(), discardLimit());
      return send(jsonError(413, "request body larger than " + std::to_string(server_.options().bodyLimit) + " bytes"), false);
    }
    beast::get_lowest_layer(stream_).expires_after(server_.options().bodyTimeout);
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](const boost::system::error_code& e, std::size_t) {
      if (e) return self->onReadError(e);
      self->dispatchRequest();
    });
  }

  void onReadError(const boost::system::error_code& ec) {
    const auto& httpErrors = http::make_error_code(http::error::bad_target).category();
    // The rest of the request may still be on its way: let it drain so the client reads the answer.
    if (ec.category() == httpErrors && ec != http::error::end_of_stream) discardBudget_ = discardLimit();
    if (ec == http::error::body_limit) return send(jsonError(413, "request body too large"), false);
    if (ec == http::error::header_limit) return send(jsonError(431, "request header too large"), false);
    if (ec.category() == httpErrors && ec != http::error::end_of_stream)
      return send(jsonError(400, "malformed HTTP request"), false);
    // Timeout, reset or the peer closed: nothing to answer.
    if (ec == http::error::end_of_stream) return shutdown();
  }

  void dispatchRequest() {
    auto message = parser_->release();
    keepAlive_ = message.keep_alive();
    ApiRequest request{std::string(message.method_string()), std::string(message.target()), std::move(message.body()),
                       peer_, sourceAddress()};
    route_ = server_.handler().routeLabel(request.target);
    auto self = shared_from_this();
    server_.handler().handle(request, [self](ApiResponse response) {
      // The answer may come from the storage thread: hop back onto this connection's strand.
      net::post(self->stream_.get_executor(),
                [self, response = std::move(response)]() mutable { self->send(std::move(response), self->keepAlive_); });
    });
  }

  std::string sourceAddress() {
    boost::system::error_code ec;
    const auto remote = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    return ec ? std::string() : remote.address().to_string();
  }

  void send(ApiResponse answer, bool keepAlive) {
    busy_ = true;
    if (route_.empty()) route_ = "other";
    response_ = {};
    response_.version(11);
    response_.result(static_cast<http::status>(answer.status));
    response_.set(http::field::content_type, answer.contentType);
    response_.set(http::field::cache_control, "no-store");
    response_.body() = std::move(answer.body);
    response_.keep_alive(keepAlive && !server_.stopping());
    response_.prepare_payload();
    const int status = answer.status;
    beast::get_lowest_layer(stream_).expires_after(server_.options().bodyTimeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this(), status](const boost::system::error_code& ec, std::size_t) {
                        const double seconds =
                            std::chrono::duration<double>(std::chrono::steady_clock::now() - self->started_).count();
                        self->server_.metrics().requestServed(self->route_, status, seconds);
                        self->busy_ = false;
                        self->route_.clear();
                        if (ec) return;
                        if (!self->response_.keep_alive()) {
                          if (self->discardBudget_ > 0) return self->discardThenShutdown();
                          return self->shutdown();
                        }
                        self->readRequest(self->server_.options().idleTimeout);
                      });
  }

  std::uint64_t discardLimit() const {
    return std::max<std::uint64_t>(kMinDiscardBytes, 4 * static_cast<std::uint64_t>(server_.options().bodyLimit));
  }

  // Reads and drops input until the client stops sending (it closes after reading our answer), the budget is
  // spent, or the body timeout passes; then closes.
  void discardThenShutdown() {
    if (!discardStarted_) {
      discardStarted_ = true;
      buffer_.clear();
      discard_.resize(16 * 1024);
      beast::get_lowest_layer(stream_).expires_after(server_.options().bodyTimeout);
    }
    stream_.async_read_some(net::buffer(discard_), [self = shared_from_this()](const boost::system::error_code& ec,
                                                                               std::size_t n) {
      self->discardBudget_ -= std::min<std::uint64_t>(n, self->discardBudget_);
      if (ec || self->discardBudget_ == 0) return self->shutdown();
      self->discardThenShutdown();
    });
  }

  void shutdown() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = shared_from_this()](const boost::system::error_code&) {
      beast::get_lowest_layer(self->stream_).close();
    });
  }

  beast::ssl_stream<beast::tcp_stream> stream_;
  Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  PeerIdentity peer_;
  std::string route_;
  bool keepAlive_ = false;
  bool busy_ = false;
  std::uint64_t discardBudget_ = 0;
  bool discardStarted_ = false;
  std::vector<char> discard_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

void HttpsServer::Impl::startSession(tcp::socket socket) {
  auto session = std::make_shared<Session>(std::move(socket), ssl_, *this);
  track(session);
  session->start();
}

void HttpsServer::Impl::beginShutdown() {
  if (stopping_.exchange(true)) return;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  signals_.cancel();
  {
    std::lock_guard lock(sessionsMutex_);
    for (auto& weak : sessions_)
      if (auto session = weak.lock()) session->closeIfIdle();
  }
  // In-flight requests get the grace period; then the loop stops regardless.
  graceTimer_.expires_after(options_.shutdownGrace);
  graceTimer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) ioc_.stop();
  });
  // When every session has finished, only the grace timer keeps the loop alive: poll for that.
  auto poll = std::make_shared<net::steady_timer>(control_);
  auto check = std::make_shared<std::function<void()>>();
  *check = [this, poll, check] {
    bool anyAlive = false;
    {
      std::lock_guard lock(sessionsMutex_);
      for (auto& weak : sessions_) anyAlive = anyAlive || !weak.expired();
    }
    if (!anyAlive) {
      graceTimer_.cancel();
      *check = nullptr;  // break the self-reference
      return;
    }
    poll->expires_after(std::chrono::milliseconds(20));
    poll->async_wait([check](const boost::system::error_code&) {
      if (*check) (*check)();
    });
  };
  (*check)();
}

HttpsServer::HttpsServer(ServerOptions options, RequestHandler& handler, Metrics& metrics,
                         const RevocationList& revocations)
    : impl_(std::make_unique<Impl>(std::move(options), handler, metrics, revocations)) {}
HttpsServer::~HttpsServer() = default;
VoidResult HttpsServer::start() { return impl_->start(); }
std::uint16_t HttpsServer::port() const { return impl_->port(); }
void HttpsServer::run(bool handleSignals) { impl_->run(handleSignals); }
void HttpsServer::stop() { impl_->stop(); }

}  // namespace annexa::collector
