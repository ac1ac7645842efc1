/*
 * deep.h -- a recursion that moves to new stack segments as generated code
 * does: a failed entry check runs the function again through the slow path
 * (its argument in a struct), on a new segment when the stack is short,
 * until the stack size is used up. The includer defines DEEP_FN, the
 * snow_fn_loc to report (or NULL), and DEEP_PAD, the bytes each frame
 * holds.
 */
#ifndef SNOW_TEST_DEEP_H
#define SNOW_TEST_DEEP_H

#include "snow.h"

static int64_t deep(snow_ctx *ctx, int64_t n);

struct deep_args {
    int64_t n;
    int64_t ret;
};

static void deep_rerun(snow_ctx *ctx, void *p) {
    struct deep_args *a = p;
    a->ret = deep(ctx, a->n);
}

SNOW_COLD SNOW_NOINLINE static int64_t deep_slow(snow_ctx *ctx, int64_t n) {
    struct deep_args a = {n, 0};
    snow_slow_path_rerun(ctx, DEEP_FN, 0, deep_rerun, &a);
    return a.ret;
}

static int64_t deep(snow_ctx *ctx, int64_t n) {
    char snow_probe_;
    if (SNOW_STACK_SHORT(ctx)) return deep_slow(ctx, n);
    volatile char pad[DEEP_PAD];
    pad[0] = (char)n;
    if (n == 0) return 0;
    int64_t r = deep(ctx, n - 1);
    return r + pad[0];
}

#endif
