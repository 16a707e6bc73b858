#!/usr/bin/env bash
# Several ods-signerd workers sharing the work of one zone, and what happens when things break:
#  1. a zone big enough for many chunks (ChunkSize 400) is signed by two workers: the chunks
#     are done by both, the output validates;
#  2. kill -9 of a worker while it signs a chunk: the other takes the chunk over once its
#     lease (JobLease 6 s) ran out, and the zone is published complete and valid;
#  3. the keystore goes away: the sign job waits (its attempts are not used up) and finishes
#     once the keystore is back.
# shellcheck disable=SC2154 # ODS_* and the helpers come from run-case and lib.sh
S=$ODS_STATE
W=$S/workers
mkdir -p "$W"
NAMES=3000

sql() { psql "$DB" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

validate() {
	local out
	out=$(ldns-verify-zone "$W/big.test.signed" 2>&1) ||
		fail "ldns-verify-zone rejects big.test: $(tail -n 5 <<<"$out")"
	out=$(dnssec-verify -o big.test "$W/big.test.signed" 2>&1) ||
		fail "dnssec-verify rejects big.test: $(tail -n 5 <<<"$out")"
	echo "  ldns-verify-zone and dnssec-verify accept it ($(grep -c RRSIG "$W/big.test.signed") RRSIG lines)"
}

# last_sign: the id of the newest sign job of big.test that made chunks.
last_sign() {
	sql "SELECT max(parent_id) FROM job WHERE kind = 'chunk' AND zone_id = (SELECT id FROM zone WHERE name = 'big.test')"
}

# serial: the published SOA serial of big.test.
serial() { awk '$4 == "SOA" { print $7; exit }' "$W/big.test.signed"; }

# wait_serial_above N [SECONDS]: until the published serial is greater than N.
wait_serial_above() {
	local i
	for ((i = 0; i < ${2:-120} * 5; i++)); do
		[[ -s $W/big.test.signed && $(serial) -gt $1 ]] && return 0
		sleep 0.2
	done
	fail "big.test was not published again (serial $(serial)); queue: $(ods-signer queue 2>&1)"
}

step "cluster up; the signer with ChunkSize 400 and JobLease 6 s; a second worker"
cluster up >/dev/null
eval "$(cluster env)"
DB=$(conf_value /Configuration/Cluster/Database)
# the OpenDNSSEC <Signer> section (the one with a WorkingDirectory), not Cluster/Signer
sed 's|\(<Signer><WorkingDirectory>[^<]*</WorkingDirectory>\)|\1<ChunkSize>400</ChunkSize><JobLease>PT6S</JobLease>|' \
	"$ODS_CONF" >"$W/signer.xml"
grep -q '<ChunkSize>400</ChunkSize>' "$W/signer.xml" || fail "no ChunkSize in signer.xml"
restart_with signer "$W/signer.xml"
A_PID=$(pid_of signer)
url=$(conf_value /Configuration/Cluster/Signer/Listen)
met=$(conf_value /Configuration/Cluster/Signer/Metrics)
port=$((40000 + RANDOM % 20000))
mport=$((port + 1))
sed -e "s|<Listen>$url</Listen>|<Listen>tcp://127.0.0.1:$port</Listen>|" \
	-e "s|<Metrics>$met</Metrics>|<Metrics>127.0.0.1:$mport</Metrics>|" \
	-e "s|signerd.pid|signerd2.pid|" "$S/signer.xml" >"$S/signer2.xml"
start_b() {
	SOFTHSM2_CONF=$S/softhsm/softhsm2.conf "$ODS_BIN/ods-signerd" -c "$S/signer2.xml" \
		</dev/null >>"$S/log/signerd2.log" 2>&1 &
	B_PID=$!
	wait_http "127.0.0.1:$mport" /readyz 'HTTP 200' 15 || fail "the second worker is not ready"
}
start_b
echo "  workers: pid $A_PID (tcp $url) and pid $B_PID (tcp port $port)"

step "a zone of $NAMES names in chunks, signed by both workers"
{
	# shellcheck disable=SC2016 # $ORIGIN and $TTL are zone file directives
	printf '$ORIGIN big.test.\n$TTL 3600\n@ SOA ns1 hostmaster 1 3600 900 1209600 300\n'
	printf '@ NS ns1\nns1 A 192.0.2.1\n'
	for ((i = 0; i < NAMES; i++)); do
		printf 'h%d A 192.0.2.%d\nh%d TXT "name %d"\n' "$i" $((i % 250 + 1)) "$i" "$i"
	done
} >"$W/big.test"
cat >"$W/kasp.xml" <<-EOF
	<?xml version="1.0" encoding="UTF-8"?>
	<KASP><Policy name="big"><Description>workers test</Description>
	  <Signatures><Resign>PT2H</Resign><Refresh>P3D</Refresh>
	    <Validity><Default>P14D</Default><Denial>P14D</Denial></Validity>
	    <Jitter>PT12H</Jitter><InceptionOffset>PT3600S</InceptionOffset></Signatures>
	  <Denial><NSEC3><Resalt>P100D</Resalt><Hash><Algorithm>1</Algorithm><Iterations>0</Iterations><Salt length="0"/></Hash></NSEC3></Denial>
	  <Keys><TTL>PT3600S</TTL><RetireSafety>PT3600S</RetireSafety><PublishSafety>PT3600S</PublishSafety>
	    <KSK><Algorithm length="256">13</Algorithm><Lifetime>P365D</Lifetime><Repository>SoftHSM</Repository></KSK>
	    <ZSK><Algorithm length="256">13</Algorithm><Lifetime>P90D</Lifetime><Repository>SoftHSM</Repository></ZSK></Keys>
	  <Zone><PropagationDelay>PT43200S</PropagationDelay><SOA><TTL>PT3600S</TTL><Minimum>PT300S</Minimum><Serial>counter</Serial></SOA></Zone>
	  <Parent><PropagationDelay>PT9999S</PropagationDelay><DS><TTL>PT3600S</TTL></DS><SOA><TTL>PT172800S</TTL><Minimum>PT10800S</Minimum></SOA></Parent>
	</Policy></KASP>
EOF
ods-enforcer policy import --file "$W/kasp.xml" >/dev/null
ods-enforcer zone add --zone big.test --policy big --input "$W/big.test" --output "$W/big.test.signed" >/dev/null
expect_output 'Zone big.test signed and published' ods-signer sign big.test --wait 240 >/dev/null
validate
job=$(last_sign)
[[ -n $job ]] || fail "big.test was not cut into chunks"
chunks=$(sql "SELECT count(*) FROM job WHERE parent_id = $job")
workers=$(sql "SELECT count(DISTINCT split_part(done_by, ':', 2)) FROM job WHERE parent_id = $job")
echo "  sign job $job: $chunks chunks, done by $workers workers"
((chunks >= 5)) || fail "only $chunks chunks"
((workers == 2)) || fail "the chunks were done by $workers worker(s): $(sql "SELECT id, done_by FROM job WHERE parent_id = $job")"
grep -q '\[STATS\] big.test ' "$S/log/signerd.log" "$S/log/signerd2.log" || fail "no [STATS] line"

step "kill -9 of a worker in the middle of a chunk: the other finishes the zone"
s0=$(serial)
ods-signer clear big.test >/dev/null # everything is signed again, in chunks
ods-signer sign big.test >/dev/null
victim=""
for ((i = 0; i < 300; i++)); do
	owner=$(sql "SELECT lease_owner FROM job WHERE kind = 'chunk' AND state = 'running' AND zone_id = (SELECT id FROM zone WHERE name = 'big.test') LIMIT 1")
	if [[ -n $owner ]]; then
		victim=${owner##*:}
		break
	fi
	sleep 0.1
done
[[ -n $victim ]] || fail "no chunk was ever running"
chunk=$(sql "SELECT id FROM job WHERE kind = 'chunk' AND state = 'running' AND lease_owner LIKE '%:$victim' LIMIT 1")
kill -9 "$victim"
echo "  killed worker $victim while it held chunk $chunk"
if [[ $victim == "$A_PID" ]]; then survivor=$B_PID; else survivor=$A_PID; fi
wait_serial_above "$s0" 180
validate
state=$(sql "SELECT state || ' ' || attempts || ' ' || split_part(done_by, ':', 2) FROM job WHERE id = $chunk")
echo "  chunk $chunk: $state"
[[ $state == "done 2 $survivor" ]] || fail "chunk $chunk was not taken over by worker $survivor: $state"
# Bring the killed worker back (the cluster's pid file names the one ods-signer reaches).
if [[ $victim == "$A_PID" ]]; then
	restart_with signer "$W/signer.xml"
	A_PID=$(pid_of signer)
else
	start_b
fi

step "the keystore goes away: the job waits, unspent, and finishes when it is back"
s1=$(serial)
kill -TERM "$(pid_of keystore)"
wait_gone "$(pid_of keystore)" 10 || fail "ods-keystored did not stop"
echo 'new1 A 192.0.2.201' >>"$W/big.test"
ods-signer sign big.test >/dev/null
waiting=0
for ((i = 0; i < 60 && waiting == 0; i++)); do # each try waits for the keystore a while
	sleep 1
	waiting=$(sql "SELECT count(*) FROM job WHERE zone_id = (SELECT id FROM zone WHERE name = 'big.test') AND state = 'queued' AND error <> '' AND attempts <= 1")
done
((waiting >= 1)) || fail "no job waits for the keystore: $(ods-signer queue 2>&1)"
sleep 6 # another round or two: the attempts must not be used up
ods-signer queue | grep -E 'big.test' | head -n 3 | sed 's/^/  /'
[[ $(serial) == "$s1" ]] || fail "published without a keystore"
cluster up >/dev/null # starts what is missing: the keystore
wait_serial_above "$s1" 120
grep -q '^new1\.big\.test\.' "$W/big.test.signed" || fail "the new record is not published"
validate
parked=$(sql "SELECT count(*) FROM job WHERE state IN ('parked', 'failed') AND zone_id = (SELECT id FROM zone WHERE name = 'big.test')")
((parked == 0)) || fail "$parked jobs parked or failed: $(sql "SELECT id, kind, state, error FROM job WHERE state IN ('parked', 'failed')")"
