/*
 * Process scenarios, written the way snowc generates code: every function
 * takes ctx, checks the stack at entry and charges a reduction at loop
 * back-edges and tail jumps; receives use the snow_recv_* cursor API.
 * argv[1] selects the scenario; rt/tests/actors.rs checks the output.
 */
#include "snow.h"
#include <stdio.h>
#include <string.h>

SNOW_STR_LIT(s_boom, "boom");
SNOW_STR_LIT(s_name, "registry-test");
SNOW_STR_LIT(s_hello, "hello from a string message");

static const snow_type *const p_str[] = {&snow_t_String};
static const snow_type t_list_str = {SNOW_K_LIST, 3, "List<String>", 0, 1, p_str, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL};
static const snow_type t_map_si = {SNOW_K_MAP, 3, "Map<String, Int>", 0, 2, (const snow_type *const[]){&snow_t_String, &snow_t_Int}, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL};

/* struct Pack do n :: Int  words :: List<String>  tag :: String  counts :: Map<String, Int> end */
typedef struct Pack {
    snow_hdr h;
    int64_t n;
    snow_list *words;
    snow_str *tag;
    snow_map *counts;
} Pack;
static const snow_type *const p_pack[] = {&snow_t_Int, &t_list_str, &snow_t_String, &t_map_si};
static const uint32_t o_pack[] = {offsetof(Pack, n), offsetof(Pack, words), offsetof(Pack, tag), offsetof(Pack, counts)};
static const char *const n_pack[] = {"n", "words", "tag", "counts"};
static const snow_type t_pack = {SNOW_K_STRUCT, 3, "Pack", sizeof(Pack), 4, p_pack, o_pack, n_pack, 0, NULL, NULL, NULL, NULL, NULL};

static const char *mode;
static snow_pid main_pid;

static void say(snow_ctx *ctx, const char *text) {
    SNOW_CHECK_STACK(ctx);
    snow_println(ctx, snow_str_new(ctx, text, (int64_t)strlen(text)));
}

static void sayf(snow_ctx *ctx, const char *fmt, long long v) {
    SNOW_CHECK_STACK(ctx);
    char buf[128];
    snprintf(buf, sizeof buf, fmt, v);
    say(ctx, buf);
}

/* receive do n -> n end (Int), or `after` when ms >= 0: returns false on timeout. */
static bool recv_int(snow_ctx *ctx, int64_t after_ms, int64_t *out) {
    SNOW_CHECK_STACK(ctx);
    int64_t deadline = snow_deadline_ms(after_ms);
    void *seen = NULL;
    snow_word w;
    for (;;) {
        void *m;
        while ((m = snow_recv_next(ctx, seen, &snow_t_Int, &w)) != NULL) {
            *out = (int64_t)snow_recv_take(ctx, m);
            return true;
        }
        if (!snow_recv_wait(ctx, deadline)) return false;
        SNOW_CHECK(ctx);
    }
}

/* ------------------------------------------------------------ ping-pong */

static void ponger(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    snow_pid peer = (snow_pid)arg;
    int64_t n;
    for (;;) {
        recv_int(ctx, -1, &n);
        snow_send(ctx, peer, &snow_t_Int, (snow_word)(n + 1));
        if (n >= 1999) return;
        SNOW_CHECK(ctx);
    }
}

static void sink(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    (void)arg;
    int64_t n, expect = 0;
    bool ordered = true;
    for (int i = 0; i < 1000; i++) {
        recv_int(ctx, -1, &n);
        if (n != expect) ordered = false;
        expect++;
        SNOW_CHECK(ctx);
    }
    say(ctx, ordered ? "in order" : "OUT OF ORDER");
}

static void pingpong(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    snow_pid p = snow_spawn(ctx, ponger, &snow_t_Pid, snow_self(ctx));
    int64_t n = 0;
    snow_send(ctx, p, &snow_t_Int, 0);
    while (n < 2000) {
        recv_int(ctx, -1, &n);
        if (n < 2000) snow_send(ctx, p, &snow_t_Int, (snow_word)(n + 1));
        SNOW_CHECK(ctx);
    }
    sayf(ctx, "pingpong %lld", (long long)n);
    snow_pid s = snow_spawn(ctx, sink, &snow_t_Unit, 0);
    for (int i = 0; i < 1000; i++) {
        snow_send(ctx, s, &snow_t_Int, (snow_word)i);
        SNOW_CHECK(ctx);
    }
}

