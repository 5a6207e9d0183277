#include "dashboard/isms_view_model.hpp"

#include <algorithm>
#include <numeric>
#include <tuple>

#include "common/text.hpp"

namespace annexa::dashboard {
namespace {

std::vector<std::uint32_t> indices(std::size_t n) {
  std::vector<std::uint32_t> out(n);
  std::iota(out.begin(), out.end(), 0u);
  return out;
}

bool contains(const std::string& haystack, const std::string& lowerNeedle) {
  return text::toLower(haystack).find(lowerNeedle) != std::string::npos;
}

}  // namespace

bool soaFlagged(const SoaRow& row) { return row.noEvidence; }

std::vector<std::uint32_t> filterSoa(const SoaRegister& soa, const SoaFilter& filter) {
  const auto needle = text::toLower(text::trim(filter.text));
  std::vector<std::uint32_t> out;
  for (std::uint32_t i = 0; i < soa.rows.size(); ++i) {
    const auto& r = soa.rows[i];
    if (!filter.theme.empty() && r.theme != filter.theme) continue;
    if (filter.flaggedOnly && !soaFlagged(r)) continue;
    if (!needle.empty() && !contains(r.control, needle) && !contains(r.title, needle) && !contains(r.owner, needle) &&
        !contains(r.justification, needle))
      continue;
    out.push_back(i);
  }
  return out;
}

bool expiringSoon(const ExceptionRow& row, int soonDays) {
  return row.state == ExceptionState::Valid && row.daysLeft <= soonDays;
}

bool inactive(const ExceptionRow& row) {
  return row.state == ExceptionState::Expired || row.state == ExceptionState::Revoked;
}

std::vector<std::uint32_t> exceptionOrder(const ExceptionRegister& reg, int soonDays) {
  auto out = indices(reg.rows.size());
  const auto key = [&](std::uint32_t i) {
    const auto& r = reg.rows[i];
    const int group = expiringSoon(r, soonDays) ? 0 : inactive(r) ? 2 : 1;
    return std::make_tuple(group, group == 0 ? r.daysLeft : 0, r.id);
  };
  std::stable_sort(out.begin(), out.end(), [&](std::uint32_t a, std::uint32_t b) { return key(a) < key(b); });
  return out;
}

std::vector<std::uint32_t> riskOrder(const std::vector<RiskRow>& risks) {
  auto out = indices(risks.size());
  std::stable_sort(out.begin(), out.end(), [&](std::uint32_t a, std::uint32_t b) {
    const auto& x = risks[a];
    const auto& y = risks[b];
    return std::make_tuple(-x.score, !treatmentNotEffective(x), x.id) < std::make_tuple(-y.score, !treatmentNotEffective(y), y.id);
  });
  return out;
}

int ncStateIndex(const std::string& state) {
  for (std::size_t i = 0; i < std::size(kNcStates); ++i)
    if (kNcStates[i] == state) return static_cast<int>(i);
  return -1;
}

std::vector<std::uint32_t> ncOrder(const NcRegister& reg) {
  auto out = indices(reg.rows.size());
  const auto key = [&](std::uint32_t i) {
    const auto& n = reg.rows[i];
    return std::make_tuple(!n.overdue, n.state == "closed", static_cast<int>(n.kind), n.id);
  };
  std::stable_sort(out.begin(), out.end(), [&](std::uint32_t a, std::uint32_t b) { return key(a) < key(b); });
  return out;
}

}  // namespace annexa::dashboard
