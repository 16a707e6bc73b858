#!/usr/bin/env bash
# Authorisation by role on the keystore. nng 1.5.2 cannot name a verified TLS peer, so each
# client role gets its own CA and its own listener: a signer's certificate, from the signer
# CA, is accepted only on the signer listener, where it may sign and read but not generate,
# delete or log in.
step "cluster up --tls"
cluster up --tls
eval "$(cluster env)"
tls=$ODS_STATE/tls

step "a CA for signers, and a signer's certificate"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=signer-ca -keyout "$tls/signer-ca.key" -out "$tls/signer-ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=signer-1 \
	-keyout "$tls/signer.key" -out "$tls/signer.csr" 2>/dev/null
openssl x509 -req -in "$tls/signer.csr" -CA "$tls/signer-ca.crt" -CAkey "$tls/signer-ca.key" \
	-CAcreateserial -days 2 -out "$tls/signer.crt" 2>/dev/null
chmod 600 "$tls"/*.key

step "the keystore gets a second listener, for signers only"
main=$(conf_value /Configuration/Cluster/Keystore/Listen)
port=$((${main##*:} + 1000))
role_url=tls+tcp://127.0.0.1:$port
sed "s|<Keystore><Listen>$main</Listen>|<Keystore><Listen>$main</Listen><Listen role=\"signer\" ca=\"$tls/signer-ca.crt\">$role_url</Listen><Endpoint>$main</Endpoint>|" \
	"$ODS_CONF" >"$ODS_STATE/roles.xml"
grep -q 'role="signer"' "$ODS_STATE/roles.xml" || fail "roles.xml not written"
restart_with keystore "$ODS_STATE/roles.xml"
admin=$ODS_STATE/keystore.xml

# What a signer host's conf.xml says: its own certificate, the keystore's signer listener.
sed -e "s|<Certificate>[^<]*</Certificate>|<Certificate>$tls/signer.crt</Certificate>|" \
	-e "s|<PrivateKey>[^<]*</PrivateKey>|<PrivateKey>$tls/signer.key</PrivateKey>|" \
	-e "s|<Keystore><Listen>$main</Listen>|<Keystore><Listen>$main</Listen><Endpoint>$role_url</Endpoint>|" \
	"$ODS_CONF" >"$ODS_STATE/signer-host.xml"
signer=$ODS_STATE/signer-host.xml

step "a signer may read and sign"
loc=$(ods-hsmutil -c "$admin" generate SoftHSM ecdsa | sed -n 's/^Key generation successful: \([0-9a-f]*\).*/\1/p')
[[ -n $loc ]] || fail "the admin listener did not generate"
expect_output "$loc" ods-hsmutil -c "$signer" list
ODS_CONF=$signer "$ODS_TEST_BIN/ks_torture" check "$loc" ECDSAP256SHA256

step "a signer may not generate, delete or log in"
expect_failure "role 'signer' may not generate keys" ods-hsmutil -c "$signer" generate SoftHSM ecdsa
expect_failure "role 'signer' may not delete keys" ods-hsmutil -c "$signer" remove "$loc"
echo 1234 | expect_failure "role 'signer' may not log in" ods-hsmutil -c "$signer" login
expect_output "$loc" ods-hsmutil -c "$admin" list

step "each listener trusts only its own CA"
sed "s|<Endpoint>$role_url</Endpoint>|<Endpoint>$main</Endpoint>|" "$signer" >"$ODS_STATE/signer-on-main.xml"
expect_failure 'cannot reach ods-keystored' ods-hsmutil -t 3 -c "$ODS_STATE/signer-on-main.xml" list
sed "s|<Endpoint>$main</Endpoint>|<Endpoint>$role_url</Endpoint>|" "$admin" >"$ODS_STATE/admin-on-role.xml"
expect_failure 'cannot reach ods-keystored' ods-hsmutil -t 3 -c "$ODS_STATE/admin-on-role.xml" list
expect_output 'successful' ods-hsmutil -c "$admin" remove "$loc"
