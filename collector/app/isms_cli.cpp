#include "collector/app/isms_cli.hpp"

#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "collector/app/cli_args.hpp"
#include "collector/app/data_dir.hpp"
#include "collector/app/evidence_cli.hpp"
#include "collector/isms/isms_calendar.hpp"
#include "collector/isms/isms_service.hpp"
#include "common/catalog.hpp"
#include "common/clock.hpp"
#include "common/safe_file.hpp"
#include "common/text.hpp"
#include "common/text_file.hpp"

namespace annexa::collector {
namespace {

using isms::Reply;

constexpr const char* kUsage = R"(usage: annexa-collector COMMAND ACTION … --data DIR

  soa        list | show CONTROL | set CONTROL [--applicable yes|no] [--justification T] [--implementation
             implemented|partially|planned|not_implemented] [--owner O] | evidence CONTROL --document D
             --location L --date YYYY-MM-DD --reviewer R | export-html [--out F] | export-csv [--out F] | import-csv F
  exceptions list [--expiring DAYS] | add --scope host_check|check|control [--host ID] [--check C] [--control A.x.y]
             --justification T --approver A --expires YYYY-MM-DD [--from YYYY-MM-DD] | revoke ID
             | export-csv [--out F] | import-csv F
  risks      list | show ID | add --title T --likelihood 1-5 --impact 1-5 [--treatment mitigate|transfer|accept|avoid]
             [--controls A.8.5,A.8.24] [--assets S] [--threat S] [--vulnerability S] [--owner O] [--due D]
             [--residual-likelihood N] [--residual-impact N] | set ID … | export-csv [--out F] | import-csv F
  nc         list | show ID | add --title T [--kind major|minor|ofi] [--control A.x.y] [--description T]
             | propose [--apply] [--major-share 0.2] | move ID --to root_cause|corrective_action|verification|closed
             [--root-cause T] [--action T] [--owner O] [--due D] [--verification T] | close ID --verification T
             | export-csv [--out F]
  readiness  show [--pass-share 0.95] | attest ITEM --by NAME --evidence REF [--date YYYY-MM-DD] [--not-met]
  calendar   show [--json] | set [--scope TEXT] [--internal-audit DATE] [--management-review DATE] [--stage1 DATE]
             [--stage2 DATE]   (an empty DATE clears it)
  management-review --out FILE.html [--since YYYY-MM-DD]
)";

using Args = CliArgs;

Result<Args> parse(const std::vector<std::string>& raw) { return parseCliArgs(raw, {"--apply", "--json", "--not-met"}); }

// --name value options as a JSON patch: "--residual-likelihood" → "residual_likelihood", with renames.
nlohmann::json patchFrom(const Args& args, const std::map<std::string, std::string>& renames) {
  nlohmann::json patch = nlohmann::json::object();
  for (const auto& [option, value] : args.options) {
    if (option == "--data" || option == "--out" || option == "--major-share" || option == "--pass-share" ||
        option == "--since")
      continue;
    std::string key = option.substr(2);
    std::replace(key.begin(), key.end(), '-', '_');
    if (const auto it = renames.find(key); it != renames.end()) key = it->second;
    patch[key] = value;
  }
  return patch;
}

class Session {
 public:
  Session(const Args& args, std::ostream& out, std::ostream& err, std::int64_t now, isms::IsmsOptions options)
      : args_(args), out_(out), err_(err), now_(now), dir_{args.options.at("--data")} {
    if (!std::filesystem::exists(dir_.database()))
      throw std::runtime_error("no collector database in " + dir_.root.string() + " (run annexa-collector init)");
    store_ = openSqliteStore(dir_.database());
    isms_ = isms::IsmsStore::open(dir_.database());
    service_ = std::make_unique<isms::IsmsService>(*store_, *isms_, Catalog::builtin(), CheckMapping::builtin(), options);
  }

  int run() {
    const std::string command = args_.positional[0];
    const std::string action = positional(1);
    if (command == "soa") return soa(action);
    if (command == "exceptions") return exceptions(action);
    if (command == "risks") return risks(action);
    if (command == "nc") return nonConformities(action);
    if (command == "readiness") return readiness(action.empty() ? "show" : action);
    if (command == "calendar") return calendar(action.empty() ? "show" : action);
    if (command == "management-review") return managementReview();
    return usage();
  }

