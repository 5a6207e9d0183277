#include "common/https_client.hpp"

#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "common/pki.hpp"
#include "common/text.hpp"

namespace annexa {
namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kMaxResponseBody = 64 * 1024 * 1024;

bool isIpAddress(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

struct PinState {
  std::string fingerprint;  // normalised hex
  std::string host;
  std::string matchedCaPem;
};

// Verifies the server chain against the pinned CA found inside it (the agent has no CA file yet).
int verifyAgainstPin(X509_STORE_CTX* storeCtx, void* arg) {
  auto* pin = static_cast<PinState*>(arg);
  X509* leaf = X509_STORE_CTX_get0_cert(storeCtx);
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_untrusted(storeCtx);
  X509* anchor = nullptr;
  const auto matches = [&](X509* cert) { return cert && pki::normaliseFingerprint(pki::fingerprint(cert)) == pin->fingerprint; };
  for (int i = 0; chain && i < sk_X509_num(chain); ++i)
    if (matches(sk_X509_value(chain, i))) anchor = sk_X509_value(chain, i);
  if (!anchor) {
    X509_STORE_CTX_set_error(storeCtx, X509_V_ERR_CERT_UNTRUSTED);
    return 0;
  }
  X509_STORE* store = X509_STORE_new();
  X509_STORE_CTX* verify = X509_STORE_CTX_new();
  int ok = 0;
  if (store && verify && X509_STORE_add_cert(store, anchor) == 1 && X509_STORE_CTX_init(verify, store, leaf, chain) == 1) {
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(verify);
    if (isIpAddress(pin->host)) X509_VERIFY_PARAM_set1_ip_asc(param, pin->host.c_str());
    else X509_VERIFY_PARAM_set1_host(param, pin->host.c_str(), pin->host.size());
    ok = X509_verify_cert(verify);
    if (ok != 1) X509_STORE_CTX_set_error(storeCtx, X509_STORE_CTX_get_error(verify));
  }
  if (ok == 1) pin->matchedCaPem = pki::certificatePem(anchor);
  X509_STORE_CTX_free(verify);
  X509_STORE_free(store);
  return ok == 1 ? 1 : 0;
}

}  // namespace

std::string ServerEndpoint::url() const {
  const bool v6 = host.find(':') != std::string::npos;
  return "https://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<ServerEndpoint> parseServerUrl(std::string_view url) {
  if (!text::startsWith(url, "https://")) return makeError("server URL must start with https:// (got \"" + std::string(url) + "\")");
  std::string_view rest = url.substr(8);
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) rest = rest.substr(0, slash);
  ServerEndpoint endpoint;
  std::string_view portText;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return makeError("malformed IPv6 address in " + std::string(url));
    endpoint.host = std::string(rest.substr(1, close - 1));
    if (close + 1 < rest.size() && rest[close + 1] == ':') portText = rest.substr(close + 2);
  } else {
    const auto colon = rest.rfind(':');
    endpoint.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) portText = rest.substr(colon + 1);
  }
  if (endpoint.host.empty()) return makeError("no host in server URL " + std::string(url));
  if (!portText.empty()) {
    long long port = 0;
    if (!text::parseInt(portText, port) || port < 1 || port > 65535) return makeError("bad port in " + std::string(url));
    endpoint.port = static_cast<std::uint16_t>(port);
  }
  return endpoint;
}

class HttpsClient::Impl {
 public:
  Impl(ServerEndpoint endpoint, ClientTls tls, std::chrono::milliseconds timeout)
      : endpoint_(std::move(endpoint)), tls_(std::move(tls)), timeout_(timeout), ssl_(ssl::context::tls_client) {}

  VoidResult configure() {
    if (configured_) return success();
    SSL_CTX* native = ssl_.native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    boost::system::error_code ec;
    if (!tls_.pinnedCaFingerprint.empty()) {
      pin_.fingerprint = pki::normaliseFingerprint(tls_.pinnedCaFingerprint);
      if (pin_.fingerprint.empty()) return makeError("CA fingerprint must be SHA256: followed by 64 hex digits");
      pin_.host = endpoint_.host;
      SSL_CTX_set_cert_verify_callback(native, verifyAgainstPin, &pin_);
    } else {
      if (tls_.caPem.empty()) return makeError("no CA certificate to verify the server with");
      ssl_.add_certificate_authority(asio::buffer(tls_.caPem), ec);
      if (ec) return makeError("CA certificate: " + ec.message());
      ssl_.set_verify_callback(ssl::host_name_verification(endpoint_.host));
    }
    ssl_.set_verify_mode(ssl::verify_peer);
    if (!tls_.certificatePem.empty()) {
      ssl_.use_certificate_chain(asio::buffer(tls_.certificatePem), ec);
      if (ec) return makeError("client certificate: " + ec.message());
      ssl_.use_private_key(asio::buffer(tls_.privateKeyPem), ssl::context::pem, ec);
      if (ec) return makeError("client key: " + ec.message());
    }
    configured_ = true;
    return success();
  }

