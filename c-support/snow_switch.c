/*
 * snow_switch.c -- stackful coroutine contexts for the process scheduler.
 *
 * A suspended context is a single pointer: its saved stack pointer. The
 * switch pushes the callee-saved registers of the current context onto its
 * own stack, stores the stack pointer through `from`, loads `to` and pops
 * that context's registers. So a parked process's registers sit on its own
 * stack, where the conservative collector scans them.
 *
 * Register sets (everything the C ABI calls callee-saved):
 *   x86-64     rbx rbp r12-r15, rsp, return address
 *   AArch64    x19-x29, lr, sp, d8-d15
 *   RISC-V 64  s0-s11, ra, sp, fs0-fs11
 *   ARM (hard-float) r4-r11, lr, sp, d8-d15
 *
 * A new context starts in snow_ctx_trampoline with `entry` and `arg` in
 * callee-saved registers; it calls entry(arg) on a 16-byte aligned stack.
 * `entry` must never return (the scheduler switches away from a finished
 * process for good); if it does, the trampoline aborts. The trampoline marks
 * its return address undefined in the CFI so debuggers and unwinders stop
 * there.
 *
 * snow_stack_call runs a function on another stack (a new segment of a
 * process's stack) and comes back: it keeps the old stack pointer in a
 * callee-saved register (and its frame pointer, so unwinders and debuggers
 * can walk back across), records it for the collector and calls. The
 * callee preserves callee-saved registers like any C function, so values
 * the caller's frames keep in them are found on the new stack or in the
 * registers the collector spills.
 *
 * Other targets (or SNOW_SWITCH_UCONTEXT defined) use ucontext: correct but
 * a system call per switch.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "snow_switch.h"

#if !defined(SNOW_SWITCH_UCONTEXT) && defined(__ELF__) &&                                 \
    (defined(__x86_64__) || defined(__aarch64__) ||                                       \
     (defined(__riscv) && __riscv_xlen == 64 && defined(__riscv_flen) && __riscv_flen >= 64) || \
     (defined(__arm__) && defined(__ARM_PCS_VFP)))
#define SNOW_SWITCH_ASM 1
#endif

#ifdef SNOW_SWITCH_ASM

void snow_ctx_trampoline(void);

/* Called by the trampoline when an entry returns, which is a runtime bug. */
void snow_ctx_entry_returned(void) { abort(); }

#if defined(__x86_64__)
/* Frame, from the saved sp up: r15 r14 r13 r12 rbx rbp, return address. */
__asm__(".text\n"
        ".globl snow_ctx_switch\n"
        ".type snow_ctx_switch,@function\n"
        ".p2align 4\n"
        "snow_ctx_switch:\n"
        "  .cfi_startproc\n"
        "  pushq %rbp\n"
        "  pushq %rbx\n"
        "  pushq %r12\n"
        "  pushq %r13\n"
        "  pushq %r14\n"
        "  pushq %r15\n"
        "  movq %rsp, (%rdi)\n"
        "  movq %rsi, %rsp\n"
        "  popq %r15\n"
        "  popq %r14\n"
        "  popq %r13\n"
        "  popq %r12\n"
        "  popq %rbx\n"
        "  popq %rbp\n"
        "  ret\n"
        "  .cfi_endproc\n"
        ".size snow_ctx_switch,.-snow_ctx_switch\n"
        ".globl snow_ctx_trampoline\n"
        ".type snow_ctx_trampoline,@function\n"
        ".p2align 4\n"
        "snow_ctx_trampoline:\n"
        "  .cfi_startproc\n"
        "  .cfi_undefined rip\n"
        "  movq %r13, %rdi\n"
        "  callq *%r12\n"
        "  callq snow_ctx_entry_returned\n"
        "  ud2\n"
        "  .cfi_endproc\n"
        ".size snow_ctx_trampoline,.-snow_ctx_trampoline\n");

