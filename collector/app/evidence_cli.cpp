#include "collector/app/evidence_cli.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iomanip>
#include <memory>

#include <nlohmann/json.hpp>

#include "collector/app/cli_args.hpp"
#include "collector/app/data_dir.hpp"
#include "collector/isms/isms_evidence.hpp"
#include "collector/isms/isms_json.hpp"
#include "common/clock.hpp"
#include "common/text.hpp"

namespace annexa::collector {
namespace {

using isms::Reply;

constexpr const char* kUsage = R"(usage: annexa-collector docs|records ACTION … --data DIR

  docs     add FILE --title T (--controls A.5.1,A.5.10 | --requirement ID) --owner O --approved-by A
           --approved-on YYYY-MM-DD [--review-every 12m] [--supersedes ID]
           | list [--at DATE] [--json] | show ID [--at DATE] | download ID --out FILE
           | retire ID --reason TEXT [--on YYYY-MM-DD]
  records  add --requirement ID --performed-on YYYY-MM-DD --by NAME --summary TEXT [--outcome ok|issues]
           [--attach FILE]… | list [--at DATE] [--json] | show ID [--at DATE]
)";

// The registers of a data directory: the report store first, whose evidence log documents and records join.
struct Registers {
  explicit Registers(const DataDir& dir)
      : store(openSqliteStore(dir.database())),
        isms(isms::IsmsStore::open(dir.database())),
        evidence(*isms, EvidenceFiles::inDataDir(dir.root), EvidenceRequirements::builtin(), Catalog::builtin()) {}
  std::unique_ptr<Store> store;
  std::unique_ptr<isms::IsmsStore> isms;
  isms::EvidenceRegister evidence;
};

class Session {
 public:
  Session(const CliArgs& args, std::vector<std::string> attachments, std::ostream& out, std::ostream& err,
          std::int64_t now)
      : args_(args), attachments_(std::move(attachments)), out_(out), err_(err), now_(now),
        dir_{args.options.at("--data")} {
    if (!std::filesystem::exists(dir_.database()))
      throw std::runtime_error("no collector database in " + dir_.root.string() + " (run annexa-collector init)");
    registers_ = std::make_unique<Registers>(dir_);
  }

  int run() {
    const auto command = positional(0);
    const auto action = positional(1);
    if (command == "docs") return docs(action);
    if (command == "records") return records(action);
    return usage();
  }

 private:
  isms::EvidenceRegister& evidence() { return registers_->evidence; }
  std::string positional(std::size_t i) const { return i < args_.positional.size() ? args_.positional[i] : ""; }
  std::string option(const std::string& name) const { return args_.optionOr(name, ""); }

  int usage() {
    err_ << kUsage;
    return kExitFatal;
  }
  int refused(const std::string& message) {
    err_ << "annexa-collector: " << message << "\n";
    return kExitRefused;
  }
  int show(const Reply& reply) {
    if (!reply.ok()) return refused(reply.error());
    out_ << reply.body.dump(2) << "\n";
    return kExitOk;
  }

  std::optional<std::int64_t> idArg() const {
    long long id = 0;
    if (!text::parseInt(positional(2), id) || id <= 0) return std::nullopt;
    return id;
  }
  // --at DATE (YYYY-MM-DD or RFC 3339); now when absent.
  std::optional<std::int64_t> atArg() const {
    if (!args_.options.count("--at")) return now_;
    return parseRfc3339(option("--at"));
  }

  int docs(const std::string& action) {
    const auto at = atArg();
    if (!at) return refused("--at takes a date (YYYY-MM-DD or RFC 3339)");
    if (action == "add" && !positional(2).empty()) return addDocument(positional(2));
    if (action == "list") return listDocuments(*at);
    const auto id = idArg();
    if (action == "show" && id) return show(evidence().document(*id, *at));
    if (action == "download" && id) return downloadDocument(*id);
    if (action == "retire" && id)
      return written(evidence().retireDocument(*id, {{"reason", option("--reason")}, {"retired_on", option("--on")}},
                                               kCliActor, now_),
                     "retired document " + std::to_string(*id));
    return usage();
  }

  int records(const std::string& action) {
    const auto at = atArg();
    if (!at) return refused("--at takes a date (YYYY-MM-DD or RFC 3339)");
    if (action == "add") return addRecord();
    if (action == "list") return listRecords(*at);
    const auto id = idArg();
    if (action == "show" && id) return show(evidence().record(*id, *at));
    return usage();
  }

  int written(const Reply& reply, const std::string& what) {
    if (!reply.ok()) return refused(reply.error());
    out_ << what << "\n";
    return kExitOk;
  }

  int addDocument(const std::string& file) {
    auto stored = evidence().files().addFile(file);
    if (!stored) return refused(stored.error());
    const nlohmann::json fields = {{"title", option("--title")},
                                   {"controls", option("--controls")},
                                   {"requirement", option("--requirement")},
                                   {"owner", option("--owner")},
                                   {"approved_by", option("--approved-by")},
                                   {"approved_on", option("--approved-on")},
                                   {"review_every", option("--review-every")},
                                   {"supersedes", option("--supersedes")},
                                   {"file_name", std::filesystem::path(file).filename().string()}};
    const auto reply = evidence().addDocument(fields, *stored, kCliActor, now_);
    if (!reply.ok()) return refused(reply.error());
    out_ << "added document " << reply.body["id"] << " (sha256 " << stored->sha256 << ", next review "
         << reply.body["next_review"].get<std::string>() << ")\n";
    return kExitOk;
  }

