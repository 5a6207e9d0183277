// The ISMS registers' JSON writes (collector/isms/isms_json.hpp), as the API and the CLI hand them over: the first byte
// picks the parser, the rest is the request body. What a parser accepts must be valid and writable as JSON.

#include <nlohmann/json.hpp>

#include "collector/isms/isms_json.hpp"
#include "common/json.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace annexa::collector::isms;
constexpr std::int64_t kNow = 1'800'000'000;

void readWrite(unsigned char which, const nlohmann::json& body) {
  switch (which % 7) {
    case 0: {
      SoaEntry entry;
      entry.controlId = "A.5.1";
      if (auto soa = patchSoa(entry, body)) (void)toJson(*soa).dump();
      return;
    }
    case 1:
      if (auto risk = patchRisk(Risk{}, body)) {
        ANNEXA_FUZZ_CHECK(validate(*risk).ok());
        (void)toJson(*risk).dump();
      }
      return;
    case 2:
      if (auto exception = exceptionFromJson(body, kNow)) {
        ANNEXA_FUZZ_CHECK(validate(*exception).ok());
        (void)toJson(*exception, kNow).dump();
      }
      return;
    case 3:
      if (auto nc = patchNonConformity(NonConformity{}, body)) (void)toJson(*nc, kNow).dump();
      return;
    case 4: (void)transitionFromJson(body); return;
    case 5:
      if (auto evidence = evidenceFromJson(body)) (void)toJson(*evidence).dump();
      return;
    default:
      if (auto attestation = attestationFromJson(body, kNow)) (void)toJson(*attestation).dump();
      return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto text = annexa::fuzz::asText(data + 1, size - 1);
  const auto body = annexa::parseJson(text);
  if (!body) return 0;
  readWrite(data[0], *body);
  return 0;
}
