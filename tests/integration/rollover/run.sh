#!/usr/bin/env bash
# Key rollovers through the real ods-enforcer CLI and ods-enforcerd, with `time leap`, one zone
# per scenario in one cluster, and an independent invariant checker (keystate_check: every
# combination of DS, DNSKEY and signature versions still in resolver caches must validate)
# run on every zone after every leap and every command. The operator answers every "waiting
# for ds-…" at once. Scenarios:
#   - RequireBackup: keys on a repository with <RequireBackup/> stay short of omnipresent until
#     `backup prepare` and `backup commit`;
#   - KSK rollovers started by `key rollover --keytype KSK`, one per KskRollType;
#   - ZSK rollovers by lifetime expiry, one per ZskRollType;
#   - CSK rollovers: CskPrePublication by lifetime, the four other types by `key rollover`;
#   - an algorithm rollover (13 -> 15) by policy import;
#   - `key rollover --zone` of one zone, its sibling on the same policy untouched;
#   - `key rollover --zone` of both keys, and again before it is done, with a restart of
#     ods-enforcerd in between;
#   - a DNSKEY TTL lowered from 6h to 10 minutes by policy import: the old TTL is honoured;
#   - ShareKeys (with Purge): two zones share their keys; one rolls its KSK and purges the old
#     one, which stays in the HSM for the other zone; then the other rolls, takes the new
#     shared KSK, and the old one leaves the HSM;
#   - Purge: a dead key disappears once the Purge time has passed (`key rollover --policy`).
# Every roll type's order of events is checked against docs/keystate.md. Findings do not stop
# the walk: they are collected and the case fails at the end with the list. Each zone's signer
# configuration file is checked against the key list (which keys are published, sign the
# DNSKEY set, sign the zone) and the policy's DNSKEY TTL whenever either changes.
# shellcheck source=tests/integration/rollover/policies.sh
. ./policies.sh
export TZ=UTC # `time leap --time` reads local time

chk=$ODS_TEST_BIN/keystate_check
[[ -x $chk ]] || fail "$chk not built"
W=$ODS_STATE/rollover
mkdir -p "$W/sc"
trace=$ODS_STATE/log/rollover.log # every command and its output; run-case shows its tail
KASP=$ODS_STATE/etc/kasp.xml
NOW=0 LEAPS=0 CHECKS=0
OBSERVE_SLACK_S=120 # how much later than a change the case may see it
declare -A POLICY=() LAST=() ALG=() BROKEN=()
ZONES=()
PROBLEMS=()

problem() {
	printf 'PROBLEM: %s\n' "$*" | tee -a "$trace" >&2
	PROBLEMS+=("$*")
}

# E ARGS...: ods-enforcer ARGS, logged; a failure stops the case.
E() {
	local out rc=0
	out=$(ods-enforcer "$@" 2>&1 </dev/null) || rc=$?
	printf '[%s] $ ods-enforcer %s\n%s\n' "$NOW" "$*" "$out" >>"$trace"
	((rc == 0)) || fail "ods-enforcer $* failed (exit $rc): $out"
	printf '%s\n' "$out"
}

# look: the cluster's time and both key lists, into $W/q, $W/v and $W/d. The two lists are
# two calls, and the scheduler may commit a zone's run between them (a command pokes it and
# answers before it is done): the debug list is read before and after the verbose one, and
# all is read again until it did not change in between, so the checker never combines two
# moments of a zone.
look() {
	local try
	E queue >"$W/q"
	NOW=$(sed -n 's/.*It is now.*(\([0-9]*\) seconds since epoch).*/\1/p' "$W/q" | tail -n 1)
	[[ -n $NOW ]] || fail "no time in: $(cat "$W/q")"
	for ((try = 0; try < 10; try++)); do
		E key list -d -p >"$W/d.before"
		E key list -v -p >"$W/v"
		E key list -d -p >"$W/d"
		cmp -s "$W/d.before" "$W/d" && return 0
	done
	fail "the key states keep changing while they are read"
}

