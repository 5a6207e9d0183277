// PAM files (agent/facts/pam.hpp): the line parser, a stack of each type, whether it can succeed, and the MFA
// analysis the ssh and auth checks build on it.
#include "agent/checks/auth.hpp"
#include "agent/facts/pam.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace annexa::agent;
  const auto text = annexa::fuzz::asText(data, size);
  (void)parsePamFile(text);
  for (const auto type : {PamType::Auth, PamType::Account, PamType::Password, PamType::Session}) {
    const auto stack = pamStackFromText(text, type, "/etc/pam.d/fuzz");
    for (std::size_t i = 0; i < stack.rules.size(); ++i)
      if (stack.rules[i].isSubstack()) ANNEXA_FUZZ_CHECK(stack.rules[i].substackEnd > i && stack.rules[i].substackEnd <= stack.rules.size());
    (void)pamStackCanSucceed(stack, anyPamOutcome);
  }
  const auto auth = checks::pamServiceStackFromText("sshd", text, PamType::Auth);
  const auto analysis = checks::analysePamMfa(auth);
  (void)checks::pamMfaEvidence(auth, analysis);
  (void)analysis.summary("sshd");
  return 0;
}
