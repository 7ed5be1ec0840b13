# SPDX-License-Identifier: MIT OR GPL-2.0
#
# Shared by the host-side test runners: every case's result goes to one
# file, $KCP_RESULTS, as "tier<TAB>case<TAB>PASS|FAIL<TAB>seconds", so that
# tests/check can print one table whichever runners took part. A runner
# started on its own gets a results file of its own and prints its summary.

results_init() {
	if [ -z "${KCP_RESULTS:-}" ]; then
		KCP_RESULTS=$(mktemp "${TMPDIR:-/tmp}/kcp-results.XXXXXX")
		KCP_RESULTS_OWNER=$$
		export KCP_RESULTS
	fi
}

# record TIER CASE STATUS SECONDS
record() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$KCP_RESULTS"
	printf '%-4s %s: %s (%ss)\n' "$3" "$1" "$2" "$4"
}

# run_case TIER CASE COMMAND...: run it, record pass (status 0) or fail.
run_case() {
	local tier=$1 name=$2 start status

	shift 2
	start=$(date +%s)
	"$@"
	status=$?
	record "$tier" "$name" "$([ $status -eq 0 ] && echo PASS || echo FAIL)" \
		"$(($(date +%s) - start))"
	return $status
}

# Print the table and the final line; status 1 when anything failed.
summary() {
	awk -F'\t' '
		!($1 in seen) { seen[$1] = 1; order[++ntiers] = $1 }
		{ n[$1, $3]++; t[$1] += $4; if ($3 == "FAIL") bad[++nbad] = $1 ": " $2 }
		END {
			printf "\n%-10s %8s %8s %8s\n", "tier", "passed", "failed", "seconds"
			for (i = 1; i <= ntiers; i++) {
				k = order[i]
				printf "%-10s %8d %8d %8d\n", k, n[k, "PASS"], n[k, "FAIL"], t[k]
				p += n[k, "PASS"]; f += n[k, "FAIL"]
			}
			for (i = 1; i <= nbad; i++)
				printf "failed: %s\n", bad[i]
			printf "%d passed, %d failed\n", p, f
			exit f > 0
		}' "$KCP_RESULTS"
}

# For a runner started on its own: the summary, then clean up. Returns
# the runner's own status (FAILED: how many of its cases failed).
results_finish() {
	if [ "${KCP_RESULTS_OWNER:-}" = $$ ]; then
		summary
		rm -f "$KCP_RESULTS"
	fi
	[ "$1" -eq 0 ]
}
