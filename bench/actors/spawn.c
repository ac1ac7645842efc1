/* spawn: N processes (default 1,000,000) that each receive one message and
 * exit. Prints the wall time; run.sh measures peak RSS. */
#include "bench.h"

static int64_t n_procs;
static snow_pid main_pid;

static void one_shot(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    (void)arg;
    int64_t v = bench_recv_int(ctx);
    snow_send(ctx, main_pid, &snow_t_Int, (snow_word)v);
}

static void entry(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    main_pid = snow_self(ctx);
    double t0 = bench_now();
    for (int64_t i = 0; i < n_procs; i++) {
        snow_pid p = snow_spawn(ctx, one_shot, &snow_t_Unit, 0);
        snow_send(ctx, p, &snow_t_Int, 1);
        SNOW_CHECK(ctx);
    }
    int64_t done = 0;
    while (done < n_procs) {
        done += bench_recv_int(ctx);
        SNOW_CHECK(ctx);
    }
    printf("spawn: %lld processes in %.3f s\n", (long long)n_procs, bench_now() - t0);
}

int main(int argc, char **argv) {
    n_procs = bench_arg(argc, argv, 1000000);
    return snow_main(argc, argv, entry);
}
