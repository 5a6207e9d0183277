#include "agent/cli.hpp"

#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "agent/config.hpp"
#include "agent/enrollment.hpp"
#include "agent/platform.hpp"
#include "agent/report_format.hpp"
#include "agent/run_loop.hpp"
#include "agent/runner.hpp"
#ifndef ANNEXA_AGENT_WINDOWS
#include "agent/unattended_enrollment.hpp"
#endif
#include "common/clock.hpp"
#include "common/text.hpp"

namespace annexa::agent {
namespace {

constexpr const char* kUsage = R"(usage: annexa-agent COMMAND [OPTIONS]

Commands:
  check     run all checks once and print the report
              --root DIR          audit an offline tree (mounted image); no commands are run
              --only ID[,ID…]     run only these checks (repeatable)
              --format text|json  text table (default) or an annexa.report/1 document
              --config FILE       agent config (default /etc/annexa/agent.json, on Windows
                                  %ProgramData%\Annexa\agent.json; optional)
  checks    list the checks        --format text|json
  catalog   list the 93 ISO/IEC 27001:2022 Annex A controls   --format text|json
  enroll    --server https://HOST:PORT --token T --ca-fingerprint SHA256:… [--state DIR] [--interval 15m] [--force]
              creates this host's key (0600, never leaves it), sends a CSR, pins the collector's CA
  run       [--once] [--interval 15m] [--state DIR] [--config FILE] [--enroll-file FILE]
              check on schedule, spool each report durably, deliver over mutual TLS (backoff while away);
              not yet enrolled (Linux): enroll first from ANNEXA_ENROLL_SERVER/_TOKEN/_CA_FINGERPRINT or the
              --enroll-file (default /etc/annexa/enroll.json: server, token, ca_fingerprint), then delete it
  service   install | uninstall   (Windows) register or remove the AnnexaAgent service (LocalSystem, automatic
              start) that runs `run` with the state in %ProgramData%\Annexa
  version   print the version
)";

struct ParsedArgs {
  std::string command;
  std::optional<std::string> root;
  std::vector<std::string> only;
  std::string format = "text";
  std::optional<std::string> configPath;
  std::map<std::string, std::string> transport;  // --server, --token, --ca-fingerprint, --state, --interval,
                                                 // --enroll-file
  bool once = false;
  bool force = false;
};

Result<ParsedArgs> parseArgs(const std::vector<std::string>& args) {
  ParsedArgs parsed;
  if (args.empty()) return makeError("missing command");
  parsed.command = args[0];
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const auto needValue = [&](const char* name) -> Result<std::string> {
      if (i + 1 >= args.size() || text::startsWith(args[i + 1], "--"))
        return makeError(std::string(name) + " needs a value");
      return args[++i];
    };
    if (arg == "--root") {
      auto v = needValue("--root");
      if (!v) return makeError(v.error());
      parsed.root = *v;
    } else if (arg == "--format") {
      auto v = needValue("--format");
      if (!v) return makeError(v.error());
      if (*v != "text" && *v != "json") return makeError("--format must be text or json");
      parsed.format = *v;
    } else if (arg == "--config") {
      auto v = needValue("--config");
      if (!v) return makeError(v.error());
      parsed.configPath = *v;
    } else if (arg == "--only") {
      auto v = needValue("--only");
      if (!v) return makeError(v.error());
      for (auto& id : text::split(*v, ','))
        if (!id.empty()) parsed.only.push_back(id);
      // Further bare words after --only are more ids: --only a b c
      while (i + 1 < args.size() && !text::startsWith(args[i + 1], "--")) parsed.only.push_back(args[++i]);
    } else if (arg == "--server" || arg == "--token" || arg == "--ca-fingerprint" || arg == "--state" ||
               arg == "--interval" || arg == "--enroll-file") {
      auto v = needValue(arg.c_str());
      if (!v) return makeError(v.error());
      parsed.transport[arg] = *v;
    } else if (arg == "--once") {
      parsed.once = true;
    } else if (arg == "--force") {
      parsed.force = true;
    } else {
      return makeError("unknown option " + arg);
    }
  }
  return parsed;
}

int commandCheck(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
  auto config = args.configPath ? loadAgentConfig(*args.configPath, true)
                                : loadAgentConfig(defaultConfigPath(), false);
  if (!config) {
    err << "annexa-agent: " << config.error() << "\n";
    return kExitFatal;
  }
  std::error_code ec;
  if (args.root && !std::filesystem::is_directory(*args.root, ec)) {
    err << "annexa-agent: --root " << *args.root << " is not a directory\n";
    return kExitFatal;
  }
  RunOptions options;
  options.onlyChecks = args.only;
  auto report = checkHost(*config, CheckMapping::builtin(), options,
                          args.root ? std::optional<std::filesystem::path>(*args.root) : std::nullopt);
  if (!report) {
    err << "annexa-agent: " << report.error() << "\n";
    return kExitFatal;
  }
  if (args.format == "json") {
    out << toJson(*report).dump(2) << "\n";
  } else {
    printReportText(*report, Catalog::builtin(), isColourTerminal(out), out);
  }
  return kExitOk;
}

