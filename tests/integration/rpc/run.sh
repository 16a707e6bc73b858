#!/usr/bin/env bash
# RPC under load and abuse: 64 concurrent clients, garbage of every kind against each daemon,
# and a server killed in the middle of a call.
torture=$ODS_TEST_BIN/rpc_torture

step "cluster up"
cluster up --testing
eval "$(cluster env)"

step "64 concurrent clients"
"$torture" concurrent enforcer 64 20
"$torture" concurrent keystore 64 10
"$torture" concurrent signer 64 10

step "garbage, truncated, oversized, unknown method: clear status, server keeps serving"
for svc in keystore enforcer signer; do
	"$torture" garbage "$svc"
done
cluster status || fail "a daemon died from bad input"
grep -q 'event=bad_request' "$ODS_STATE"/log/*.log || fail "bad requests were not logged"

step "server killed mid-call: UNAVAILABLE or DEADLINE_EXCEEDED, never a hang"
"$torture" killed signer "$(pid_of signer)" 3000
expect_failure 'cannot reach ods-signerd' ods-signer running
