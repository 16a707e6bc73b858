#!/usr/bin/env bash
# ods-signerd and ods-signer as an operator meets them: zones signed with NSEC, NSEC3 and
# NSEC3 opt-out from one awkward zone file (wildcards, empty non-terminals, delegations with
# and without DS, glue, occluded data, CNAME and DNAME, mixed case, escaped labels, an
# unknown type, $INCLUDE), every output checked by ldns-verify-zone and dnssec-verify; an
# incremental change re-signs only what changed ([STATS] shows it); a broken input fails
# with file:line and leaves the published zone untouched; serial modes and `sign --serial`.
# shellcheck disable=SC2154 # ODS_* and the helpers come from run-case and lib.sh
S=$ODS_STATE
W=$S/signer
mkdir -p "$W/in" "$W/out"
cp include.db "$W/in/include.db"
LOG=$S/log/signerd.log

# policy NAME DENIAL SERIAL: a kasp.xml policy, ECDSA P-256 on SoftHSM, short timings.
policy() {
	cat <<-EOF
		<Policy name="$1">
		  <Description>signer test $1</Description>
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

step "cluster up; policies NSEC, NSEC3, NSEC3 opt-out"
cluster up >/dev/null
eval "$(cluster env)"
{
	echo '<?xml version="1.0" encoding="UTF-8"?><KASP>'
	policy nsec '<NSEC/>' unixtime
	policy nsec3 "$NSEC3" counter
	policy optout "$NSEC3_OPTOUT" datecounter
	policy keep '<NSEC/>' keep
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
true
