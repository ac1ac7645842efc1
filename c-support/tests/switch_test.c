/*
 * switch_test.c -- exercises snow_ctx_make / snow_ctx_switch on their own:
 * create, switch in and out, pass values, keep callee-saved registers
 * (integer and floating point) across switches, check stack alignment,
 * finish contexts, and many round trips. Built natively and for every
 * cross target by ci/cross-arch.sh. Prints "switch_test: N passed, 0 failed".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "snow_switch.h"

#define STACK_SIZE (64 * 1024)

static void *main_sp;
static void *co_sp;
static long counter;
static int failures;
static int passes;

static void check(int ok, const char *what) {
    if (ok) {
        passes++;
    } else {
        failures++;
        printf("FAIL: %s\n", what);
    }
}

/* The entry of a simple coroutine: bumps the counter and yields, forever
 * until told to stop, then switches back for good. */
static volatile int stop;
static void counting(void *arg) {
    long step = (long)(intptr_t)arg;
    while (!stop) {
        counter += step;
        snow_ctx_switch(&co_sp, main_sp);
    }
    snow_ctx_switch(&co_sp, main_sp);
}

/* Floating-point and integer work across switches: callee-saved registers
 * of both contexts must survive. */
static double fp_result;
static void fp_worker(void *arg) {
    double acc = *(double *)arg;
    long n = 0;
    for (int i = 0; i < 1000; i++) {
        acc = acc * 1.0000001 + 0.5;
        n += i;
        snow_ctx_switch(&co_sp, main_sp);
    }
    fp_result = acc + (double)n;
    snow_ctx_switch(&co_sp, main_sp);
}

static uintptr_t seen_alignment;
static void align_probe(void *arg) {
    (void)arg;
    /* A 16-byte-aligned object forces the compiler to realign only if the
     * incoming stack were misaligned; check the ABI's guarantee directly. */
    _Alignas(16) volatile char probe[16];
    probe[0] = 1;
    seen_alignment = (uintptr_t)probe & 15;
    snow_ctx_switch(&co_sp, main_sp);
}

/* Nested: a coroutine that creates and drives another one. */
static void *inner_sp, *outer_sp;
static int nested_steps;
static void inner(void *arg) {
    (void)arg;
    for (;;) {
        nested_steps++;
        snow_ctx_switch(&inner_sp, outer_sp);
    }
}
static void outer(void *arg) {
    char *stack = arg;
    void *sp = snow_ctx_make(stack, STACK_SIZE, inner, NULL);
    for (int i = 0; i < 10; i++) snow_ctx_switch(&outer_sp, sp), sp = inner_sp;
    snow_ctx_switch(&co_sp, main_sp);
}

int main(void) {
    char *stack = malloc(STACK_SIZE);
    char *stack2 = malloc(STACK_SIZE);
    if (!stack || !stack2) return 2;

    /* create, first switch, many round trips, finish */
    co_sp = snow_ctx_make(stack, STACK_SIZE, counting, (void *)(intptr_t)3);
    volatile long mine = 12345;
    for (int i = 0; i < 1000000; i++) snow_ctx_switch(&main_sp, co_sp);
    check(counter == 3000000, "1,000,000 round trips");
    check(mine == 12345, "caller locals survive switches");
    stop = 1;
    snow_ctx_switch(&main_sp, co_sp);
    check(counter == 3000000, "finished coroutine did not run again");

    /* floating point across switches, compared with the same computation
     * done directly */
    double start = 1.25, expect = 1.25;
    long n = 0;
    for (int i = 0; i < 1000; i++) expect = expect * 1.0000001 + 0.5, n += i;
    expect += (double)n;
    co_sp = snow_ctx_make(stack, STACK_SIZE, fp_worker, &start);
    double local_fp = 2.5;
    for (int i = 0; i <= 1000; i++) {
        snow_ctx_switch(&main_sp, co_sp);
        local_fp = local_fp * 1.5 - 1.0;
    }
    check(fp_result == expect, "floating point state survives switches");
    check(local_fp > 0, "caller floating point survives");

    /* stack alignment at entry */
    co_sp = snow_ctx_make(stack, STACK_SIZE, align_probe, NULL);
    snow_ctx_switch(&main_sp, co_sp);
    check(seen_alignment == 0, "16-byte aligned stack in a new context");

    /* a stack that is not 16-byte aligned at its top is aligned down */
    co_sp = snow_ctx_make(stack + 8, STACK_SIZE - 24, align_probe, NULL);
    snow_ctx_switch(&main_sp, co_sp);
    check(seen_alignment == 0, "alignment with an unaligned stack top");

    /* nested contexts */
    co_sp = snow_ctx_make(stack, STACK_SIZE, outer, stack2);
    snow_ctx_switch(&main_sp, co_sp);
    check(nested_steps == 10, "a coroutine driving another");

    /* many distinct contexts alive at once, resumed round-robin */
    enum { N = 64 };
    static void *sps[N];
    static long slots[N];
    char *many = malloc((size_t)N * 16384);
    if (!many) return 2;
    for (int i = 0; i < N; i++) sps[i] = snow_ctx_make(many + (size_t)i * 16384, 16384, counting, (void *)(intptr_t)(i + 1));
    stop = 0;
    counter = 0;
    for (int round = 0; round < 100; round++)
        for (int i = 0; i < N; i++) {
            long before = counter;
            co_sp = sps[i];
            snow_ctx_switch(&main_sp, co_sp);
            sps[i] = co_sp;
            slots[i] += counter - before;
        }
    int ok = 1;
    for (int i = 0; i < N; i++) ok &= slots[i] == 100L * (i + 1);
    check(ok, "64 live contexts resumed round-robin");

    printf("switch_test (%s): %d passed, %d failed\n", snow_ctx_backend(), passes, failures);
    free(many);
    free(stack);
    free(stack2);
    return failures ? 1 : 0;
}