/* ---------------------------------------------------- selective receive */

static void selective(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    snow_pid me = snow_self(ctx);
    for (int64_t i = 1; i <= 6; i++) snow_send(ctx, me, &snow_t_Int, (snow_word)i);
    /* A message of another type never matches an Int receive. */
    snow_send(ctx, me, &snow_t_String, snow_w_ptr(SNOW_STR(s_boom)));
    /* receive do n when n % 2 == 0 -> n end, three times */
    for (int k = 0; k < 3; k++) {
        void *seen = NULL, *m;
        snow_word w;
        for (;;) {
            while ((m = snow_recv_next(ctx, seen, &snow_t_Int, &w)) != NULL) {
                if ((int64_t)w % 2 == 0) goto take;
                seen = m;
            }
            snow_recv_wait(ctx, -1);
        }
    take:
        sayf(ctx, "even %lld", (long long)snow_recv_take(ctx, m));
    }
    int64_t n;
    while (recv_int(ctx, 0, &n)) sayf(ctx, "then %lld", (long long)n);
    /* the String is still there for a String receive */
    snow_word w;
    void *m = snow_recv_next(ctx, NULL, &snow_t_String, &w);
    if (m) snow_println(ctx, (snow_str *)snow_ptr_w(snow_recv_take(ctx, m)));
    /* receive ... after 0: nothing left, never blocks */
    say(ctx, recv_int(ctx, 0, &n) ? "unexpected" : "empty");
}

/* ---------------------------------------------------------------- after */

static void waiter(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    int64_t n;
    if (recv_int(ctx, (int64_t)arg, &n))
        sayf(ctx, "got %lld", (long long)n);
    else
        say(ctx, "timeout");
    snow_send(ctx, main_pid, &snow_t_Int, 0);
}

static void after(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    int64_t n;
    int64_t t0 = snow_now_ms();
    snow_spawn(ctx, waiter, &snow_t_Int, 50);
    recv_int(ctx, -1, &n);
    say(ctx, snow_now_ms() - t0 >= 50 ? "waited at least 50 ms" : "EARLY");
    /* The waiters' own deadlines are a minute off: a loaded machine must
     * not make them come before the message. */
    snow_pid p = snow_spawn(ctx, waiter, &snow_t_Int, 60000);
    snow_send(ctx, p, &snow_t_Int, 42);
    recv_int(ctx, -1, &n);
    /* send_after delivers later, not earlier */
    t0 = snow_now_ms();
    p = snow_spawn(ctx, waiter, &snow_t_Int, 60000);
    snow_send_after(ctx, p, 60, &snow_t_Int, 99);
    recv_int(ctx, -1, &n);
    say(ctx, snow_now_ms() - t0 >= 60 ? "send_after not early" : "EARLY");
    t0 = snow_now_ms();
    snow_sleep(ctx, 30);
    say(ctx, snow_now_ms() - t0 >= 30 ? "slept" : "EARLY");
}

/* ------------------------------------------------------------- spinning */

static volatile int64_t sink_counter;

static void spinner(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    (void)arg;
    snow_word w;
    for (;;) {
        void *m = snow_recv_next(ctx, NULL, &snow_t_Int, &w);
        if (m) {
            snow_recv_take(ctx, m);
            return;
        }
        sink_counter++;
        SNOW_CHECK(ctx);
    }
}

static void leaf_call(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    sink_counter++;
}

/* A loop whose only preemption point is a callee's entry check: it yields
 * only when the scheduler's monitor raises the stack limit. */
static void call_spinner(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    (void)arg;
    snow_word w;
    for (;;) {
        for (int i = 0; i < 100000; i++) leaf_call(ctx);
        void *m = snow_recv_next(ctx, NULL, &snow_t_Int, &w);
        if (m) {
            snow_recv_take(ctx, m);
            return;
        }
    }
}

static void quick(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    (void)arg;
    snow_send(ctx, main_pid, &snow_t_Int, 7);
}

static void spin(snow_ctx *ctx, bool calls) {
    SNOW_CHECK_STACK(ctx);
    snow_pid s = snow_spawn(ctx, calls ? call_spinner : spinner, &snow_t_Unit, 0);
    snow_sleep(ctx, 20); /* let the spinner get going */
    snow_spawn(ctx, quick, &snow_t_Unit, 0);
    int64_t n;
    recv_int(ctx, -1, &n);
    say(ctx, "not starved");
    snow_send(ctx, s, &snow_t_Int, 0);
}

