// Logging: auditd and its rules, the journal's persistence, forwarding off the host, rotation, /var/log permissions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/check.hpp"
#include "agent/facts/daemons.hpp"

namespace annexa::agent::checks {

// ---- logging.auditd_active ---------------------------------------------------------------------------------------

struct AuditdFacts {
  bool live = true;
  std::string installedBy;  // "/usr/sbin/auditd" or "package auditd"; "" when not installed
  DaemonSighting daemon;
  std::string processError;
};

Outcome evaluateAuditdActive(const AuditdFacts& facts);

// ---- logging.audit_rules -----------------------------------------------------------------------------------------

// One auditctl rule, reduced to what the check needs.
struct AuditRule {
  std::string source;
  std::string line;
  std::vector<std::string> paths;     // -w PATH, -F path=, -F dir=
  std::string permissions;            // -p / -F perm=; empty means all (rwxa)
  std::vector<std::string> syscalls;  // -S
  bool never = false;                 // -a never,… suppresses instead of auditing
};

std::vector<AuditRule> parseAuditRules(std::string_view content, std::string_view source);

struct AuditRulesFacts {
  std::vector<std::string> sources;  // files (or "auditctl -l") the rules came from
  std::vector<AuditRule> rules;
  std::string error;  // rules exist but could not be read
};

Outcome evaluateAuditRules(const AuditRulesFacts& facts);

// ---- logging.journald_persistent ---------------------------------------------------------------------------------

struct JournaldSetting {
  std::string value;
  std::string source;
};

struct JournaldFacts {
  bool installed = false;
  std::map<std::string, JournaldSetting, std::less<>> settings;  // [Journal] keys, last file wins
  std::vector<std::string> unreadable;
  bool persistentDirectory = false;  // /var/log/journal exists
  // A live host is judged by what runs, not by what is configured (set by the probe on live systems only):
  bool live = false;
  DaemonSighting daemon;             // systemd-journald running?
  std::string processError;
  std::size_t persistentFiles = 0;   // *.journal files under /var/log/journal/*/
  std::size_t volatileFiles = 0;     // *.journal files under /run/log/journal/*/
  std::string journalError;          // /var/log/journal exists but could not be listed
};

Outcome evaluateJournaldPersistent(const JournaldFacts& facts);

// ---- logging.remote_forwarding -----------------------------------------------------------------------------------

// Forwarding directives of rsyslog (legacy "@host"/"@@host" actions, action(type="omfwd"|"omrelp")) and syslog-ng
// (network/tcp/udp/syslog destinations) that send to another host; loopback targets are not off the host.
std::vector<std::string> findRsyslogForwarding(std::string_view config);
std::vector<std::string> findSyslogNgForwarding(std::string_view config);

struct ForwardingPath {
  std::string via;  // "rsyslog", "syslog-ng", "systemd-journal-upload", "filebeat", …
  DaemonSighting daemon;
  std::vector<std::string> directives;  // where it is told to send logs (config lines)
  std::string source;                   // the configuration read
  bool needsDirectives = true;          // shippers always ship somewhere; syslog daemons only when told to
};

struct ForwardingFacts {
  bool live = true;
  std::string processError;
  std::vector<ForwardingPath> paths;  // every forwarder that is installed, configured or running
  std::vector<std::string> unreadable;
};

Outcome evaluateRemoteForwarding(const ForwardingFacts& facts);

// ---- logging.rotation --------------------------------------------------------------------------------------------

struct RotationFacts {
  std::string logrotate;         // binary; "" when not installed
  bool logrotateConfig = false;  // /etc/logrotate.conf present
  std::optional<std::string> scheduledBy;
  std::vector<std::string> inactiveSchedules;
  std::vector<std::string> scheduleUnreadable;
  std::string syslogDaemon;  // an installed daemon writing /var/log files; "" when none
  JournaldFacts journald;
};

Outcome evaluateRotation(const RotationFacts& facts);

// ---- logging.log_permissions -------------------------------------------------------------------------------------

struct LogFile {
  std::string path;
  FileInfo info;
};

struct LogPermissionFacts {
  bool present = true;                  // /var/log exists
  std::string error;                    // /var/log could not be listed
  std::vector<LogFile> files;           // top level and one level of subdirectories
  std::vector<std::string> unreadable;  // subdirectories others can enter but this run could not list
  bool truncated = false;               // the walk hit its bound
};

// auth.log, secure, btmp, faillog, audit.log, sudo.log and their rotations.
bool isAuthLog(std::string_view path);
Outcome evaluateLogPermissions(const LogPermissionFacts& facts);

}  // namespace annexa::agent::checks
