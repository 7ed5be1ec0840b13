# SPDX-License-Identifier: MIT OR GPL-2.0
#
# Shared by the host-side test runners: every case's result goes to one
# file, $KCP_RESULTS, as "tier<TAB>case<TAB>PASS|FAIL|SKIP<TAB>seconds", so that
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

# count_rows TIER [STATUS]: rows recorded so far for TIER (with STATUS).
count_rows() {
	awk -F'\t' -v tier="$1" -v status="${2:-}" \
		'$1 == tier && (status == "" || $3 == status) { n++ } END { print n + 0 }' \
		"$KCP_RESULTS"
}

# run_tier TIER COMMAND...: run a tier's runner. A tier cannot vanish from
# the table: a runner that records nothing, or exits non-zero without
# recording a failure (it died, or gave up before its cases), gets a FAIL
# row saying so.
run_tier() {
	local tier=$1 rows fails start status

	shift
	rows=$(count_rows "$tier")
	fails=$(count_rows "$tier" FAIL)
	start=$(date +%s)
	"$@"
	status=$?
	if [ "$(count_rows "$tier")" -eq "$rows" ]; then
		record "$tier" "$(basename "$1") recorded no result (exit status $status)" \
			FAIL $(($(date +%s) - start))
	elif [ $status -ne 0 ] && [ "$(count_rows "$tier" FAIL)" -eq "$fails" ]; then
		record "$tier" "$(basename "$1") exited with status $status, no failure recorded" \
			FAIL 0
	fi
}

# Print the table and the final line; status 1 when anything failed.
# Skipped cases are listed and counted apart: they neither pass nor fail.
summary() {
	awk -F'\t' '
		!($1 in seen) { seen[$1] = 1; order[++ntiers] = $1 }
		{ n[$1, $3]++; t[$1] += $4 }
		$3 == "FAIL" { bad[++nbad] = $1 ": " $2 }
		$3 == "SKIP" { skipped[++nskip] = $1 ": " $2 }
		END {
			printf "\n%-10s %8s %8s %8s %8s\n", "tier", "passed", "failed",
				"skipped", "seconds"
			for (i = 1; i <= ntiers; i++) {
				k = order[i]
				printf "%-10s %8d %8d %8d %8d\n", k, n[k, "PASS"],
					n[k, "FAIL"], n[k, "SKIP"], t[k]
				p += n[k, "PASS"]; f += n[k, "FAIL"]; s += n[k, "SKIP"]
				total += t[k]
			}
			printf "%-10s %8d %8d %8d %8d\n", "all", p, f, s, total
			for (i = 1; i <= nskip; i++)
				printf "skipped: %s\n", skipped[i]
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