/* ------------------------------------------------------ crashes, overflow */

static void crasher(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    (void)arg;
    snow_panic(ctx, "boom");
}

#define DEEP_FN NULL
#define DEEP_PAD 128
#include "deep.h"

static void overflower(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    (void)arg;
    sayf(ctx, "deep %lld", (long long)deep(ctx, 100000000));
}

static void echo_back(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    (void)arg;
    int64_t n;
    recv_int(ctx, -1, &n);
    snow_send(ctx, main_pid, &snow_t_Int, (snow_word)(n * 2));
}

static void crash(snow_ctx *ctx, bool overflow) {
    SNOW_CHECK_STACK(ctx);
    snow_pid e = snow_spawn(ctx, echo_back, &snow_t_Unit, 0);
    snow_spawn(ctx, overflow ? overflower : crasher, &snow_t_Unit, 0);
    snow_sleep(ctx, 50);
    snow_send(ctx, e, &snow_t_Int, 21);
    int64_t n;
    recv_int(ctx, -1, &n);
    sayf(ctx, "survivor answered %lld", (long long)n);
}

/* ------------------------------------------------------ links, terminate */

static void say_terminated(snow_ctx *ctx, snow_word env) {
    SNOW_CHECK_STACK(ctx);
    sayf(ctx, "terminate of %lld", (long long)env);
}

static void linked_waiter(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    snow_set_terminate(ctx, say_terminated, arg);
    int64_t n;
    recv_int(ctx, -1, &n);
    sayf(ctx, "linked waiter got %lld", (long long)n);
    snow_send(ctx, main_pid, &snow_t_Int, (snow_word)n);
}

static void linked_crasher(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    snow_link(ctx, (snow_pid)arg);
    int64_t n;
    recv_int(ctx, -1, &n);
    snow_panic(ctx, "linked boom");
}

static void normal_exiter(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    snow_link(ctx, (snow_pid)arg);
}

static void links(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    /* a normal exit of a linked process leaves the partner alone */
    snow_pid a = snow_spawn(ctx, linked_waiter, &snow_t_Int, 1);
    snow_spawn(ctx, normal_exiter, &snow_t_Pid, a);
    snow_sleep(ctx, 50);
    snow_send(ctx, a, &snow_t_Int, 5);
    int64_t n;
    recv_int(ctx, -1, &n);
    /* an abnormal exit kills the partner, which runs its terminate block */
    snow_pid b = snow_spawn(ctx, linked_waiter, &snow_t_Int, 2);
    snow_pid c = snow_spawn(ctx, linked_crasher, &snow_t_Pid, b);
    snow_sleep(ctx, 50);
    uint64_t mon = snow_monitor(ctx, b);
    snow_send(ctx, c, &snow_t_Int, 0);
    snow_signal sig;
    while (!snow_recv_signal(ctx, &sig)) snow_signal_wait(ctx, -1);
    sayf(ctx, "down tag %lld", (long long)sig.tag);
    say(ctx, sig.ref == mon && sig.pid == b && sig.origin == c && sig.message != NULL ? "down matches" : "DOWN MISMATCH");
    if (sig.message) snow_println(ctx, sig.message);
    /* a message to the dead process is dropped */
    snow_send(ctx, b, &snow_t_Int, 1);
    say(ctx, "links done");
}

static void main_linked_target(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    (void)arg;
    int64_t n;
    recv_int(ctx, -1, &n);
    snow_panic(ctx, "taking main down");
}

static void main_link(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    snow_pid t = snow_spawn(ctx, main_linked_target, &snow_t_Unit, 0);
    snow_link(ctx, t);
    say(ctx, "linked");
    snow_send(ctx, t, &snow_t_Int, 0);
    int64_t n;
    recv_int(ctx, -1, &n);
    say(ctx, "UNREACHABLE");
}

static void worker_done(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    /* set twice (as an actor loop restarting its body does): the last wins */
    snow_set_terminate(ctx, say_terminated, 8);
    snow_set_terminate(ctx, say_terminated, arg);
    int64_t n;
    recv_int(ctx, -1, &n);
    say(ctx, "actor processing");
}

