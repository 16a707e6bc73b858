#!/bin/sh
# DelegationSignerSubmitCommand of the enforcer case: append stdin to submitted.txt beside
# this script; fail (exit 1, with a message) while the file submit-fail exists there.
dir=$(dirname "$0")
cat >>"$dir/submitted.txt"
if [ -e "$dir/submit-fail" ]; then
	echo "parent registry says no" >&2
	exit 1
fi
exit 0
