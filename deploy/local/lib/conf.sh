# shellcheck shell=bash disable=SC2154 # globals come from cluster and the other lib/*.sh
# conf.xml and the flags recorded for later `up` runs ($STATE/flags: testing=0|1, tls=0|1).

CONF='' FLAG_TESTING=0 FLAG_TLS=0

conf_init_vars() { CONF=$STATE/conf.xml; }

flags_load() {
	local name value
	FLAG_TESTING=0 FLAG_TLS=0
	[[ -f $STATE/flags ]] || return 0
	while IFS='=' read -r name value; do
		[[ $value == 1 ]] || continue
		case $name in
		testing) FLAG_TESTING=1 ;;
		tls) FLAG_TLS=1 ;;
		*) ;;
		esac
	done <"$STATE/flags"
}

flags_save() { printf 'testing=%s\ntls=%s\n' "$FLAG_TESTING" "$FLAG_TLS" >"$STATE/flags"; }

flags_describe() {
	local f=()
	if ((FLAG_TESTING)); then f+=(--testing); fi
	if ((FLAG_TLS)); then f+=(--tls); fi
	printf '%s\n' "${f[*]:-(none)}"
}

conf_dirs() { mkdir -p "$STATE/etc" "$STATE/enforcer" "$STATE/signer" "$STATE/run" "$STATE/log"; }

# conf_listen NAME: the RPC URL of service NAME (keystore, enforcer, signer).
conf_listen() {
	local scheme=tcp
	if ((FLAG_TLS)); then scheme=tls+tcp; fi
	printf '%s://127.0.0.1:%s' "$scheme" "${PORT[${1}_rpc]:-unset}"
}

conf_metrics() { printf '127.0.0.1:%s' "${PORT[${1}_metrics]:-unset}"; }

# conf_el NAME VALUE: <NAME>VALUE</NAME>, VALUE escaped.
conf_el() { printf '<%s>%s</%s>' "$1" "$(xml_escape "$2")" "$1"; }

conf_service_el() {
	local tag=$1 name=$2
	printf '    <%s>%s%s</%s>\n' "$tag" "$(conf_el Listen "$(conf_listen "$name")")" \
		"$(conf_el Metrics "$(conf_metrics "$name")")" "$tag"
}

conf_tls_el() {
	((FLAG_TLS)) || return 0
	printf '    <TLS>%s%s%s</TLS>\n' "$(conf_el Certificate "$TLS_DIR/node.crt")" \
		"$(conf_el PrivateKey "$TLS_DIR/node.key")" "$(conf_el CA "$TLS_DIR/ca.crt")"
}

conf_cluster_el() {
	printf '  <Cluster>\n'
	printf '    %s\n' "$(conf_el Database "host=$(conninfo_quote "$PG_DIR") dbname=$PG_DB user=$PG_ROLE")"
	if ((FLAG_TESTING)); then printf '    <Testing/>\n'; fi
	conf_tls_el
	conf_service_el Keystore keystore
	conf_service_el Enforcer enforcer
	conf_service_el Signer signer
	printf '  </Cluster>\n'
}

conf_xml() {
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<Configuration>\n  <RepositoryList>\n'
	printf '    <Repository name="SoftHSM">%s%s%s</Repository>\n' "$(conf_el Module "$HSM_MODULE")" \
		"$(conf_el TokenLabel "$HSM_LABEL")" "$(conf_el PIN "$(hsm_pin)")"
	printf '    <Repository name="soft" type="software">%s</Repository>\n' \
		"$(conf_el KeyEncryptionKeyFile "$KEK_FILE")"
	printf '  </RepositoryList>\n'
	printf '  <Common><Logging><Verbosity>3</Verbosity></Logging>%s%s</Common>\n' \
		"$(conf_el PolicyFile "$STATE/etc/kasp.xml")" "$(conf_el ZoneListFile "$STATE/etc/zonelist.xml")"
	printf '  <Enforcer>%s%s%s</Enforcer>\n' "$(conf_el WorkingDirectory "$STATE/enforcer")" \
		"$(conf_el PidFile "$STATE/run/enforcerd.pid")" "$(conf_el SocketFile "$STATE/run/enforcer.sock")"
	printf '  <Signer>%s%s%s</Signer>\n' "$(conf_el WorkingDirectory "$STATE/signer")" \
		"$(conf_el PidFile "$STATE/run/signerd.pid")" "$(conf_el SocketFile "$STATE/run/engine.sock")"
	conf_cluster_el
	printf '</Configuration>\n'
}

# conf_write: (re)write conf.xml (mode 0600: it holds the PIN); returns 0 if it changed.
conf_write() {
	local xml
	xml=$(conf_xml)
	printf '%s\n' "$xml" | write_if_changed "$CONF" 0600
}
