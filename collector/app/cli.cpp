#include "collector/app/cli.hpp"

#include <unistd.h>

#include <iomanip>
#include <map>

#include <nlohmann/json.hpp>

#include "collector/api/tokens.hpp"
#include "collector/app/backup.hpp"
#include "collector/app/cli_args.hpp"
#include "collector/app/data_dir.hpp"
#include "collector/app/evidence_cli.hpp"
#include "collector/app/isms_cli.hpp"
#include "collector/app/maintenance.hpp"
#include "collector/app/pack_cli.hpp"
#include "collector/evidence/evidence_signer.hpp"
#include "collector/evidence/evidence_verify.hpp"
#include "collector/net/https_server.hpp"
#include "collector/isms/isms_fleet.hpp"
#include "collector/posture/posture.hpp"
#include "collector/posture/posture_at.hpp"
#include "common/clock.hpp"
#include "common/digest.hpp"
#include "common/https_client.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "common/text.hpp"

namespace annexa::collector {
namespace {

constexpr const char* kUsage = R"(usage: annexa-collector COMMAND --data DIR [OPTIONS]

  init      --data DIR [--san DNS:name,IP:addr] [--force]   create CA, server and admin certificates, config, database
  serve     --data DIR [--listen ADDR:PORT] [--port-file F] [--log-format text|json]
                                                            serve HTTPS (mutual TLS) until SIGTERM/SIGINT
  token     create [--ttl 24h (≤ 30d)] [--uses N (≤ 100000)] [--label TEXT] [--format json]
            [--allow-no-machine-id] [--allow-duplicate-machine-id] | list | revoke ID
  agents    list | revoke ID | events ID                      events: hostnames an agent claimed but was not given
  operators add NAME --role admin|viewer | list | revoke SERIAL|NAME   (re-adding NAME revokes its old certificate)
  posture   --data DIR [--at 2026-10-01T00:00:00Z]          print the fleet posture per theme (now, or as it was at a time)
  verify-log --data DIR [--json]                             check the evidence log's hash chain and signed heads
  export    --data DIR --out PACK [--from D] [--to D] [--at D] [--hosts PATTERNS] [--force]
                                                            write an audit evidence pack (OSCAL, CSV, HTML, signed manifest)
  verify-pack PACK [--ca-fingerprint SHA256:…]               check a pack's signature and every file's SHA-256
  backup    --data DIR --out FILE.tar.zst                    consistent copy while serving: database, keys, evidence files
  restore   --data NEW-DIR --from FILE.tar.zst               into a new or empty directory, checked against its manifest
  soa | exceptions | risks | nc | readiness | calendar | docs | records ACTION …   ISMS registers (run one without ACTION for help)
  management-review --out FILE.html [--since DATE]          ISO 27001 clause 9.3 input report
)";

using Args = CliArgs;

Result<Args> parse(const std::vector<std::string>& raw) {
  return parseCliArgs(raw, {"--force", "--json", "--allow-no-machine-id", "--allow-duplicate-machine-id"});
}

int fail(std::ostream& err, const std::string& message) {
  err << "annexa-collector: " << message << "\n";
  return kExitFatal;
}

// The head signer of `serve`, with the server's key and certificate fingerprint.
Result<std::unique_ptr<EvidenceHeadSigner>> evidenceSigner(const DataDir& dir, Store& store, std::int64_t interval) {
  auto key = pki::loadPrivateKey(dir.serverKey());
  if (!key) return makeError(key.error());
  auto certificate = pki::loadCertificate(dir.serverChain());
  if (!certificate) return makeError(certificate.error());
  return std::make_unique<EvidenceHeadSigner>(store, std::move(*key), pki::fingerprint(certificate->get()), interval,
                                              unixNow);
}

int commandInit(const DataDir& dir, const Args& args, std::ostream& out, std::ostream& err) {
  InitOptions options;
  options.force = args.hasFlag("--force");
  for (auto& san : text::split(args.optionOr("--san", ""), ','))
    if (!san.empty()) options.subjectAltNames.push_back(san);
  auto result = initDataDir(dir, options);
  if (!result) return fail(err, result.error());
  out << "Initialised " << dir.root.string() << "\n"
      << "CA fingerprint (agents pin this): " << result->caFingerprint << "\n"
      << "Operator certificate (admin):     " << result->adminCertificate.string() << "\n";
  return kExitOk;
}

int commandServe(const DataDir& dir, const Args& args, std::ostream& out, std::ostream& err) {
  // Events (start, stop, enrollments, revocations, refusals, storage errors) as structured lines on `err`.
  auto logFormat = log::parseFormat(args.optionOr("--log-format", "text"));
  if (!logFormat) return fail(err, logFormat.error());
  log::configure(*logFormat, err, log::underJournald());
  struct StopLogging {
    ~StopLogging() { log::disable(); }
  } stopLogging;
  auto config = loadCollectorConfig(dir);
  if (!config) return fail(err, config.error());
  if (args.options.count("--listen")) {
    auto listen = parseListen(args.options.at("--listen"));
    if (!listen) return fail(err, "--listen: " + listen.error());
    config->server.address = listen->first;
    config->server.port = listen->second;
  }
  auto ca = loadCertificateAuthority(dir);
  if (!ca) return fail(err, ca.error());
  auto store = openSqliteStore(dir.database());
  auto signer = evidenceSigner(dir, *store, config->evidenceSignIntervalSeconds);
  if (!signer) return fail(err, signer.error());
  Metrics metrics;
  RevocationList revocations;
  IngestQueue queue(*store);
  auto ismsStore = isms::IsmsStore::open(dir.database());
  isms::IsmsService ismsService(*store, *ismsStore, Catalog::builtin(), CheckMapping::builtin(), {});
  // Declared before the server: the server stops (no new export requests) before the jobs are joined.
  ExportJobs exports(dir.exports(), exportRunner(dir, *store, unixNow), unixNow);
  Api api(*store, queue, metrics, revocations, *ca, Catalog::builtin(), CheckMapping::builtin(), config->api, unixNow,
          {&ismsService, &exports});
  Maintenance maintenance(*store, api, revocations, &ismsService, config->maintenance, unixNow);
  maintenance.run();  // the revocation list is loaded before the first handshake
  HttpsServer server(config->server, api, metrics, revocations);
  if (auto started = server.start(); !started) {
    log::event(log::Level::Error, "start_failed", {{"error", started.error()}});
    return fail(err, started.error());
  }
  const std::string url = ServerEndpoint{config->server.address, server.port()}.url();
  if (args.options.count("--port-file")) {
    if (auto w = pki::writePublicFile(args.options.at("--port-file"), std::to_string(server.port()) + "\n"); !w)
      return fail(err, w.error());
  }
  out << "annexa-collector listening on " << url << " (" << config->server.threads << " threads, database "
      << dir.database().string() << ")" << std::endl;
  log::event(log::Level::Info, "start", {{"listen", url}, {"threads", std::to_string(config->server.threads)},
                                         {"database", dir.database().string()}, {"version", ANNEXA_VERSION}});
  (*signer)->start();
  {
    MaintenanceLoop upkeep(maintenance);
    server.run(true);
  }
  queue.stop();  // everything acknowledged is already committed; this drains what was still queued
  if (auto lastHead = (*signer)->stop(); !lastHead)
    log::event(log::Level::Error, "evidence_signing_failed", {{"error", lastHead.error()}});
  out << "annexa-collector stopped (" << metrics.accepted() << " reports stored this run)" << std::endl;
  log::event(log::Level::Info, "stop", {{"reports_stored", std::to_string(metrics.accepted())}});
  return kExitOk;
}

int commandToken(const DataDir& dir, const Args& args, std::ostream& out, std::ostream& err) {
  const std::string action = args.positional.size() > 1 ? args.positional[1] : "";
  auto store = openSqliteStore(dir.database());
  const auto now = unixNow();
  if (action == "create") {
    auto ttl = parseDurationSeconds(args.optionOr("--ttl", "24h"));
    if (!ttl) return fail(err, "--ttl: " + ttl.error());
    long long uses = 1;
    if (!text::parseInt(args.optionOr("--uses", "1"), uses)) return fail(err, "--uses must be a number");
    // The same rules as POST /api/v1/tokens: a token is a credential anyone holding it can enroll with.
    auto minted = mintEnrollmentToken(*store, {*ttl, uses, args.optionOr("--label", ""),
                                               args.hasFlag("--allow-no-machine-id"),
                                               args.hasFlag("--allow-duplicate-machine-id")},
                                      now);
    if (!minted) return fail(err, minted.error());
    const auto& record = minted->record;
    const auto& token = minted->secret;
    if (args.optionOr("--format", "text") == "json") {
      out << nlohmann::json{{"id", record.id}, {"token", token}, {"expires_at", formatRfc3339(record.expiresAt)},
                            {"uses", uses}}.dump()
          << "\n";
    } else {
      out << "token:   " << token << "   (shown once; only its hash is stored)\n"
          << "id:      " << record.id << "\nexpires: " << formatRfc3339(record.expiresAt) << "\nuses:    " << uses << "\n";
    }
    return kExitOk;
  }
  if (action == "list") {
    for (const auto& t : store->listTokens()) {
      const char* state = t.revokedAt ? "revoked" : t.expiresAt <= now ? "expired" : t.usesLeft <= 0 ? "used up" : "valid";
      out << t.id << "  " << std::left << std::setw(8) << state << "  uses left " << t.usesLeft << "  expires "
          << formatRfc3339(t.expiresAt) << "  " << text::printable(t.label) << "\n";
    }
    return kExitOk;
  }
  if (action == "revoke" && args.positional.size() > 2) {
    if (!store->revokeToken(args.positional[2], now)) return fail(err, "no valid token " + args.positional[2]);
    out << "revoked token " << args.positional[2] << "\n";
    return kExitOk;
  }
  return fail(err, "usage: annexa-collector token create|list|revoke ID --data DIR");
}

int commandAgents(const DataDir& dir, const Args& args, std::ostream& out, std::ostream& err) {
  const std::string action = args.positional.size() > 1 ? args.positional[1] : "list";
  auto store = openSqliteStore(dir.database());
  const auto now = unixNow();
  if (action == "list") {
    for (const auto& a : store->listAgents()) {
      const char* state = a.revokedAt ? "revoked" : isStale(a, now) ? "stale" : "online";
      out << text::printable(a.id) << "  " << std::left << std::setw(7) << state << "  " << std::setw(24)
          << text::printable(a.hostname) << "  "
          << (a.lastSeen ? formatRfc3339(*a.lastSeen) : std::string("never reported")) << "\n";
    }
    return kExitOk;
  }
  if (action == "events" && args.positional.size() > 2) {
    if (!store->findAgent(args.positional[2])) return fail(err, "no agent " + text::printable(args.positional[2]));
    for (const auto& e : store->agentEvents(args.positional[2]))
      out << formatRfc3339(e.at) << "  " << e.kind << "  claimed \"" << text::printable(e.claimed) << "\", kept \""
          << text::printable(e.recorded) << "\"  report " << text::printable(e.reportId) << "\n";
    return kExitOk;
  }
  if (action == "revoke" && args.positional.size() > 2) {
    if (!store->revokeAgent(args.positional[2], now)) return fail(err, "no active agent " + args.positional[2]);
    out << "revoked agent " << args.positional[2] << " (refused at its next TLS handshake)\n";
    return kExitOk;
  }
  return fail(err, "usage: annexa-collector agents list | revoke ID | events ID --data DIR");
}

int commandOperators(const DataDir& dir, const Args& args, std::ostream& out, std::ostream& err) {
  const std::string action = args.positional.size() > 1 ? args.positional[1] : "list";
  auto store = openSqliteStore(dir.database());
  if (action == "add" && args.positional.size() > 2) {
    const auto role = pki::parseRole(args.optionOr("--role", "viewer"));
    auto path = addOperator(dir, *store, args.positional[2], role);
    if (!path) return fail(err, path.error());
    out << "operator " << args.positional[2] << " (" << pki::toString(role) << "): " << path->string() << " and "
        << dir.operatorKey(args.positional[2]).string() << "\n";
    return kExitOk;
  }
  if (action == "list") {
    for (const auto& op : store->listOperators())
      out << text::printable(op.name) << "  " << std::left << std::setw(6) << op.role << "  serial " << op.certSerial
          << "  issued " << formatRfc3339(op.createdAt)
          << (op.revokedAt ? "  revoked " + formatRfc3339(*op.revokedAt) : std::string("  valid")) << "\n";
    return kExitOk;
  }
  if (action == "revoke" && args.positional.size() > 2) {
    const auto revoked = store->revokeOperator(args.positional[2], unixNow());
    if (revoked.empty()) return fail(err, "no valid operator certificate " + text::printable(args.positional[2]));
    for (const auto& serial : revoked)
      out << "revoked operator certificate " << serial << " (refused at its next TLS handshake)\n";
    return kExitOk;
  }
  return fail(err,
              "usage: annexa-collector operators add NAME --role admin|viewer | list | revoke SERIAL|NAME --data DIR");
}

int commandPosture(const DataDir& dir, const Args& args, std::ostream& out, std::ostream& err) {
  auto store = openSqliteStore(dir.database());
  auto registers = isms::IsmsStore::open(dir.database());
  std::int64_t at = unixNow();
  FleetPosture posture;
  if (args.options.count("--at")) {
    auto instant = parseInstant(args.options.at("--at"), at);
    if (!instant) return fail(err, "--at: " + instant.error());
    at = *instant;
    posture = postureAt(*store, Catalog::builtin(), CheckMapping::builtin(), at,
                        isms::acceptanceAt(registers->exceptions(), at));
    out << "As of " << formatRfc3339(at) << "\n";
  } else {
    posture = computePosture(Catalog::builtin(), CheckMapping::builtin(), store->listAgents(), store->currentStatuses(),
                             at, isms::acceptanceAt(registers->exceptions(), at));
  }
  out << "Fleet posture: " << text::countOf(posture.hostsTotal, "host") << " (" << posture.hostsStale
      << " stale)\n\n"
      << std::left << std::setw(16) << "THEME" << std::right << std::setw(9) << "passing" << std::setw(9) << "failing"
      << std::setw(10) << "accepted" << std::setw(9) << "partial" << std::setw(15) << "not evidenced" << std::setw(8)
      << "n/a" << "\n";
  for (const auto& t : posture.themes)
    out << std::left << std::setw(16) << t.theme << std::right << std::setw(9) << t.passing << std::setw(9) << t.failing
        << std::setw(10) << t.accepted << std::setw(9) << t.partial << std::setw(15) << t.notEvidenced << std::setw(8)
        << t.notApplicable << "\n";
  bool header = false;
  for (const auto& c : posture.controls) {
    if (c.status != ControlStatus::Failing) continue;
    if (!header) out << "\nFailing controls:\n";
    header = true;
    out << "  " << std::left << std::setw(8) << c.control->id << std::right << text::countOf(c.hostsFailing, "host")
        << " failing";
    if (c.hostsFailingStale > 0) out << ", of which " << c.hostsFailingStale << " stale";
    out << "  " << c.control->title << "\n";
  }
  return kExitOk;
}

int commandVerifyLog(const DataDir& dir, const Args& args, std::ostream& out, std::ostream& err) {
  auto certificate = pki::loadCertificate(dir.serverChain());
  if (!certificate) return fail(err, certificate.error());
  auto store = openSqliteStore(dir.database());
  const bool showProgress = ::isatty(STDERR_FILENO) == 1;
  const auto result = verifyEvidenceLog(*store, certificate->get(), [&](std::int64_t checked) {
    if (showProgress) err << "verify-log: " << checked << " entries checked" << std::endl;
  }, 100000, ismsItemCheck(dir.root));
  if (args.hasFlag("--json")) {
    out << toJson(result).dump() << "\n";
  } else {
    out << "Evidence log: " << result.entries << " entries, " << result.signedHeads << " signed heads";
    if (result.lastSignedSeq) out << " (last at entry " << *result.lastSignedSeq << ")";
    out << ", " << result.unsignedEntries << " entries not yet signed, " << result.purgedBodies
        << " report bodies purged by retention\n";
    if (result.intact()) out << "INTACT\n";
    else
      out << "BROKEN: " << text::printable(describe(result.problems.front())) << " (" << result.problems.size()
          << " problems)\n";
  }
  return result.intact() ? kExitOk : kExitFatal;
}

}  // namespace

