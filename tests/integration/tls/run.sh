#!/usr/bin/env bash
# Mutual TLS: the cluster on tls+tcp://, the CLI with the cluster's client certificate, and a
# client whose certificate comes from another CA refused.
step "cluster up --tls"
cluster up --tls
eval "$(cluster env)"
grep -q 'tls+tcp://' "$ODS_STATE/conf.xml" || fail "conf.xml has no tls+tcp listener"

step "CLI over TLS"
expect_output 'Engine running' ods-enforcer running
expect_output 'Engine running' ods-signer running

step "a certificate from another CA is refused"
rogue=$ODS_STATE/rogue
mkdir -p "$rogue"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=rogue-ca -keyout "$rogue/ca.key" -out "$rogue/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=rogue \
	-keyout "$rogue/client.key" -out "$rogue/client.csr" 2>/dev/null
openssl x509 -req -in "$rogue/client.csr" -CA "$rogue/ca.crt" -CAkey "$rogue/ca.key" \
	-CAcreateserial -days 2 -out "$rogue/client.crt" 2>/dev/null
for svc in keystore enforcer signer; do
	"$ODS_TEST_BIN/rpc_torture" tls "$svc" "$rogue/client.crt" "$rogue/client.key"
done

step "a plain tcp:// client gets nowhere on the TLS port"
url=$(conf_value '/Configuration/Cluster/Enforcer/Listen[1]')
expect_failure 'cannot reach ods-enforcerd' ods-enforcer -t 3 -s "${url/tls+tcp/tcp}" running
cluster status || fail "a daemon died"
