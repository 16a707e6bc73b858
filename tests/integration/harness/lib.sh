#!/usr/bin/env bash
# Helpers for integration cases (sourced by run-case before the case's run.sh).
# shellcheck disable=SC2034

cluster() { "$ODS_SRC/deploy/local/cluster" "$@"; }

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

step() { echo "== $*"; }

# expect_output PATTERN CMD...: run CMD, require success and PATTERN (grep -E) in its output.
expect_output() {
	local pattern=$1 out
	shift
	out=$("$@" 2>&1) || fail "'$*' failed: $out"
	grep -Eq -- "$pattern" <<<"$out" || fail "'$*' printed no /$pattern/: $out"
	printf '%s\n' "$out"
}

# expect_failure PATTERN CMD...: require CMD to fail with PATTERN in its output.
expect_failure() {
	local pattern=$1 out
	shift
	if out=$("$@" 2>&1); then
		fail "'$*' succeeded but should have failed: $out"
	fi
	grep -Eq -- "$pattern" <<<"$out" || fail "'$*' failed without /$pattern/: $out"
	printf '%s\n' "$out"
}

# http_get HOSTPORT PATH: print status code and body of a GET (curl).
http_get() { curl -s -o - -w '\nHTTP %{http_code}\n' "http://$1$2"; }

# wait_http HOSTPORT PATH PATTERN [SECONDS]: wait until a GET's answer matches PATTERN.
wait_http() {
	local i
	for ((i = 0; i < ${4:-10} * 5; i++)); do
		http_get "$1" "$2" | grep -Eq -- "$3" && return 0
		sleep 0.2
	done
	return 1
}

# conf_value XPATH: a value from the cluster's conf.xml.
conf_value() { xmllint --xpath "string($1)" "$ODS_STATE/conf.xml"; }

# restart_with SVC CONF: stop the cluster's ods-<SVC>d and run it on a copy of CONF at
# $ODS_STATE/<SVC>.xml (`cluster up` would rewrite conf.xml), as the cluster would: same pid
# file and log. Waits until its CLI says it is running.
restart_with() {
	local svc=$1 conf=$2 pid i cli
	case $svc in
	keystore) cli=ods-hsmutil ;;
	enforcer) cli=ods-enforcer ;;
	signer) cli=ods-signer ;;
	esac
	pid=$(pid_of "$svc" 2>/dev/null || true)
	if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		wait_gone "$pid" 10 || fail "ods-${svc}d did not stop"
	fi
	cp "$conf" "$ODS_STATE/$svc.xml"
	SOFTHSM2_CONF=$ODS_STATE/softhsm/softhsm2.conf "$ODS_BIN/ods-${svc}d" -c "$ODS_STATE/$svc.xml" \
		>>"$ODS_STATE/log/${svc}d.log" 2>&1 &
	echo $! >"$ODS_STATE/run/${svc}d.pid"
	for ((i = 0; i < 50; i++)); do
		"$cli" -c "$ODS_STATE/$svc.xml" running >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	fail "ods-${svc}d did not come up on $conf"
}

# pid_of NAME: pid of the cluster daemon NAME (keystore, enforcer, signer).
pid_of() { cat "$ODS_STATE/run/${1}d.pid"; }

# wait_gone PID [SECONDS]: wait until the process has exited.
wait_gone() {
	local i
	for ((i = 0; i < ${2:-10} * 10; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}
