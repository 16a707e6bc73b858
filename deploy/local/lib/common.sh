# shellcheck shell=bash disable=SC2154 # globals come from cluster and the other lib/*.sh
# Common helpers for deploy/local/cluster: messages, paths, small file utilities.
# Sourced by cluster; expects REPO, STATE, BIN to be set by it.

# say MSG: progress on stdout. A reader that goes away early (`up | grep -q ...`) must not kill
# `up` half-way with SIGPIPE, so the write happens in a subshell whose death is ignored.
say() { (printf 'cluster: %s\n' "$*") 2>/dev/null || true; }
warn() { printf 'cluster: warning: %s\n' "$*" >&2; }
die() {
	printf 'cluster: error: %s\n' "$*" >&2
	exit 1
}

is_root() { [[ $(id -u) -eq 0 ]]; }

# abs_path PATH: absolute, symlinks resolved where they exist; PATH need not exist.
abs_path() { realpath -m -- "$1"; }

# short_hash STRING: 12 hex digits identifying STRING (used for fallback dir names).
short_hash() { printf '%s' "$1" | sha256sum | cut -c1-12; }

# xml_escape STRING: escape for XML element content.
xml_escape() {
	local s=$1
	s=${s//&/"&amp;"} # quoted: with bash 5.2's patsub_replacement a bare & means "the match"
	s=${s//</"&lt;"}
	s=${s//>/"&gt;"}
	printf '%s' "$s"
}

# sh_quote STRING: single-quoted for any POSIX shell (used by `env`).
sh_quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# write_secret FILE CONTENT: create FILE with mode 0600 (never world-readable, even briefly).
write_secret() {
	(
		umask 077
		printf '%s\n' "$2" >"$1.tmp"
	)
	mv -f -- "$1.tmp" "$1"
}

# write_if_changed FILE [MODE]: replace FILE with stdin if the content differs (0 when changed).
write_if_changed() {
	local file=$1 mode=${2:-0644} tmp
	tmp=$(mktemp "$file.XXXXXX")
	cat >"$tmp"
	chmod "$mode" "$tmp"
	if [[ -f $file ]] && cmp -s "$tmp" "$file"; then
		chmod "$mode" "$file"
		rm -f -- "$tmp"
		return 1
	fi
	mv -f -- "$tmp" "$file"
}

# random_digits N: N decimal digits from /dev/urandom, without modulo bias.
random_digits() {
	local n=$1 out="" b
	while ((${#out} < n)); do
		for b in $(od -An -tu1 -N32 /dev/urandom); do
			((b < 250)) || continue
			out+=$((b % 10))
			((${#out} < n)) || break
		done
	done
	printf '%s\n' "$out"
}

# state_lock: serialise up/down on one state directory (fd 9; closed for every child we spawn).
state_lock() {
	exec 9>"$STATE/.lock"
	flock -w 300 9 || die "another 'cluster' command holds $STATE/.lock"
}

# close_fds: in a subshell that is about to exec a long-lived process, close every fd above 2,
# so the daemon holds neither our lock nor a pipe of whoever called us (a test runner would hang).
close_fds() {
	local f n
	for f in /proc/"$BASHPID"/fd/*; do
		n=${f##*/}
		if [[ $n =~ ^[0-9]+$ ]] && ((n > 2 && n < 255)); then
			exec {n}>&-
		fi
	done
}

# conninfo_quote VALUE: a libpq conninfo value (single-quoted, \ and ' escaped) when needed.
conninfo_quote() {
	local s=$1
	if [[ $s =~ ^[A-Za-z0-9_./:-]+$ ]]; then
		printf '%s' "$s"
		return
	fi
	s=${s//\\/\\\\}
	printf "'%s'" "${s//\'/\\\'}"
}
