// dpkg's status file (agent/facts/host_facts.hpp), the insecure-packages check over it, and dpkg's version order
// (agent/checks/packages.hpp), which must be antisymmetric.
#include "agent/checks/packages.hpp"
#include "agent/facts/host_facts.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {
int sign(int x) { return (x > 0) - (x < 0); }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace annexa::agent;
  const auto packages = parseDpkgStatus(annexa::fuzz::asText(data, size));
  (void)checks::evaluateInsecurePackages(packages);
  std::string_view previous = "0";
  for (const auto& [name, version] : packages.versions) {
    ANNEXA_FUZZ_CHECK(sign(checks::compareDpkgVersions(previous, version)) ==
                      -sign(checks::compareDpkgVersions(version, previous)));
    ANNEXA_FUZZ_CHECK(checks::compareDpkgVersions(version, version) == 0);
    previous = version;
  }
  return 0;
}
