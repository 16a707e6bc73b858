#!/usr/bin/env bash
# ods-signerd and ods-signer as an operator meets them: zones signed with NSEC, NSEC3 and
# NSEC3 opt-out from one awkward zone file (wildcards, empty non-terminals, delegations with
# and without DS, glue, occluded data, CNAME and DNAME, mixed case, escaped labels, an
# unknown type, $INCLUDE), every output checked by ldns-verify-zone and dnssec-verify; an
# incremental change re-signs only what changed ([STATS] shows it); a broken input fails
# with file:line and leaves the published zone untouched; the serial modes and `sign
# --serial`; a passthrough policy; signatures refreshed after a `time leap`.
# shellcheck disable=SC2154 # ODS_* and the helpers come from run-case and lib.sh
export TZ=UTC # `time leap --time` reads local time
S=$ODS_STATE
W=$S/signer
mkdir -p "$W/in" "$W/out"
cp include.db "$W/in/include.db"
LOG=$S/log/signerd.log

# policy NAME DENIAL SERIAL [PASSTHROUGH]: a kasp.xml policy, ECDSA P-256 on SoftHSM.
policy() {
	cat <<-EOF
		<Policy name="$1">
		  <Description>signer test $1</Description>${4:-}
		  <Signatures><Resign>PT2H</Resign><Refresh>P3D</Refresh>
		    <Validity><Default>P14D</Default><Denial>P14D</Denial></Validity>
		    <Jitter>PT12H</Jitter><InceptionOffset>PT3600S</InceptionOffset></Signatures>
		  <Denial>$2</Denial>
		  <Keys><TTL>PT3600S</TTL><RetireSafety>PT3600S</RetireSafety><PublishSafety>PT3600S</PublishSafety>
		    <KSK><Algorithm length="256">13</Algorithm><Lifetime>P365D</Lifetime><Repository>SoftHSM</Repository></KSK>
		    <ZSK><Algorithm length="256">13</Algorithm><Lifetime>P90D</Lifetime><Repository>SoftHSM</Repository></ZSK>
		  </Keys>
		  <Zone><PropagationDelay>PT43200S</PropagationDelay>
		    <SOA><TTL>PT3600S</TTL><Minimum>PT300S</Minimum><Serial>$3</Serial></SOA></Zone>
		  <Parent><PropagationDelay>PT9999S</PropagationDelay><DS><TTL>PT3600S</TTL></DS>
		    <SOA><TTL>PT172800S</TTL><Minimum>PT10800S</Minimum></SOA></Parent>
		</Policy>
	EOF
}
NSEC3='<NSEC3><Resalt>P100D</Resalt><Hash><Algorithm>1</Algorithm><Iterations>1</Iterations><Salt length="8"/></Hash></NSEC3>'
NSEC3_OPTOUT='<NSEC3><OptOut/><Resalt>P100D</Resalt><Hash><Algorithm>1</Algorithm><Iterations>0</Iterations><Salt length="0"/></Hash></NSEC3>'

# zonefile ORIGIN: the test zone for ORIGIN in $W/in.
zonefile() {
	sed -e "s|@ORIGIN@|$1|" -e "s|@DIR@|$W/in|" zone.db >"$W/in/$1"
}

# validate ZONE: both validators accept the published zone.
validate() {
	local f=$W/out/$1 out
	[[ -s $f ]] || fail "$f was not written"
	out=$(ldns-verify-zone "$f" 2>&1) || fail "ldns-verify-zone rejects $1: $(tail -n 5 <<<"$out")"
	out=$(dnssec-verify -o "$1" "$f" 2>&1) || fail "dnssec-verify rejects $1: $(tail -n 5 <<<"$out")"
	echo "  $1: ldns-verify-zone and dnssec-verify accept it ($(grep -c 'RRSIG' "$f") RRSIG lines)"
}

# sign ZONE [ARGS]: ods-signer sign ZONE --wait, which must succeed.
sign() {
	local z=$1
	shift
	expect_output "Zone $z signed and published" ods-signer sign "$z" --wait 120 "$@" >/dev/null
}

# stats ZONE: the last [STATS] line of ZONE.
stats() { grep -o "\[STATS\] $1 .*" "$LOG" | tail -n 1 | sed 's/"$//'; }

# soa_serial ZONE
soa_serial() { awk '$4 == "SOA" { print $7; exit }' "$W/out/$1"; }

