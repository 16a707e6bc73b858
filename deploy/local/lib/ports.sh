# shellcheck shell=bash disable=SC2154 # globals come from cluster and the other lib/*.sh
# Loopback TCP ports of the three services: chosen once, kept in $STATE/ports (name=port lines).

PORT_NAMES=(keystore_rpc enforcer_rpc signer_rpc keystore_metrics enforcer_metrics signer_metrics)
PORT_MIN=20000
PORT_MAX=40000
declare -A PORT=()

# port_free N: nothing on 127.0.0.1:N, neither a listener nor a connection.
port_free() {
	local p=$1
	if command -v ss >/dev/null; then
		[[ -z $(ss -Htan "sport = :$p" 2>/dev/null) ]] || return 1
	fi
	! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null
}

ports_load() {
	local file=$STATE/ports name value
	PORT=()
	[[ -f $file ]] || return 1
	while IFS='=' read -r name value; do
		if [[ $value =~ ^[0-9]+$ ]]; then PORT[$name]=$value; fi
	done <"$file"
	for name in "${PORT_NAMES[@]}"; do
		[[ -n ${PORT[$name]:-} ]] || return 1
	done
}

ports_pick() {
	local p=$((PORT_MIN + RANDOM % (PORT_MAX - PORT_MIN))) name tries=0
	PORT=()
	for name in "${PORT_NAMES[@]}"; do
		until port_free "$p"; do
			p=$((p >= PORT_MAX ? PORT_MIN : p + 1))
			((++tries < PORT_MAX - PORT_MIN)) || die "no free loopback TCP port in $PORT_MIN-$PORT_MAX"
		done
		PORT[$name]=$p
		p=$((p + 1))
	done
}

ports_save() {
	local name
	for name in "${PORT_NAMES[@]}"; do
		printf '%s=%s\n' "$name" "${PORT[$name]}"
	done >"$STATE/ports"
}

# ports_ensure: load $STATE/ports, or pick six free ports and save them (first `up` only).
ports_ensure() {
	ports_load && return 0
	ports_pick
	ports_save
	local name list=()
	for name in "${PORT_NAMES[@]}"; do list+=("$name=${PORT[$name]}"); done
	say "ports: picked ${list[*]} (saved in $STATE/ports)"
}
