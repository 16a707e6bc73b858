#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The oracle for the kasp.xml, zonelist.xml and signconf.xml code: the policies and zone list
# embedded in test_kasp and test_zonelist, the fixtures in tests/data/conf, and every document
# the writers produce (test_kasp_write, test_zonelist_write and test_signconf --dump) must be
# valid per OpenDNSSEC's own RelaxNG schemas (Debian's opendnssec-common installs them), and
# so must Debian's example files. The C tests prove that the loaders accept these files and
# that the writers' output reads back the same; this script proves the files are what
# OpenDNSSEC accepts. Usage: check_rng.sh BUILD_DIR   (skips with status 77 when xmllint or
# the schemas are missing).
set -eu
build=${1:?usage: check_rng.sh BUILD_DIR}
rng=${ODS_RNG_DIR:-/usr/share/opendnssec}
data=$(cd -- "$(dirname -- "$0")/../../../data/conf" && pwd)
command -v xmllint >/dev/null 2>&1 || { echo "SKIP: no xmllint"; exit 77; }
for s in kasp zonelist signconf; do
	if [ ! -r "$rng/$s.rng" ]; then
		echo "SKIP: no $rng/$s.rng"
		exit 77
	fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for t in test_kasp test_zonelist test_kasp_write test_zonelist_write test_signconf; do
	"$build/tests/unit/$t" --dump "$tmp"
done
# Every file that is there is checked; the writers' outputs must all be there.
for f in "$tmp"/kasp-written-struct.xml "$tmp"/zonelist-written-struct.xml \
	"$tmp"/signconf-written-struct.xml "$tmp"/signconf-written-nsec.xml; do
	[ -r "$f" ] || { echo "missing $f"; exit 1; }
done
check() { # SCHEMA FILE...
	s=$1
	shift
	for f in "$@"; do
		[ -r "$f" ] && xmllint --noout --relaxng "$rng/$s.rng" "$f"
	done
	return 0
}
check kasp "$tmp"/kasp-*.xml "$data"/kasp-*.xml /etc/opendnssec/kasp.xml
check zonelist "$tmp"/zonelist*.xml "$data"/zonelist-*.xml /etc/opendnssec/zonelist.xml
check signconf "$tmp"/signconf-*.xml "$data"/signconf-*.xml
echo "check_rng: all files valid"
