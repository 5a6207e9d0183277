// sshd_config (agent/facts/sshd_config.hpp) and the ssh checks' pure evaluations over what it parsed.
#include "agent/checks/ssh.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace annexa::agent;
  checks::SshdFacts facts;
  facts.config = parseSshdConfig(annexa::fuzz::asText(data, size));
  facts.packageVersion = "1:9.2p1-2+deb12u6";
  for (const auto& setting : facts.config.global) ANNEXA_FUZZ_CHECK(setting.line >= 1);
  (void)checks::evaluatePermitRootLogin(facts);
  (void)checks::evaluatePermitEmptyPasswords(facts);
  (void)checks::evaluateMaxAuthTries(facts, 4);
  (void)checks::evaluateStrongCrypto(facts);
  const auto pam = checks::pamServiceStackFromText("sshd", "auth required pam_unix.so\n", PamType::Auth);
  (void)checks::evaluateSshPasswordAuthentication(facts, pam);
  (void)checks::evaluateSshMfa(facts, pam);
  return 0;
}