# Remember each key's changes ($W/events: time zone role cka_id ds dnskey krrsig rrsig).
record_events() {
	local z role ds dk krs rs cka alg k
	declare -A seen=()
	while IFS=';' read -r z _ _ _ _ alg cka _; do
		[[ -n $cka ]] && ALG[$cka]=$alg
	done <"$W/v"
	while IFS=';' read -r z role ds dk krs rs _ _ cka; do
		[[ -n $cka ]] || continue
		k="$z;$cka"
		seen[$k]=1
		if [[ ${LAST[$k]:-} != "$ds $dk $krs $rs" ]]; then
			LAST[$k]="$ds $dk $krs $rs"
			echo "$NOW $z $role $cka $ds $dk $krs $rs" >>"$W/events"
		fi
	done <"$W/d"
	for k in "${!LAST[@]}"; do
		[[ -n ${seen[$k]:-} || ${LAST[$k]} == gone ]] && continue
		LAST[$k]=gone
		echo "$NOW ${k%%;*} - ${k#*;} gone gone gone gone" >>"$W/events"
	done
}

# check_all: the checker on every zone, on the lists `look` fetched.
check_all() {
	local z rc
	for z in "${ZONES[@]}"; do
		rc=0
		{
			cat "$W/q"
			awk -F';' -v z="$z" '$1 == z' "$W/v" "$W/d"
		} | "$chk" --zone "$z" --kasp "$KASP" --policy "${POLICY[$z]}" "$W/hist.$z" - \
			>"$W/chk.out" 2>&1 || rc=$?
		CHECKS=$((CHECKS + 1))
		cat "$W/chk.out" >>"$trace"
		if ((rc != 0)) && [[ -z ${BROKEN[$z]:-} ]]; then
			# Report a zone once: its bad version stays in the history until it expires.
			BROKEN[$z]=1
			problem "zone $z after: $(tail -n 1 "$W/last_cmd")"$'\n'"$(cat "$W/chk.out")"$'\n'"$(awk -F';' -v z="$z" '$1 == z' "$W/d")"
		fi
		check_signconf "$z"
	done
	record_events
}

# seconds DURATION: P[nD][T[nH][nM][nS]] in seconds; -1 for other forms.
seconds() {
	if [[ $1 =~ ^P(([0-9]+)D)?(T(([0-9]+)H)?(([0-9]+)M)?(([0-9]+)S)?)?$ ]]; then
		echo $((${BASH_REMATCH[2]:-0} * 86400 + ${BASH_REMATCH[5]:-0} * 3600 + ${BASH_REMATCH[7]:-0} * 60 + ${BASH_REMATCH[9]:-0}))
	else
		echo -1
	fi
}

# signconf_keys Z: "cka_id ksk zsk publish" (0/1) of the keys Z's signer configuration flags.
signconf_keys() {
	xmllint --xpath '//Key/Locator/text() | //Key/KSK | //Key/ZSK | //Key/Publish' "$W/sc/$1.xml" 2>/dev/null |
		awk '/^<KSK\/>$/ { k = 1; next } /^<ZSK\/>$/ { zz = 1; next } /^<Publish\/>$/ { p = 1; next }
		NF { if (loc != "") print loc, k + 0, zz + 0, p + 0; loc = $0; k = zz = p = 0 }
		END { if (loc != "") print loc, k + 0, zz + 0, p + 0 }' | grep -v ' 0 0 0$' | sort
}

# keylist_keys Z FILE: the same, as the key list (-d -p) in FILE says it: KSK = signs the DNSKEY
# set, ZSK = signs the zone data, Publish = pub.
keylist_keys() {
	awk -F';' -v z="$1" 'function shown(s) { return s == "rumoured" || s == "omnipresent" }
		$1 == z { print $9, shown($5) ? 1 : 0, shown($6) ? 1 : 0, $7 }' "$2" | grep -v ' 0 0 0$' | sort
}

