#!/usr/bin/env bash
# The packaged services under systemd, in a Debian 12 container booted with systemd-nspawn (own network: loopback
# only). Installs the agent and collector .debs there, then:
#   1. runs `annexa-agent check` twice as systemd units: once plain, once with every sandbox setting of
#      annexa-agent.service; a check whose status or evidence sources differ under the sandbox (an `error`, or a
#      verdict drawn from other places) is a bug in the unit or in what the agent reads
#   2. starts annexa-collector.service (initialised as the user annexa) and annexa-agent.service with an
#      /etc/annexa/enroll.json: the agent enrolls by itself, deletes the file and delivers a report
#   3. runs `systemd-analyze verify` on both units (with their binaries and man pages installed) and records
#      `systemd-analyze security` for both (the figures in docs/deploy.md)
# Needs root, systemd-nspawn (package systemd-container) and Debian's mirror; shares tests/packaging/clean_root.sh.
# Usage: tests/packaging/sandbox_test.sh [DIST_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
dist=$(realpath "${1:-dist}")
test_name=sandbox
. tests/packaging/clean_root.sh
command -v systemd-nspawn >/dev/null || fail "systemd-nspawn is not installed (systemd-container)"
make_clean_root
mkdir -p "$root/tmp/packages"
cp "$dist"/annexa-agent_*.deb "$dist"/annexa-collector_*.deb "$root/tmp/packages/"
install_in_root /tmp/packages systemd systemd-sysv man-db nftables './annexa-agent_*.deb' './annexa-collector_*.deb' \
  >"$root/tmp/install.log" 2>&1 || { tail -30 "$root/tmp/install.log"; fail "install"; }
rm "$root/usr/sbin/policy-rc.d"
step "container root with systemd and the packages"

units=$root/etc/systemd/system
# The agent's unit with its sandbox, running one check instead of the service loop.
sed -e '/^Condition/d' -e '/^Restart/d' -e 's|^Type=exec$|Type=oneshot|' \
  -e 's|^ExecStart=.*|ExecStart=/usr/bin/annexa-agent check --format json\nStandardOutput=file:/root/sandboxed.json|' \
  "$root/usr/lib/systemd/system/annexa-agent.service" >"$units/annexa-check-sandboxed.service"
cat >"$units/annexa-check-plain.service" <<'UNIT'
[Service]
Type=oneshot
ExecStart=/usr/bin/annexa-agent check --format json
StandardOutput=file:/root/plain.json
UNIT
cat >"$root/root/probe.sh" <<'PROBE'
set -x
systemd-analyze verify /usr/lib/systemd/system/annexa-agent.service /usr/lib/systemd/system/annexa-collector.service \
  >/root/verify.txt 2>&1
echo $? >/root/verify.rc
systemctl start annexa-check-plain.service annexa-check-sandboxed.service
systemctl show -p ProtectSystem -p CapabilityBoundingSet -p SystemCallFilter annexa-check-sandboxed.service \
  >/root/sandboxed-properties.txt
runuser -u annexa -- annexa-collector init --data /var/lib/annexa >/root/init.txt
fingerprint=$(sed -n 's/^CA fingerprint (agents pin this): //p' /root/init.txt)
token=$(runuser -u annexa -- annexa-collector token create --data /var/lib/annexa --uses 1 --ttl 10m |
        sed -n 's/^token: *\([^ ]*\).*/\1/p')
(umask 077 && printf '{"server": "https://127.0.0.1:8443", "token": "%s", "ca_fingerprint": "%s"}\n' \
  "$token" "$fingerprint" >/etc/annexa/enroll.json)
systemctl start annexa-collector.service
systemctl start annexa-agent.service
# Until the collector holds the agent's first report (at most 120 s).
for attempt in $(seq 240); do
  runuser -u annexa -- annexa-collector agents list --data /var/lib/annexa | grep -q ' online ' && break
  sleep 0.5
