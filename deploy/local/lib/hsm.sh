# shellcheck shell=bash disable=SC2154 # globals come from cluster and the other lib/*.sh
# Private SoftHSMv2 token: own softhsm2.conf and token directory under $STATE/softhsm.
# The slot number changes at --init-token, so the token is always found by its label.

HSM_MODULE=/usr/lib/softhsm/libsofthsm2.so
HSM_LABEL=OpenDNSSEC
HSM_PIN_DIGITS=12
HSM_DIR='' HSM_CONF='' HSM_PIN_FILE='' HSM_SO_PIN_FILE='' KEK_FILE=''

hsm_init_vars() {
	HSM_DIR=$STATE/softhsm
	HSM_CONF=$HSM_DIR/softhsm2.conf
	HSM_PIN_FILE=$HSM_DIR/pin
	HSM_SO_PIN_FILE=$HSM_DIR/so-pin
	KEK_FILE=$STATE/softkeys/kek
}

hsm_require_bin() {
	command -v softhsm2-util >/dev/null || die "softhsm2-util not found (package softhsm2)"
	[[ -f $HSM_MODULE ]] || die "$HSM_MODULE not found (package softhsm2)"
}

hsm_util() { SOFTHSM2_CONF=$HSM_CONF softhsm2-util "$@"; }

hsm_conf_write() {
	install -d -m 0700 "$HSM_DIR" "$HSM_DIR/tokens"
	write_if_changed "$HSM_CONF" <<-EOF || true
		# Written by deploy/local/cluster.
		directories.tokendir = $HSM_DIR/tokens
		objectstore.backend = file
		log.level = ERROR
	EOF
}

# hsm_slot: print the slot number of the token labelled $HSM_LABEL; fails if there is none.
hsm_slot() {
	[[ -f $HSM_CONF ]] || return 1
	hsm_util --show-slots 2>/dev/null | awk -v want="$HSM_LABEL" '
		/^Slot [0-9]+$/ { slot = $2 }
		/^[ \t]+Label:/ { sub(/^[ \t]+Label:[ \t]*/, ""); sub(/[ \t]+$/, "")
		                  if ($0 == want && !found) { print slot; found = 1 } }
		END { exit !found }'
}

hsm_pins_ensure() {
	[[ -s $HSM_PIN_FILE ]] || write_secret "$HSM_PIN_FILE" "$(random_digits "$HSM_PIN_DIGITS")"
	[[ -s $HSM_SO_PIN_FILE ]] || write_secret "$HSM_SO_PIN_FILE" "$(random_digits "$HSM_PIN_DIGITS")"
	chmod 0600 "$HSM_PIN_FILE" "$HSM_SO_PIN_FILE"
}

hsm_pin() { head -n 1 -- "$HSM_PIN_FILE"; }

hsm_token_ensure() {
	local slot
	if slot=$(hsm_slot); then
		[[ -s $HSM_PIN_FILE ]] || die "token $HSM_LABEL exists but $HSM_PIN_FILE is missing"
		say "softhsm: token $HSM_LABEL already initialised (slot $slot)"
		return 0
	fi
	hsm_pins_ensure
	hsm_util --init-token --free --label "$HSM_LABEL" \
		--pin "$(hsm_pin)" --so-pin "$(head -n 1 -- "$HSM_SO_PIN_FILE")" >/dev/null
	slot=$(hsm_slot) || die "softhsm2-util --init-token did not create token $HSM_LABEL"
	say "softhsm: initialised token $HSM_LABEL (slot $slot)"
}

# kek_ensure: the key-encryption key of the software repository "soft" (32 random bytes as
# hex, 0600), made once. Losing it loses the software keys.
kek_ensure() {
	[[ -s $KEK_FILE ]] && return 0
	install -d -m 0700 "${KEK_FILE%/*}"
	write_secret "$KEK_FILE" "$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
	say "software keys: made key-encryption key $KEK_FILE"
}

hsm_up() {
	hsm_require_bin
	hsm_conf_write
	hsm_token_ensure
	kek_ensure
}

hsm_status() {
	local slot
	if slot=$(hsm_slot); then
		printf '%-14s present  slot %-7s %s\n' "softhsm token" "$slot" "$HSM_LABEL ($HSM_CONF)"
	else
		printf '%-14s absent   %-12s %s\n' "softhsm token" - "$HSM_LABEL ($HSM_CONF)"
		return 1
	fi
}
