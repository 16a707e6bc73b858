#!/usr/bin/env bash
# ods-keystored on a real SoftHSMv2 token: every algorithm generated, signed through RPC and
# verified by ldns; many clients at once; bad requests; keys across a restart; a wrong PIN
# and `ods-hsmutil login`; a module that does not load; Capacity; PINFile.
ks=$ODS_TEST_BIN/ks_torture

step "cluster up"
cluster up
eval "$(cluster env)"
expect_output 'ED25519' ods-hsmutil info

step "every algorithm: generate, sign through RPC, verify with ldns, delete"
expect_output 'All tests passed' ods-hsmutil test SoftHSM

step "many clients signing at once"
"$ks" concurrent ECDSAP256SHA256 16 10 32
"$ks" concurrent ED25519 8 5 16
"$ks" concurrent RSASHA256 4 3 8

step "bad requests get clear statuses, the daemon keeps serving"
"$ks" bad
kill -0 "$(pid_of keystore)" || fail "ods-keystored died"

step "the DNSKEY and key tag agree with ldns"
loc=$(ods-hsmutil generate SoftHSM ecdsa | sed -n 's/^Key generation successful: \([0-9a-f]*\).*/\1/p')
[[ -n $loc ]] || fail "no locator from generate"
ods-hsmutil dnskey "$loc" example.org. 257 ECDSAP256SHA256 >"$ODS_STATE/dnskey.txt"
cat "$ODS_STATE/dnskey.txt"
ours=$(sed -n 's/.*{id = \([0-9]*\).*/\1/p' "$ODS_STATE/dnskey.txt")
(cd "$ODS_STATE" && ldns-key2ds -n -2 dnskey.txt >ds.txt)
theirs=$(awk '{ print $5 }' "$ODS_STATE/ds.txt")
[[ $ours == "$theirs" ]] || fail "key tag $ours, ldns says $theirs"
expect_output "$loc" ods-hsmutil list SoftHSM

step "DS digests (SHA-1, SHA-256, SHA-384) agree with ldns-key2ds"
read -r tag ds1 ds2 ds4 < <("$ks" ds "$loc" example.org.)
[[ $tag == "$ours" ]] || fail "GetPublicKey says tag $tag, dnskey said $ours"
for t in 1 2 4; do
	(cd "$ODS_STATE" && ldns-key2ds -n -$t dnskey.txt) >"$ODS_STATE/ds$t.txt"
done
[[ $(awk '{ print toupper($8) }' "$ODS_STATE/ds1.txt") == "$ds1" ]] || fail "SHA-1 DS differs from ldns"
[[ $(awk '{ print toupper($8) }' "$ODS_STATE/ds2.txt") == "$ds2" ]] || fail "SHA-256 DS differs from ldns"
[[ $(awk '{ print toupper($8) }' "$ODS_STATE/ds4.txt") == "$ds4" ]] || fail "SHA-384 DS differs from ldns"

step "private keys on the token are sensitive and never extractable (pkcs11-tool)"
SOFTHSM2_CONF=$ODS_STATE/softhsm/softhsm2.conf pkcs11-tool --module /usr/lib/softhsm/libsofthsm2.so \
	--token-label OpenDNSSEC --login --pin "$(cat "$ODS_STATE/softhsm/pin")" --list-objects \
	--type privkey --id "$loc" >"$ODS_STATE/objects.txt" 2>&1 || {
	cat "$ODS_STATE/objects.txt"
	fail "pkcs11-tool could not list the key"
}
cat "$ODS_STATE/objects.txt"
grep -q 'Access:.*sensitive' "$ODS_STATE/objects.txt" || fail "the private key is not sensitive"
grep -q 'never extractable' "$ODS_STATE/objects.txt" || fail "the private key is extractable"
grep -qi "ID: *$loc" "$ODS_STATE/objects.txt" || fail "CKA_ID is not the locator"
expect_failure 'not ECDSAP384SHA384' ods-hsmutil dnskey "$loc" example.org. 257 ECDSAP384SHA384
expect_failure 'not a domain name|is not' ods-hsmutil dnskey "$loc" 'bad..name' 257 13