# check_signconf Z: the signer configuration file of Z (written by the enforcer run that
# changed the keys) flags what the key list says, with the policy's DNSKEY TTL. Checked when
# the key list of Z or the policy changed.
declare -A SC_SEEN=() SC_BROKEN=()
KASP_GEN=0
check_signconf() {
	local z=$1 key want got ttl pttl try
	key="$KASP_GEN $(awk -F';' -v z="$z" '$1 == z' "$W/d")"
	[[ ${SC_SEEN[$z]:-} == "$key" ]] && return 0
	SC_SEEN[$z]=$key
	cp "$W/d" "$W/d.sc"
	for try in 1 2 3; do
		want=$(keylist_keys "$z" "$W/d.sc")
		got=$(signconf_keys "$z")
		ttl=$(seconds "$(xmllint --xpath 'string(//Keys/TTL)' "$W/sc/$z.xml" 2>/dev/null)")
		pttl=$(seconds "$(xmllint --xpath "string(//Policy[@name='${POLICY[$z]}']/Keys/TTL)" "$KASP")")
		[[ $want == "$got" && $ttl == "$pttl" ]] && return 0
		# A run of the scheduler's own (policy import schedules the zones it touches) may have
		# committed since `look`, or be writing the file: look again.
		((try < 3)) && sleep 0.5 && E key list -d -p --zone "$z" >"$W/d.sc"
	done
	[[ -n ${SC_BROKEN[$z]:-} ]] && return 0
	SC_BROKEN[$z]=1
	problem "zone $z: the signer configuration says (cka_id ksk zsk publish):"$'\n'"$got"$'\n'"with DNSKEY TTL $ttl; the key list and policy say:"$'\n'"$want"$'\n'"with TTL $pttl (after: $(tail -n 1 "$W/last_cmd"))"
}

# answer_ds: run one "waiting for ds-…" command; false when nothing waits.
answer_ds() {
	local z next tag
	while IFS=';' read -r z _ _ next _ _ _ _ tag; do
		[[ $next == "waiting for ds-"* ]] || continue
		echo "key ${next#waiting for } --zone $z --keytag $tag" >>"$W/last_cmd"
		E key "${next#waiting for }" --zone "$z" --keytag "$tag" >/dev/null
		return 0
	done <"$W/v"
	return 1
}

# observe: look and check; answer the parent's requests one by one, looking after each.
observe() {
	local i
	for ((i = 0; i < 100; i++)); do
		look
		check_all
		answer_ds || return 0
	done
	fail "DS requests do not end: $(grep 'waiting for' "$W/v")"
}

# cmd ARGS...: an ods-enforcer command, then observe.
cmd() {
	echo "$*" >>"$W/last_cmd"
	E "$@"
	observe
}

leap() {
	echo "time leap (leap $((LEAPS + 1)))" >>"$W/last_cmd"
	E time leap >/dev/null
	LEAPS=$((LEAPS + 1))
	observe
}

# ---- what the key lists say -----------------------------------------------------------

# keys Z [ROLE]: the cka_ids of zone Z's keys (of one role).
keys() { awk -F';' -v z="$1" -v r="${2:-}" '$1 == z && (r == "" || $2 == r) { print $9 }' "$W/d"; }

# tuple Z CKA: "ds dnskey krrsig rrsig" of a key, empty when it is not listed.
tuple() { awk -F';' -v z="$1" -v k="$2" '$1 == z && $9 == k { print $3, $4, $5, $6 }' "$W/d"; }

# all_in TUPLE STATE: every record of the tuple is STATE or NA.
all_in() {
	local s
	for s in $1; do [[ $s == "$2" || $s == NA ]] || return 1; done
}

# settled Z: no key of Z is on its way, nothing waits for the parent, some key is in use.
settled() {
	local k t used=0
	grep -q "^$1;[^;]*;[^;]*;waiting for" "$W/v" && return 1
	for k in $(keys "$1"); do
		t=$(tuple "$1" "$k")
		if all_in "$t" omnipresent; then
			used=1
		elif ! all_in "$t" hidden; then
			return 1
		fi
	done
	((used))
}

# rolled Z "OLD" ROLE...: Z settled, every OLD key hidden or gone, and for each ROLE an
# omnipresent key that is not OLD.
rolled() {
	local z=$1 old=$2 role k t found
	shift 2
	settled "$z" || return 1
	for k in $old; do
		t=$(tuple "$z" "$k")
		[[ -z $t ]] || all_in "$t" hidden || return 1
	done
	for role in "$@"; do
		found=0
		for k in $(keys "$z" "$role"); do
			[[ " $old " == *" $k "* ]] && continue
			all_in "$(tuple "$z" "$k")" omnipresent && found=1
		done
		((found)) || return 1
	done
}

# first Z CKA FIELD STATE: the first time the key's FIELD (ds, dnskey, krrsig, rrsig) was seen
# in STATE; empty if never.
first() {
	local col
	case $3 in
	ds) col=5 ;;
	dnskey) col=6 ;;
	krrsig) col=7 ;;
	rrsig) col=8 ;;
	esac
	awk -v z="$1" -v k="$2" -v c="$col" -v s="$4" '$2 == z && $4 == k && $c == s { print $1; exit }' \
		"$W/events"
}

# new_key Z ROLE "OLD": the key of ROLE that is in use and not OLD.
new_key() {
	local k
	for k in $(keys "$1" "$2"); do
		[[ " $3 " == *" $k "* ]] && continue
		all_in "$(tuple "$1" "$k")" omnipresent && echo "$k" && return 0
	done
}