step "cluster up (testing: time leap); policies NSEC, NSEC3, NSEC3 opt-out"
cluster up --testing >/dev/null
eval "$(cluster env)"
{
	echo '<?xml version="1.0" encoding="UTF-8"?><KASP>'
	policy nsec '<NSEC/>' unixtime
	policy nsec3 "$NSEC3" counter
	policy optout "$NSEC3_OPTOUT" datecounter
	policy keep '<NSEC/>' keep
	policy plain '<NSEC/>' counter '<Passthrough/>'
	echo '</KASP>'
} >"$W/kasp.xml"
ods-enforcer policy import --file "$W/kasp.xml" >/dev/null

step "three zones from one awkward zone file: published and valid"
for z in nsec.test nsec3.test optout.test; do
	zonefile "$z"
	p=${z%.test}
	ods-enforcer zone add --zone "$z" --policy "$p" --input "$W/in/$z" --output "$W/out/$z" >/dev/null
done
for z in nsec.test nsec3.test optout.test; do
	sign "$z"
	validate "$z"
done
grep -q 'NSEC3PARAM' "$W/out/nsec3.test" || fail "no NSEC3PARAM in nsec3.test"
grep -Eq 'NSEC3[[:space:]]+1 1 0 ' "$W/out/optout.test" || fail "no opt-out flag in optout.test"
grep -q 'deep.below.insecure' "$W/out/nsec.test" || fail "occluded data was dropped"
grep -Eq '^deep\.below\.insecure\.nsec\.test\..*RRSIG' "$W/out/nsec.test" &&
	fail "occluded data was signed"
grep -Eq '^ns\.insecure\.nsec\.test\..*RRSIG.*A ' "$W/out/nsec.test" && fail "glue was signed"
grep -Eqi '^mixed\.case\.nsec\.test\.' "$W/out/nsec.test" || fail "mixed-case name missing"
grep -q 'inc2' "$W/out/nsec.test" || fail "\$INCLUDEd records missing"
grep -Eq 'TYPE65280' "$W/out/nsec.test" || fail "unknown type missing"
echo "  $(stats nsec3.test)"

step "ods-signer zones and queue"
out=$(ods-signer zones)
grep -q '^There are 3 zones configured$' <<<"$out" || fail "zones said: $out"
grep -q '^- nsec3.test$' <<<"$out" || fail "zones said: $out"
ods-signer -v zones | grep -q 'serial' || fail "zones -v shows no serial"
ods-signer queue | grep -q 'resign' || fail "no resign queued: $(ods-signer queue)"

step "incremental: one record changed, one added, one deleted; only those re-signed"
before=$(stats nsec.test)
sed -i -e 's/192.0.2.25/192.0.2.26/' -e '/^unknown/d' "$W/in/nsec.test"
echo 'added	A	192.0.2.200' >>"$W/in/nsec.test"
sign nsec.test
validate nsec.test
after=$(stats nsec.test)
[[ $after != "$before" ]] || fail "no new [STATS] line"
new=$(sed -n 's/.*RRSIG\[new=\([0-9]*\) .*/\1/p' <<<"$after")
reused=$(sed -n 's/.* reused=\([0-9]*\) .*/\1/p' <<<"$after")
echo "  $after"
# The changed A, the new A and its NSEC, the neighbours' NSECs, the SOA: a handful.
((new > 0 && new <= 10)) || fail "re-signed $new signatures for a three-record change"
((reused > 20)) || fail "only $reused signatures reused"
grep -q '192.0.2.26' "$W/out/nsec.test" || fail "the change is not in the output"
grep -q '^unknown\.nsec\.test\.' "$W/out/nsec.test" && fail "the deleted record is still published"

step "a broken input fails with file:line; the published zone stays"
cp "$W/out/nsec.test" "$W/published.before"
echo 'broken	IN	A	not-an-address' >>"$W/in/nsec.test"
out=$(expect_failure "nsec.test:[0-9]+" ods-signer sign nsec.test --wait 60)
echo "  $out"
cmp -s "$W/out/nsec.test" "$W/published.before" || fail "the published zone changed"
sed -i '/^broken/d' "$W/in/nsec.test"
sign nsec.test
validate nsec.test

