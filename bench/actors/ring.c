/* ring: 1,000 processes pass a token around N hops (default 1,000,000). */
#include "bench.h"

#define RING 1000

static int64_t n_hops;
static snow_pid main_pid;

/* Each member forwards the hop count to `next` until it reaches n_hops,
 * then reports to main; every member stops when it sees a negative count. */
static void member(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    (void)arg;
    snow_pid next = (snow_pid)bench_recv_int(ctx);
    for (;;) {
        int64_t n = bench_recv_int(ctx);
        if (n < 0) {
            snow_send(ctx, next, &snow_t_Int, (snow_word)n);
            return;
        }
        if (n >= n_hops) {
            snow_send(ctx, main_pid, &snow_t_Int, (snow_word)n);
            snow_send(ctx, next, &snow_t_Int, (snow_word)-1);
            return;
        }
        snow_send(ctx, next, &snow_t_Int, (snow_word)(n + 1));
        SNOW_CHECK(ctx);
    }
}

static void entry(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    main_pid = snow_self(ctx);
    static snow_pid ring[RING];
    for (int i = 0; i < RING; i++) ring[i] = snow_spawn(ctx, member, &snow_t_Unit, 0);
    for (int i = 0; i < RING; i++) snow_send(ctx, ring[i], &snow_t_Int, (snow_word)ring[(i + 1) % RING]);
    double t0 = bench_now();
    snow_send(ctx, ring[0], &snow_t_Int, 0);
    int64_t n = bench_recv_int(ctx);
    double dt = bench_now() - t0;
    printf("ring: %d processes, %lld hops in %.3f s, %.0f messages/s\n", RING, (long long)n, dt,
           (double)n / dt);
}

int main(int argc, char **argv) {
    n_hops = bench_arg(argc, argv, 1000000);
    return snow_main(argc, argv, entry);
}
