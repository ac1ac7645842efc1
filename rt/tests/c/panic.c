/* Runtime errors: `panic` selects which one. */
#include "snow.h"
#include <string.h>

SNOW_STR_LIT(s_before, "before");
static const snow_type *const p_int[] = {&snow_t_Int};
static const snow_type t_list_int = {SNOW_K_LIST, 3, "List<Int>", 0, 1, p_int, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL};
static const snow_loc here = {"main.snow", 3, 7};
static const snow_fn_loc deep_fn = {"deep/1", {"main.snow", 9, 1}};
static const char *mode;

#define DEEP_FN &deep_fn
#define DEEP_PAD 64
#include "deep.h"

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
