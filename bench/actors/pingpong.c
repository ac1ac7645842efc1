/* ping-pong: two processes exchange N messages (default 1,000,000). */
#include "bench.h"

static int64_t n_msgs;

static void ponger(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    snow_pid peer = (snow_pid)arg;
    for (;;) {
        int64_t n = bench_recv_int(ctx);
        snow_send(ctx, peer, &snow_t_Int, (snow_word)(n + 1));
        if (n + 1 >= n_msgs) return;
        SNOW_CHECK(ctx);
    }
}

static void entry(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    snow_pid p = snow_spawn(ctx, ponger, &snow_t_Pid, snow_self(ctx));
    double t0 = bench_now();
    snow_send(ctx, p, &snow_t_Int, 0);
    for (;;) {
        int64_t n = bench_recv_int(ctx);
        if (n + 1 >= n_msgs) break;
        snow_send(ctx, p, &snow_t_Int, (snow_word)(n + 1));
        SNOW_CHECK(ctx);
    }
    double dt = bench_now() - t0;
    printf("pingpong: %lld messages in %.3f s, %.0f messages/s\n", (long long)n_msgs, dt,
           (double)n_msgs / dt);
}

int main(int argc, char **argv) {
    n_msgs = bench_arg(argc, argv, 1000000);
    return snow_main(argc, argv, entry);
}