  Result<HttpResponse> request(std::string_view method, std::string_view target, std::string_view body,
                               std::string_view contentType) {
    if (auto ok = configure(); !ok) return makeError(ok.error());
    const bool reused = stream_.has_value();
    auto response = attempt(method, target, body, contentType);
    // A kept-alive connection the server has since closed: reconnect once. Reports are idempotent by id.
    if (!response && reused) {
      closeStream();
      response = attempt(method, target, body, contentType);
    }
    if (!response) closeStream();
    return response;
  }

  const std::string& pinnedCaPem() const { return pin_.matchedCaPem; }

  void closeStream() {
    if (stream_) {
      boost::system::error_code ignored;
      beast::get_lowest_layer(*stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
      beast::get_lowest_layer(*stream_).close();
    }
    stream_.reset();
  }

 private:
  // Runs the io_context until the pending operation finishes; tcp_stream's expiry bounds every wait.
  boost::system::error_code runPending(boost::system::error_code& result) {
    ioc_.restart();
    ioc_.run();
    return result;
  }

  VoidResult connect() {
    buffer_.clear();
    stream_.emplace(ioc_, ssl_);
    if (!isIpAddress(endpoint_.host)) SSL_set_tlsext_host_name(stream_->native_handle(), endpoint_.host.c_str());
    tcp::resolver resolver(ioc_);
    boost::system::error_code ec;
    const auto addresses = resolver.resolve(endpoint_.host, std::to_string(endpoint_.port), ec);
    if (ec) return makeError("cannot resolve " + endpoint_.host + ": " + ec.message());
    auto& tcpStream = beast::get_lowest_layer(*stream_);
    tcpStream.expires_after(timeout_);
    boost::system::error_code result;
    tcpStream.async_connect(addresses, [&](const boost::system::error_code& e, const tcp::endpoint&) { result = e; });
    if (runPending(result)) return makeError("cannot connect to " + endpoint_.url() + ": " + result.message());
    tcpStream.socket().set_option(tcp::no_delay(true), ec);  // small requests, no Nagle delay on keep-alive
    tcpStream.expires_after(timeout_);
    stream_->async_handshake(ssl::stream_base::client, [&](const boost::system::error_code& e) { result = e; });
    if (runPending(result)) {
      std::string reason = result.message();
      if (!pin_.fingerprint.empty() && pin_.matchedCaPem.empty())
        reason = "the server's certificate chain does not contain the CA with fingerprint SHA256:" + pin_.fingerprint;
      return makeError("TLS handshake with " + endpoint_.url() + " failed: " + reason);
    }
    return success();
  }

  Result<HttpResponse> attempt(std::string_view method, std::string_view target, std::string_view body,
                               std::string_view contentType) {
    if (!stream_) {
      if (auto ok = connect(); !ok) return makeError(ok.error());
    }
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, endpoint_.host);
    req.set(http::field::user_agent, "annexa/" ANNEXA_VERSION);
    req.keep_alive(true);
    if (!body.empty() || method == "POST") {
      req.set(http::field::content_type, contentType);
      req.body() = std::string(body);
    }
    req.prepare_payload();
    auto& tcpStream = beast::get_lowest_layer(*stream_);
    boost::system::error_code result;
    tcpStream.expires_after(timeout_);
    http::async_write(*stream_, req, [&](const boost::system::error_code& e, std::size_t) { result = e; });
    if (runPending(result)) return makeError("sending to " + endpoint_.url() + " failed: " + result.message());

    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBody);
    tcpStream.expires_after(timeout_);
    http::async_read(*stream_, buffer_, parser, [&](const boost::system::error_code& e, std::size_t) { result = e; });
    if (runPending(result)) return makeError("reading from " + endpoint_.url() + " failed: " + result.message());
    auto message = parser.release();
    HttpResponse response{static_cast<int>(message.result_int()), std::move(message.body()),
                          std::string(message[http::field::content_type])};
    if (!message.keep_alive()) closeStream();
    return response;
  }

  ServerEndpoint endpoint_;
  ClientTls tls_;
  std::chrono::milliseconds timeout_;
  asio::io_context ioc_;
  ssl::context ssl_;
  bool configured_ = false;
  PinState pin_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream_;
  beast::flat_buffer buffer_;
};

HttpsClient::HttpsClient(ServerEndpoint endpoint, ClientTls tls, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(std::move(endpoint), std::move(tls), timeout)) {}
HttpsClient::~HttpsClient() { impl_->closeStream(); }
Result<HttpResponse> HttpsClient::request(std::string_view method, std::string_view target, std::string_view body,
                                          std::string_view contentType) {
  return impl_->request(method, target, body, contentType);
}
const std::string& HttpsClient::pinnedCaPem() const { return impl_->pinnedCaPem(); }
void HttpsClient::close() { impl_->closeStream(); }

}  // namespace annexa
