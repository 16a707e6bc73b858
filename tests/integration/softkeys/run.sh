#!/usr/bin/env bash
# Software repositories (type="software"): keys made by OpenSSL inside ods-keystored and sealed
# in PostgreSQL under a key-encryption key. Every algorithm generated, signed through RPC and
# verified by ldns; many clients at once; bad requests; keys across a restart; what hsm_key
# holds; a blob moved to another row; a KEK file others may read; a missing KEK file that
# appears later; a wrong KEK; the KEK from the environment; conf.xml mistakes.
ks=$ODS_TEST_BIN/ks_torture

step "cluster up"
cluster up
eval "$(cluster env)"

# restart_with runs ods-keystored on keystore.xml, which `cluster down` does not take for the
# cluster's own daemon (it looks for conf.xml): stop it when the case ends, however it ends.
stop_own_keystore() {
	local pid
	pid=$(pid_of keystore 2>/dev/null) || return 0
	grep -qF -- "$ODS_STATE/keystore.xml" "/proc/$pid/cmdline" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
}
trap stop_own_keystore EXIT

# soft_conf OUT KEK_ELEMENT: the cluster's conf.xml with its software repository "soft"
# replaced by one using KEK_ELEMENT.
soft_conf() {
	sed -e '/<Repository name="soft"/d' \
		-e "s|</RepositoryList>|<Repository name=\"soft\" type=\"software\">$2<Capacity>100</Capacity></Repository></RepositoryList>|" \
		"$ODS_CONF" >"$1"
	grep -q 'type="software"' "$1" || fail "$1 not written"
}
kek=$ODS_STATE/kek
(umask 077 && openssl rand -hex 32 >"$kek")
soft_conf "$ODS_STATE/soft.xml" "<KeyEncryptionKeyFile>$kek</KeyEncryptionKeyFile>"
conf=$ODS_STATE/keystore.xml # where restart_with puts its copy
export ODS_TEST_REPO=soft    # for ks_torture

step "a software repository next to SoftHSM"
restart_with keystore "$ODS_STATE/soft.xml"
info=$(expect_output 'Type: *software' ods-hsmutil -c "$conf" info soft)
grep -Eq 'Manufacturer: *OpenSSL' <<<"$info" || fail "no OpenSSL manufacturer: $info"
grep -Eq 'Logged in: *yes' <<<"$info" || fail "not usable: $info"
grep -Eq 'RSASHA1 .*ECDSAP256SHA256 .*ED25519 ED448' <<<"$info" || fail "algorithms: $info"
serial=$(sed -n 's/^[[:space:]]*Serial:[[:space:]]*//p' <<<"$info")
[[ $serial =~ ^[0-9a-f]{16}$ ]] || fail "serial '$serial' is not a 16-digit KEK id"
if grep -q "$(cut -c1-16 "$kek")" <<<"$info"; then fail "info shows the KEK"; fi
expect_output 'Type: *pkcs11' ods-hsmutil -c "$conf" info SoftHSM

step "every algorithm: generate, sign through RPC, verify with ldns, delete"
expect_output 'All tests passed' ods-hsmutil -c "$conf" test soft

step "many clients signing at once"
ODS_CONF=$conf "$ks" concurrent ECDSAP256SHA256 16 10 32
ODS_CONF=$conf "$ks" concurrent ED25519 8 5 16
ODS_CONF=$conf "$ks" concurrent ED448 4 5 8
ODS_CONF=$conf "$ks" concurrent RSASHA256 4 3 8

step "bad requests get clear statuses, the daemon keeps serving"
ODS_CONF=$conf "$ks" bad
kill -0 "$(pid_of keystore)" || fail "ods-keystored died"