# order Z KEY WHAT A_FIELD A_STATE OP B_FIELD B_STATE: the first time A was seen OP (-eq,
# -ge, -gt) the first time B was seen; WHAT names the rule.
order() {
	local z=$1 k=$2 what=$3 ta tb
	ta=$(first "$z" "$k" "$4" "$5")
	tb=$(first "$z" "$k" "$7" "$8")
	if [[ -z $ta || -z $tb ]]; then
		problem "$z: $what: key $k never had $4 $5 ($ta) or $7 $8 ($tb)"
	elif ! test "$ta" "$6" "$tb"; then
		problem "$z: $what: key $k: $4 $5 at $ta, $7 $8 at $tb (want $6)"
	fi
}

# order_either Z KEY WHAT A_FIELD A_STATE B_FIELD B_STATE C_FIELD C_STATE: A was first seen no
# earlier than B or C.
order_either() {
	local z=$1 k=$2 what=$3 ta tb tc
	ta=$(first "$z" "$k" "$4" "$5")
	tb=$(first "$z" "$k" "$6" "$7")
	tc=$(first "$z" "$k" "$8" "$9")
	if [[ -z $ta ]] || { [[ -z $tb || $ta -lt $tb ]] && [[ -z $tc || $ta -lt $tc ]]; }; then
		problem "$z: $what: key $k: $4 $5 at ${ta:-never}, $6 $7 at ${tb:-never}, $8 $9 at ${tc:-never}"
	fi
}

# roll_order Z ROLLTYPE KEY: the order docs/keystate.md gives for an incoming key.
roll_order() {
	local z=$1 k=$3
	case $2 in
	KskDoubleRRset) order "$z" "$k" "$2: DS and DNSKEY together" ds rumoured -eq dnskey rumoured ;;
	KskDoubleDS) order "$z" "$k" "$2: DNSKEY after the DS is everywhere" dnskey rumoured -ge ds omnipresent ;;
	KskDoubleSignature) order "$z" "$k" "$2: DS after the DNSKEY is everywhere" ds rumoured -ge dnskey omnipresent ;;
	ZskDoubleSignature) order "$z" "$k" "$2: DNSKEY and signatures together" rrsig rumoured -eq dnskey rumoured ;;
	ZskPrePublication) order "$z" "$k" "$2: signatures after the DNSKEY is everywhere" rrsig rumoured -ge dnskey omnipresent ;;
	ZskDoubleRRsig) order "$z" "$k" "$2: DNSKEY after the signatures are everywhere" dnskey rumoured -ge rrsig omnipresent ;;
	CskDoubleRRset)
		order "$z" "$k" "$2: DS and DNSKEY together" ds rumoured -eq dnskey rumoured
		order "$z" "$k" "$2: signatures and DNSKEY together" rrsig rumoured -eq dnskey rumoured
		;;
	CskSingleSignature)
		order "$z" "$k" "$2: DS and DNSKEY together" ds rumoured -eq dnskey rumoured
		order "$z" "$k" "$2: signatures after the DNSKEY is everywhere" rrsig rumoured -ge dnskey omnipresent
		;;
	CskDoubleDS)
		# A CSK's DNSKEY waits for its DS (KSK side) or its signatures (ZSK side), as upstream.
		order "$z" "$k" "$2: DS first" dnskey rumoured -gt ds rumoured
		order_either "$z" "$k" "$2: DNSKEY after the DS or the signatures are everywhere" \
			dnskey rumoured ds omnipresent rrsig omnipresent
		;;
	CskDoubleSignature)
		order "$z" "$k" "$2: DS after the DNSKEY is everywhere" ds rumoured -ge dnskey omnipresent
		order "$z" "$k" "$2: signatures and DNSKEY together" rrsig rumoured -eq dnskey rumoured
		;;
	CskPrePublication)
		order "$z" "$k" "$2: DS after the DNSKEY is everywhere" ds rumoured -ge dnskey omnipresent
		order "$z" "$k" "$2: signatures after the DNSKEY is everywhere" rrsig rumoured -ge dnskey omnipresent
		;;
	esac
}

add_zone() {
	ZONES+=("$1")
	POLICY[$1]=$2
	echo "zone add --zone $1 --policy $2" >>"$W/last_cmd"
	E zone add --zone "$1" --policy "$2" --signerconf "$W/sc/$1.xml" >/dev/null
	observe
}

