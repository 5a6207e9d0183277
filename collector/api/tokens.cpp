#include "collector/api/tokens.hpp"

#include "common/digest.hpp"
#include "common/random.hpp"

namespace annexa::collector {

Result<MintedToken> mintEnrollmentToken(Store& store, const TokenRequest& request, std::int64_t now) {
  if (request.ttlSeconds < kMinTokenTtlSeconds || request.ttlSeconds > kMaxTokenTtlSeconds)
    return makeError("the token lifetime must be between 1m and 30d (ttl_seconds 60 to 2592000)");
  if (request.uses < 1 || request.uses > kMaxTokenUses)
    return makeError("uses must be a number from 1 to " + std::to_string(kMaxTokenUses));
  const auto secret = randomBytes(24);
  MintedToken minted{{uuid4(), request.label, now, now + request.ttlSeconds, request.uses, std::nullopt,
                      request.allowNoMachineId, request.allowDuplicateMachineId},
                     "anx_" + toHex(secret.data(), secret.size())};
  store.addToken(minted.record, sha256Hex(minted.secret));
  return minted;
}

}  // namespace annexa::collector
