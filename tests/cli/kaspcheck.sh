#!/usr/bin/env bash
# ods-kaspcheck as an operator runs it: a good policy passes, a policy whose Refresh is not
# above Resign fails naming kasp.xml and the line, broken XML fails naming file:line, an
# unknown repository is an error, and Debian's own example files pass when installed.
set -euo pipefail
bin=${1:?usage: kaspcheck.sh <ods-kaspcheck>}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

cat >"$t/conf.xml" <<XML
<Configuration>
  <RepositoryList><Repository name="SoftHSM"><Module>/usr/lib/softhsm/libsofthsm2.so</Module><TokenLabel>OpenDNSSEC</TokenLabel></Repository></RepositoryList>
  <Common><PolicyFile>$t/kasp.xml</PolicyFile><ZoneListFile>$t/zonelist.xml</ZoneListFile></Common>
</Configuration>
XML
policy() { # policy RESIGN REFRESH REPOSITORY
	cat <<XML
<KASP>
<Policy name="default">
<Description>test</Description>
<Signatures>
<Resign>$1</Resign>
<Refresh>$2</Refresh>
<Validity><Default>P14D</Default><Denial>P14D</Denial></Validity>
<Jitter>PT12H</Jitter>
<InceptionOffset>PT3600S</InceptionOffset>
</Signatures>
<Denial><NSEC/></Denial>
<Keys>
<TTL>PT3600S</TTL>
<RetireSafety>PT3600S</RetireSafety>
<PublishSafety>PT3600S</PublishSafety>
<KSK><Algorithm length="256">13</Algorithm><Lifetime>P365D</Lifetime><Repository>$3</Repository></KSK>
<ZSK><Algorithm length="256">13</Algorithm><Lifetime>P90D</Lifetime><Repository>$3</Repository></ZSK>
</Keys>
<Zone><PropagationDelay>PT43200S</PropagationDelay><SOA><TTL>PT3600S</TTL><Minimum>PT3600S</Minimum><Serial>unixtime</Serial></SOA></Zone>
<Parent><PropagationDelay>PT9999S</PropagationDelay><DS><TTL>PT3600S</TTL></DS><SOA><TTL>PT172800S</TTL><Minimum>PT10800S</Minimum></SOA></Parent>
</Policy>
</KASP>
XML
}

policy PT2H P3D SoftHSM >"$t/kasp.xml"
out=$("$bin" -v -c "$t/conf.xml" 2>&1) || fail "a good policy failed: $out"
echo "$out"

policy P3D PT2H SoftHSM >"$t/kasp.xml"
if out=$("$bin" -c "$t/conf.xml" 2>&1); then fail "Refresh below Resign passed: $out"; fi
echo "$out"
grep -Eq 'kasp.xml:[0-9]+: ERROR: .*Refresh' <<<"$out" || fail "no ERROR naming kasp.xml:line and Refresh"

policy PT2H P3D NoSuchHSM >"$t/kasp.xml"
if out=$("$bin" -c "$t/conf.xml" 2>&1); then fail "an unknown repository passed: $out"; fi
grep -q 'NoSuchHSM' <<<"$out" || fail "the unknown repository is not named: $out"

printf '<KASP>\n<Policy name="x">\n<Signatures>\n' >"$t/kasp.xml"
if out=$("$bin" -c "$t/conf.xml" 2>&1); then fail "broken XML passed"; fi
grep -Eq 'kasp.xml:[0-9]+' <<<"$out" || fail "broken XML without file:line: $out"

if [[ -r /etc/opendnssec/kasp.xml && -r /etc/opendnssec/conf.xml ]]; then
	"$bin" -c /etc/opendnssec/conf.xml || fail "Debian's example files do not pass"
fi
echo "kaspcheck: ok"