Result<std::int64_t> intervalSeconds(const ParsedArgs& args, std::int64_t fallback) {
  const auto it = args.transport.find("--interval");
  if (it == args.transport.end()) return fallback;
  auto seconds = parseDurationSeconds(it->second);
  if (!seconds) return makeError("--interval: " + seconds.error());
  if (*seconds < 60) return makeError("--interval must be at least 1m");
  return *seconds;
}

StateDir stateDir(const ParsedArgs& args) {
  const auto it = args.transport.find("--state");
  return StateDir{it == args.transport.end() ? defaultStateDirectory() : std::filesystem::path(it->second)};
}

int commandEnroll(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
  auto interval = intervalSeconds(args, 900);
  if (!interval) {
    err << "annexa-agent: " << interval.error() << "\n";
    return kExitFatal;
  }
  const auto get = [&](const char* key) { return args.transport.count(key) ? args.transport.at(key) : std::string(); };
  EnrollOptions options{get("--server"), get("--token"), get("--ca-fingerprint"), stateDir(args), *interval, args.force};
  if (options.server.empty()) {
    err << "annexa-agent: --server is required\n";
    return kExitFatal;
  }
  auto identity = enrollAgent(options);
  if (!identity) {
    err << "annexa-agent: " << identity.error() << "\n";
    return kExitFatal;
  }
  out << "enrolled as agent " << identity->agentId << " with " << identity->server << " (state in "
      << options.state.root.string() << ")\n";
  return kExitOk;
}

int commandRun(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
  RunLoopOptions options;
  options.state = stateDir(args);
  options.configPath = args.configPath;
  options.once = args.once;
  if (args.transport.count("--interval")) {
    auto interval = intervalSeconds(args, 900);
    if (!interval) {
      err << "annexa-agent: " << interval.error() << "\n";
      return kExitFatal;
    }
    options.intervalSeconds = *interval;
  }
#ifndef ANNEXA_AGENT_WINDOWS
  const auto enrollFile = args.transport.find("--enroll-file");
  UnattendedOptions unattended;
  unattended.state = options.state;
  if (enrollFile != args.transport.end()) unattended.enrollFile = enrollFile->second;
  unattended.intervalSeconds = options.intervalSeconds.value_or(900);
  unattended.once = options.once;
  switch (enrollUnattended(unattended, out, err)) {
    case UnattendedOutcome::Failed: return kExitFatal;
    case UnattendedOutcome::Stopped: return kExitOk;
    default: return runAgentLoop(options, out, err);  // not configured: the loop says how to enroll
  }
#else
  return runAgentLoop(options, out, err);
#endif
}

}  // namespace

int runAgentCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (!args.empty() && (args[0] == "help" || args[0] == "--help" || args[0] == "-h")) {
    out << kUsage;
    return kExitOk;
  }
  if (!args.empty() && args[0] == "service")
    return serviceCommand(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
  auto parsed = parseArgs(args);
  if (!parsed) {
    err << "annexa-agent: " << parsed.error() << "\n" << kUsage;
    return kExitFatal;
  }
  try {
    if (parsed->command == "check") return commandCheck(*parsed, out, err);
    if (parsed->command == "enroll") return commandEnroll(*parsed, out, err);
    if (parsed->command == "run") return commandRun(*parsed, out, err);
    if (parsed->command == "checks") {
      const auto& checks = CheckRegistry::instance().checks();
      if (parsed->format == "json") out << checksToJson(checks, CheckMapping::builtin()).dump(2) << "\n";
      else printChecksText(checks, CheckMapping::builtin(), out);
      return kExitOk;
    }
    if (parsed->command == "catalog") {
      if (parsed->format == "json") out << catalogToJson(Catalog::builtin()).dump(2) << "\n";
      else printCatalogText(Catalog::builtin(), out);
      return kExitOk;
    }
    if (parsed->command == "version" || parsed->command == "--version") {
      out << "annexa-agent " << ANNEXA_VERSION << "\n";
      return kExitOk;
    }
  } catch (const std::exception& e) {
    err << "annexa-agent: fatal: " << e.what() << "\n";
    return kExitFatal;
  }
  err << "annexa-agent: unknown command \"" << parsed->command << "\"\n" << kUsage;
  return kExitFatal;
}

}  // namespace annexa::agent
