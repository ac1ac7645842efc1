# Shell helpers of the benchmark scripts: wrk_run for those that drive
# servers with wrk (bench/http/run.sh, bench/db/run.sh), ratio for those
# and bench/ws/run.sh; source it from the script's directory.

# wrk_run URL [wrk args]: one wrk -t1 -c50 run of $secs seconds; prints
# "requests/s p99-in-ms" (errors and non-2xx answers are reported on stderr).
wrk_run() {
    wrk -t1 -c50 -d"${secs}s" --latency "${@:2}" "$1" |
        awk '/^Requests\/sec:/ { rps = $2 }
             $1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
                           p99 = (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : v }
             /Non-2xx|Socket errors/ { print "wrk: " $0 > "/dev/stderr" }
             END { printf "%.0f %.2f\n", rps, p99 }'
}

# ratio A B: A/B to two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
