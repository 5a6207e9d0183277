#include "collector/pack/pack_model.hpp"

#include "common/digest.hpp"

namespace annexa::collector::pack {

PackIndex::PackIndex(const PackData& data) {
  for (const auto& h : data.hosts) hostById[h.agentId] = &h;
  for (const auto& r : data.results) resultsByCheck[r.result.check].push_back(&r);
  for (const auto& s : data.soa) soaByControl[s.controlId] = &s;
}

std::string_view PackIndex::hostname(std::string_view agentId) const {
  const auto it = hostById.find(agentId);
  return it == hostById.end() ? agentId : std::string_view(it->second->hostname);
}

bool PackIndex::stale(std::string_view agentId) const {
  const auto it = hostById.find(agentId);
  return it != hostById.end() && it->second->stale;
}

bool PackIndex::applicable(std::string_view controlId) const {
  const auto it = soaByControl.find(controlId);
  return it == soaByControl.end() || it->second->applicable;
}

std::string nameUuid(std::string_view name) {
  std::string hex = sha256Hex("annexa-pack/1:" + std::string(name)).substr(0, 32);
  hex[12] = '5';  // version
  static constexpr char kVariant[] = "89ab";
  hex[16] = kVariant[std::stoi(hex.substr(16, 1), nullptr, 16) & 3];  // RFC 4122 variant: 10xx
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20, 12);
}

}  // namespace annexa::collector::pack