 private:
  std::string positional(std::size_t i) const { return i < args_.positional.size() ? args_.positional[i] : ""; }
  bool flag(const char* name) const {
    return args_.hasFlag(name);
  }

  int usage() {
    err_ << kUsage;
    return kExitFatal;
  }

  // Prints a reply: errors to stderr (exit 1), bodies as indented JSON.
  int show(const Reply& reply) {
    if (!reply.ok()) {
      err_ << "annexa-collector: " << reply.error() << "\n";
      return kExitRefused;
    }
    out_ << reply.body.dump(2) << "\n";
    return kExitOk;
  }

  int written(const Reply& reply, const std::string& what) {
    if (!reply.ok()) return show(reply);
    out_ << what << "\n";
    return kExitOk;
  }

  std::optional<std::int64_t> idArg() const {
    long long id = 0;
    if (!text::parseInt(positional(2), id) || id <= 0) return std::nullopt;
    return id;
  }

  int emit(const std::string& content) {
    if (!args_.options.count("--out")) {
      out_ << content;
      return kExitOk;
    }
    const auto path = args_.options.at("--out");
    // A new file renamed into place: a link planted at PATH is replaced, never written through.
    if (auto written = safe_file::writePath(path, content, 0644); !written) {
      err_ << "annexa-collector: cannot write " << path << ": " << written.error() << "\n";
      return kExitFatal;
    }
    out_ << "wrote " << path << "\n";
    return kExitOk;
  }

  int importFile(isms::Register which) {
    const auto path = positional(2);
    if (path.empty()) return usage();
    auto content = readTextFile(path);
    if (!content) {
      err_ << "annexa-collector: " << content.error() << "\n";
      return kExitFatal;
    }
    auto reply = service_->importCsv(which, *content, kCliActor, now_);
    if (!reply.ok()) {
      err_ << "annexa-collector: " << path << ": " << reply.error() << "\n";
      return kExitRefused;
    }
    out_ << "imported " << path << ": " << reply.body.dump() << "\n";
    return kExitOk;
  }

  int soa(const std::string& action) {
    const auto control = positional(2);
    if (action == "list") {
      const auto reply = service_->soa(now_);
      if (flag("--json")) return show(reply);
      for (const auto& c : reply.body["controls"]) {
        out_ << std::left << std::setw(8) << c["control"].get<std::string>() << std::setw(5)
             << (c["applicable"].get<bool>() ? "yes" : "no") << std::setw(17) << c["implementation"].get<std::string>()
             << std::setw(15) << c["fleet"]["status"].get<std::string>() << text::join(c["flags"].get<std::vector<std::string>>(), " ") << "\n";
      }
      const auto& s = reply.body["summary"];
      out_ << s["applicable"] << " applicable, " << s["excluded"] << " excluded, " << s["no_evidence"]
           << " applicable without evidence\n";
      return kExitOk;
    }
    if (action == "show" && !control.empty()) return show(service_->soaControl(control, now_));
    if (action == "set" && !control.empty())
      return written(service_->updateSoa(control, patchFrom(args_, {}), kCliActor, now_), "updated " + control);
    if (action == "evidence" && !control.empty())
      return written(service_->addEvidence(control, patchFrom(args_, {}), kCliActor, now_),
                     "added evidence to " + control);
    if (action == "export-csv") return emit(service_->exportCsv(isms::Register::Soa, now_));
    if (action == "export-html") return emit(service_->soaHtml(now_));
    if (action == "import-csv") return importFile(isms::Register::Soa);
    return usage();
  }