static void terminate(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    snow_pid p = snow_spawn(ctx, worker_done, &snow_t_Int, 9);
    snow_send(ctx, p, &snow_t_Int, 1);
    say(ctx, "terminate test done");
}

/* A running process stops at its next preemption point when an exit signal
 * reaches it: through a link (terminate block runs) or a kill (it does not). */
/* Spinners that have registered their terminate block: an exit taken
 * before that (a process that never ran yet) would skip it. */
static _Atomic int spinners_ready;

static void spin_forever(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    snow_set_terminate(ctx, say_terminated, arg);
    spinners_ready++;
    for (;;) {
        sink_counter++;
        SNOW_CHECK(ctx);
    }
}

static void kill_running(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    snow_pid s1 = snow_spawn(ctx, spin_forever, &snow_t_Int, 5);
    snow_pid s2 = snow_spawn(ctx, spin_forever, &snow_t_Int, 6);
    snow_monitor(ctx, s1);
    snow_monitor(ctx, s2);
    while (spinners_ready < 2) snow_sleep(ctx, 1);
    snow_pid c = snow_spawn(ctx, linked_crasher, &snow_t_Pid, s1);
    snow_sleep(ctx, 20);
    snow_send(ctx, c, &snow_t_Int, 0);
    snow_signal sig;
    while (!snow_recv_signal(ctx, &sig)) snow_signal_wait(ctx, -1);
    sayf(ctx, "down %lld", (long long)sig.tag);
    snow_exit(ctx, s2, SNOW_EXIT_KILLED, NULL);
    while (!snow_recv_signal(ctx, &sig)) snow_signal_wait(ctx, -1);
    sayf(ctx, "down %lld", (long long)sig.tag);
}

/* --------------------------------------------------------- quiescence */

static void blocked_forever(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    snow_set_terminate(ctx, say_terminated, arg);
    int64_t n;
    recv_int(ctx, -1, &n);
    say(ctx, "UNREACHABLE");
}

static void quiet(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    (void)arg;
    int64_t n;
    recv_int(ctx, -1, &n);
}

static void quiescence(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    for (int64_t i = 1; i <= 3; i++) {
        snow_spawn(ctx, blocked_forever, &snow_t_Int, (snow_word)i);
        for (int k = 0; k < 100; k++) snow_spawn(ctx, quiet, &snow_t_Unit, 0);
    }
    say(ctx, "main done");
}

/* ---------------------------------------------------- many processes */

static void one_shot(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    (void)arg;
    int64_t n;
    recv_int(ctx, -1, &n);
    snow_send(ctx, main_pid, &snow_t_Int, (snow_word)n);
}

static void many(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    int64_t total = 0, n;
    for (int batch = 0; batch < 100; batch++) {
        for (int i = 0; i < 1000; i++) {
            snow_pid p = snow_spawn(ctx, one_shot, &snow_t_Unit, 0);
            snow_send(ctx, p, &snow_t_Int, 1);
            SNOW_CHECK(ctx);
        }
        SNOW_CHECK(ctx);
    }
    for (int i = 0; i < 100000; i++) {
        recv_int(ctx, -1, &n);
        total += n;
        SNOW_CHECK(ctx);
    }
    sayf(ctx, "%lld actors done", (long long)total);
}

/* ------------------------------------- GC with messages in flight */

static snow_str *num_str(snow_ctx *ctx, int64_t i) {
    SNOW_CHECK_STACK(ctx);
    return snow_str_concat(ctx, SNOW_STR(s_hello), snow_int_to_str(ctx, i));
}

static Pack *make_pack(snow_ctx *ctx, int64_t i) {
    SNOW_CHECK_STACK(ctx);
    snow_list *l = snow_list_builder(ctx, &t_list_str, 0);
    for (int64_t k = 0; k < 5; k++) {
        snow_list_builder_push(ctx, l, snow_w_ptr(num_str(ctx, i + k)));
        SNOW_CHECK(ctx);
    }
    snow_map *m = snow_map_new(ctx, &t_map_si);
    for (int64_t k = 0; k < 3; k++) {
        m = snow_map_put(ctx, m, snow_w_ptr(num_str(ctx, k)), (snow_word)(i * k));
        SNOW_CHECK(ctx);
    }
    snow_str *tag = num_str(ctx, i);
    Pack *p = snow_alloc(ctx, &t_pack, sizeof(Pack));
    p->n = i;
    p->words = snow_list_tail(ctx, l);
    p->tag = tag;
    p->counts = m;
    return p;
}

