/* snow_sort.h: the stable merge sort behind List.sort
 * (snow_list_sort_by).
 *
 * Generated code includes this header when a program sorts. It passes an
 * adapter per element type that unwraps two words and calls the Snow
 * comparator closure; the sort itself is the same for every type. Built-in
 * operations are not preemptible (like Erlang's), so the sort runs to the
 * end without ticks. */
#ifndef SNOW_SORT_H
#define SNOW_SORT_H

#include "snow.h"

/* Compares two list items with the closure `cmp`: negative, zero or
 * positive like `compare`. */
typedef int64_t (*snow_sort_cmp_fn)(snow_ctx *ctx, snow_closure *cmp, snow_word a, snow_word b);

/* A new list of the items of `xs` in the order `compare` gives, equal items
 * kept in their order; `list_type` is the descriptor of the list. Bottom-up:
 * runs of `width` items are merged pairwise from one buffer into the other,
 * doubling the width until one run is the whole list. */
static inline SNOW_UNUSED snow_list *snow_list_sort_by(snow_ctx *ctx, const snow_type *list_type,
                                                       snow_list *xs, snow_closure *cmp,
                                                       snow_sort_cmp_fn compare) {
    int64_t n = xs->len;
    /* Two fresh lists (not yet visible to anyone) serve as the buffers. */
    snow_list *a = snow_list_from(ctx, list_type, n, xs->items);
    snow_list *b = snow_list_from(ctx, list_type, n, xs->items);
    snow_word *src = a->items, *dst = b->items;
    for (int64_t width = 1; width < n; width *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * width) {
            int64_t mid = lo + width < n ? lo + width : n;
            int64_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            int64_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                /* The right item goes first only if strictly smaller. */
                if (compare(ctx, cmp, src[j], src[i]) < 0) {
                    dst[k++] = src[j++];
                } else {
                    dst[k++] = src[i++];
                }
            }
            while (i < mid) dst[k++] = src[i++];
            while (j < hi) dst[k++] = src[j++];
        }
        snow_word *tmp = src;
        src = dst;
        dst = tmp;
    }
    return src == a->items ? a : b;
}

#endif /* SNOW_SORT_H */
