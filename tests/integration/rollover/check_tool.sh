#!/usr/bin/env bash
# keystate_check on hand-written `key list` output (no cluster): a ZSK rollover that validates,
# the same rollover with the old ZSK withdrawn while its signatures may still be cached (must
# fail, naming the time and the key sets), the last DS retracted (insecure), the time from
# `ods-enforcer queue` output, windows from a kasp.xml, and input errors.
set -euo pipefail
tool=${1:?usage: check_tool.sh path/to/keystate_check}
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keystate_check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Windows of 10 s everywhere, no slack: the history below is exact.
ttl=(--ds-ttl 10 --dnskey-ttl 10 --sig-ttl 10 --neg-ttl 10 --slack 0)
K=aaaa0000000000000000000000000001
Z1=bbbb0000000000000000000000000002
Z2=cccc0000000000000000000000000003

# step HISTORY NOW LINES...: one look; prints the tool's output, returns its status.
step() {
	local hist=$1 now=$2
	shift 2
	printf '%s\n' "$@" | "$tool" "${ttl[@]}" "$hist" "$now" 2>&1
}

# the rollover up to the signature swap, on history $1
rollover_until_swap() {
	local h=$1
	step "$h" 1000 "z.test;KSK;hidden;rumoured;rumoured;NA;1;1;$K" \
		"z.test;ZSK;NA;rumoured;NA;rumoured;1;1;$Z1" >/dev/null || fail "initial signing"
	step "$h" 1020 "z.test;KSK;rumoured;omnipresent;omnipresent;NA;1;1;$K" \
		"z.test;KSK;ready;waiting for ds-submit;256;13;$K;SoftHSM;4711" \
		"z.test;ZSK;NA;omnipresent;NA;omnipresent;1;1;$Z1" >/dev/null || fail "DNSKEYs omnipresent"
	step "$h" 1021 "z.test;KSK;rumoured;omnipresent;omnipresent;NA;1;1;$K" \
		"z.test;KSK;ready;waiting for ds-seen;256;13;$K;SoftHSM;4711" \
		"z.test;ZSK;NA;omnipresent;NA;omnipresent;1;1;$Z1" >/dev/null || fail "ds-submit"
	step "$h" 1030 "z.test;KSK;omnipresent;omnipresent;omnipresent;NA;1;1;$K" \
		"z.test;ZSK;NA;omnipresent;NA;omnipresent;1;1;$Z1" \
		"z.test;ZSK;NA;rumoured;NA;hidden;1;0;$Z2" >/dev/null || fail "new ZSK published"
	step "$h" 1045 "z.test;KSK;omnipresent;omnipresent;omnipresent;NA;1;1;$K" \
		"z.test;ZSK;NA;omnipresent;NA;unretentive;1;0;$Z1" \
		"z.test;ZSK;NA;omnipresent;NA;rumoured;1;1;$Z2" >/dev/null || fail "signature swap"
}
after_swap=("z.test;KSK;omnipresent;omnipresent;omnipresent;NA;1;1;$K"
	"z.test;ZSK;NA;unretentive;NA;hidden;0;0;$Z1"
	"z.test;ZSK;NA;omnipresent;NA;omnipresent;1;1;$Z2")

echo "== a ZSK pre-publication rollover validates"
rollover_until_swap "$tmp/good"
step "$tmp/good" 1055 "${after_swap[@]}" || fail "old ZSK withdrawn after its signatures expired"
grep -q "^key $K KSK 4711$" "$tmp/good" || fail "keytag not kept: $(cat "$tmp/good")"

echo "== the old ZSK withdrawn while its signatures may be cached: exit 1, time and sets named"
rollover_until_swap "$tmp/bad"
rc=0
out=$(step "$tmp/bad" 1050 "${after_swap[@]}") || rc=$?
((rc == 1)) || fail "exit $rc, not 1: $out"
grep -q 'zone z.test at 1970-01-01 00:17:30 UTC (1050 seconds since epoch): bogus: no signature by a known DNSKEY' <<<"$out" ||
	fail "no time and verdict: $out"
grep -Eq 'DNSKEY set \(snapshot 5, window 10 s\) published 1970-01-01 00:17:30 UTC, current' <<<"$out" ||
	fail "no DNSKEY version: $out"