static snow_list *make_big(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    snow_list *l = snow_list_builder(ctx, &t_list_str, 3000);
    for (int64_t k = 0; k < 3000; k++) {
        snow_list_builder_push(ctx, l, snow_w_ptr(num_str(ctx, k)));
        SNOW_CHECK(ctx);
    }
    return l;
}

static void gc_receiver(snow_ctx *ctx, snow_word arg) {
    SNOW_CHECK_STACK(ctx);
    int64_t count = (int64_t)arg, ok = 0;
    for (int64_t i = 0; i < count; i++) {
        snow_word w;
        void *m;
        while ((m = snow_recv_next(ctx, NULL, &t_pack, &w)) == NULL) snow_recv_wait(ctx, -1);
        Pack *got = snow_ptr_w(snow_recv_take(ctx, m));
        /* rebuild what the sender built and compare (allocates: collects) */
        Pack *want = make_pack(ctx, got->n);
        if (snow_eq(ctx, &t_pack, snow_w_ptr(got), snow_w_ptr(want))) ok++;
        SNOW_CHECK(ctx);
    }
    sayf(ctx, "intact %lld", (long long)ok);
    /* a big message: its fragment is dense, so it is adopted whole */
    snow_word w;
    void *m;
    while ((m = snow_recv_next(ctx, NULL, &t_list_str, &w)) == NULL) snow_recv_wait(ctx, -1);
    snow_list *big = snow_ptr_w(snow_recv_take(ctx, m));
    snow_list *want = make_big(ctx);
    say(ctx, big->len == 3000 && snow_eq(ctx, &t_list_str, snow_w_ptr(big), snow_w_ptr(want)) ? "big intact" : "BIG BROKEN");
}

static void gc(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    int64_t count = 200;
    snow_pid r = snow_spawn(ctx, gc_receiver, &snow_t_Int, (snow_word)count);
    for (int64_t i = 0; i < count; i++) {
        Pack *p = make_pack(ctx, i);
        snow_send(ctx, r, &t_pack, snow_w_ptr(p));
        SNOW_CHECK(ctx);
    }
    snow_send(ctx, r, &t_list_str, snow_w_ptr(make_big(ctx)));
}

/* ------------------------------------------------------------ registry */

static void registry(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    snow_pid p;
    say(ctx, snow_whereis(ctx, SNOW_STR(s_name), &p) ? "UNEXPECTED" : "not registered");
    say(ctx, snow_register(ctx, SNOW_STR(s_name)) ? "registered" : "FAILED");
    say(ctx, snow_register(ctx, SNOW_STR(s_name)) ? "TWICE" : "taken");
    say(ctx, snow_whereis(ctx, SNOW_STR(s_name), &p) && p == snow_self(ctx) ? "found self" : "NOT FOUND");
}

static void entry(snow_ctx *ctx) {
    SNOW_CHECK_STACK(ctx);
    main_pid = snow_self(ctx);
    if (!strcmp(mode, "pingpong")) pingpong(ctx);
    else if (!strcmp(mode, "selective")) selective(ctx);
    else if (!strcmp(mode, "after")) after(ctx);
    else if (!strcmp(mode, "spin")) spin(ctx, false);
    else if (!strcmp(mode, "spin_calls")) spin(ctx, true);
    else if (!strcmp(mode, "crash")) crash(ctx, false);
    else if (!strcmp(mode, "overflow")) crash(ctx, true);
    else if (!strcmp(mode, "links")) links(ctx);
    else if (!strcmp(mode, "main_link")) main_link(ctx);
    else if (!strcmp(mode, "terminate")) terminate(ctx);
    else if (!strcmp(mode, "quiescence")) quiescence(ctx);
    else if (!strcmp(mode, "kill_running")) kill_running(ctx);
    else if (!strcmp(mode, "many")) many(ctx);
    else if (!strcmp(mode, "gc")) gc(ctx);
    else if (!strcmp(mode, "registry")) registry(ctx);
}

int main(int argc, char **argv) {
    mode = argc > 1 ? argv[1] : "";
    return snow_main(argc, argv, entry);
}
