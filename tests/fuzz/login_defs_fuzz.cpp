// /etc/login.defs: the shared fact (agent/facts/login_defs.hpp) and the accounts checks' UID_MIN reading.
#include "agent/checks/accounts.hpp"
#include "agent/facts/login_defs.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = annexa::fuzz::asText(data, size);
  const auto defs = annexa::agent::parseLoginDefs(text);
  for (const auto& [key, value] : defs.values) ANNEXA_FUZZ_CHECK(!key.empty() && value.line >= 1);
  (void)annexa::agent::checks::parseLoginDefs(text);
  return 0;
}
