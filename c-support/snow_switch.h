/*
 * snow_switch.h -- coroutine contexts and calls on another stack
 * (runtime-internal; not part of the generated-code ABI in snow.h).
 */
#ifndef SNOW_SWITCH_H
#define SNOW_SWITCH_H

#include <stddef.h>

/* Prepares a context on the stack [stack_lo, stack_lo + size) that will
 * call entry(arg) when first switched to. Returns its saved stack pointer.
 * `entry` must never return. */
void *snow_ctx_make(void *stack_lo, size_t size, void (*entry)(void *), void *arg);

/* Saves the running context into *from and resumes the context `to`. Returns
 * when something switches back to *from. */
void snow_ctx_switch(void **from, void *to);

/* Calls fn(ctx, arg) on another stack and returns when it returns, back on
 * the calling stack. link[0] holds the 16-byte aligned top of the other
 * stack and link[1] its usable size below that top; before fn runs,
 * link[0] is overwritten with the caller's stack pointer: everything the
 * caller's frames hold lies at or above it (for the collector's scan). */
void snow_stack_call(void *ctx, void *arg, void (*fn)(void *ctx, void *arg), void **link);

/* "asm" or "ucontext": which implementation was compiled. */
const char *snow_ctx_backend(void);

#endif