grep -q "DNSKEY {KSK 4711 (aaaa00000000), ZSK (cccc00000000)} signed by {KSK 4711" <<<"$out" ||
	fail "no DNSKEY set: $out"
grep -Eq 'signatures \(snapshot 3, window 10 s\) published 1970-01-01 00:16:40 UTC, replaced 1970-01-01 00:17:25 UTC, cached until 1970-01-01 00:17:35 UTC' <<<"$out" ||
	fail "no signature version: $out"
grep -q 'zone data signed by {ZSK (bbbb00000000)}' <<<"$out" || fail "no signer: $out"
echo "$out"
echo "== ... and it stays bogus until they expired"
out=$(step "$tmp/bad" 1054 "${after_swap[@]}") && fail "valid at 1054: $out"
step "$tmp/bad" 1055 "${after_swap[@]}" || fail "not valid again at 1055"

echo "== slack hides a violation shorter than itself"
rollover_until_swap "$tmp/slack"
printf '%s\n' "${after_swap[@]}" | "$tool" "${ttl[@]}" --slack 5 "$tmp/slack" 1050 ||
	fail "a 5 s violation with 5 s slack"

echo "== the last DS retracted: insecure"
rollover_until_swap "$tmp/insecure"
out=$(step "$tmp/insecure" 1060 "z.test;KSK;unretentive;omnipresent;omnipresent;NA;1;1;$K" \
	"z.test;KSK;retire;waiting for ds-gone;256;13;$K;SoftHSM;4711" \
	"z.test;ZSK;NA;omnipresent;NA;omnipresent;1;1;$Z2") && fail "insecure accepted: $out"
grep -q 'insecure: no DS left' <<<"$out" || fail "not insecure: $out"
printf '%s\n' "z.test;KSK;unretentive;omnipresent;omnipresent;NA;1;1;$K" \
	"z.test;ZSK;NA;omnipresent;NA;omnipresent;1;1;$Z2" |
	"$tool" "${ttl[@]}" --allow-unsigned "$tmp/insecure" 1061 >/dev/null ||
	fail "--allow-unsigned"

echo "== the time from ods-enforcer queue output, windows from kasp.xml"
out=$(printf '%s\n' "All worker threads idle." \
	"It is now Mon Nov 23 19:05:44 2026 (1795460744 seconds since epoch)" \
	"z.test;KSK;hidden;rumoured;rumoured;NA;1;1;$K" \
	"z.test;ZSK;NA;rumoured;NA;rumoured;1;1;$Z1" |
	"$tool" -v --kasp "$here/../../../deploy/local/example/kasp.xml" --policy default \
		"$tmp/queue" -) || fail "queue input: $out"
grep -q 'at 2026-11-23 19:05:44 UTC: valid (2 versions;.*windows now: DS 13599 s, DNSKEY 46800 s, signatures 129600 s' <<<"$out" ||
	fail "verbose line: $out"

echo "== input errors: exit 2"
expect2() {
	local what=$1 pattern=$2 rc=0 out
	shift 2
	out=$("$@" 2>&1) || rc=$?
	((rc == 2)) || fail "$what: exit $rc, not 2: $out"
	grep -q -- "$pattern" <<<"$out" || fail "$what: no /$pattern/: $out"
}
expect2 "pub against DNSKEY" "pub=0 but DNSKEY is rumoured" \
	step "$tmp/e1" 1000 "z.test;ZSK;NA;rumoured;NA;rumoured;0;1;$Z1"
expect2 "two zones" "name one with --zone" \
	step "$tmp/e2" 1000 "a.test;ZSK;NA;rumoured;NA;rumoured;1;1;$Z1" \
	"b.test;ZSK;NA;rumoured;NA;rumoured;1;1;$Z2"
expect2 "time backwards" "is before the newest snapshot" step "$tmp/good" 1000 "${after_swap[@]}"
expect2 "another zone's history" "is the history of zone z.test" \
	step "$tmp/good" 2000 "y.test;ZSK;NA;rumoured;NA;rumoured;1;1;$Z1"
expect2 "no queue line" "has no \"It is now" step "$tmp/e3" - "${after_swap[@]}"
expect2 "no TTLs" "give the TTLs" "$tool" "$tmp/e4" 1 </dev/null
echo "all keystate_check checks passed"
