#!/usr/bin/env bash
# Leader election, failover and fencing of ods-enforcerd. Three enforcers share the cluster's
# database, each on a conf.xml that differs only in Cluster/Enforcer/Listen and Metrics; the
# CLI's conf.xml lists all three as <Endpoint>s, standbys first.
#  1. exactly one leads; a write sent to a standby alone is refused and names the leader; the
#     endpoint list reaches the leader;
#  2. 20 zones (algorithm 13 in SoftHSM); kill -9 of the leader in the middle of a time leap's
#     pass, inside a zone's transaction: the successor's epoch bump waits for that transaction,
#     then a standby leads with a higher epoch, finishes the pass, no key is lost or written
#     twice, and a time leap walk reaches the steady state for every zone;
#  3. SIGSTOP of the leader: no takeover within 3 s (its lock session stays connected); once
#     the session's lease (idle_session_timeout, 10 s) ends it, a standby takes over; the
#     resumed old leader is fenced and changes no table, whatever it is asked to do;
#  4. SIGTERM of the leader right after a time leap: the fenced old leader leads again, at
#     once on the leapt clock, and keeps leading.
# shellcheck disable=SC2154 # ODS_* and the helpers come from run-case and lib.sh

export ODS_EXAMPLE=0
N_ZONES=20
TAKEOVER_MAX_MS=5000
LOCK_KEY="hashtext('ods-enforcer-leader')::bigint & 4294967295"

step "cluster up --testing"
cluster up --testing >/dev/null
eval "$(cluster env)"
DB=$(conf_value /Configuration/Cluster/Database)
[[ -n $DB ]] || fail "conf.xml has no Cluster/Database"
cp kasp.xml "$ODS_STATE/etc/kasp.xml" # conf.xml's PolicyFile

