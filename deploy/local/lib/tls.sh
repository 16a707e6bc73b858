# shellcheck shell=bash disable=SC2154 # globals come from cluster and the other lib/*.sh
# Local TLS material in $STATE/tls, made once with openssl: a CA, the "node" pair (server and
# client use, SAN DNS:localhost,IP:127.0.0.1) used by every daemon and the CLI, and a separate
# client-only pair "client". All keys EC P-256, mode 0600.

TLS_DIR='' TLS_DAYS=825

tls_init_vars() { TLS_DIR=$STATE/tls; }

tls_key() {
	(
		umask 077
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
	)
}

tls_serial() { printf '0x%s' "$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')"; }

tls_ca() {
	tls_key "$TLS_DIR/ca.key"
	openssl req -x509 -new -key "$TLS_DIR/ca.key" -sha256 -days 3650 -set_serial "$(tls_serial)" \
		-subj "/O=ods-local/CN=ods-local CA $(short_hash "$STATE")" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" \
		-out "$TLS_DIR/ca.crt" 2>/dev/null
}

# tls_leaf NAME CN EXTENDED_KEY_USAGE [SAN]: a key and a certificate signed by the local CA.
tls_leaf() {
	local name=$1 cn=$2 eku=$3 san=${4:-} ext
	ext=$(mktemp)
	{
		printf 'basicConstraints=critical,CA:FALSE\n'
		printf 'keyUsage=critical,digitalSignature\n'
		printf 'extendedKeyUsage=%s\n' "$eku"
		[[ -z $san ]] || printf 'subjectAltName=%s\n' "$san"
	} >"$ext"
	tls_key "$TLS_DIR/$name.key"
	openssl req -new -key "$TLS_DIR/$name.key" -subj "/O=ods-local/CN=$cn" 2>/dev/null |
		openssl x509 -req -CA "$TLS_DIR/ca.crt" -CAkey "$TLS_DIR/ca.key" -sha256 \
			-days "$TLS_DAYS" -set_serial "$(tls_serial)" -extfile "$ext" \
			-out "$TLS_DIR/$name.crt" 2>/dev/null
	rm -f -- "$ext"
}

tls_ensure() {
	command -v openssl >/dev/null || die "openssl not found (package openssl)"
	install -d -m 0700 "$TLS_DIR"
	if ! [[ -s $TLS_DIR/ca.crt && -s $TLS_DIR/ca.key ]]; then
		tls_ca
		rm -f -- "$TLS_DIR"/node.* "$TLS_DIR"/client.* # signed by a CA that is gone
	fi
	[[ -s $TLS_DIR/node.crt && -s $TLS_DIR/node.key ]] ||
		tls_leaf node localhost serverAuth,clientAuth "DNS:localhost,IP:127.0.0.1"
	[[ -s $TLS_DIR/client.crt && -s $TLS_DIR/client.key ]] || tls_leaf client ods-cli clientAuth
	chmod 0600 "$TLS_DIR"/*.key
	chmod 0644 "$TLS_DIR"/*.crt
}
