#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The oracle for the kasp.xml and zonelist.xml loaders: the policies and zone list embedded in
# test_kasp and test_zonelist must be valid per OpenDNSSEC's own RelaxNG schemas (Debian's
# opendnssec-common installs them), and so must Debian's example files. The C tests prove
# that the loaders accept these files; this script proves the files are what OpenDNSSEC
# accepts. Usage: check_rng.sh BUILD_DIR   (skips with status 77 when xmllint or the
# schemas are missing).
set -eu
build=${1:?usage: check_rng.sh BUILD_DIR}
rng=${ODS_RNG_DIR:-/usr/share/opendnssec}
command -v xmllint >/dev/null 2>&1 || { echo "SKIP: no xmllint"; exit 77; }
if [ ! -r "$rng/kasp.rng" ] || [ ! -r "$rng/zonelist.rng" ]; then
	echo "SKIP: no $rng/*.rng"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/tests/unit/test_kasp" --dump "$tmp"
"$build/tests/unit/test_zonelist" --dump "$tmp"
for f in "$tmp"/kasp-*.xml /etc/opendnssec/kasp.xml; do
	[ -r "$f" ] && xmllint --noout --relaxng "$rng/kasp.rng" "$f"
done
for f in "$tmp"/zonelist.xml /etc/opendnssec/zonelist.xml; do
	[ -r "$f" ] && xmllint --noout --relaxng "$rng/zonelist.rng" "$f"
done
echo "check_rng: all files valid"