  int exceptions(const std::string& action) {
    if (action == "list") {
      std::optional<int> days;
      if (args_.options.count("--expiring")) {
        long long d = 0;
        if (!text::parseInt(args_.options.at("--expiring"), d) || d <= 0 || d > 3660) {
          err_ << "annexa-collector: --expiring takes a number of days (1 to 3660)\n";
          return kExitFatal;
        }
        days = static_cast<int>(d);
      }
      const auto reply = service_->exceptions(now_, days);
      if (flag("--json")) return show(reply);
      for (const auto& e : reply.body["exceptions"]) {
        const std::string target = e["scope"] == "control" ? e["control"].get<std::string>()
                                   : e["scope"] == "check" ? e["check"].get<std::string>() + " (all hosts)"
                                                           : e["check"].get<std::string>() + " on " + e["host"].get<std::string>();
        out_ << "#" << e["id"] << "  " << std::left << std::setw(9) << e["state"].get<std::string>() << " expires "
             << e["expires_at"].get<std::string>().substr(0, 10) << "  " << target << "  approved by "
             << e["approver"].get<std::string>() << "\n";
      }
      out_ << reply.body["expiring_within_30_days"] << " valid exception(s) expire within 30 days\n";
      return kExitOk;
    }
    if (action == "add") {
      const auto reply = service_->addException(patchFrom(args_, {{"expires", "expires_at"}, {"from", "valid_from"}}),
                                                kCliActor, now_);
      return written(reply, reply.ok() ? "added exception #" + reply.body["id"].dump() : "");
    }
    if (action == "revoke") {
      const auto id = idArg();
      if (!id) return usage();
      return written(service_->revokeException(*id, kCliActor, now_), "revoked exception #" + std::to_string(*id));
    }
    if (action == "export-csv") return emit(service_->exportCsv(isms::Register::Exceptions, now_));
    if (action == "import-csv") return importFile(isms::Register::Exceptions);
    return usage();
  }

  int risks(const std::string& action) {
    const std::map<std::string, std::string> renames = {{"due", "due_date"}};
    if (action == "list") {
      const auto reply = service_->risks(now_);
      if (flag("--json")) return show(reply);
      for (const auto& r : reply.body["risks"])
        out_ << "#" << r["id"] << "  " << std::left << std::setw(3) << r["score"].dump() << std::setw(9)
             << r["level"].get<std::string>() << std::setw(9) << r["treatment"].get<std::string>()
             << r["title"].get<std::string>() << (r["treatment_effective"].get<bool>() ? "" : "  [treatment not effective]")
             << "\n";
      return kExitOk;
    }
    if (action == "add") {
      const auto reply = service_->addRisk(patchFrom(args_, renames), kCliActor, now_);
      return written(reply, reply.ok() ? "added risk #" + reply.body["id"].dump() + " (score " +
                                             reply.body["score"].dump() + ", " + reply.body.value("level", "") + ")"
                                       : "");
    }
    const auto id = idArg();
    if (action == "show" && id) return show(service_->risk(*id, now_));
    if (action == "set" && id)
      return written(service_->updateRisk(*id, patchFrom(args_, renames), kCliActor, now_),
                     "updated risk #" + std::to_string(*id));
    if (action == "export-csv") return emit(service_->exportCsv(isms::Register::Risks, now_));
    if (action == "import-csv") return importFile(isms::Register::Risks);
    return usage();
  }

  int nonConformities(const std::string& action) {
    if (action == "list") {
      const auto reply = service_->nonConformities(now_);
      if (flag("--json")) return show(reply);
      for (const auto& n : reply.body["nonconformities"])
        out_ << "#" << n["id"] << "  " << std::left << std::setw(6) << n["kind"].get<std::string>() << std::setw(18)
             << n["state"].get<std::string>() << n["title"].get<std::string>()
             << (n["overdue"].get<bool>() ? "  [overdue]" : "") << "\n";
      out_ << reply.body["open"] << " open, " << reply.body["overdue"] << " overdue\n";
      return kExitOk;
    }
    if (action == "add") {
      const auto reply = service_->addNonConformity(patchFrom(args_, {}), kCliActor, now_);
      return written(reply, reply.ok() ? "added non-conformity #" + reply.body["id"].dump() : "");
    }
    if (action == "propose") {
      if (flag("--apply")) {
        const auto reply = service_->applyProposals(kCliActor, now_);
        return written(reply, "recorded " + std::to_string(reply.body.value("created", nlohmann::json::array()).size()) +
                                  " non-conformity(ies)");
      }
      const auto reply = service_->proposals(now_);
      for (const auto& p : reply.body["proposals"])
        out_ << std::left << std::setw(6) << p["kind"].get<std::string>() << p["title"].get<std::string>() << "\n";
      out_ << reply.body["proposals"].size() << " proposal(s); record them with nc propose --apply\n";
      return kExitOk;
    }
    const auto id = idArg();
    if (action == "show" && id) return show(service_->nonConformity(*id, now_));
    if ((action == "move" || action == "close") && id) {
      auto patch = patchFrom(args_, {{"action", "corrective_action"}, {"owner", "action_owner"}, {"due", "action_due"}});
      if (action == "close") patch["to"] = "closed";
      const auto reply = service_->transitionNonConformity(*id, patch, kCliActor, now_);
      return written(reply, reply.ok() ? "non-conformity #" + std::to_string(*id) + " is now " +
                                             reply.body.value("state", "")
                                       : "");
    }
    if (action == "export-csv") return emit(service_->exportCsv(isms::Register::NonConformities, now_));
    return usage();
  }