step "serials: counter, --serial must be an increase"
s1=$(soa_serial nsec3.test)
sign nsec3.test
s2=$(soa_serial nsec3.test)
((s2 == s1 + 1)) || fail "counter went from $s1 to $s2"
expect_failure 'Unable to enforce serial 5 for zone nsec3.test' ods-signer sign nsec3.test --serial 5
sign nsec3.test --serial $((s2 + 1000))
[[ $(soa_serial nsec3.test) == $((s2 + 1000)) ]] || fail "--serial was not used"
d=$(date -u +%Y%m%d)
# YYYYMMDDnn: 00 for the first sign of the day, one more for each later one
[[ $(soa_serial optout.test) =~ ^${d}0[0-9]$ ]] || fail "datecounter gave $(soa_serial optout.test)"
u=$(soa_serial nsec.test)
((u > $(date +%s) - 600 && u <= $(date +%s))) || fail "unixtime gave $u"
echo "  counter $s1 -> $s2, --serial $((s2 + 1000)), datecounter $(soa_serial optout.test), unixtime $u"

step "serial keep: the input's serial, and no publication without a new one"
zonefile keep.test
ods-enforcer zone add --zone keep.test --policy keep --input "$W/in/keep.test" --output "$W/out/keep.test" >/dev/null
for ((i = 0; i < 300; i++)); do # the zone's first sign, queued by the enforcer
	[[ -s $W/out/keep.test ]] && break
	sleep 0.2
done
[[ $(soa_serial keep.test) == 2024010101 ]] || fail "keep published serial $(soa_serial keep.test)"
expect_failure 'not greater than the published 2024010101' ods-signer sign keep.test --wait 60
sed -i 's/2024010101 ; serial/2024010102 ; serial/' "$W/in/keep.test"
sign keep.test
[[ $(soa_serial keep.test) == 2024010102 ]] || fail "keep published serial $(soa_serial keep.test)"
validate keep.test

step "passthrough: the zone published unsigned, with its serial"
zonefile plain.test
ods-enforcer zone add --zone plain.test --policy plain --input "$W/in/plain.test" --output "$W/out/plain.test" >/dev/null
sign plain.test
grep -Eq 'RRSIG|NSEC|DNSKEY' "$W/out/plain.test" && fail "a passthrough zone has DNSSEC records"
[[ $(soa_serial plain.test) == 2024010102 ]] || fail "passthrough serial $(soa_serial plain.test)"
grep -q '^www\.plain\.test\.' "$W/out/plain.test" || fail "passthrough lost records"

step "time leap past the Refresh window: every signature is made again, still valid then"
mark=$(wc -l <"$LOG")
ods-enforcer time leap --time "$(date -u -d '+12 days' +%Y-%m-%d-%H:%M:%S)" >/dev/null
sign nsec3.test
# The leap makes new signconfs (the keys' states move), so the enforcer's sign job may be
# the one that refreshes: among the runs since the leap, one made every signature anew.
after=$(tail -n +$((mark + 1)) "$LOG" | grep -o '\[STATS\] nsec3.test .*' | sed 's/"$//' |
	grep ' reused=0 ' | head -n 1)
echo "  ${after:-no run re-signed everything}"
new=$(sed -n 's/.*RRSIG\[new=\([0-9]*\) .*/\1/p' <<<"$after")
((${new:-0} > 40)) || fail "no sign after the leap made every signature anew: $(tail -n +$((mark + 1)) "$LOG" | grep -o '\[STATS\] nsec3.test .*')"
out=$(ldns-verify-zone -t "$(date -u -d '+12 days' +%Y%m%d%H%M%S)" "$W/out/nsec3.test" 2>&1) ||
	fail "ldns-verify-zone rejects nsec3.test 12 days on: $(tail -n 5 <<<"$out")"
out=$(ldns-verify-zone -t "$(date -u -d '+24 days' +%Y%m%d%H%M%S)" "$W/out/nsec3.test" 2>&1) ||
	fail "nsec3.test's new signatures do not reach 24 days on: $(tail -n 5 <<<"$out")"

step "ods-signer reload, stop and start"
expect_output '^Reloading engine\.$' ods-signer reload >/dev/null
expect_output '^Engine shut down\.$' ods-signer stop >/dev/null
expect_failure 'Engine not running' ods-signer running >/dev/null
ods-signer start || fail "ods-signer start failed: $(tail -n 5 "$S/signer/ods-signerd.log" 2>&1)"
expect_output '^Engine running\.$' ods-signer running >/dev/null
sign nsec.test
true