/* snow_stack_call(rdi ctx, rsi arg, rdx fn, rcx link): rbp keeps the old
 * stack pointer; the new top is 16-aligned, so `call` enters fn with
 * rsp = 8 mod 16 as the ABI requires. */
__asm__(".text\n"
        ".globl snow_stack_call\n"
        ".type snow_stack_call,@function\n"
        ".p2align 4\n"
        "snow_stack_call:\n"
        "  .cfi_startproc\n"
        "  pushq %rbp\n"
        "  .cfi_def_cfa_offset 16\n"
        "  .cfi_offset rbp, -16\n"
        "  movq %rsp, %rbp\n"
        "  .cfi_def_cfa_register rbp\n"
        "  movq (%rcx), %rax\n"
        "  movq %rsp, (%rcx)\n"
        "  movq %rax, %rsp\n"
        "  callq *%rdx\n"
        "  movq %rbp, %rsp\n"
        "  popq %rbp\n"
        "  .cfi_def_cfa rsp, 8\n"
        "  ret\n"
        "  .cfi_endproc\n"
        ".size snow_stack_call,.-snow_stack_call\n");

enum { FRAME_WORDS = 9 }; /* 6 registers, return address, 2 words of padding */

static void init_frame(uintptr_t *sp, void (*entry)(void *), void *arg) {
    sp[0] = 0;                             /* r15 */
    sp[1] = 0;                             /* r14 */
    sp[2] = (uintptr_t)arg;                /* r13 */
    sp[3] = (uintptr_t)entry;              /* r12 */
    sp[4] = 0;                             /* rbx */
    sp[5] = 0;                             /* rbp: no caller frame */
    sp[6] = (uintptr_t)snow_ctx_trampoline; /* return address */
    /* After `ret` rsp = top - 16: 16-aligned, so the trampoline's call
     * enters `entry` with rsp = 8 mod 16 as the ABI requires. */
}

#elif defined(__aarch64__)
/* Frame (176 bytes): x19..x28, x29, x30 at 0..88, d8..d15 at 96..152. */
__asm__(".text\n"
        ".globl snow_ctx_switch\n"
        ".type snow_ctx_switch,%function\n"
        ".p2align 4\n"
        "snow_ctx_switch:\n"
        "  .cfi_startproc\n"
        "  sub sp, sp, #176\n"
        "  stp x19, x20, [sp, #0]\n"
        "  stp x21, x22, [sp, #16]\n"
        "  stp x23, x24, [sp, #32]\n"
        "  stp x25, x26, [sp, #48]\n"
        "  stp x27, x28, [sp, #64]\n"
        "  stp x29, x30, [sp, #80]\n"
        "  stp d8, d9, [sp, #96]\n"
        "  stp d10, d11, [sp, #112]\n"
        "  stp d12, d13, [sp, #128]\n"
        "  stp d14, d15, [sp, #144]\n"
        "  mov x2, sp\n"
        "  str x2, [x0]\n"
        "  mov sp, x1\n"
        "  ldp x19, x20, [sp, #0]\n"
        "  ldp x21, x22, [sp, #16]\n"
        "  ldp x23, x24, [sp, #32]\n"
        "  ldp x25, x26, [sp, #48]\n"
        "  ldp x27, x28, [sp, #64]\n"
        "  ldp x29, x30, [sp, #80]\n"
        "  ldp d8, d9, [sp, #96]\n"
        "  ldp d10, d11, [sp, #112]\n"
        "  ldp d12, d13, [sp, #128]\n"
        "  ldp d14, d15, [sp, #144]\n"
        "  add sp, sp, #176\n"
        "  ret\n"
        "  .cfi_endproc\n"
        ".size snow_ctx_switch,.-snow_ctx_switch\n"
        ".globl snow_ctx_trampoline\n"
        ".type snow_ctx_trampoline,%function\n"
        ".p2align 4\n"
        "snow_ctx_trampoline:\n"
        "  .cfi_startproc\n"
        "  .cfi_undefined x30\n"
        "  mov x0, x20\n"
        "  blr x19\n"
        "  bl snow_ctx_entry_returned\n"
        "  brk #0\n"
        "  .cfi_endproc\n"
        ".size snow_ctx_trampoline,.-snow_ctx_trampoline\n");

