#include "collector/app/pack_cli.hpp"

#include <unistd.h>

#include <algorithm>
#include <optional>

#include "collector/app/cli_args.hpp"
#include "collector/app/data_dir.hpp"
#include "collector/isms/isms_store.hpp"
#include "collector/pack/pack.hpp"
#include "collector/pack/pack_gather.hpp"
#include "collector/posture/posture_at.hpp"
#include "common/clock.hpp"
#include "common/pki.hpp"
#include "common/text.hpp"

namespace annexa::collector {

namespace {
constexpr const char* kUsage = "usage: annexa-collector verify-pack DIR [--ca-fingerprint SHA256:…]\n";
constexpr const char* kExportUsage =
    "usage: annexa-collector export --data DIR --out PACK [--from DATE] [--to DATE] [--at DATE] [--hosts PATTERNS] "
    "[--force]\n  DATE: RFC 3339 or YYYY-MM-DD (UTC). Defaults: --to now, --from 30 days before --to, --at --to.\n"
    "  PATTERNS: comma-separated shell patterns of hostnames or agent ids, e.g. \"web-*,db-1\".\n";

// A subcommand's arguments (its own name first or not): `flags` take no value; an option not in `options` is an
// error naming it.
Result<CliArgs> commandArgs(const std::vector<std::string>& args, const std::string& command,
                            const std::vector<std::string>& flags, const std::vector<std::string>& options) {
  std::vector<std::string> raw = args;
  if (!raw.empty() && raw.front() == command) raw.erase(raw.begin());
  auto parsed = parseCliArgs(raw, flags);
  if (!parsed) return parsed;
  for (const auto& [name, value] : parsed->options)
    if (std::find(options.begin(), options.end(), name) == options.end()) return makeError("unknown option " + name);
  return parsed;
}

// An instant option: absent → nullopt (the default); bad or future → an error naming the option.
Result<std::optional<std::int64_t>> instantOption(const CliArgs& args, const std::string& name, std::int64_t now) {
  if (!args.options.count(name)) return std::optional<std::int64_t>();
  auto t = parseInstant(args.options.at(name), now);
  if (!t) return makeError(name + ": " + t.error());
  return std::optional<std::int64_t>(*t);
}

Result<ExportRequest> exportScope(const CliArgs& args, std::int64_t now) {
  auto from = instantOption(args, "--from", now);
  if (!from) return makeError(from.error());
  auto to = instantOption(args, "--to", now);
  if (!to) return makeError(to.error());
  auto at = instantOption(args, "--at", now);
  if (!at) return makeError(at.error());
  return resolveExportRequest(*from, *to, *at, args.optionOr("--hosts", ""), now);
}

Result<pack::CollectorIdentity> collectorIdentity(const DataDir& dir) {
  auto server = pki::loadCertificate(dir.serverChain());
  if (!server) return makeError(server.error());
  auto ca = pki::loadCertificate(dir.caCertificate());
  if (!ca) return makeError(ca.error());
  return pack::CollectorIdentity{pki::certificatePem(server->get()), pki::certificatePem(ca->get()),
                                 pki::fingerprint(ca->get())};
}

// One line per stage, and within a long stage one per tenth; on a terminal the line is rewritten in place.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(std::ostream& err) : err_(err), tty_(::isatty(STDERR_FILENO) == 1) {}
  ~ProgressPrinter() {
    if (tty_ && !stage_.empty()) err_ << "\n";
  }
  void operator()(std::string_view stage, std::size_t done, std::size_t total) {
    const std::size_t tenth = total ? done * 10 / total : 0;
    if (stage == stage_ && tenth == tenth_) return;
    if (tty_ && stage != stage_ && !stage_.empty()) err_ << "\n";
    stage_ = std::string(stage);
    tenth_ = tenth;
    err_ << (tty_ ? "\r" : "") << "export: " << stage << " " << done << "/" << total << (tty_ ? "   " : "\n")
         << std::flush;
  }