  int readiness(const std::string& action) {
    if (action == "show") {
      const auto reply = service_->readiness(now_);
      if (flag("--json")) return show(reply);
      std::string area;
      for (const auto& item : reply.body["items"]) {
        if (item["area"] != area) {
          area = item["area"].get<std::string>();
          out_ << area << "\n";
        }
        out_ << "  [" << (item["met"].get<bool>() ? "x" : " ") << "] " << std::left << std::setw(28)
             << item["id"].get<std::string>() << item["title"].get<std::string>() << " — "
             << item["note"].get<std::string>() << "\n";
      }
      out_ << "Score " << reply.body["score_text"].get<std::string>() << ": "
           << reply.body["assessment"].get<std::string>() << "\n";
      return kExitOk;
    }
    if (action == "attest" && !positional(2).empty()) {
      auto patch = patchFrom(args_, {{"by", "attested_by"}, {"evidence", "evidence_ref"}, {"date", "attested_at"}});
      patch["met"] = !flag("--not-met");
      return written(service_->attest(positional(2), patch, kCliActor, now_), "attested " + positional(2));
    }
    return usage();
  }

  int calendar(const std::string& action) {
    if (action == "set") {
      const auto patch = patchFrom(args_, {});
      if (patch.empty()) return usage();
      return written(service_->updateCalendar(patch, kCliActor, now_), "updated the audit calendar");
    }
    if (action != "show") return usage();
    const auto reply = service_->calendar(now_);
    if (flag("--json")) return show(reply);
    out_ << isms::calendarText(reply.body);
    return kExitOk;
  }

  int managementReview() {
    std::optional<std::int64_t> since;
    if (args_.options.count("--since")) {
      since = parseRfc3339(args_.options.at("--since"));
      if (!since) {
        err_ << "annexa-collector: --since must be a date (YYYY-MM-DD)\n";
        return kExitFatal;
      }
    }
    return emit(service_->managementReview(now_, since));
  }

  const Args& args_;
  std::ostream& out_;
  std::ostream& err_;
  std::int64_t now_;
  DataDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<isms::IsmsStore> isms_;
  std::unique_ptr<isms::IsmsService> service_;
};

Result<double> shareOption(const Args& args, const std::string& name, double fallback) {
  if (!args.options.count(name)) return fallback;
  char* end = nullptr;
  const auto& text = args.options.at(name);
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || v <= 0 || v > 1) return makeError(name + " must be a share between 0 and 1");
  return v;
}

}  // namespace

bool isIsmsCommand(std::string_view command) {
  return command == "soa" || command == "exceptions" || command == "risks" || command == "nc" || command == "readiness" ||
         command == "calendar" || command == "management-review" || isEvidenceCommand(command);
}

int runIsmsCli(const std::vector<std::string>& raw, std::ostream& out, std::ostream& err, std::int64_t now) {
  if (!raw.empty() && isEvidenceCommand(raw[0])) return runEvidenceCli(raw, out, err, now);
  auto args = parse(raw);
  if (!args || args->positional.empty() || !isIsmsCommand(args->positional[0])) {
    err << "annexa-collector: " << (args ? std::string("unknown ISMS command") : args.error()) << "\n" << kUsage;
    return kExitFatal;
  }
  if (!args->options.count("--data")) {
    err << "annexa-collector: --data DIR is required\n" << kUsage;
    return kExitFatal;
  }
  isms::IsmsOptions options;
  const auto major = shareOption(*args, "--major-share", options.nc.majorShare);
  const auto pass = shareOption(*args, "--pass-share", options.readiness.passShare);
  if (!major || !pass) {
    err << "annexa-collector: " << (major ? pass.error() : major.error()) << "\n";
    return kExitFatal;
  }
  options.nc.majorShare = *major;
  options.readiness.passShare = *pass;
  try {
    Session session(*args, out, err, now ? now : unixNow(), options);
    return session.run();
  } catch (const std::exception& e) {
    err << "annexa-collector: " << e.what() << "\n";
    return kExitFatal;
  }
}

}  // namespace annexa::collector