/* snow_stack_call(x0 ctx, x1 arg, x2 fn, x3 link): x29 keeps the old stack
 * pointer. */
__asm__(".text\n"
        ".globl snow_stack_call\n"
        ".type snow_stack_call,%function\n"
        ".p2align 4\n"
        "snow_stack_call:\n"
        "  .cfi_startproc\n"
        "  stp x29, x30, [sp, #-16]!\n"
        "  .cfi_def_cfa_offset 16\n"
        "  .cfi_offset x29, -16\n"
        "  .cfi_offset x30, -8\n"
        "  mov x29, sp\n"
        "  .cfi_def_cfa_register x29\n"
        "  ldr x9, [x3]\n"
        "  mov x10, sp\n"
        "  str x10, [x3]\n"
        "  mov sp, x9\n"
        "  blr x2\n"
        "  mov sp, x29\n"
        "  .cfi_def_cfa_register sp\n"
        "  ldp x29, x30, [sp], #16\n"
        "  .cfi_def_cfa_offset 0\n"
        "  .cfi_restore x29\n"
        "  .cfi_restore x30\n"
        "  ret\n"
        "  .cfi_endproc\n"
        ".size snow_stack_call,.-snow_stack_call\n");

enum { FRAME_WORDS = 22 };

static void init_frame(uintptr_t *sp, void (*entry)(void *), void *arg) {
    sp[0] = (uintptr_t)entry;               /* x19 */
    sp[1] = (uintptr_t)arg;                 /* x20 */
    sp[10] = 0;                             /* x29: no caller frame */
    sp[11] = (uintptr_t)snow_ctx_trampoline; /* x30 */
}

