# shellcheck shell=bash disable=SC2154 # globals come from cluster and the other lib/*.sh
# The example of the embedded default: policy "default" (example/kasp.xml), zone example.com,
# imported once through the CLI as an operator would. Files already in $STATE/etc are kept.
# Tests set ODS_EXAMPLE=0 and bring their own.

example_files() {
	mkdir -p "$STATE/etc" "$STATE/unsigned" "$STATE/signed" "$STATE/signconf"
	[[ -f $STATE/etc/kasp.xml ]] || cp -- "$HERE/example/kasp.xml" "$STATE/etc/kasp.xml"
	[[ -f $STATE/unsigned/example.com ]] ||
		cp -- "$HERE/example/example.com" "$STATE/unsigned/example.com"
	[[ -f $STATE/etc/zonelist.xml ]] && return 0
	cat >"$STATE/etc/zonelist.xml" <<-ZL
		<?xml version="1.0" encoding="UTF-8"?>
		<ZoneList>
		  <Zone name="example.com">
		    <Policy>default</Policy>
		    <SignerConfiguration>$(xml_escape "$STATE/signconf/example.com.xml")</SignerConfiguration>
		    <Adapters>
		      <Input><File>$(xml_escape "$STATE/unsigned/example.com")</File></Input>
		      <Output><File>$(xml_escape "$STATE/signed/example.com")</File></Output>
		    </Adapters>
		  </Zone>
		</ZoneList>
	ZL
}

# example_up: files, then policy and zone list into the enforcer (idempotent).
example_up() {
	[[ ${ODS_EXAMPLE:-1} == 0 ]] && return 0
	local cli=$BIN/ods-enforcer
	example_files
	export ODS_CONF=$CONF SOFTHSM2_CONF=$HSM_CONF
	"$cli" policy import >/dev/null || warn "policy import failed"
	"$cli" zonelist import >/dev/null || warn "zonelist import failed"
	"$cli" enforce >/dev/null || warn "enforce failed"
	say "example:  zone example.com, policy default; keys:"
	"$cli" key list | sed 's/^/  /'
	example_signed
}

# example_signed: wait until ods-signerd has published example.com, then check it with an
# independent validator (ldns-verify-zone).
example_signed() {
	local out=$STATE/signed/example.com
	if ! ODS_CONF=$CONF "$BIN/ods-signer" sign example.com --wait 120 >/dev/null; then
		warn "example.com was not signed; see $STATE/log/signerd.log"
		return 0
	fi
	say "example:  signed zone $out ($(grep -c RRSIG "$out") signatures)"
	if command -v ldns-verify-zone >/dev/null; then
		if ldns-verify-zone "$out" >/dev/null 2>&1; then
			say "example:  ldns-verify-zone: the signed zone validates"
		else
			warn "ldns-verify-zone does not accept $out: $(ldns-verify-zone "$out" 2>&1 | tail -n 2)"
		fi
	fi
}