# walk MAX WHAT PREDICATE: leap until PREDICATE holds, at most MAX leaps.
walk() {
	local max=$1 what=$2 i
	shift 2
	for ((i = 0; i < max; i++)); do
		"$@" && return 0
		leap
	done
	"$@" || fail "$what: not reached after $max leaps; keys: $(cat "$W/d")"
}

hhmm() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }

# wait_leader: until the ods-enforcerd restart_with started leads (time leap needs that).
wait_leader() {
	local i pid
	pid=$(pid_of enforcer)
	for ((i = 0; i < 100; i++)); do
		grep -q "event=leading .*instance=[^ ]*:$pid " "$ODS_STATE/log/enforcerd.log" && return 0
		sleep 0.2
	done
	fail "ods-enforcerd (pid $pid) does not lead"
}

# ---- the cluster --------------------------------------------------------------------------

step "cluster up --testing; a second SoftHSM token, repository Backed, with <RequireBackup/>"
cluster up --testing
eval "$(cluster env)"
module=$(conf_value '//Repository[@name="SoftHSM"]/Module')
pin=$(conf_value '//Repository[@name="SoftHSM"]/PIN')
softhsm2-util --init-token --free --label Backed --pin "$pin" --so-pin "$pin$pin" >>"$trace" 2>&1 ||
	fail "softhsm2-util --init-token failed: $(tail -n 3 "$trace")"
sed "s|</RepositoryList>|<Repository name=\"Backed\"><Module>$module</Module><TokenLabel>Backed</TokenLabel><PIN>$pin</PIN><RequireBackup/></Repository></RepositoryList>|" \
	"$ODS_CONF" >"$ODS_STATE/backup.xml"
grep -q '<RequireBackup/>' "$ODS_STATE/backup.xml" || fail "backup.xml not written"
restart_with keystore "$ODS_STATE/backup.xml"
restart_with enforcer "$ODS_STATE/backup.xml"
wait_leader
kasp_xml 1 >"$KASP"
ods-kaspcheck -c "$ODS_STATE/backup.xml" -k "$KASP" >"$W/kaspcheck" 2>&1 ||
	fail "kaspcheck: $(grep ERROR "$W/kaspcheck")"
: >"$W/events"
: >"$W/last_cmd"
E policy import >/dev/null

# ---- RequireBackup ------------------------------------------------------------------------

step "RequireBackup: no record becomes omnipresent before backup prepare + commit"
add_zone backup.test backup
no_omnipresent() {
	local k t
	for k in $(keys backup.test); do
		t=$(tuple backup.test "$k")
		[[ " $t " == *" omnipresent "* ]] && problem "RequireBackup: key $k of backup.test is '$t' $1"
	done
	return 0
}
no_omnipresent "right after zone add"
t0=$NOW
# A day is far more than any wait of the policy; the gate asks again every 60 s.
echo "time leap --time +1 day" >>"$W/last_cmd"
E time leap --time "$(date -u -d "@$((NOW + 86400))" +%Y-%m-%d-%H:%M:%S)" >/dev/null
observe
((NOW >= t0 + 86400)) || problem "time leap --time: the clock is at $NOW, not past $((t0 + 86400))"
no_omnipresent "a day later, before the backup"
out=$(E backup list --repository Backed)
grep -Eqi 'required' <<<"$out" || problem "backup list shows no key that needs a backup: $out"
cmd backup prepare --repository Backed >/dev/null
leap
leap
no_omnipresent "after backup prepare, before commit"
cmd backup commit --repository Backed >/dev/null
walk 12 "backup.test signed after the commit" settled backup.test
out=$(E backup list --repository Backed)
grep -qi 'done' <<<"$out" || problem "backup list shows no key done: $out"
if grep -Eqi 'required|prepared|requested' <<<"$out"; then problem "backup list after commit: $out"; fi

# ---- initial signing ----------------------------------------------------------------------

step "initial signing of one zone per scenario"
for z in kdrr kdds kdsig zdsig zpp zdrr cpp cdrr css cdds cdsig alg ttl purge; do
	add_zone "$z.test" "$z"
done
add_zone m1.test manual
add_zone again.test manual
add_zone m2.test manual
add_zone s1.test share
add_zone s2.test share
all_settled() {
	local z
	for z in "${ZONES[@]}"; do settled "$z" || return 1; done
}
walk 40 "every zone signed" all_settled
signed_at=$NOW
echo "all zones signed at $(hhmm "$NOW") after $LEAPS leaps"

