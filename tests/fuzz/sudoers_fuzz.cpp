// sudoers (agent/checks/accounts.hpp): the policy lines, their Defaults, and the two sudo checks over them.
#include "agent/checks/accounts.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace annexa::agent::checks;
  SudoersFacts facts;
  facts.installed = true;
  facts.files = {"/etc/sudoers"};
  facts.version = "1.9.13p3-1+deb12u1";
  facts.lines = parseSudoersLines(annexa::fuzz::asText(data, size), "/etc/sudoers");
  for (const auto& line : facts.lines) (void)parseDefaults(line);
  (void)evaluateSudoNopasswd(facts);
  (void)evaluateSudoPtyAndLog(facts);
  return 0;
}
