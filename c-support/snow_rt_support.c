/*
 * snow_rt_support.c -- small C helpers compiled into the runtime staticlib.
 * Not part of the generated-code ABI (snow.h); only rt/ calls these.
 */
#include <stddef.h>

#if !defined(__GNUC__) && !defined(__clang__)
#error "the Snow runtime needs gcc or clang (for __builtin_unwind_init)"
#endif

/*
 * Spill every callee-saved register into this frame, then call `fn` with
 * an address inside this frame. A collection started from `fn` scans the
 * stack from below this frame upwards, so pointers that callers kept only
 * in registers are seen. __builtin_unwind_init makes the prologue save all
 * callee-saved registers; setjmp is avoided because glibc mangles some of
 * the registers it saves.
 */
__attribute__((noinline)) void snow_rt_spill_and_call(void (*fn)(void *arg, void *sp), void *arg) {
    __builtin_unwind_init();
    volatile char marker = 0;
    fn(arg, (void *)&marker);
    /* Reading `marker` after the call keeps this frame (and the spilled
     * registers) alive across it: no tail call. */
    (void)marker;
}