step "ShareKeys: s1.test and s2.test use the same keys"
for role in KSK ZSK; do
	[[ "$(keys s1.test $role)" == "$(keys s2.test $role)" ]] ||
		problem "ShareKeys: $role of s1.test ($(keys s1.test $role)) and s2.test ($(keys s2.test $role)) differ"
done

# ---- the rollovers --------------------------------------------------------------------------

step "start the rollovers"
declare -A OLD=() ROLES=() TYPE=()
for z in "${ZONES[@]}"; do OLD[$z]=$(keys "$z" | tr '\n' ' '); done
m2_before=$(awk -F';' '$1 == "m2.test"' "$W/d")
for z in kdrr kdds kdsig; do
	ROLES[$z.test]=KSK
	OLD[$z.test]=$(keys "$z.test" KSK)
done
TYPE[kdrr.test]=KskDoubleRRset TYPE[kdds.test]=KskDoubleDS TYPE[kdsig.test]=KskDoubleSignature
for z in zdsig zpp zdrr purge ttl; do
	ROLES[$z.test]=ZSK
	OLD[$z.test]=$(keys "$z.test" ZSK)
done
TYPE[zdsig.test]=ZskDoubleSignature TYPE[zpp.test]=ZskPrePublication TYPE[zdrr.test]=ZskDoubleRRsig
for z in cpp cdrr css cdds cdsig; do ROLES[$z.test]=CSK; done
TYPE[cpp.test]=CskPrePublication TYPE[cdrr.test]=CskDoubleRRset TYPE[css.test]=CskSingleSignature
TYPE[cdds.test]=CskDoubleDS TYPE[cdsig.test]=CskDoubleSignature
ROLES[alg.test]="KSK ZSK" ROLES[m1.test]="KSK ZSK" ROLES[again.test]="KSK ZSK"
ROLES[s1.test]=KSK
OLD[s1.test]=$(keys s1.test KSK)
shared_ksk=${OLD[s1.test]}
unset 'OLD[s2.test]' # s2.test rolls once s1.test has purged the shared KSK: share_step

echo "policy alg: algorithm 13 -> 15; policy ttl: DNSKEY TTL 6h -> 10 minutes" >>"$W/last_cmd"
kasp_xml 2 >"$KASP"
KASP_GEN=1
cmd policy import >/dev/null
import_at=$NOW
cmd key rollover --zone ttl.test --keytype ZSK >/dev/null
for z in kdrr kdds kdsig; do cmd key rollover --zone "$z.test" --keytype KSK >/dev/null; done
for z in cdrr css cdds cdsig; do cmd key rollover --zone "$z.test" --keytype CSK >/dev/null; done
cmd key rollover --policy purge --keytype ZSK >/dev/null
cmd key rollover --zone m1.test >/dev/null
cmd key rollover --zone s1.test --keytype KSK >/dev/null
cmd key rollover --zone again.test >/dev/null
rollover_leap=$LEAPS

# ShareKeys: once s1.test has purged its old KSK, which s2.test still uses, the key must still
# be in the HSM; then s2.test rolls too.
in_hsm() {
	local out
	out=$(ods-hsmutil list 2>&1) || fail "ods-hsmutil list: $out"
	grep -q "$1" <<<"$out"
}
share_step() {
	[[ -n ${ROLES[s2.test]:-} || -z ${ROLLED[s1.test]:-} ]] && return 0
	[[ -z $(tuple s1.test "$shared_ksk") ]] || return 0
	echo "  s1.test purged the shared KSK at $(hhmm "$NOW"); s2.test rolls"
	all_in "$(tuple s2.test "$shared_ksk")" omnipresent ||
		problem "ShareKeys: s2.test's KSK is '$(tuple s2.test "$shared_ksk")' after s1.test purged it"
	in_hsm "$shared_ksk" ||
		problem "ShareKeys: s1.test's purge deleted KSK $shared_ksk from the HSM, but s2.test uses it"
	ROLES[s2.test]=KSK
	OLD[s2.test]=$shared_ksk
	cmd key rollover --zone s2.test --keytype KSK >/dev/null
}

