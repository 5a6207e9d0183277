// Unattended enrollment for `annexa-agent run`: a host provisioned by a shell loop, Ansible or an MDM carries
// /etc/annexa/enroll.json ({"server", "token", "ca_fingerprint"}) or the ANNEXA_ENROLL_* variables. At its first
// start the agent enrolls by itself, retrying with backoff and saying why each attempt failed, and deletes the
// file once enrolled: the token is a credential and has no use afterwards (docs/deploy.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "agent/delivery.hpp"
#include "agent/enrollment.hpp"
#include "common/result.hpp"

namespace annexa::agent {

inline constexpr std::string_view kDefaultEnrollFile = "/etc/annexa/enroll.json";

struct EnrollmentSource {
  std::string server;
  std::string token;
  std::string caFingerprint;
  std::optional<std::filesystem::path> file;  // deleted after enrolling; none when it came from the environment
  std::string origin() const { return file ? file->string() : std::string("the environment"); }
};

// {"server": "https://collector:8443", "token": "anx_…", "ca_fingerprint": "SHA256:…"}: all three strings,
// no other key (a typo must not go unnoticed). `where` names the file in errors.
Result<EnrollmentSource> parseEnrollmentFile(std::string_view json, const std::string& where);

using GetEnv = std::function<const char*(const char*)>;

// ANNEXA_ENROLL_SERVER, ANNEXA_ENROLL_TOKEN and ANNEXA_ENROLL_CA_FINGERPRINT (all or none) first, then `file`
// (opened without following a link, a regular file of at most 64 KB). nullopt when neither is there. A file that
// other users can read is used, with a warning on `warnings`.
Result<std::optional<EnrollmentSource>> findEnrollmentSource(const std::filesystem::path& file, const GetEnv& getenv,
                                                             std::ostream& warnings);

struct UnattendedOptions {
  StateDir state;
  std::filesystem::path enrollFile{kDefaultEnrollFile};
  std::int64_t intervalSeconds = 900;
  bool once = false;  // one attempt only (`run --once`)
  std::chrono::seconds backoffBase{5};
  std::chrono::seconds backoffCap{3600};
  GetEnv getenv;  // the process environment when empty
};

enum class UnattendedOutcome {
  AlreadyEnrolled,  // the state holds an enrollment: nothing to do
  Enrolled,
  NotConfigured,    // no enrollment, and no file or variables to enroll with
  Failed,           // an unusable source, or (with `once`) a failed attempt: the message is on `err`
  Stopped,          // SIGTERM/SIGINT while waiting to retry
};

// Enrolls when the state holds no enrollment and a source exists; otherwise retries with exponential backoff
// (full jitter, capped), re-reading the source before each attempt so a corrected file is picked up.
UnattendedOutcome enrollUnattended(const UnattendedOptions& options, std::ostream& out, std::ostream& err);

}  // namespace annexa::agent
