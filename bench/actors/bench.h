/*
 * bench.h -- shared helpers of the actor benchmarks: the receive loop as
 * snowc generates it, and clock/RSS readings for reports.
 */
#ifndef SNOW_BENCH_H
#define SNOW_BENCH_H

#include "snow.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* receive do n -> n end, on Int messages */
static inline int64_t bench_recv_int(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    snow_word w;
    for (;;) {
        void *m = snow_recv_next(ctx, NULL, &snow_t_Int, &w);
        if (m) return (int64_t)snow_recv_take(ctx, m);
        snow_recv_wait(ctx, -1);
        SNOW_CHECK(ctx);
    }
}

static inline double bench_now(void) {
    struct timespec ts;
    timespec_get(&ts, TIME_UTC); /* C11; wall clock is fine for seconds-long runs */
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Resident set size in bytes, from /proc/self/statm. */
static inline long bench_rss(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        fclose(f);
    }
    return resident * 4096L;
}

/* Memory taken by the process's page tables in bytes (VmPTE in
 * /proc/self/status; not part of the resident set, but real memory: with
 * large virtual stacks it is a per-process cost of its own). */
static inline long bench_page_tables(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = 0;
    if (f) {
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "VmPTE: %ld kB", &kb) == 1) break;
        fclose(f);
    }
    return kb * 1024L;
}

static inline int64_t bench_arg(int argc, char **argv, int64_t dflt) {
    return argc > 1 ? atoll(argv[1]) : dflt;
}

#endif