done
runuser -u annexa -- annexa-collector agents list --data /var/lib/annexa >/root/agents.txt
systemctl is-active annexa-collector.service annexa-agent.service >/root/active.txt
test -e /etc/annexa/enroll.json && echo present >/root/enroll-file.txt || echo deleted >/root/enroll-file.txt
systemctl stop annexa-agent.service annexa-collector.service
journalctl --no-pager -o cat -u annexa-agent.service -u annexa-collector.service >/root/journal.txt
systemd-analyze security --no-pager annexa-collector.service >/root/security-collector.txt
systemd-analyze security --no-pager annexa-agent.service >/root/security-agent.txt
PROBE
cat >"$units/annexa-probe.service" <<'UNIT'
[Unit]
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/bin/sh -c '/bin/sh /root/probe.sh >/root/probe.log 2>&1; systemctl poweroff --no-block'
[Install]
WantedBy=multi-user.target
UNIT
mkdir -p "$units/multi-user.target.wants"
ln -s ../annexa-probe.service "$units/multi-user.target.wants/annexa-probe.service"
# The mounts were for the chroot; the container mounts its own.
for mount in var/cache/apt/archives dev sys proc; do umount -l "$root/$mount"; done
timeout 600 systemd-nspawn --register=no --keep-unit --private-network -q -D "$root" -b >"$root/tmp/boot.log" 2>&1 ||
  { tail -30 "$root/tmp/boot.log"; fail "the container did not boot and power off"; }
[ -s "$root/root/security-agent.txt" ] || { cat "$root/root/probe.log"; fail "the probe did not finish"; }
step "container booted, probed, powered off"
[ "$(cat "$root/root/verify.rc")" = 0 ] && [ ! -s "$root/root/verify.txt" ] ||
  { cat "$root/root/verify.txt"; fail "systemd-analyze verify"; }
step "systemd-analyze verify: both units load cleanly, with their binaries and man pages"

python3 - "$root/root/plain.json" "$root/root/sandboxed.json" <<'PY' || fail "the sandbox changes what the checks see"
import json, sys
plain = {r["check"]: r for r in json.load(open(sys.argv[1]))["results"]}
sandboxed = {r["check"]: r for r in json.load(open(sys.argv[2]))["results"]}
assert plain.keys() == sandboxed.keys(), "different checks ran"
def sources(result):
    return sorted(e.get("source", "") for e in result.get("evidence", []))
differ = []
for check, result in sorted(sandboxed.items()):
    if result["status"] != plain[check]["status"]:
        differ.append(f"{check}: {plain[check]['status']} -> {result['status']}: {json.dumps(result.get('evidence'))[:400]}")
    elif sources(result) != sources(plain[check]):
        differ.append(f"{check}: read {sources(result)} instead of {sources(plain[check])}")
errors = sum(r["status"] == "error" for r in sandboxed.values())
print(f"sandbox: {len(sandboxed)} checks under the unit's sandbox, {len(differ)} differ from the plain run "
      f"(status or what was read), {errors} error in both")
if differ:
    print("the sandbox changes what the checks see:\n  " + "\n  ".join(differ), file=sys.stderr)
    sys.exit(1)
PY
grep -q '^deleted$' "$root/root/enroll-file.txt" || fail "the agent did not delete /etc/annexa/enroll.json"
grep -q ' online ' "$root/root/agents.txt" || { cat "$root/root/journal.txt"; fail "no report reached the collector"; }
grep -q 'enrolled as agent .* (unattended, from /etc/annexa/enroll.json)' "$root/root/journal.txt" ||
  { cat "$root/root/journal.txt"; fail "the journal does not say the agent enrolled"; }
grep -q '^[^ ]* level=info event=enrolled agent_id=' "$root/root/journal.txt" ||
  { cat "$root/root/journal.txt"; fail "the collector's journal has no structured enrollment line"; }
[ "$(cat "$root/root/active.txt")" = "$(printf 'active\nactive')" ] || fail "a service was not running: $(cat "$root/root/active.txt")"
step "services: the agent enrolled unattended and reported to the collector, both sandboxed"
for unit in collector agent; do
  grep -o 'Overall exposure level for annexa-.*' "$root/root/security-$unit.txt" | sed 's/^/sandbox: /'
done
# SANDBOX_REPORT_DIR=DIR keeps what the probe wrote (security reports, both check runs, the journal).
if [ -n "${SANDBOX_REPORT_DIR:-}" ]; then
  mkdir -p "$SANDBOX_REPORT_DIR" && cp "$root"/root/*.txt "$root"/root/*.json "$root"/root/probe.log "$SANDBOX_REPORT_DIR/"
fi
echo "sandbox: PASS in $((SECONDS - started)) s"
