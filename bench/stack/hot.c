/* hot: the "hot split" -- a loop of calls made right at the end of a stack
 * segment, where every call moves to the next segment and back -- against
 * the same loop away from the boundary and against plain C, using the
 * runtime ABI exactly as snowc generates it (snow.h: checks that run the
 * function again through snow_slow_path_rerun). Prints ns per call and
 * the ratios. */
#include "snow.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int64_t calls;

static double now(void) {
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The called function, with the generated check and slow helper. */
static int64_t leaf(snow_ctx *ctx, int64_t x);

struct leaf_args {
    int64_t p0;
    int64_t ret;
};

static void leaf_rerun(snow_ctx *ctx, void *p) {
    struct leaf_args *a = p;
    a->ret = leaf(ctx, a->p0);
}

SNOW_COLD SNOW_NOINLINE static int64_t leaf_slow(snow_ctx *ctx, int64_t p0) {
    struct leaf_args a = {p0, 0};
    snow_slow_path_rerun(ctx, NULL, 0, leaf_rerun, &a);
    return a.ret;
}

SNOW_NOINLINE static int64_t leaf(snow_ctx *ctx, int64_t x) {
    char snow_probe_;
    if (SNOW_STACK_SHORT(ctx)) return leaf_slow(ctx, x);
    return x * 2 + 1;
}

/* The same function without a check. */
SNOW_NOINLINE static int64_t plain_leaf(int64_t x) {
    __asm__ volatile("" ::: "memory");
    return x * 2 + 1;
}

/* The loop. At the boundary, an array fills the stack down to just above
 * the limit, so `leaf`, called below it, finds the stack short each time;
 * away from it, `leaf` runs 8 KiB above the limit. */
SNOW_NOINLINE static int64_t loop(snow_ctx *ctx, int boundary, int64_t n) {
    char probe;
    /* A raised limit (a yield request) is not where the segment ends. */
    while ((uintptr_t)ctx->stack_limit == UINTPTR_MAX) snow_slow_path(ctx, NULL);
    uintptr_t room = (uintptr_t)&probe - (uintptr_t)ctx->stack_limit;
    size_t gap = boundary ? room - 16 : room - 8192;
    volatile char fill[gap];
    fill[0] = 0;
    int64_t acc = fill[0];
    for (int64_t i = 0; i < n; i++) acc += leaf(ctx, i);
    return acc;
}

SNOW_NOINLINE static int64_t plain_loop(int64_t n) {
    int64_t acc = 0;
    for (int64_t i = 0; i < n; i++) acc += plain_leaf(i);
    return acc;
}

static void entry(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    int64_t n = calls;
    double best[3] = {1e9, 1e9, 1e9};
    int64_t sums[3] = {0, 0, 0};
    for (int round = 0; round < 5; round++) {
        double t0 = now();
        sums[0] = plain_loop(n);
        double t1 = now();
        sums[1] = loop(ctx, 0, n);
        double t2 = now();
        sums[2] = loop(ctx, 1, n);
        double t3 = now();
        double d[3] = {t1 - t0, t2 - t1, t3 - t2};
        for (int k = 0; k < 3; k++)
            if (d[k] < best[k]) best[k] = d[k];
    }
    if (sums[0] != sums[1] || sums[0] != sums[2]) {
        printf("hot: results differ\n");
        exit(1);
    }
    double ns[3];
    for (int k = 0; k < 3; k++) ns[k] = best[k] * 1e9 / (double)n;
    printf("hot split: %lld calls; plain C %.2f ns/call, checked away from a boundary %.2f ns/call "
           "(%.2fx C), every call crossing a segment boundary %.2f ns/call (%.2fx C, %.1fx unsplit)\n",
           (long long)n, ns[0], ns[1], ns[1] / ns[0], ns[2], ns[2] / ns[0], ns[2] / ns[1]);
}

int main(int argc, char **argv) {
    calls = argc > 1 ? atoll(argv[1]) : 10000000;
    return snow_main(argc, argv, entry);
}