# The ZSKs of zdsig, zpp, zdrr and the CSK of cpp roll when their lifetime (2 days) ends.
declare -A ROLLED=()
# Two leaps into the rollovers: again.test rolls both keys again before the first rollover is
# done, and ods-enforcerd restarts (everything it knows must come back from the database).
interrupt_step() {
	((LEAPS == rollover_leap + 2)) || return 0
	echo "  again.test rolls again at $(hhmm "$NOW"), mid-rollover; ods-enforcerd restarts"
	OLD[again.test]="${OLD[again.test]} $(keys again.test | tr '\n' ' ')"
	cmd key rollover --zone again.test >/dev/null
	restart_with enforcer "$ODS_STATE/backup.xml"
	wait_leader
	echo "restart of ods-enforcerd" >>"$W/last_cmd"
	observe
}

all_rolled() {
	local z missing=0
	share_step
	interrupt_step
	((LEAPS > rollover_leap + 2)) || missing=1
	[[ -n ${ROLES[s2.test]:-} ]] || missing=1
	for z in "${!ROLES[@]}"; do
		[[ -n ${ROLLED[$z]:-} ]] && continue
		# shellcheck disable=SC2086 # ROLES holds a list of roles
		if rolled "$z" "${OLD[$z]}" ${ROLES[$z]}; then
			ROLLED[$z]=$NOW
			echo "  $z rolled over by $(hhmm "$NOW") (leap $LEAPS)"
		else
			missing=1
		fi
	done
	((missing == 0))
}
walk 200 "every rollover complete" all_rolled
echo "all rollovers complete at $(hhmm "$NOW") after $LEAPS leaps, $CHECKS checks"

# ---- what each scenario must also show ------------------------------------------------------

step "each roll type brings its new key in in the documented order"
for z in "${!TYPE[@]}"; do
	role=${ROLES[$z]}
	k=$(new_key "$z" "$role" "${OLD[$z]}")
	[[ -n $k ]] || {
		problem "$z: no new $role"
		continue
	}
	roll_order "$z" "${TYPE[$z]}" "$k"
done

step "lifetime P2D: the ZSKs of zdsig, zpp, zdrr and the CSK of cpp roll when it ends"
for z in zdsig.test zpp.test zdrr.test cpp.test; do
	read -r old _ <<<"${OLD[$z]}"
	k=$(new_key "$z" "${ROLES[$z]}" "$old")
	born=$(awk -v z="$z" -v k="$old" '$2 == z && $4 == k { print $1; exit }' "$W/events")
	came=$(awk -v z="$z" -v k="$k" '$2 == z && $4 == k { print $1; exit }' "$W/events")
	if [[ -z $born || -z $came ]] || ((came < born + 2 * 86400 || came > born + 2 * 86400 + 10)); then
		problem "$z: the ${ROLES[$z]} born at ${born:-?} was replaced at ${came:-?}, not when its 2 days ended"
	fi
done

step "algorithm rollover: the keys in use are algorithm 15, the old ones hidden"
for role in KSK ZSK; do
	k=$(new_key alg.test $role "${OLD[alg.test]}")
	[[ ${ALG[$k]:-} == 15 ]] || problem "alg.test: the $role in use ($k) has algorithm ${ALG[$k]:-?}, not 15"
done

step "manual rollover of m1.test only: m2.test untouched"
m2_after=$(awk -F';' '$1 == "m2.test"' "$W/d")
[[ $m2_before == "$m2_after" ]] || problem "m2.test changed: before: $m2_before; after: $m2_after"
[[ $(awk '$2 == "m2.test"' "$W/events" | awk -v t="$signed_at" '$1 > t' | wc -l) -eq 0 ]] ||
	problem "m2.test moved during the rollovers: $(awk '$2 == "m2.test"' "$W/events")"

step "ShareKeys: s2.test took the KSK s1.test rolled to; the old one leaves the HSM with its last zone"
k1=$(new_key s1.test KSK "$shared_ksk")
k2=$(new_key s2.test KSK "$shared_ksk")
[[ -n $k1 && $k1 == "$k2" ]] || problem "ShareKeys: the new KSKs of s1.test ($k1) and s2.test ($k2) differ"
[[ "$(keys s1.test ZSK)" == "$(keys s2.test ZSK)" ]] || problem "ShareKeys: the ZSKs now differ"
for ((i = 0; i < 10; i++)); do
	[[ -n $(tuple s2.test "$shared_ksk") ]] || break
	leap
done
if [[ -n $(tuple s2.test "$shared_ksk") ]]; then
	problem "ShareKeys: s2.test did not purge its old KSK"
elif in_hsm "$shared_ksk"; then
	problem "ShareKeys: KSK $shared_ksk, purged by both zones, is still in the HSM"
fi

