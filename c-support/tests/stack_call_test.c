/*
 * stack_call_test.c -- exercises snow_stack_call on its own: a call on
 * another stack returns its result, runs on that stack with the ABI's
 * alignment, records the caller's stack pointer, keeps callee-saved
 * registers (integer and floating point), nests across many stacks, and
 * works inside a coroutine that switches away from the new stack and is
 * resumed there. Built natively, with the ucontext fallback and for every
 * cross target by ci/cross-arch.sh. Prints "stack_call_test: N passed, 0 failed".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "snow_switch.h"

#define STACK_SIZE (64 * 1024)
#define DEPTH 16

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

static void *stack_top(char *stack, size_t size) {
    return (void *)(((uintptr_t)stack + size) & ~(uintptr_t)15);
}

/* Calls fn(ctx, arg) on [stack, stack + size); returns the recorded
 * caller stack pointer. */
static uintptr_t call_on(char *stack, size_t size, void (*fn)(void *, void *), void *ctx, void *arg) {
    void *link[2];
    link[0] = stack_top(stack, size);
    link[1] = (void *)(uintptr_t)(size - 64);
    snow_stack_call(ctx, arg, fn, link);
    return (uintptr_t)link[0];
}

/* What a callee saw. */
struct seen {
    long in;
    long out;
    uintptr_t local;
    uintptr_t misalign;
    void *ctx;
};

static void basic(void *ctx, void *arg) {
    struct seen *s = arg;
    _Alignas(16) volatile char probe[16];
    probe[0] = 1;
    s->local = (uintptr_t)probe;
    s->misalign = (uintptr_t)probe & 15;
    s->ctx = ctx;
    s->out = s->in * 3 + 1;
}

/* Work that uses many registers, so a callee that failed to preserve
 * them would show. */
static double fp_noise(int n) {
    volatile double x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    double a = 0.5, b = 1.5, c = 2.5, d = 3.5, e = 4.5, f = 5.5, g = 6.5, h = 7.5;
    for (int i = 0; i < n; i++) {
        a = a * 1.01 + x[i & 7];
        b = b * 0.99 + a;
        c = c + b * 0.5;
        d = d - c * 0.25;
        e = e * 1.001 + d;
        f = f * 0.999 - e;
        g = g + f * 0.125;
        h = h - g * 0.0625;
    }
    return a + b + c + d + e + f + g + h;
}

static long int_noise(int n) {
    volatile long x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    long a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8;
    for (int i = 0; i < n; i++) {
        a = a * 3 + x[i & 7];
        b ^= a >> 3;
        c += b * 5;
        d -= c ^ a;
        e = e * 7 + d;
        f ^= e << 2;
        g += f >> 1;
        h = h * 11 - g;
    }
    return a + b + c + d + e + f + g + h;
}

static void noisy(void *ctx, void *arg) {
    (void)ctx;
    struct seen *s = arg;
    s->out = int_noise(1000) + (long)fp_noise(1000);
}

/* A chain of calls, each on the next stack; sums the depths on the way
 * back and checks every callee ran on its own stack. */
static char *stacks[DEPTH];
struct chain {
    int depth;
    long sum;
    int on_own_stack;
};

static void chained(void *ctx, void *arg) {
    struct chain *c = arg;
    char here;
    uintptr_t lo = (uintptr_t)stacks[c->depth], hi = lo + STACK_SIZE;
    if ((uintptr_t)&here < lo || (uintptr_t)&here >= hi) c->on_own_stack = 0;
    int me = c->depth;
    if (c->depth + 1 < DEPTH) {
        c->depth++;
        call_on(stacks[c->depth], STACK_SIZE, chained, ctx, c);
    }
    c->sum += me;
}

/* A coroutine that makes a call on another stack and, from there, switches
 * back to main several times before the call returns. */
static void *main_sp, *co_sp;
static int co_steps;
static char *co_call_stack;

static void yielding(void *ctx, void *arg) {
    (void)ctx;
    long *acc = arg;
    for (int i = 0; i < 5; i++) {
        *acc += i;
        co_steps++;
        snow_ctx_switch(&co_sp, main_sp);
    }
}