int runCollectorCli(const std::vector<std::string>& raw, std::ostream& out, std::ostream& err) {
  if (raw.empty() || raw[0] == "help" || raw[0] == "--help") {
    (raw.empty() ? err : out) << kUsage;
    return raw.empty() ? kExitFatal : kExitOk;
  }
  if (isIsmsCommand(raw[0])) return runIsmsCli(raw, out, err);
  if (raw[0] == "export") return runExportCli(raw, out, err);
  if (raw[0] == "verify-pack") return runVerifyPackCli(raw, out, err);
  if (isBackupCommand(raw[0])) return runBackupCli(raw, out, err);
  auto args = parse(raw);
  if (!args) return fail(err, args.error());
  if (!args->options.count("--data")) return fail(err, "--data DIR is required\n" + std::string(kUsage));
  const DataDir dir{args->options.at("--data")};
  const std::string& command = args->positional.empty() ? raw[0] : args->positional[0];
  try {
    if (command == "init") return commandInit(dir, *args, out, err);
    if (command == "serve") return commandServe(dir, *args, out, err);
    if (command == "token") return commandToken(dir, *args, out, err);
    if (command == "agents") return commandAgents(dir, *args, out, err);
    if (command == "operators") return commandOperators(dir, *args, out, err);
    if (command == "posture") return commandPosture(dir, *args, out, err);
    if (command == "verify-log") return commandVerifyLog(dir, *args, out, err);
  } catch (const std::exception& e) {
    return fail(err, e.what());
  }
  return fail(err, "unknown command \"" + command + "\"\n" + kUsage);
}

}  // namespace annexa::collector
