#include "agent/enrollment.hpp"

#include <nlohmann/json.hpp>

#include "agent/platform.hpp"
#include "agent/spool.hpp"
#include "common/clock.hpp"
#include "common/https_client.hpp"
#include "common/json.hpp"
#include "common/pki.hpp"
#include "common/text_file.hpp"

namespace annexa::agent {
namespace fs = std::filesystem;

namespace {

Result<std::string> readState(const fs::path& path) {
  auto content = readTextFile(path, 1024 * 1024);
  if (!content) return makeError(content.error() + " (is this agent enrolled? run `annexa-agent enroll`)");
  return content;
}

}  // namespace

Result<AgentIdentity> enrollAgent(const EnrollOptions& options) {
  std::error_code ec;
  if (fs::exists(options.state.enrollment(), ec) && !options.force)
    return makeError(options.state.root.string() + " already holds an enrollment; use --force to enroll again");
  auto endpoint = parseServerUrl(options.server);
  if (!endpoint) return makeError(endpoint.error());
  if (pki::normaliseFingerprint(options.caFingerprint).empty())
    return makeError("--ca-fingerprint must be SHA256: followed by 64 hex digits (printed by `annexa-collector init`)");
  if (options.token.empty()) return makeError("--token is required");
  // Our key goes in there: it must be our own directory, not a link someone planted, and nobody else's to read.
  if (auto ready = prepareStateDirectory(options.state.root); !ready) return makeError(ready.error());

  auto key = pki::generateKey();
  if (!key) return makeError(key.error());
  auto csr = pki::createCsrPem(key->get(), "annexa-agent");
  if (!csr) return makeError(csr.error());
  const auto host = describeLiveHost();
  const nlohmann::json body = {{"token", options.token},
                               {"csr", *csr},
                               {"interval_seconds", options.intervalSeconds},
                               {"host", toJson(host)}};

  HttpsClient client(*endpoint, ClientTls{"", options.caFingerprint, "", ""});
  auto response = client.request("POST", "/api/v1/enroll", body.dump());
  if (!response) return makeError("enrollment failed: " + response.error());
  auto reply = parseJson(response->body);
  if (response->status != 201) {
    const std::string reason = reply && reply->is_object() ? reply->value("error", response->body) : response->body;
    return makeError("enrollment refused (HTTP " + std::to_string(response->status) + "): " + reason);
  }
  if (!reply || !reply->is_object()) return makeError("enrollment: the collector sent an unreadable answer");
  AgentIdentity identity;
  identity.agentId = reply->value("agent_id", std::string());
  identity.certificatePem = reply->value("certificate", std::string());
  identity.caPem = client.pinnedCaPem();  // the CA that matched the pin, not whatever the answer claims
  identity.intervalSeconds = reply->value("interval_seconds", options.intervalSeconds);
  identity.server = endpoint->url();
  identity.privateKeyPem = pki::privateKeyPem(key->get());
  auto cert = pki::parseCertificatePem(identity.certificatePem);
  auto ca = pki::parseCertificatePem(identity.caPem);
  if (!cert || !ca) return makeError("enrollment: the collector sent no usable certificate");
  if (auto verified = pki::verifyIssuedBy(cert->get(), ca->get()); !verified)
    return makeError("enrollment: issued certificate is not signed by the pinned CA: " + verified.error());

  const nlohmann::json state = {{"agent_id", identity.agentId},
                                {"server", identity.server},
                                {"interval_seconds", identity.intervalSeconds},
                                {"ca_fingerprint", pki::fingerprint(ca->get())},
                                {"enrolled_at", formatRfc3339(unixNow())}};
  for (auto written : {pki::writePrivateKey(options.state.key(), key->get()),
                       writeFileDurably(options.state.certificate(), identity.certificatePem, 0644),
                       writeFileDurably(options.state.ca(), identity.caPem, 0644),
                       writeFileDurably(options.state.enrollment(), state.dump(2) + "\n", 0600)})
    if (!written) return makeError(written.error());
  return identity;
}

Result<AgentIdentity> loadIdentity(const StateDir& state) {
  auto enrollment = readState(state.enrollment());
  if (!enrollment) return makeError(enrollment.error());
  auto parsed = parseJson(*enrollment);
  if (!parsed || !parsed->is_object()) return makeError(state.enrollment().string() + ": unreadable enrollment state");
  AgentIdentity identity;
  identity.agentId = parsed->value("agent_id", std::string());
  identity.server = parsed->value("server", std::string());
  identity.intervalSeconds = parsed->value("interval_seconds", std::int64_t{900});
  for (auto [path, target] : {std::pair{state.ca(), &identity.caPem}, std::pair{state.certificate(), &identity.certificatePem},
                              std::pair{state.key(), &identity.privateKeyPem}}) {
    auto content = readState(path);
    if (!content) return makeError(content.error());
    *target = std::move(*content);
  }
  if (identity.agentId.empty() || identity.server.empty()) return makeError(state.enrollment().string() + ": incomplete");
  return identity;
}

}  // namespace annexa::agent
