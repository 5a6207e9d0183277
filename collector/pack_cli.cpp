#include "collector/pack_cli.hpp"

#include <optional>

#include "collector/cli_args.hpp"
#include "collector/pack.hpp"

namespace annexa::collector {

namespace {
constexpr const char* kUsage = "usage: annexa-collector verify-pack DIR [--ca-fingerprint SHA256:…]\n";
}

int runVerifyPackCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::vector<std::string> raw = args;
  if (!raw.empty() && raw.front() == "verify-pack") raw.erase(raw.begin());
  auto parsed = parseCliArgs(raw, {});
  if (!parsed) {
    err << parsed.error() << "\n" << kUsage;
    return 2;
  }
  for (const auto& [name, value] : parsed->options)
    if (name != "--ca-fingerprint") {
      err << "unknown option " << name << "\n" << kUsage;
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