sql() { psql "$DB" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
epoch() { sql 'SELECT epoch FROM enforcer_leader WHERE id = 1'; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# The backend that holds the leader's advisory lock (empty when nobody holds it).
lock_backend() {
	sql "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid::bigint = ($LOCK_KEY)"
}

# Enforcer I (1 is the cluster's own): URL, METrics address, CONF, PID, LOG; OUT[I] is set
# while it is stopped or dead (it is then not asked anything).
declare -a URL MET CONFX PID LOG
declare -A OUT=()
URL[1]=$(conf_value /Configuration/Cluster/Enforcer/Listen)
MET[1]=$(conf_value /Configuration/Cluster/Enforcer/Metrics)
CONFX[1]=$ODS_CONF
PID[1]=$(pid_of enforcer)
LOG[1]=$ODS_STATE/log/enforcerd.log

port_busy() {
	[[ -n $(ss -Htan "sport = :$1" 2>/dev/null) ]] || (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
next_port=$((40000 + RANDOM % 20000)) # above the range the cluster picks from
free_port() {
	while port_busy "$next_port"; do next_port=$((next_port + 1)); done
	printf -v "$1" '%s' "$next_port"
	next_port=$((next_port + 1))
}

step "two more enforcers, on conf.xml copies that differ only in Listen and Metrics"
orig="<Enforcer><Listen>${URL[1]}</Listen><Metrics>${MET[1]}</Metrics></Enforcer>"
grep -qF "$orig" "$ODS_CONF" || fail "conf.xml has no $orig"
for i in 2 3; do
	free_port port
	free_port mport
	URL[i]=tcp://127.0.0.1:$port
	MET[i]=127.0.0.1:$mport
	CONFX[i]=$ODS_STATE/enforcer$i.xml
	LOG[i]=$ODS_STATE/log/enforcerd$i.log
	(umask 077 && sed "s|$orig|<Enforcer><Listen>${URL[i]}</Listen><Metrics>${MET[i]}</Metrics></Enforcer>|" \
		"$ODS_CONF" >"${CONFX[i]}")
	changed=$(diff "$ODS_CONF" "${CONFX[i]}" | grep -c '^[<>]' || true)
	if ((changed != 2)) || ! grep -qF "<Listen>${URL[i]}</Listen>" "${CONFX[i]}"; then
		fail "enforcer$i.xml is not conf.xml with another Listen and Metrics"
	fi
	# -c $ODS_STATE/...: run-case's clean-up finds it by that
	"$ODS_BIN/ods-enforcerd" -c "${CONFX[i]}" </dev/null >>"${LOG[i]}" 2>&1 &
	PID[i]=$!
done
for i in 2 3; do
	wait_http "${MET[i]}" /readyz 'HTTP 200' 15 || fail "enforcer $i (${URL[i]}) not ready"
done

CLI=$ODS_STATE/cli.xml
eps="<Endpoint>${URL[3]}</Endpoint><Endpoint>${URL[2]}</Endpoint><Endpoint>${URL[1]}</Endpoint>"
(umask 077 && sed "s|<Enforcer><Listen>${URL[1]}</Listen>|&$eps|" "$ODS_CONF" >"$CLI")
(($(grep -o '<Endpoint>' "$CLI" | wc -l) == 3)) || fail "cli.xml does not list three endpoints"
export ODS_CONF=$CLI

# role_of I: "leader" or "standby" as enforcer I says of itself (Health over RPC).
role_of() {
	ods-enforcer -s "${URL[$1]}" -t 3 -v running 2>/dev/null |
		sed -n 's/.*, \(leader\|standby\)$/\1/p' || true
}
# leaders: the running enforcers that say they lead.
leaders() {
	local i out=""
	for i in 1 2 3; do
		if [[ -z ${OUT[$i]:-} && $(role_of "$i") == leader ]]; then out+="$i "; fi
	done
	printf '%s' "$out"
}
# wait_leader NOT SECONDS: until exactly one enforcer leads, and it is not NOT; sets LEADER.
wait_leader() {
	local deadline=$((SECONDS + $2)) l
	while ((SECONDS < deadline)); do
		l=$(leaders)
		if [[ $l =~ ^[0-9]\ $ && ${l% } != "$1" ]]; then
			LEADER=${l% }
			return 0
		fi
		sleep 0.2
	done
	echo "leaders: '${l:-}'" >&2
	return 1
}
# wait_log I PATTERN SECONDS [FROM_BYTE]: until enforcer I's log matches (grep -E).
wait_log() {
	local deadline=$((SECONDS + $3))
	while ((SECONDS < deadline)); do
		grep -Eq -- "$2" <(tail -c +"$((${4:-0} + 1))" "${LOG[$1]}") && return 0
		sleep 0.1
	done
	return 1
}
# reap I: wait until enforcer I, just killed, is gone (ours are children: wait for them).
reap() {
	if (($1 == 1)); then
		wait_gone "${PID[1]}" 10 || fail "enforcer 1 did not die"
	else
		wait "${PID[$1]}" 2>/dev/null || true
	fi
}
show_roles() {
	local i
	for i in 1 2 3; do
		printf '  enforcer %s  %-24s pid %-7s %s\n' "$i" "${URL[i]}" "${PID[i]}" \
			"${OUT[$i]:-$(role_of "$i")}"
	done
}

# key_table: `key list -d -p` (zone;role;DS;DNSKEY;RRSIGDNSKEY;RRSIG;pub;act;locator).
key_table() { ods-enforcer key list -d -p; }
zone_name() { printf 'z%02d.test' "$1"; }

# check_keys WHAT: every zone has exactly one KSK and one ZSK, no key is in two places, and
# the pool agrees with the zones (every zone key is taken, no taken key is lost).
check_keys() {
	local t bad
	t=$(key_table) || fail "key list failed ($1)"
	printf '%s\n' "$t" >"$ODS_STATE/keys.$1"
	bad=$(awk -F';' -v n="$N_ZONES" '
		{ c[$1 ";" $2]++; zones[$1] = 1; if (seen[$9]++) print "locator " $9 " listed twice" }
		END {
			for (i = 1; i <= n; i++) {
				z = sprintf("z%02d.test", i)
				if (!(z in zones)) { print z " has no keys"; continue }
				if (c[z ";KSK"] != 1) print z " has " c[z ";KSK"] + 0 " KSKs"
				if (c[z ";ZSK"] != 1) print z " has " c[z ";ZSK"] + 0 " ZSKs"
			}
		}' <<<"$t")
	[[ -z $bad ]] || fail "keys inconsistent ($1): $bad"$'\n'"$t"
	bad=$(sql "SELECT 'hsm key ' || hsm_key_id || ' used by ' || count(*) || ' zone keys'
		FROM key GROUP BY hsm_key_id HAVING count(*) > 1
		UNION ALL SELECT 'zone key ' || k.id || ' not taken from the pool (state '
		|| coalesce(p.state::text, 'none') || ')' FROM key k
		LEFT JOIN key_pool p USING (hsm_key_id) WHERE p.state IS DISTINCT FROM 1
		UNION ALL SELECT 'pool key ' || p.hsm_key_id || ' taken but in no zone' FROM key_pool p
		WHERE p.state = 1 AND NOT EXISTS (SELECT 1 FROM key k WHERE k.hsm_key_id = p.hsm_key_id)")
	[[ -z $bad ]] || fail "database inconsistent ($1): $bad"
	echo "keys consistent ($1): $N_ZONES zones, one KSK and one ZSK each, every key once"
}
# steady: every zone's KSK and ZSK have all their records omnipresent.
steady() {
	key_table | awk -F';' '
		$2 == "KSK" && !($3 == "omnipresent" && $4 == "omnipresent" && $5 == "omnipresent") { bad = 1 }
		$2 == "ZSK" && !($4 == "omnipresent" && $6 == "omnipresent") { bad = 1 }
		END { exit bad }'
}
# due: zones whose enforce time has come on the cluster clock.
due() {
	sql "SELECT count(*) FROM zone WHERE next_change <= extract(epoch FROM now())::bigint +
		(SELECT clock_offset_s FROM cluster WHERE id = 1)"
}
# table_sums: a checksum of each table the enforcer writes, itself or through the keystore.
table_sums() {
	local t
	for t in key key_dependency key_pool hsm_key zone signconf policy cluster enforcer_leader; do
		printf '%s %s\n' "$t" "$(sql "SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM $t x")"
	done
}

# ---- 1. election ---------------------------------------------------------------------------

step "exactly one enforcer leads, the other two are standbys"
wait_leader 0 10 || fail "no single leader"
show_roles
standbys=()
for i in 1 2 3; do
	if [[ $(role_of "$i") == standby ]]; then standbys+=("$i"); fi
done
((${#standbys[@]} == 2)) || fail "expected two standbys, got: ${standbys[*]}"
e=$(epoch)
grep -q "event=leading epoch=$e " "${LOG[LEADER]}" || fail "the leader did not log epoch $e"

step "a write sent to a standby alone is refused and names the leader"
for i in "${standbys[@]}"; do
	expect_failure "standby; the leader is ${URL[LEADER]}" ods-enforcer -s "${URL[i]}" policy import
done
[[ $(sql 'SELECT count(*) FROM policy') == 0 ]] || fail "a standby imported the policy"

step "with the endpoint list (standbys first) the same write reaches the leader"
expect_output 'policy fo' ods-enforcer policy import
[[ $(sql "SELECT count(*) FROM policy WHERE name = 'fo'") == 1 ]] || fail "policy fo not stored"

# ---- 2. kill -9 during an enforce pass -----------------------------------------------------

step "$N_ZONES zones on policy fo"
for ((z = 1; z <= N_ZONES; z++)); do
	ods-enforcer zone add -z "$(zone_name "$z")" -p fo >/dev/null || fail "zone add $z failed"
done
check_keys added

step "kill -9 the leader in the middle of a time leap's pass, inside a zone's transaction"
old=$LEADER
old_epoch=$(epoch)
off=$(stat -c %s "${LOG[old]}")
# The tenth zone of the pass is row-locked by a session of our own, so the pass stops in that
# zone's fenced transaction (enf_tx_begin has share-locked enforcer_leader) after committing
# nine zones, however fast it is.
held=$(sql 'SELECT name FROM zone ORDER BY next_change, id OFFSET 9 LIMIT 1')
mkfifo "$ODS_STATE/hold.in"
psql "$DB" -XAtq -v ON_ERROR_STOP=1 <"$ODS_STATE/hold.in" >"$ODS_STATE/hold.out" 2>&1 &
holder=$!
exec 7>"$ODS_STATE/hold.in"
printf "BEGIN;\nSELECT 'held' FROM zone WHERE name = '%s' FOR UPDATE;\n" "$held" >&7
for ((i = 0; i < 50; i++)); do
	grep -q held "$ODS_STATE/hold.out" && break
	sleep 0.1
done
grep -q held "$ODS_STATE/hold.out" || fail "cannot lock zone $held: $(cat "$ODS_STATE/hold.out")"
# Past every zone's next run, so that one pass has all of them to do.
last=$(sql 'SELECT max(next_change) FROM zone')
ods-enforcer time leap --time "$(date -d "@$((last + 1))" +%Y-%m-%d-%H:%M:%S)" \
	>"$ODS_STATE/leap.out" 2>&1 7>&- &
leap=$!
waiting="SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
for ((i = 0; i < 100; i++)); do
	[[ $(sql "$waiting AND query LIKE '%FOR UPDATE OF z%'") == 1 ]] && break
	sleep 0.1
done
[[ $(sql "$waiting AND query LIKE '%FOR UPDATE OF z%'") == 1 ]] || fail "the pass never reached $held"
kill -KILL "${PID[old]}"
t_kill=$(now_ms)
OUT[$old]=killed
reap "$old"
done_old=$(tail -c +$((off + 1)) "${LOG[old]}" |
	sed -n 's/.*mod=enforce event=transition zone=\([^ ]*\) .*/\1/p' | sort -u)
n_old=$(grep -c . <<<"$done_old" || true)
echo "enforcer $old (epoch $old_epoch) was killed in zone $held, after committing $n_old of $N_ZONES zones"
((n_old == 9)) || fail "expected nine zones committed before $held: $done_old"
if wait "$leap"; then fail "the time leap succeeded: $(cat "$ODS_STATE/leap.out")"; fi
grep -q 'connection lost during the call' "$ODS_STATE/leap.out" ||
	fail "the time leap failed for another reason: $(cat "$ODS_STATE/leap.out")"
echo "the time leap it served: $(cat "$ODS_STATE/leap.out")"

step "the dead leader's open transaction holds the successor's epoch bump back"
# Its lock session is gone at once, but the backend of its open transaction only notices the
# dead client when it has something to send, after our lock.
for ((i = 0; i < 50; i++)); do
	[[ $(sql "$waiting AND query LIKE 'UPDATE enforcer_leader%'") == 1 ]] && break
	sleep 0.1
done
[[ $(sql "$waiting AND query LIKE 'UPDATE enforcer_leader%'") == 1 ]] ||
	fail "no standby is waiting to bump the epoch"
sleep 1
[[ $(epoch) == "$old_epoch" && -z $(leaders) ]] ||
	fail "the epoch moved under a transaction of the old epoch"
echo "a standby holds the leader lock; its epoch bump waits for the dead leader's transaction"
printf 'COMMIT;\n' >&7
exec 7>&-
t_release=$(now_ms)
wait "$holder" || fail "the holding session failed: $(cat "$ODS_STATE/hold.out")"

step "once it ends, a standby leads within $((TAKEOVER_MAX_MS / 1000)) s, with a higher epoch"
new=""
while [[ -z $new ]] && (($(now_ms) - t_release < 10000)); do
	for i in 1 2 3; do
		[[ -z ${OUT[$i]:-} ]] || continue
		if grep -q "event=leading epoch=$((old_epoch + 1)) " "${LOG[i]}"; then new=$i; fi
	done
	[[ -n $new ]] || sleep 0.05
done
[[ -n $new ]] || fail "no standby logged event=leading epoch=$((old_epoch + 1))"
took=$(($(now_ms) - t_release))
echo "enforcer $new leads with epoch $((old_epoch + 1)), ${took} ms after the transaction ended ($(($(now_ms) - t_kill)) ms after the kill)"
((took <= TAKEOVER_MAX_MS)) || fail "takeover took ${took} ms"
wait_leader "$old" 5 || fail "the CLI does not see a single new leader"
[[ $LEADER == "$new" ]] || fail "enforcer $LEADER says it leads, enforcer $new logged it"
show_roles

step "the new leader finishes the interrupted pass"
for ((i = 0; i < 100; i++)); do
	[[ $(due) == 0 ]] && break
	sleep 0.1
done
n_due=$(due)
((n_due == 0)) || fail "$n_due zones still due 10 s after the takeover"
off_new=$(grep -b "event=leading epoch=$((old_epoch + 1)) " "${LOG[new]}" | cut -d: -f1)
done_new=$(tail -c +$((off_new + 1)) "${LOG[new]}" |
	sed -n 's/.*mod=enforce event=transition zone=\([^ ]*\) .*/\1/p' | sort -u)
n_new=$(grep -c . <<<"$done_new" || true)
echo "the new leader ran $n_new zones"
both=$(comm -12 <(printf '%s\n' "$done_old") <(printf '%s\n' "$done_new"))
[[ -z $both ]] || fail "zones run for the same step by both leaders: $both"
check_keys takeover

step "the CLI works against the new leader"
[[ $(role_of "$new") == leader ]] || fail "enforcer $new does not say leader"
expect_output "$(zone_name 1)" ods-enforcer key list >/dev/null
ods-enforcer enforce >/dev/null || fail "enforce through the endpoint list failed"

step "a time leap walk reaches the steady state for every zone"
for ((n = 0; n < 40; n++)); do
	steady && break
	ods-enforcer key ds-submit --all >/dev/null 2>&1 || true
	ods-enforcer key ds-seen --all >/dev/null 2>&1 || true
	ods-enforcer time leap >>"$ODS_STATE/walk.out" 2>&1 || fail "time leap failed: $(tail -n 3 "$ODS_STATE/walk.out")"
done
steady || fail "no steady state after $n leaps: $(key_table)"
echo "steady after $n leaps"
check_keys walk

# ---- 3. SIGSTOP and fencing; 4. handover ---------------------------------------------------

step "SIGSTOP the leader: its lock session stays, so nobody takes over"
B=$LEADER
b_epoch=$(epoch)
b_lock=$(lock_backend)
[[ -n $b_lock ]] || fail "nobody holds the leader lock"
kill -STOP "${PID[B]}"
OUT[$B]=stopped
sleep 3 # three rounds of the standbys' lock attempts
l=$(leaders)
[[ -z $l ]] || fail "enforcer $l leads while the stopped leader holds the lock"
[[ $(epoch) == "$b_epoch" && $(lock_backend) == "$b_lock" ]] ||
	fail "the epoch or the lock moved while the leader was stopped"
echo "3 s stopped: no takeover; backend $b_lock still holds the lock for epoch $b_epoch"

step "the stopped leader's lock session runs out of lease: a standby takes over"
C=""
for i in 1 2 3; do if [[ -z ${OUT[$i]:-} ]]; then C=$i; fi; done
c_off=$(stat -c %s "${LOG[C]}")
t0=$(now_ms)
wait_log "$C" "event=leading epoch=$((b_epoch + 1)) " 30 "$c_off" ||
	fail "enforcer $C did not take over after the lease ran out"
[[ -z $(sql "SELECT pid FROM pg_stat_activity WHERE pid = $b_lock") ]] ||
	fail "the stopped leader's lock session $b_lock is still there"
echo "enforcer $C leads with epoch $((b_epoch + 1)), $(($(now_ms) - t0)) ms after the 3 s check (lease 10 s)"
# Let its first round (key pool, due zones) end before it is paused.
wait_log "$C" 'mod=sched event=(sleeping|idle)' 10 "$c_off" || fail "enforcer $C never went idle"
LEADER=$C

step "resume the old leader (the new one paused): it is fenced and writes nothing"
kill -STOP "${PID[C]}"
OUT[$C]=stopped
table_sums >"$ODS_STATE/sums.before"
b_off=$(stat -c %s "${LOG[B]}")
# Queued while it is stopped, so they reach it the moment it runs again, probably before its
# own leader check notices the lost lock.
ods-enforcer -s "${URL[B]}" -t 20 enforce >"$ODS_STATE/fenced.enforce" 2>&1 &
w1=$!
ods-enforcer -s "${URL[B]}" -t 20 zone add -z late.test -p fo >"$ODS_STATE/fenced.zone" 2>&1 &
w2=$!
ods-enforcer -s "${URL[B]}" -t 20 key ds-submit --all >"$ODS_STATE/fenced.ds" 2>&1 &
w3=$!
ods-enforcer -s "${URL[B]}" -t 20 time leap --time "$(date -d '+400 days' +%Y-%m-%d-%H:%M:%S)" \
	>"$ODS_STATE/fenced.leap" 2>&1 &
w4=$!
ods-enforcer -s "${URL[B]}" -t 20 key generate --policy fo --duration P5Y >"$ODS_STATE/fenced.keygen" 2>&1 &
w5=$!
sleep 1
kill -CONT "${PID[B]}"
unset 'OUT[$B]'
for w in "$w1" "$w2" "$w3" "$w4" "$w5"; do
	if wait "$w"; then fail "a write on the old leader succeeded: $(cat "$ODS_STATE"/fenced.*)"; fi
done
for f in enforce zone ds leap keygen; do
	echo "  $f on the old leader: $(tr '\n' ' ' <"$ODS_STATE/fenced.$f")"
	grep -Eq 'fenced|standby; the leader is|not the leader' "$ODS_STATE/fenced.$f" ||
		fail "$f on the old leader failed for another reason"
done
wait_log "$B" 'mod=leader event=step_down' 5 "$b_off" || fail "the old leader did not step down"
tail -c +$((b_off + 1)) "${LOG[B]}" | sed -n '/fenced\|step_down/s/^/  /p'
[[ $(role_of "$B") == standby ]] || fail "the old leader does not say standby"
sleep 1 # a little time for any late write
table_sums >"$ODS_STATE/sums.after"
changed=$(diff "$ODS_STATE/sums.before" "$ODS_STATE/sums.after" | sed -n 's/^> \([a-z_]*\) .*/\1/p' | tr '\n' ' ')
[[ -z $changed ]] || fail "the fenced old leader changed: $changed"
echo "no table changed while only the fenced old leader ran"

step "the new leader resumes and serves the endpoint list"
kill -CONT "${PID[C]}"
unset 'OUT[$C]'
[[ $(epoch) == $((b_epoch + 1)) ]] || fail "epoch moved"
wait_leader 0 5 || fail "no single leader after the resume"
[[ $LEADER == "$C" ]] || fail "enforcer $LEADER leads, expected $C"
expect_output 'added successfully' ods-enforcer zone add -z late.test -p fo >/dev/null
expect_output 'late.test;KSK' key_table >/dev/null
check_keys resume

step "SIGTERM of the leader just after a time leap: the fenced old leader takes over, on the leapt clock"
cluster_now() { sql "SELECT extract(epoch FROM now())::bigint + clock_offset_s FROM cluster WHERE id = 1"; }
ods-enforcer time leap --time "$(date -d "@$(($(cluster_now) + 3600))" +%Y-%m-%d-%H:%M:%S)" >/dev/null ||
	fail "time leap by an hour failed"
b_off=$(stat -c %s "${LOG[B]}")
kill -TERM "${PID[C]}"
t0=$(now_ms)
OUT[$C]=stopped
reap "$C"
wait_log "$B" "event=leading epoch=$((b_epoch + 2)) " 10 "$b_off" || fail "enforcer $B did not take over"
echo "enforcer $B leads with epoch $((b_epoch + 2)), $(($(now_ms) - t0)) ms after SIGTERM"
grep -q 'event=stopped' "${LOG[C]}" || fail "enforcer $C did not stop cleanly"
# It leads on the leapt clock at once, not only after its next periodic refresh.
its_now=$(ods-enforcer -s "${URL[B]}" queue | sed -n 's/^It is now.*(\([0-9]*\) seconds since epoch)$/\1/p')
cl_now=$(cluster_now)
echo "its clock says ${its_now:-?}, the cluster clock $cl_now"
if [[ -z $its_now ]] || ((its_now < cl_now - 5 || its_now > cl_now + 5)); then
	fail "the new leader runs on a stale clock"
fi
# Its leader connection was terminated in the fencing step and reconnected while it was a
# standby: that must not end the new leadership at its first check.
sleep 1.5
if [[ $(epoch) != $((b_epoch + 2)) ]] || grep -q 'event=step_down' <(tail -c +$((b_off + 1)) "${LOG[B]}"); then
	fail "enforcer $B stepped down again: $(tail -c +$((b_off + 1)) "${LOG[B]}" | grep leader)"
fi
wait_leader 0 5 || fail "no single leader"
[[ $LEADER == "$B" ]] || fail "enforcer $LEADER leads, expected $B"
show_roles
ods-enforcer enforce >/dev/null || fail "enforce through the endpoint list failed"
check_keys final