step "hsm_key holds a sealed blob: version 1, the KEK id, no plaintext key"
kept=$(ODS_CONF=$conf "$ks" keep ED25519)
kept384=$(ODS_CONF=$conf "$ks" keep ECDSAP384SHA384)
blob=$(psql -XAtc "SELECT encode(sealed, 'hex') FROM hsm_key WHERE locator = '$kept'")
[[ ${blob:0:2} == 01 ]] || fail "sealed blob starts with ${blob:0:2}, not version 01"
[[ ${blob:2:16} == "$serial" ]] || fail "KEK id ${blob:2:16} in the blob, Serial says $serial"
# 1 + 8 + 12 bytes of header, 16 of tag, around Ed25519's 48-byte PKCS#8 PrivateKeyInfo.
((${#blob} == 2 * (37 + 48))) || fail "sealed blob is $((${#blob} / 2)) bytes"
# The PKCS#8 prefix of an Ed25519 private key must not show through.
if grep -q '302e020100300506032b657004220420' <<<"$blob"; then fail "plaintext PKCS#8 in sealed"; fi
pcount=$(psql -XAtc "SELECT count(*) FROM hsm_key WHERE repository = 'SoftHSM' AND sealed IS NOT NULL")
((pcount == 0)) || fail "PKCS#11 keys have sealed blobs"
expect_output "$kept" ods-hsmutil -c "$conf" list soft

step "keys survive a keystore restart"
restart_with keystore "$ODS_STATE/soft.xml"
ODS_CONF=$conf "$ks" check "$kept" ED25519
ODS_CONF=$conf "$ks" check "$kept384" ECDSAP384SHA384

step "a sealed blob moved to another row, or a changed algorithm, does not open"
other=$(ODS_CONF=$conf "$ks" keep ED25519)
psql -XAtqc "UPDATE hsm_key SET sealed = (SELECT sealed FROM hsm_key WHERE locator = '$kept') WHERE locator = '$other'"
expect_failure 'cannot be unsealed.*does not authenticate' env ODS_CONF="$conf" "$ks" check "$other" ED25519
rsa=$(ODS_CONF=$conf "$ks" keep RSASHA256)
psql -XAtqc "UPDATE hsm_key SET algorithm = 5 WHERE locator = '$rsa'"
expect_failure 'cannot be unsealed.*does not authenticate' env ODS_CONF="$conf" "$ks" check "$rsa" RSASHA1
ODS_CONF=$conf "$ks" check "$kept" ED25519
kill -0 "$(pid_of keystore)" || fail "ods-keystored died"

step "a KEK file that group or others may read is refused, with a clear message"
chmod 644 "$kek"
restart_with keystore "$ODS_STATE/soft.xml"
expect_output 'Error:.*mode 0644.*chmod 600' ods-hsmutil -c "$conf" info soft
expect_failure 'soft.*not usable.*mode 0644' ods-hsmutil -c "$conf" generate soft ed25519
grep -q 'repository_failed.*repository=soft.*mode 0644' "$ODS_STATE/log/keystored.log" ||
	fail "no repository_failed line in the log"
expect_output 'Logged in: *yes' ods-hsmutil -c "$conf" info SoftHSM
step "after chmod 600, ods-hsmutil login opens it without a restart"
chmod 600 "$kek"
echo unused | expect_output 'logged in' ods-hsmutil -c "$conf" login soft
ODS_CONF=$conf "$ks" check "$kept" ED25519

step "a KEK file that is not there yet is picked up once it appears"
late=$ODS_STATE/kek-late
soft_conf "$ODS_STATE/late.xml" "<KeyEncryptionKeyFile>$late</KeyEncryptionKeyFile>"
restart_with keystore "$ODS_STATE/late.xml"
expect_output 'Error:.*kek-late: No such file' ods-hsmutil -c "$conf" info soft
install -m 600 "$kek" "$late"
sleep 5.5 # the keystore tries an unreachable repository again every 5 s
ODS_CONF=$conf "$ks" check "$kept" ED25519

step "a wrong KEK: existing keys fail to unseal with a clear error, new keys work"
kek2=$ODS_STATE/kek2
(umask 077 && openssl rand -hex 32 >"$kek2")
soft_conf "$ODS_STATE/wrong.xml" "<KeyEncryptionKeyFile>$kek2</KeyEncryptionKeyFile>"
restart_with keystore "$ODS_STATE/wrong.xml"
expect_failure "key $kept cannot be unsealed: sealed under key-encryption key $serial, but this repository's is [0-9a-f]{16}" \
	env ODS_CONF="$conf" "$ks" check "$kept" ED25519
kill -0 "$(pid_of keystore)" || fail "ods-keystored died on a wrong KEK"
ODS_CONF=$conf "$ks" concurrent ED25519 2 2 4

step "the KEK from the environment"
soft_conf "$ODS_STATE/env.xml" "<KeyEncryptionKeyEnvironment>ODS_TEST_KEK</KeyEncryptionKeyEnvironment>"
ODS_TEST_KEK=$(cat "$kek")
export ODS_TEST_KEK
restart_with keystore "$ODS_STATE/env.xml"
unset ODS_TEST_KEK
expect_output "Serial: *$serial" ods-hsmutil -c "$conf" info soft
ODS_CONF=$conf "$ks" check "$kept" ED25519
ODS_CONF=$conf "$ks" check "$kept384" ECDSAP384SHA384

step "conf.xml mistakes stop the daemon with file:line"
sed "s|</RepositoryList>|<Repository name=\"bad\" type=\"software\">\n<Module>/x.so</Module><KeyEncryptionKeyFile>$kek</KeyEncryptionKeyFile></Repository></RepositoryList>|" \
	"$ODS_CONF" >"$ODS_STATE/bad.xml"
expect_failure 'bad.xml:[0-9]+: <Module> in <Repository name="bad">: not used by a software repository' \
	"$ODS_BIN/ods-keystored" -c "$ODS_STATE/bad.xml"
sed "s|</RepositoryList>|<Repository name=\"bad\" type=\"software\"></Repository></RepositoryList>|" \
	"$ODS_CONF" >"$ODS_STATE/bad.xml"
expect_failure 'needs its key-encryption key' "$ODS_BIN/ods-keystored" -c "$ODS_STATE/bad.xml"
