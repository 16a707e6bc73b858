# shellcheck shell=bash
# The rollover case's kasp.xml, as functions (sourced by run.sh). Every policy has the same
# short timings, each a different value, so that a walk takes a few simulated days and an
# engine that forgets or swaps one of them gets caught by the checker:
#   DNSKEY: TTL 1h + zone propagation 45m (+ PublishSafety 10m / RetireSafety 6m)
#   DS: TTL 2h + parent registration 15m + parent propagation 30m, from ds-seen / ds-gone
#   zone signatures: MaxZoneTTL 3h + zone propagation 45m; a signature swap adds
#     Jitter 1h + Validity 12h + Resign 1h - Refresh 6h = 8h
#   negative answers: SOA Minimum 20m (an empty DNSKEY set before the first signing)
# The safety margins are small on purpose: the checker does not count them, so a margin as
# large as a delay would hide an engine that forgot that delay.
# Lifetimes of P365D never run out during a walk; P2D run out about a day after signing.

# key_el ROLE ALGORITHM LIFETIME [ROLLTYPE] [REPOSITORY]: one <KSK>, <ZSK> or <CSK>.
key_el() {
	local role=$1 alg=$2 life=$3 roll=${4:-} repo=${5:-SoftHSM} rt=''
	case $role in
	KSK) rt=KskRollType ;;
	ZSK) rt=ZskRollType ;;
	CSK) rt=CskRollType ;;
	esac
	printf '\t\t\t<%s>\n\t\t\t\t<Algorithm length="256">%s</Algorithm>\n' "$role" "$alg"
	printf '\t\t\t\t<Lifetime>%s</Lifetime>\n\t\t\t\t<Repository>%s</Repository>\n' "$life" "$repo"
	if [[ -n $roll ]]; then printf '\t\t\t\t<%s>%s</%s>\n' "$rt" "$roll" "$rt"; fi
	printf '\t\t\t</%s>\n' "$role"
}

# policy_el NAME DNSKEY_TTL KEYS_OPTIONS KEYS: one <Policy>. KEYS_OPTIONS go between
# PublishSafety and the keys (<ShareKeys/>, <Purge>).
policy_el() {
	local name=$1 ttl=$2 opts=$3 keys=$4
	cat <<-XML
		<Policy name="$name">
			<Description>rollover test: $name</Description>
			<Signatures>
				<Resign>PT1H</Resign>
				<Refresh>PT6H</Refresh>
				<Validity><Default>PT12H</Default><Denial>PT12H</Denial></Validity>
				<Jitter>PT1H</Jitter>
				<InceptionOffset>PT1H</InceptionOffset>
				<MaxZoneTTL>PT3H</MaxZoneTTL>
			</Signatures>
			<Denial><NSEC/></Denial>
			<Keys>
				<TTL>$ttl</TTL>
				<RetireSafety>PT6M</RetireSafety>
				<PublishSafety>PT10M</PublishSafety>
		$opts
		$keys
			</Keys>
			<Zone>
				<PropagationDelay>PT45M</PropagationDelay>
				<SOA><TTL>PT1H30M</TTL><Minimum>PT20M</Minimum><Serial>unixtime</Serial></SOA>
			</Zone>
			<Parent>
				<PropagationDelay>PT30M</PropagationDelay>
				<DS><TTL>PT2H</TTL></DS>
				<SOA><TTL>PT1H</TTL><Minimum>PT1H</Minimum></SOA>
				<RegistrationDelay>PT15M</RegistrationDelay>
			</Parent>
		</Policy>
	XML
}

# ksk_zsk KSK_ROLL ZSK_ROLL KSK_LIFE ZSK_LIFE [ALGORITHM] [REPOSITORY]
ksk_zsk() {
	key_el KSK "${5:-13}" "$3" "$1" "${6:-SoftHSM}"
	key_el ZSK "${5:-13}" "$4" "$2" "${6:-SoftHSM}"
}

# kasp_xml PHASE: the whole kasp.xml. Phase 2 changes policy "alg" to algorithm 15 and lowers
# the DNSKEY TTL of policy "ttl" from 6h to 10 minutes.
kasp_xml() {
	local phase=$1 alg=13 ttl=PT6H
	if ((phase == 2)); then alg=15 ttl=PT10M; fi
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<KASP>\n'
	policy_el kdrr PT1H '' "$(ksk_zsk KskDoubleRRset '' P365D P365D)"
	policy_el kdds PT1H '' "$(ksk_zsk KskDoubleDS '' P365D P365D)"
	policy_el kdsig PT1H '' "$(ksk_zsk KskDoubleSignature '' P365D P365D)"
	policy_el zdsig PT1H '' "$(ksk_zsk '' ZskDoubleSignature P365D P2D)"
	policy_el zpp PT1H '' "$(ksk_zsk '' ZskPrePublication P365D P2D)"
	policy_el zdrr PT1H '' "$(ksk_zsk '' ZskDoubleRRsig P365D P2D)"
	policy_el cpp PT1H '' "$(key_el CSK 13 P2D)"
	policy_el cdrr PT1H '' "$(key_el CSK 13 P365D CskDoubleRRset)"
	policy_el css PT1H '' "$(key_el CSK 13 P365D CskSingleSignature)"
	policy_el cdds PT1H '' "$(key_el CSK 13 P365D CskDoubleDS)"
	policy_el cdsig PT1H '' "$(key_el CSK 13 P365D CskDoubleSignature)"
	policy_el alg PT1H '' "$(ksk_zsk '' '' P365D P365D "$alg")"
	policy_el manual PT1H '' "$(ksk_zsk '' '' P365D P365D)"
	policy_el ttl "$ttl" '' "$(ksk_zsk '' '' P365D P365D)"
	policy_el share PT1H '<ShareKeys/><Purge>PT2H</Purge>' "$(ksk_zsk '' '' P365D P365D)"
	policy_el purge PT1H '<Purge>PT2H</Purge>' "$(ksk_zsk '' '' P365D P365D)"
	policy_el backup PT1H '' "$(ksk_zsk '' '' P365D P365D 13 Backed)"
	printf '</KASP>\n'
}
