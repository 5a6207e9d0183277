// The audit calendar's storage: isms_calendar is append-only, so the dates it held stay known.
#include <nlohmann/json.hpp>

#include "collector/isms/isms_store.hpp"
#include "collector/store/sqlite.hpp"

namespace annexa::collector::isms {
namespace {

std::optional<std::int64_t> optionalColumn(const Statement& q, int i) {
  return q.isNull(i) ? std::nullopt : std::optional<std::int64_t>(q.columnInt(i));
}

}  // namespace

AuditCalendar IsmsStore::calendar() {
  std::lock_guard lock(mutex_);
  auto q = db_->prepare("SELECT scope, internal_audit, management_review, stage1, stage2, updated_at, updated_by "
                        "FROM isms_calendar ORDER BY id DESC LIMIT 1");
  AuditCalendar c;
  if (q.step())
    c = {q.columnText(0), optionalColumn(q, 1), optionalColumn(q, 2), optionalColumn(q, 3), optionalColumn(q, 4),
         q.columnInt(5), q.columnText(6)};
  q.reset();
  return c;
}

void IsmsStore::saveCalendar(const AuditCalendar& c, const std::string& actor, std::int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  db_->prepare("INSERT INTO isms_calendar (scope, internal_audit, management_review, stage1, stage2, updated_at, "
               "updated_by) VALUES (?,?,?,?,?,?,?)")
      .bind(1, c.scope).bind(2, c.internalAudit).bind(3, c.managementReview).bind(4, c.stage1).bind(5, c.stage2)
      .bind(6, now).bind(7, actor).run();
  auto saved = c;
  saved.updatedAt = now;
  saved.updatedBy = actor;
  record(actor, now, "calendar", "calendar", "update", toJson(saved).dump());
  tx.commit();
}

std::optional<std::int64_t> IsmsStore::lastManagementReview(std::int64_t at) {
  std::lock_guard lock(mutex_);
  auto q = db_->prepare("SELECT max(management_review) FROM isms_calendar WHERE management_review <= ?");
  q.bind(1, at);
  q.step();
  const auto last = optionalColumn(q, 0);
  q.reset();
  return last;
}

}  // namespace annexa::collector::isms
