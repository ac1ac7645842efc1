/* Runtime errors: `panic` selects which one. */
#include "snow.h"
#include <string.h>

SNOW_STR_LIT(s_before, "before");
static const snow_type *const p_int[] = {&snow_t_Int};
static const snow_type t_list_int = {SNOW_K_LIST, 3, "List<Int>", 0, 1, p_int, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL};
static const snow_loc here = {"main.snow", 3, 7};
static const snow_fn_loc deep_fn = {"deep/1", {"main.snow", 9, 1}};
static const char *mode;

/* A recursion that moves to new stack segments as generated code does:
 * a failed check runs the function again through the slow path, with its
 * argument in a struct, on a new segment when the stack is short, until
 * the stack size is used up. */
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
    snow_slow_path_rerun(ctx, &deep_fn, 0, deep_rerun, &a);
    return a.ret;
}

static int64_t deep(snow_ctx *ctx, int64_t n) {
    char snow_probe_;
    if (SNOW_STACK_SHORT(ctx)) return deep_slow(ctx, n);
    volatile char pad[64];
    pad[0] = (char)n;
    if (n == 0) return 0;
    int64_t r = deep(ctx, n - 1);
    return r + pad[0];
}

static void entry(snow_ctx *ctx) {
    snow_print(ctx, SNOW_STR(s_before));
    if (strcmp(mode, "index") == 0) {
        snow_word xs[3] = {1, 2, 3};
        snow_list *l = snow_list_from(ctx, &t_list_int, 3, xs);
        ctx->loc = &here;
        snow_list_get(ctx, l, 5);
    } else if (strcmp(mode, "div") == 0) {
        volatile int64_t zero = 0;
        snow_div(ctx, 1, zero, &here);
    } else if (strcmp(mode, "deep") == 0) {
        ctx->loc = &here; /* stale: the overflow is reported where it is */
        deep(ctx, 100000000);
    }
}

int main(int argc, char **argv) {
    mode = argc > 1 ? argv[1] : "";
    return snow_main(argc, argv, entry);
}