#elif defined(__riscv)
/* Frame (208 bytes): ra, s0..s11 at 0..96, fs0..fs11 at 104..192. */
#define SNOW_RV_SAVE(op, r, off) "  " op " " r ", " off "(sp)\n"
__asm__(".text\n"
        ".globl snow_ctx_switch\n"
        ".type snow_ctx_switch,@function\n"
        ".p2align 2\n"
        "snow_ctx_switch:\n"
        "  .cfi_startproc\n"
        "  addi sp, sp, -208\n"
        SNOW_RV_SAVE("sd", "ra", "0") SNOW_RV_SAVE("sd", "s0", "8")
        SNOW_RV_SAVE("sd", "s1", "16") SNOW_RV_SAVE("sd", "s2", "24")
        SNOW_RV_SAVE("sd", "s3", "32") SNOW_RV_SAVE("sd", "s4", "40")
        SNOW_RV_SAVE("sd", "s5", "48") SNOW_RV_SAVE("sd", "s6", "56")
        SNOW_RV_SAVE("sd", "s7", "64") SNOW_RV_SAVE("sd", "s8", "72")
        SNOW_RV_SAVE("sd", "s9", "80") SNOW_RV_SAVE("sd", "s10", "88")
        SNOW_RV_SAVE("sd", "s11", "96")
        SNOW_RV_SAVE("fsd", "fs0", "104") SNOW_RV_SAVE("fsd", "fs1", "112")
        SNOW_RV_SAVE("fsd", "fs2", "120") SNOW_RV_SAVE("fsd", "fs3", "128")
        SNOW_RV_SAVE("fsd", "fs4", "136") SNOW_RV_SAVE("fsd", "fs5", "144")
        SNOW_RV_SAVE("fsd", "fs6", "152") SNOW_RV_SAVE("fsd", "fs7", "160")
        SNOW_RV_SAVE("fsd", "fs8", "168") SNOW_RV_SAVE("fsd", "fs9", "176")
        SNOW_RV_SAVE("fsd", "fs10", "184") SNOW_RV_SAVE("fsd", "fs11", "192")
        "  sd sp, 0(a0)\n"
        "  mv sp, a1\n"
        SNOW_RV_SAVE("ld", "ra", "0") SNOW_RV_SAVE("ld", "s0", "8")
        SNOW_RV_SAVE("ld", "s1", "16") SNOW_RV_SAVE("ld", "s2", "24")
        SNOW_RV_SAVE("ld", "s3", "32") SNOW_RV_SAVE("ld", "s4", "40")
        SNOW_RV_SAVE("ld", "s5", "48") SNOW_RV_SAVE("ld", "s6", "56")
        SNOW_RV_SAVE("ld", "s7", "64") SNOW_RV_SAVE("ld", "s8", "72")
        SNOW_RV_SAVE("ld", "s9", "80") SNOW_RV_SAVE("ld", "s10", "88")
        SNOW_RV_SAVE("ld", "s11", "96")
        SNOW_RV_SAVE("fld", "fs0", "104") SNOW_RV_SAVE("fld", "fs1", "112")
        SNOW_RV_SAVE("fld", "fs2", "120") SNOW_RV_SAVE("fld", "fs3", "128")
        SNOW_RV_SAVE("fld", "fs4", "136") SNOW_RV_SAVE("fld", "fs5", "144")
        SNOW_RV_SAVE("fld", "fs6", "152") SNOW_RV_SAVE("fld", "fs7", "160")
        SNOW_RV_SAVE("fld", "fs8", "168") SNOW_RV_SAVE("fld", "fs9", "176")
        SNOW_RV_SAVE("fld", "fs10", "184") SNOW_RV_SAVE("fld", "fs11", "192")
        "  addi sp, sp, 208\n"
        "  ret\n"
        "  .cfi_endproc\n"
        ".size snow_ctx_switch,.-snow_ctx_switch\n"
        ".globl snow_ctx_trampoline\n"
        ".type snow_ctx_trampoline,@function\n"
        ".p2align 2\n"
        "snow_ctx_trampoline:\n"
        "  .cfi_startproc\n"
        "  .cfi_undefined ra\n"
        "  mv a0, s2\n"
        "  jalr s1\n"
        "  call snow_ctx_entry_returned\n"
        "  unimp\n"
        "  .cfi_endproc\n"
        ".size snow_ctx_trampoline,.-snow_ctx_trampoline\n");

/* snow_stack_call(a0 ctx, a1 arg, a2 fn, a3 link): s0 keeps the old stack
 * pointer. */
__asm__(".text\n"
        ".globl snow_stack_call\n"
        ".type snow_stack_call,@function\n"
        ".p2align 2\n"
        "snow_stack_call:\n"
        "  .cfi_startproc\n"
        "  addi sp, sp, -16\n"
        "  .cfi_def_cfa_offset 16\n"
        "  sd ra, 8(sp)\n"
        "  sd s0, 0(sp)\n"
        "  .cfi_offset ra, -8\n"
        "  .cfi_offset s0, -16\n"
        "  mv s0, sp\n"
        "  .cfi_def_cfa s0, 16\n"
        "  ld t0, 0(a3)\n"
        "  sd sp, 0(a3)\n"
        "  mv sp, t0\n"
        "  jalr a2\n"
        "  mv sp, s0\n"
        "  .cfi_def_cfa sp, 16\n"
        "  ld ra, 8(sp)\n"
        "  ld s0, 0(sp)\n"
        "  .cfi_restore ra\n"
        "  .cfi_restore s0\n"
        "  addi sp, sp, 16\n"
        "  .cfi_def_cfa_offset 0\n"
        "  ret\n"
        "  .cfi_endproc\n"
        ".size snow_stack_call,.-snow_stack_call\n");

enum { FRAME_WORDS = 26 };