 private:
  std::ostream& err_;
  bool tty_;
  std::string stage_;
  std::size_t tenth_ = 0;
};

int exportPack(const CliArgs& args, std::ostream& out, std::ostream& err) {
  const auto now = unixNow();
  auto scope = exportScope(args, now);
  if (!scope) return err << "annexa-collector export: " << scope.error() << "\n", 2;
  const DataDir dir{args.options.at("--data")};
  if (!std::filesystem::exists(dir.database()))
    return err << "annexa-collector export: no database at " << dir.database().string() << " (run init first)\n", 2;
  auto store = openSqliteStore(dir.database());
  ProgressPrinter progress(err);
  const std::string outDir = args.options.at("--out");
  auto exported = exportPackFromDataDir(dir, *store, *scope, now, outDir, args.hasFlag("--force"),
                                        [&](std::string_view stage, std::size_t done, std::size_t total) {
                                          progress(stage, done, total);
                                        });
  if (!exported) return err << "annexa-collector export: " << exported.error() << "\n", 2;

  out << "Evidence pack written to " << outDir << ": " << text::countOf(exported->hosts, "host") << ", "
      << text::countOf(exported->results, "result") << " at " << formatRfc3339(scope->at) << ", period " << formatRfc3339(scope->from) << " .. "
      << formatRfc3339(scope->to) << "\n";
  for (const auto& f : exported->pack.files)
    out << "  " << f.name << "  " << f.size << " bytes  sha256 " << f.sha256 << "\n";
  out << "  manifest.json sha256 " << exported->pack.manifestSha256 << " (signed: manifest.sig)\n"
      << "Verify: annexa-collector verify-pack " << outDir << " --ca-fingerprint " << exported->caFingerprint << "\n";
  return 0;
}
}  // namespace

Result<ExportedPack> exportPackFromDataDir(const DataDir& dir, Store& store, const ExportRequest& scope,
                                           std::int64_t now, const std::filesystem::path& out, bool overwrite,
                                           const pack::PackProgress& progress) {
  auto identity = collectorIdentity(dir);
  if (!identity) return makeError(identity.error());
  auto key = pki::loadPrivateKey(dir.serverKey());
  if (!key) return makeError(key.error());
  // Its own connection to the registers: an export may run beside the API's requests.
  auto registers = isms::IsmsStore::open(dir.database());
  const pack::GatherInputs inputs{store, *registers, Catalog::builtin(), CheckMapping::builtin(), {}, *identity};
  auto data = pack::gatherPack(inputs, scope, now, progress);
  if (!data) return makeError(data.error());
  pack::PackWriteOptions options;
  options.overwrite = overwrite;
  auto written = pack::writePack(*data, out, key->get(), progress, options);
  if (!written) return makeError(written.error());
  return ExportedPack{std::move(*written), data->hosts.size(), data->results.size(), identity->caFingerprint};
}

ExportRunner exportRunner(const DataDir& dir, Store& store, std::function<std::int64_t()> clock) {
  return [dir, &store, clock](const ExportRequest& request, const std::filesystem::path& out,
                              const ExportProgress& progress) {
    const ExportRequest& scope = request;
    auto exported = exportPackFromDataDir(dir, store, scope, clock(), out, false, progress);
    return exported ? success() : VoidResult(makeError(exported.error()));
  };
}

int runExportCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto parsed = commandArgs(args, "export", {"--force"}, {"--data", "--out", "--from", "--to", "--at", "--hosts"});
  if (!parsed) return err << parsed.error() << "\n" << kExportUsage, 2;
  if (!parsed->positional.empty() || !parsed->options.count("--data") || !parsed->options.count("--out"))
    return err << kExportUsage, 2;
  try {
    return exportPack(*parsed, out, err);
  } catch (const std::exception& e) {
    return err << "annexa-collector export: " << e.what() << "\n", 2;
  }
}

int runVerifyPackCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto parsed = commandArgs(args, "verify-pack", {}, {"--ca-fingerprint"});
  if (!parsed) {
    err << parsed.error() << "\n" << kUsage;
    return 2;
  }
  if (parsed->positional.size() != 1) {
    err << kUsage;
    return 2;
  }
  const auto& dir = parsed->positional.front();
  std::optional<std::string> expectedCa;
  if (parsed->options.count("--ca-fingerprint")) expectedCa = parsed->options.at("--ca-fingerprint");

  const auto verification = pack::verifyPack(dir, expectedCa);
  if (!verification.intact()) {
    err << dir << ": NOT intact, " << verification.problems.size() << " problem(s):\n";
    for (const auto& p : verification.problems)
      err << "  " << (p.file.empty() ? std::string("(pack)") : p.file) << ": " << p.message << "\n";
    return 1;
  }
  out << dir << ": intact — signature valid, " << verification.filesChecked
      << " files match the manifest, collector certificate issued by CA " << verification.caFingerprint << "\n";
  if (!verification.caFingerprintChecked)
    out << "note: the CA fingerprint was not compared with a trusted one; pass --ca-fingerprint to do so\n";
  return 0;
}

}  // namespace annexa::collector