step "TTL 6h -> 10 min at $(hhmm "$import_at"): the old TTL is honoured, then the new one used"
old=${OLD[ttl.test]}
new=$(new_key ttl.test ZSK "$old")
t_dk=$(first ttl.test "$new" dnskey omnipresent)
t_rs=$(first ttl.test "$new" rrsig rumoured)
# The DNSKEY set without the new key was published with TTL 6h: the new key is known to all
# only after 6h + zone propagation 45m (+ PublishSafety 10m).
if [[ -z $t_dk ]] || ((t_dk < import_at + 6 * 3600 + 55 * 60)); then
	problem "ttl.test: new ZSK DNSKEY omnipresent at ${t_dk:-never}, before import + 6h55m ($((import_at + 6 * 3600 + 55 * 60)))"
fi
if [[ -z $t_rs ]] || ((t_rs < import_at + 6 * 3600 + 45 * 60)); then
	problem "ttl.test: new ZSK signs at ${t_rs:-never}, before the 6h DNSKEY TTL + 45m passed"
fi
t_u=$(first ttl.test "$old" dnskey unretentive)
t_h=$(first ttl.test "$old" dnskey hidden)
if [[ -z $t_u || -z $t_h ]]; then
	problem "ttl.test: the old ZSK's DNSKEY never left ($t_u, $t_h)"
elif ((t_u > import_at + 6 * 3600 && t_h - t_u >= 6 * 3600)); then
	# After the old TTL ran out the wait is 10m + 45m + RetireSafety 6m, not 6h + 51m.
	problem "ttl.test: the old DNSKEY withdrawn at $t_u (after the old TTL ran out) took $((t_h - t_u)) s to go: the 10 minute TTL is not used"
fi
echo "  import $import_at; new DNSKEY omnipresent +$((t_dk - import_at)) s, signs +$((t_rs - import_at)) s; old DNSKEY gone $((t_h - t_u)) s after withdrawal"

step "Purge (2h): the dead ZSK of purge.test disappears once the Purge time has passed"
dead=${OLD[purge.test]}
t_dead=$(first purge.test "$dead" dnskey hidden)
t_gone=$(awk -v k="$dead" '$2 == "purge.test" && $4 == k && $5 == "gone" { print $1; exit }' "$W/events")
if [[ -z $t_gone ]]; then
	# Walk on a little: the zone should run again when the Purge time has passed.
	for ((i = 0; i < 10 && NOW < t_dead + 2 * 3600; i++)); do leap; done
	t_gone=$(awk -v k="$dead" '$2 == "purge.test" && $4 == k && $5 == "gone" { print $1; exit }' "$W/events")
fi
if [[ -z $t_gone ]]; then
	problem "purge.test: the ZSK dead since $(hhmm "$t_dead") is still listed at $(hhmm "$NOW") (Purge PT2H): no run was scheduled for it"
	cmd enforce --zone purge.test >/dev/null
	t_gone=$(awk -v k="$dead" '$2 == "purge.test" && $4 == k && $5 == "gone" { print $1; exit }' "$W/events")
	[[ -n $t_gone ]] || problem "purge.test: the dead ZSK is not purged even by enforce"
fi
# Both times are when the case saw the change, later than the change itself by however long
# the observation took after the command (seconds, more on a loaded machine): allow for it.
if [[ -n $t_gone ]] && ((t_gone + OBSERVE_SLACK_S < t_dead + 2 * 3600)); then
	problem "purge.test: the dead ZSK was purged at $t_gone, before dead ($t_dead) + 2h"
fi
in_hsm "$(new_key purge.test ZSK "$dead")" || fail "ods-hsmutil list does not show the keys in use"
if [[ -n $t_gone ]] && in_hsm "$dead"; then
	problem "purge.test: the purged key $dead is still in the HSM"
fi

step "the enforcer logged no error"
if grep -E 'lvl=(error|crit)' "$ODS_STATE/log/enforcerd.log" >"$W/errors"; then
	problem "ods-enforcerd logged errors: $(head -n 5 "$W/errors")"
fi

step "summary"
echo "$LEAPS leaps, $CHECKS checks, from $(hhmm "$t0") to $(hhmm "$NOW")"
if ((${#PROBLEMS[@]})); then
	printf -- '---- %d problem(s):\n' "${#PROBLEMS[@]}" >&2
	printf -- '- %s\n' "${PROBLEMS[@]}" >&2
	fail "${#PROBLEMS[@]} problem(s), see above"
fi