static void init_frame(uintptr_t *sp, void (*entry)(void *), void *arg) {
    sp[0] = (uintptr_t)snow_ctx_trampoline; /* ra */
    sp[1] = 0;                              /* s0: no caller frame */
    sp[2] = (uintptr_t)entry;               /* s1 */
    sp[3] = (uintptr_t)arg;                 /* s2 */
}

#elif defined(__arm__)
/* Frame (104 bytes): 4 bytes padding, d8..d15, r4..r11, lr. ARM state is
 * used explicitly; `bl`/`blx` and `pop {pc}` interwork with Thumb code. */
__asm__(".text\n"
        ".syntax unified\n"
        ".arm\n"
        ".globl snow_ctx_switch\n"
        ".type snow_ctx_switch,%function\n"
        ".p2align 2\n"
        "snow_ctx_switch:\n"
        "  .cfi_startproc\n"
        "  push {r4-r11, lr}\n"
        "  vpush {d8-d15}\n"
        "  sub sp, sp, #4\n"
        "  mov r2, sp\n"
        "  str r2, [r0]\n"
        "  mov sp, r1\n"
        "  add sp, sp, #4\n"
        "  vpop {d8-d15}\n"
        "  pop {r4-r11, lr}\n"
        "  bx lr\n"
        "  .cfi_endproc\n"
        ".size snow_ctx_switch,.-snow_ctx_switch\n"
        ".globl snow_ctx_trampoline\n"
        ".type snow_ctx_trampoline,%function\n"
        ".p2align 2\n"
        "snow_ctx_trampoline:\n"
        "  .cfi_startproc\n"
        "  .cfi_undefined lr\n"
        "  mov r0, r5\n"
        "  blx r4\n"
        "  bl snow_ctx_entry_returned\n"
        "  udf #0\n"
        "  .cfi_endproc\n"
        ".size snow_ctx_trampoline,.-snow_ctx_trampoline\n"
#if defined(__thumb__)
        ".thumb\n" /* back to the mode the compiler emits */
#endif
);

/* snow_stack_call(r0 ctx, r1 arg, r2 fn, r3 link): r4 keeps the old stack
 * pointer; 8 bytes pushed keep the 8-byte alignment of a call. */
__asm__(".text\n"
        ".syntax unified\n"
        ".arm\n"
        ".globl snow_stack_call\n"
        ".type snow_stack_call,%function\n"
        ".p2align 2\n"
        "snow_stack_call:\n"
        "  .cfi_startproc\n"
        "  push {r4, lr}\n"
        "  .cfi_def_cfa_offset 8\n"
        "  .cfi_offset r4, -8\n"
        "  .cfi_offset lr, -4\n"
        "  mov r4, sp\n"
        "  .cfi_def_cfa_register r4\n"
        "  ldr r12, [r3]\n"
        "  str r4, [r3]\n"
        "  mov sp, r12\n"
        "  blx r2\n"
        "  mov sp, r4\n"
        "  .cfi_def_cfa_register sp\n"
        "  pop {r4, pc}\n"
        "  .cfi_endproc\n"
        ".size snow_stack_call,.-snow_stack_call\n"
#if defined(__thumb__)
        ".thumb\n"
#endif
);

enum { FRAME_WORDS = 28 }; /* 104 bytes of frame, rounded to 16 with the slack */

static void init_frame(uintptr_t *sp, void (*entry)(void *), void *arg) {
    /* sp[0] padding, sp[1..16] d8-d15, sp[17..24] r4-r11, sp[25] lr */
    sp[17] = (uintptr_t)entry;              /* r4 */
    sp[18] = (uintptr_t)arg;                /* r5 */
    sp[24] = 0;                             /* r11: no caller frame */
    sp[25] = (uintptr_t)snow_ctx_trampoline; /* lr */
}
#endif