  int listDocuments(std::int64_t at) {
    const auto reply = evidence().documents(at);
    if (args_.hasFlag("--json")) return show(reply);
    for (const auto& d : reply.body["documents"])
      out_ << std::left << std::setw(6) << d["id"].get<std::int64_t>() << std::setw(18) << d["status"].get<std::string>()
           << std::setw(12) << d["next_review"].get<std::string>() << d["title"].get<std::string>() << " ("
           << text::join(d["controls"].get<std::vector<std::string>>(), ",") << ")\n";
    return kExitOk;
  }

  // Copies the stored bytes to a new file: never over an existing one, never through a symlink.
  int downloadDocument(std::int64_t id) {
    const auto target = option("--out");
    if (target.empty()) return usage();
    const auto document = registers_->isms->findDocument(id);
    if (!document) return refused("no document " + std::to_string(id));
    const auto source = evidence().files().pathOf(document->sha256);
    if (auto intact = evidence().files().verify(document->sha256, document->size); !intact || !source)
      return refused(intact ? "bad document hash" : intact.error());
    const int in = ::open(source->c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    const int out = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    std::string failure = in < 0 ? "cannot read the stored document" : out < 0 ? target + ": " + std::strerror(errno) : "";
    char buffer[64 * 1024];
    for (ssize_t n = 0; failure.empty() && (n = ::read(in, buffer, sizeof buffer)) != 0;) {
      if (n < 0 || ::write(out, buffer, static_cast<std::size_t>(n)) != n) failure = target + ": write failed";
    }
    if (in >= 0) ::close(in);
    if (out >= 0 && (::close(out) != 0 && failure.empty())) failure = target + ": write failed";
    if (!failure.empty()) return refused(failure);
    out_ << "wrote " << target << " (sha256 " << document->sha256 << ")\n";
    return kExitOk;
  }

  int addRecord() {
    std::vector<isms::Attachment> attachments;
    for (const auto& file : attachments_) {
      auto stored = evidence().files().addFile(file);
      if (!stored) return refused(stored.error());
      attachments.push_back({stored->sha256, stored->size, std::filesystem::path(file).filename().string()});
    }
    const nlohmann::json fields = {{"requirement", option("--requirement")}, {"performed_on", option("--performed-on")},
                                   {"performed_by", option("--by")},         {"summary", option("--summary")},
                                   {"outcome", option("--outcome")}};
    const auto reply = evidence().addRecord(fields, attachments, kCliActor, now_);
    if (!reply.ok()) return refused(reply.error());
    out_ << "added record " << reply.body["id"] << " for " << reply.body["requirement"].get<std::string>()
         << " (counts through " << reply.body.value("valid_through", "") << ")\n";
    return kExitOk;
  }

  int listRecords(std::int64_t at) {
    const auto reply = evidence().records(at);
    if (args_.hasFlag("--json")) return show(reply);
    for (const auto& r : reply.body["records"])
      out_ << std::left << std::setw(6) << r["id"].get<std::int64_t>() << std::setw(12) << r["performed_on"].get<std::string>()
           << std::setw(8) << r["outcome"].get<std::string>() << std::setw(30) << r["requirement"].get<std::string>()
           << r["performed_by"].get<std::string>() << "\n";
    return kExitOk;
  }

  const CliArgs& args_;
  std::vector<std::string> attachments_;
  std::ostream& out_;
  std::ostream& err_;
  std::int64_t now_;
  DataDir dir_;
  std::unique_ptr<Registers> registers_;
};

}  // namespace

bool isEvidenceCommand(std::string_view command) { return command == "docs" || command == "records"; }

int runEvidenceCli(const std::vector<std::string>& raw, std::ostream& out, std::ostream& err, std::int64_t now) {
  // --attach may repeat; the other options may not.
  std::vector<std::string> rest;
  std::vector<std::string> attachments;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == "--attach" && i + 1 < raw.size()) attachments.push_back(raw[++i]);
    else rest.push_back(raw[i]);
  }
  auto args = parseCliArgs(rest, {"--json"});
  if (!args || args->positional.empty() || !isEvidenceCommand(args->positional[0])) {
    err << "annexa-collector: " << (args ? std::string("unknown command") : args.error()) << "\n" << kUsage;
    return kExitFatal;
  }
  if (!args->options.count("--data")) {
    err << "annexa-collector: --data DIR is required\n" << kUsage;
    return kExitFatal;
  }
  try {
    Session session(*args, std::move(attachments), out, err, now ? now : unixNow());
    return session.run();
  } catch (const std::exception& e) {
    err << "annexa-collector: " << e.what() << "\n";
    return kExitFatal;
  }
}

IsmsItemCheck ismsItemCheck(const std::filesystem::path& dataDir) {
  const auto registers = std::make_shared<Registers>(DataDir{dataDir});
  return [registers](const EvidenceEntry& entry) { return registers->evidence.checkLogEntry(entry); };
}

}  // namespace annexa::collector
