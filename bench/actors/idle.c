/* idle: N processes (default 1,000,000) parked in receive. Prints the
 * extra resident memory and page-table memory per process. */
#include "bench.h"

static int64_t n_procs;
static snow_pid main_pid;

static void parked(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    (void)arg;
    snow_send(ctx, main_pid, &snow_t_Int, 1);
    bench_recv_int(ctx);
}

static void entry(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    main_pid = snow_self(ctx);
    long before = bench_rss();
    long pt_before = bench_page_tables();
    double t0 = bench_now();
    for (int64_t i = 0; i < n_procs; i++) {
        snow_spawn(ctx, parked, &snow_t_Unit, 0);
        SNOW_CHECK(ctx);
    }
    int64_t ready = 0;
    while (ready < n_procs) {
        ready += bench_recv_int(ctx);
        SNOW_CHECK(ctx);
    }
    long after = bench_rss();
    long pt_after = bench_page_tables();
    printf("idle: %lld parked processes, %.0f bytes each (and %.0f page-table bytes each), "
           "spawned in %.3f s\n",
           (long long)n_procs, (double)(after - before) / (double)n_procs,
           (double)(pt_after - pt_before) / (double)n_procs, bench_now() - t0);
    /* returning leaves them blocked forever: the quiescence rule ends the
     * program */
}

int main(int argc, char **argv) {
    n_procs = bench_arg(argc, argv, 1000000);
    return snow_main(argc, argv, entry);
}