void *snow_ctx_make(void *stack_lo, size_t size, void (*entry)(void *), void *arg) {
    uintptr_t top = ((uintptr_t)stack_lo + size) & ~(uintptr_t)15;
#if defined(__arm__)
    /* The frame is 104 bytes; after popping it sp must be 16-aligned. */
    uintptr_t *sp = (uintptr_t *)(top - 104);
#elif defined(__x86_64__)
    uintptr_t *sp = (uintptr_t *)(top - FRAME_WORDS * sizeof(uintptr_t));
#else
    uintptr_t *sp = (uintptr_t *)(top - 16 * ((FRAME_WORDS * sizeof(uintptr_t) + 15) / 16));
#endif
    for (size_t i = 0; (uintptr_t)(sp + i) < top; i++) sp[i] = 0;
    init_frame(sp, entry, arg);
    return sp;
}

const char *snow_ctx_backend(void) { return "asm"; }

#else /* ucontext fallback */

#include <ucontext.h>

static void uc_trampoline(unsigned hi, unsigned lo, unsigned ehi, unsigned elo) {
    void *arg = (void *)(((uintptr_t)hi << 16 << 16) | (uintptr_t)lo);
    void (*entry)(void *) = (void (*)(void *))(((uintptr_t)ehi << 16 << 16) | (uintptr_t)elo);
    entry(arg);
    abort();
}

void *snow_ctx_make(void *stack_lo, size_t size, void (*entry)(void *), void *arg) {
    /* The context record lives at the top of the stack it describes. */
    uintptr_t top = ((uintptr_t)stack_lo + size - sizeof(ucontext_t)) & ~(uintptr_t)63;
    ucontext_t *uc = (ucontext_t *)top;
    if (getcontext(uc) != 0) abort();
    uc->uc_stack.ss_sp = stack_lo;
    uc->uc_stack.ss_size = top - (uintptr_t)stack_lo;
    uc->uc_link = NULL;
    uintptr_t a = (uintptr_t)arg, e = (uintptr_t)entry;
    makecontext(uc, (void (*)(void))uc_trampoline, 4, (unsigned)(a >> 16 >> 16), (unsigned)a,
                (unsigned)(e >> 16 >> 16), (unsigned)e);
    return uc;
}

void snow_ctx_switch(void **from, void *to) {
    /* The suspended side's record stays valid on its own stack until it is
     * resumed, which is exactly as long as the saved pointer is used. */
    ucontext_t here;
    *from = &here;
    if (swapcontext(&here, (ucontext_t *)to) != 0) abort();
}

/* The call runs in a context of its own on the other stack; uc_link
 * resumes the caller's context when it returns. The records live in this
 * frame, the lowest live part of the calling stack, which is what link[0]
 * reports. */
struct stack_call {
    ucontext_t here, there;
    void (*fn)(void *, void *);
    void *ctx, *arg;
};

static void stack_call_entry(unsigned hi, unsigned lo) {
    struct stack_call *c = (struct stack_call *)(((uintptr_t)hi << 16 << 16) | (uintptr_t)lo);
    c->fn(c->ctx, c->arg);
}

void snow_stack_call(void *ctx, void *arg, void (*fn)(void *ctx, void *arg), void **link) {
    struct stack_call c;
    c.fn = fn;
    c.ctx = ctx;
    c.arg = arg;
    uintptr_t top = (uintptr_t)link[0];
    size_t size = (size_t)(uintptr_t)link[1];
    link[0] = &c;
    if (getcontext(&c.there) != 0) abort();
    c.there.uc_stack.ss_sp = (void *)(top - size);
    c.there.uc_stack.ss_size = size;
    c.there.uc_link = &c.here;
    uintptr_t p = (uintptr_t)&c;
    makecontext(&c.there, (void (*)(void))stack_call_entry, 2, (unsigned)(p >> 16 >> 16), (unsigned)p);
    if (swapcontext(&c.here, &c.there) != 0) abort();
}

const char *snow_ctx_backend(void) { return "ucontext"; }

#endif