static void coroutine(void *arg) {
    long acc = 100;
    double f = 0.25;
    call_on(co_call_stack, STACK_SIZE, yielding, NULL, &acc);
    *(long *)arg = acc + (long)(f * 4);
    snow_ctx_switch(&co_sp, main_sp);
}

int main(void) {
    char *stack = malloc(STACK_SIZE);
    char *co_stack = malloc(STACK_SIZE);
    co_call_stack = malloc(STACK_SIZE);
    for (int i = 0; i < DEPTH; i++) stacks[i] = malloc(STACK_SIZE);
    if (!stack || !co_stack || !co_call_stack) return 2;

    /* result, the stack it ran on, alignment, ctx passed through */
    struct seen s = {41, 0, 0, 99, NULL};
    char mark;
    int token;
    uintptr_t recorded = call_on(stack, STACK_SIZE, basic, &token, &s);
    check(s.out == 124, "result comes back");
    check(s.local >= (uintptr_t)stack && s.local < (uintptr_t)stack + STACK_SIZE,
          "the callee runs on the other stack");
    check(s.misalign == 0, "16-byte alignment on the other stack");
    check(s.ctx == &token, "ctx is passed through");
    check(recorded < (uintptr_t)&mark && (uintptr_t)&mark - recorded < 4096,
          "the caller's stack pointer is recorded");

    /* callee-saved registers of the caller survive a busy callee */
    long i0 = int_noise(10);
    double f0 = fp_noise(10);
    long ia = 11, ib = 22, ic = 33, id = 44, ie = 55, ig = 66;
    double fa = 1.5, fb = 2.5, fc = 3.5, fd = 4.5, fe = 5.5, fg = 6.5, fh = 7.5, fi = 8.5;
    long expect = int_noise(1000) + (long)fp_noise(1000);
    for (int round = 0; round < 100; round++) {
        s.out = 0;
        call_on(stack, STACK_SIZE, noisy, NULL, &s);
        if (s.out != expect) break;
        ia += 1, ib += 2, ic += 3, id += 4, ie += 5, ig += 6;
        fa *= 1.5, fb *= 0.5, fc += 1, fd -= 1, fe *= 2, fg /= 2, fh += 0.25, fi -= 0.25;
    }
    check(s.out == expect, "the callee's work is right");
    check(ia == 111 && ib == 222 && ic == 333 && id == 444 && ie == 555 && ig == 666,
          "integer registers survive");
    check(fc == 103.5 && fd == -95.5 && fh == 32.5 && fi == -16.5 && fa > 1e17 && fb < 1e-29 &&
              fe > 1e30 && fg < 1e-29,
          "floating-point registers survive");
    check(i0 == int_noise(10) && f0 == fp_noise(10), "values computed before survive");

    /* a chain across DEPTH stacks */
    struct chain c = {0, 0, 1};
    call_on(stacks[0], STACK_SIZE, chained, NULL, &c);
    check(c.sum == DEPTH * (DEPTH - 1) / 2 && c.on_own_stack, "calls nest across 16 stacks");

    /* many round trips */
    long total = 0;
    for (int i = 0; i < 200000; i++) {
        s.in = i;
        call_on(stack, STACK_SIZE, basic, NULL, &s);
        total += s.out - 3 * i;
    }
    check(total == 200000, "200,000 round trips");

    /* inside a coroutine, switching away from the other stack and back */
    long result = 0;
    co_sp = snow_ctx_make(co_stack, STACK_SIZE, coroutine, &result);
    int resumes = 0;
    while (result == 0 && resumes < 100) {
        snow_ctx_switch(&main_sp, co_sp);
        resumes++;
    }
    check(co_steps == 5 && resumes == 6, "a coroutine switches out from the other stack");
    check(result == 100 + 10 + 1, "and finishes its call after resuming");

    printf("stack_call_test (%s): %d passed, %d failed\n", snow_ctx_backend(), passes, failures);
    for (int i = 0; i < DEPTH; i++) free(stacks[i]);
    free(stack);
    free(co_stack);
    free(co_call_stack);
    return failures ? 1 : 0;
}
