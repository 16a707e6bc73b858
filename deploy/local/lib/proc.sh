# shellcheck shell=bash disable=SC2154 # globals come from cluster and the other lib/*.sh
# The three daemons: start in the background (own session), track by pid file, probe /readyz,
# stop with SIGTERM then SIGKILL. A pid only counts as ours if /proc/<pid>/cmdline is
# "<...>/ods-<name>d ... <our conf.xml> ...", so a stale pid file never makes us kill a stranger.

DAEMONS=(keystore enforcer signer)
READY_TIMEOUT_S=30
STOP_TIMEOUT_S=10

proc_bin() { printf '%s/ods-%sd' "$BIN" "$1"; }
proc_pidfile() { printf '%s/run/%sd.pid' "$STATE" "$1"; }
proc_log() { printf '%s/log/%sd.log' "$STATE" "$1"; }

proc_bins_present() {
	local name
	for name in "${DAEMONS[@]}"; do
		[[ -x $(proc_bin "$name") ]] || return 1
	done
}

# proc_is_ours PID NAME: PID runs ods-NAMEd with our conf.xml (zombies have an empty cmdline).
proc_is_ours() {
	local pid=$1 name=$2 arg args=()
	[[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
	mapfile -d '' args 2>/dev/null </proc/"$pid"/cmdline || return 1
	((${#args[@]} > 0)) && [[ ${args[0]##*/} == "ods-${name}d" ]] || return 1
	for arg in "${args[@]:1}"; do
		[[ $arg == "$CONF" ]] && return 0
	done
	return 1
}

# proc_pid NAME: print the pid of our running daemon NAME; fails if it does not run.
proc_pid() {
	local pid
	pid=$(head -n 1 -- "$(proc_pidfile "$1")" 2>/dev/null) || return 1
	proc_is_ours "$pid" "$1" || return 1
	printf '%s\n' "$pid"
}

# http_code HOSTPORT PATH: print the HTTP status code (000 when there is no answer).
http_code() {
	local host=${1%:*} port=${1##*:} line=""
	if command -v curl >/dev/null; then
		curl --noproxy '*' -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$1$2" || true
		return 0
	fi
	# shellcheck disable=SC2016 # the inner script gets its values as $0..$2
	line=$(timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$2" "$0" >&3 &&
		head -n 1 <&3' "$host" "$port" "$2" 2>/dev/null) || true
	if [[ $line =~ ^HTTP/[0-9.]+\ ([0-9]{3}) ]]; then printf '%s' "${BASH_REMATCH[1]}"; else printf '000'; fi
}

proc_ready() { [[ $(http_code "$(conf_metrics "$1")" /readyz) == 200 ]]; }

proc_spawn() {
	local name=$1 log pid
	log=$(proc_log "$name")
	local cmd=("$(proc_bin "$name")" -c "$CONF")
	if [[ $name == keystore ]]; then cmd=(env "SOFTHSM2_CONF=$HSM_CONF" "${cmd[@]}"); fi
	if command -v setsid >/dev/null; then cmd=(setsid "${cmd[@]}"); else cmd=(nohup "${cmd[@]}"); fi
	local line=${cmd[*]}
	line=${line//\\/\\\\}
	printf 'ts=%s lvl=info svc=cluster event=spawn cmd="%s"\n' "$(date -u +%FT%T.%3NZ)" "${line//\"/\\\"}" >>"$log"
	(
		close_fds
		exec "${cmd[@]}"
	) </dev/null >>"$log" 2>&1 &
	pid=$!
	printf '%s\n' "$pid" >"$(proc_pidfile "$name")"
}

proc_fail() {
	local name=$1 why=$2 log
	log=$(proc_log "$name")
	printf -- '--- last 20 lines of %s:\n' "$log" >&2
	tail -n 20 -- "$log" >&2 || true
	die "ods-${name}d $why"
}

# proc_alive PID: PID exists and is not a zombie (our own children stay zombies until reaped).
proc_alive() {
	local stat
	stat=$(cat -- "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat%% *} != Z ]]
}

# proc_wait_ready NAME PID: until /readyz says 200; fail if PID dies or time runs out.
proc_wait_ready() {
	local name=$1 pid=$2 deadline=$((SECONDS + READY_TIMEOUT_S))
	while ((SECONDS < deadline)); do
		proc_ready "$name" && return 0
		proc_alive "$pid" || proc_fail "$name" "exited during start-up"
		sleep 0.2
	done
	proc_fail "$name" "not ready after ${READY_TIMEOUT_S}s (http://$(conf_metrics "$name")/readyz)"
}

proc_start() {
	local name=$1 pid
	if pid=$(proc_pid "$name"); then
		say "ods-${name}d: already running (pid $pid)"
		return 0
	fi
	[[ -x $(proc_bin "$name") ]] || die "$(proc_bin "$name") not found (run scripts/bootstrap or set ODS_BIN)"
	proc_spawn "$name"
	proc_wait_ready "$name" "$(head -n 1 -- "$(proc_pidfile "$name")")"
	say "ods-${name}d: started (pid $(proc_pid "$name"), $(conf_listen "$name"), metrics $(conf_metrics "$name"))"
}

proc_stop() {
	local name=$1 pid deadline
	if ! pid=$(proc_pid "$name"); then
		rm -f -- "$(proc_pidfile "$name")"
		return 0
	fi
	kill -TERM "$pid" 2>/dev/null || true
	deadline=$((SECONDS + STOP_TIMEOUT_S))
	while proc_is_ours "$pid" "$name" && ((SECONDS < deadline)); do sleep 0.1; done
	if proc_is_ours "$pid" "$name"; then
		warn "ods-${name}d (pid $pid) ignored SIGTERM for ${STOP_TIMEOUT_S}s: SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f -- "$(proc_pidfile "$name")"
	say "ods-${name}d: stopped (pid $pid)"
}

proc_status() {
	local name=$1 pid ready=not-ready
	if pid=$(proc_pid "$name"); then
		if proc_ready "$name"; then ready=ready; fi
		printf '%-14s running  pid %-8s %s metrics %s %s\n' "ods-${name}d" "$pid" \
			"$(conf_listen "$name")" "$(conf_metrics "$name")" "$ready"
	else
		printf '%-14s stopped  %-12s %s metrics %s\n' "ods-${name}d" - \
			"$(conf_listen "$name")" "$(conf_metrics "$name")"
		return 1
	fi
}
