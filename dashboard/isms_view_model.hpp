// View models of the ISMS views: row orders and filters computed from the registers without ImGui.
// Each is rebuilt only when the registers or the filter changed (see UiState::updateDerived).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dashboard/isms_snapshot.hpp"

namespace annexa::dashboard {

// Statement of Applicability: text (control, title, owner, justification), theme ("" = all) and
// "flagged only": applicable, but neither a host nor manual evidence supports it.
struct SoaFilter {
  std::string text;
  std::string theme;
  bool flaggedOnly = false;
  bool operator==(const SoaFilter&) const = default;
};
bool soaFlagged(const SoaRow& row);
std::vector<std::uint32_t> filterSoa(const SoaRegister& soa, const SoaFilter& filter);

// Exceptions: valid ones expiring within `soonDays` first (soonest first), then other valid and scheduled
// ones, then expired and revoked (greyed by the view); by id within each group.
inline constexpr int kExpiringSoonDays = 30;
bool expiringSoon(const ExceptionRow& row, int soonDays = kExpiringSoonDays);
bool inactive(const ExceptionRow& row);  // expired or revoked
std::vector<std::uint32_t> exceptionOrder(const ExceptionRegister& reg, int soonDays = kExpiringSoonDays);

// Risks: highest score first; ineffective treatment first among equal scores.
std::vector<std::uint32_t> riskOrder(const std::vector<RiskRow>& risks);

// Non-conformities: overdue first, then open ones by kind (major, minor, OFI), closed last.
std::vector<std::uint32_t> ncOrder(const NcRegister& reg);
// Position of a state in the lifecycle (0 open … 4 closed); -1 for an unknown state.
int ncStateIndex(const std::string& state);

}  // namespace annexa::dashboard