step "keys survive a keystore restart"
kept=$("$ks" keep ED25519)
pid=$(pid_of keystore)
kill -TERM "$pid"
wait_gone "$pid" 10 || fail "ods-keystored did not stop"
cluster up >/dev/null
"$ks" check "$kept" ED25519
expect_output "$kept" ods-hsmutil list

pin=$(cat "$ODS_STATE/softhsm/pin")

step "a wrong PIN: the daemon runs, says why, and ods-hsmutil login fixes it"
sed "s|<PIN>$pin</PIN>|<PIN>0000</PIN>|" "$ODS_CONF" >"$ODS_STATE/wrongpin.xml"
restart_with keystore "$ODS_STATE/wrongpin.xml"
expect_output 'CKR_PIN_INCORRECT' ods-hsmutil -c "$ODS_STATE/keystore.xml" info
expect_failure 'SoftHSM.*(not usable|PIN)' ods-hsmutil -c "$ODS_STATE/keystore.xml" generate SoftHSM ecdsa
echo 1111 | expect_failure 'CKR_PIN_INCORRECT' ods-hsmutil -c "$ODS_STATE/keystore.xml" login
echo "$pin" | expect_output 'logged in' ods-hsmutil -c "$ODS_STATE/keystore.xml" login
expect_output 'successful' ods-hsmutil -c "$ODS_STATE/keystore.xml" generate SoftHSM ed25519

step "PIN from a file instead of conf.xml"
echo "$pin" >"$ODS_STATE/pinfile"
sed "s|<PIN>$pin</PIN>|<PINFile>$ODS_STATE/pinfile</PINFile>|" "$ODS_CONF" >"$ODS_STATE/pinfile.xml"
restart_with keystore "$ODS_STATE/pinfile.xml"
expect_output 'Logged in: *yes' ods-hsmutil -c "$ODS_STATE/keystore.xml" info

step "a module that does not load, and Capacity"
sed "s|</RepositoryList>|<Repository name=\"Broken\"><Module>/nonexistent/libpkcs11.so</Module><TokenLabel>x</TokenLabel><PIN>1</PIN></Repository><Repository name=\"Small\"><Module>/usr/lib/softhsm/libsofthsm2.so</Module><TokenLabel>OpenDNSSEC</TokenLabel><PIN>$pin</PIN><Capacity>1</Capacity><RequireBackup/></Repository></RepositoryList>|" \
	"$ODS_CONF" >"$ODS_STATE/more.xml"
restart_with keystore "$ODS_STATE/more.xml"
expect_output 'cannot load PKCS#11 module /nonexistent' ods-hsmutil -c "$ODS_STATE/keystore.xml" info Broken
expect_failure 'Broken.*cannot load' ods-hsmutil -c "$ODS_STATE/keystore.xml" generate Broken ecdsa
expect_output 'successful' ods-hsmutil -c "$ODS_STATE/keystore.xml" generate Small ecdsa
expect_failure 'full.*Capacity 1' ods-hsmutil -c "$ODS_STATE/keystore.xml" generate Small ecdsa

step "backup bookkeeping: required -> prepare -> requested -> commit -> done; rollback"
bk() { ODS_CONF=$ODS_STATE/keystore.xml "$ks" backup Small "$1"; }
expect_output 'changed=0 none=0 required=1 requested=0 done=0' bk list
expect_output 'changed=1 none=0 required=0 requested=1 done=0' bk prepare
expect_output 'changed=1 none=0 required=1 requested=0 done=0' bk rollback
expect_output 'changed=1 none=0 required=0 requested=1 done=0' bk prepare
expect_output 'changed=1 none=0 required=0 requested=0 done=1' bk commit
expect_output 'changed=0 none=0 required=0 requested=0 done=1' bk rollback
expect_output 'done' ods-hsmutil -c "$ODS_STATE/keystore.xml" list Small

step "purge asks first; -f does not"
echo NO | expect_failure 'cancelled' ods-hsmutil -c "$ODS_STATE/keystore.xml" purge Small
expect_output 'Purge done: 1 key deleted' ods-hsmutil -c "$ODS_STATE/keystore.xml" -f purge Small
expect_output '0 keys found' ods-hsmutil -c "$ODS_STATE/keystore.xml" list Small
