/*
 * snow.h -- the value layout and the runtime's C ABI.
 *
 * This is the one place where the interface between generated C and the
 * Rust runtime (rt/) is declared. Generated programs include only standard
 * headers and this file (and snow_sort.h, the generated sort, when they
 * sort a list). Every declaration here has exactly one definition,
 * either in rt/ (Rust, `#[no_mangle] extern "C"`) or inline below.
 *
 * Conventions
 *  - Every generated function and every runtime function that may allocate,
 *    panic or suspend takes `snow_ctx *ctx` first: the running process.
 *    Generated code never uses thread-locals (a coroutine may move between
 *    threads at any call).
 *  - Snow values have natural C types: Int int64_t, Float double, Bool bool,
 *    () snow_unit, Pid snow_pid; everything else is a pointer to a heap
 *    object that starts with a snow_hdr.
 *  - Inside collections and in the generic runtime entry points, a value is
 *    a snow_word (64 bits): integers as two's complement, Float as its bit
 *    pattern, Bool/() as 0/1, pointers zero-extended.
 *  - Heap objects live in per-process GC heaps. Roots are found by scanning
 *    the process stack conservatively; objects are traced precisely through
 *    the snow_type descriptor in their header. Objects with SNOW_GC_STATIC in
 *    hdr.gc are immutable statics emitted by the compiler (string literals,
 *    nullary variants, function values) and are never collected or copied.
 */
#ifndef SNOW_H
#define SNOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define SNOW_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define SNOW_LIKELY(x) __builtin_expect(!!(x), 1)
#else
#define SNOW_UNLIKELY(x) (x)
#define SNOW_LIKELY(x) (x)
#endif

#if defined(__GNUC__) || defined(__clang__)
#define SNOW_UNUSED __attribute__((unused))
#define SNOW_COLD __attribute__((cold))
#define SNOW_NOINLINE __attribute__((noinline))
#else
#define SNOW_UNUSED
#define SNOW_COLD
#define SNOW_NOINLINE
#endif

typedef uint64_t snow_word;
typedef uint8_t snow_unit;
typedef uint64_t snow_pid;

typedef struct snow_ctx snow_ctx;
typedef struct snow_type snow_type;

/* ------------------------------------------------------------------ objects */

/* Header of every heap object: 16 bytes on every target. */
typedef struct snow_hdr {
    const snow_type *type; /* descriptor of this object's layout */
    uint64_t gc;           /* collector bits; SNOW_GC_STATIC for statics */
} snow_hdr;

#define SNOW_GC_STATIC 0x8000000000000000ull

/* String: immutable UTF-8, `len` bytes (not NUL-terminated in general). */
typedef struct snow_str {
    snow_hdr h;
    int64_t len;
    char data[];
} snow_str;

/* List<T>: an immutable view of `len` words starting at `items`, which
 * points into the GC object `store` (possibly this object itself). */
typedef struct snow_list {
    snow_hdr h;
    int64_t len;
    snow_word *items;
    void *store;
} snow_list;

/* Map<K, V>, Set<T>, Queue<T>: opaque runtime objects. */
typedef struct snow_map snow_map;
typedef struct snow_set snow_set;
typedef struct snow_queue snow_queue;
/* Json: a parsed JSON document (opaque). */
typedef struct snow_json snow_json;

/* Range: half-open [start, stop). */
typedef struct snow_range {
    snow_hdr h;
    int64_t start;
    int64_t stop;
} snow_range;

/* A function value. The generated closure type embeds this as its first
 * member and stores captures after it. `fn` has the C type
 *   R (*)(snow_ctx *, snow_closure *, P1, ..., Pn)
 * with the natural C types of the closure's Snow type. */
typedef void (*snow_fnptr)(void);
typedef struct snow_closure {
    snow_hdr h;
    snow_fnptr fn;
} snow_closure;

/* ------------------------------------------------------------ descriptors */

enum snow_kind {
    /* scalars: never pointers */
    SNOW_K_INT = 1,
    SNOW_K_FLOAT = 2,
    SNOW_K_BOOL = 3,
    SNOW_K_UNIT = 4,
    SNOW_K_PID = 5,
    /* pointers to heap objects */
    SNOW_K_STRING = 16,
    SNOW_K_LIST = 17,
    SNOW_K_MAP = 18,
    SNOW_K_SET = 19,
    SNOW_K_RANGE = 20,
    SNOW_K_QUEUE = 21,
    SNOW_K_TUPLE = 22,
    SNOW_K_STRUCT = 23,
    SNOW_K_SUM = 24,     /* a sum type as a whole (value-level descriptor) */
    SNOW_K_VARIANT = 25, /* one variant's object layout */
    SNOW_K_CLOSURE = 26,
    SNOW_K_OPAQUE = 27, /* runtime-internal objects (list stores, map tables) */
};

#define SNOW_KIND_IS_PTR(k) ((k) >= SNOW_K_STRING)

/* Flags of a descriptor. */
#define SNOW_F_DISPLAY 1u /* has Display (derived unless the hook is set) */
#define SNOW_F_DEBUG 2u   /* has Debug (derived unless the hook is set) */
#define SNOW_F_OPTION 4u  /* the built-in Option (JSON: None is null) */

typedef snow_word (*snow_show_fn)(snow_ctx *, snow_word); /* returns a snow_str* word */
typedef bool (*snow_eq_fn)(snow_ctx *, snow_word, snow_word);
typedef int64_t (*snow_cmp_fn)(snow_ctx *, snow_word, snow_word); /* -1, 0, 1 */
typedef int64_t (*snow_hash_fn)(snow_ctx *, snow_word);

/*
 * One descriptor per monomorphic type, emitted by the compiler as a static
 * const object (the runtime defines those of the scalar types and String).
 *
 *  kind     SNOW_K_*.
 *  flags    SNOW_F_*.
 *  name     for diagnostics and derived text: "Int", "List<Int>",
 *           "Point" (base name, no type arguments), a variant's own name.
 *  size     object size in bytes for TUPLE/STRUCT/VARIANT/CLOSURE/RANGE.
 *  nparams  number of entries in params (and offsets / field_names).
 *  params   LIST/SET/QUEUE: [element]; MAP: [key, value];
 *           TUPLE/STRUCT/VARIANT: one per field in order;
 *           CLOSURE: one per capture;
 *           SUM: one VARIANT descriptor per variant, indexed by tag.
 *  offsets  TUPLE/STRUCT/VARIANT/CLOSURE: byte offset of each field.
 *  field_names  STRUCT: field names (for derived Debug); NULL otherwise.
 *  tag      VARIANT: its tag (declaration index); otherwise 0.
 *  display/debug/eq/cmp/hash
 *           user-written protocol implementations (impl blocks), taking and
 *           returning words. When NULL the runtime uses the derived
 *           behaviour for TUPLE/STRUCT/SUM (if the flag allows it) and its
 *           built-in behaviour for every other kind.
 *
 * Every object's header points to the descriptor of its *layout*: a struct
 * or tuple object to its type's descriptor, a variant object to its
 * VARIANT descriptor (never to the SUM one), a list to its List<T>.
 */
struct snow_type {
    uint32_t kind;
    uint32_t flags;
    const char *name;
    uint32_t size;
    uint32_t nparams;
    const snow_type *const *params;
    const uint32_t *offsets;
    const char *const *field_names;
    int64_t tag;
    snow_show_fn display;
    snow_show_fn debug;
    snow_eq_fn eq;
    snow_cmp_fn cmp;
    snow_hash_fn hash;
};

/* Descriptors of the built-in scalar types and String (defined in rt/). */
extern const snow_type snow_t_Int;
extern const snow_type snow_t_Float;
extern const snow_type snow_t_Bool;
extern const snow_type snow_t_Unit;
extern const snow_type snow_t_Pid;
extern const snow_type snow_t_String;
extern const snow_type snow_t_Range;
extern const snow_type snow_t_Json;

/* --------------------------------------------------------------- processes */

/* A source location, for runtime errors. */
typedef struct snow_loc {
    const char *file;
    uint32_t line;
    uint32_t col;
} snow_loc;

/*
 * The running process, passed to every generated function. Only the fields
 * up to `loc` are touched by generated code; the rest belongs to rt/.
 */
struct snow_ctx {
    int64_t budget;        /* reductions left in this time slice */
    char *stack_limit;     /* lowest usable stack address */
    const snow_loc *loc;   /* location of the runtime call in progress */
    void *proc;            /* runtime-private process state */
};

/* Reductions per time slice. */
#define SNOW_BUDGET 4000

/* A function's name (`count/1`) and where it is defined: each function's
 * stack checks pass a static one to the slow path, which names it in a
 * `stack overflow` report. Only the slow path takes its address, so the
 * fast path is unchanged. */
typedef struct snow_fn_loc {
    const char *name;
    snow_loc loc;
} snow_fn_loc;

/*
 * Stacks are segmented: a process starts on a small segment and gets more
 * when a function is entered too close to the end of the current one. A
 * stack check compares the address of a local, `char snow_probe_`, with
 * ctx->stack_limit (the address costs no frame pointer, unlike
 * __builtin_frame_address). The scheduler asks a running process to yield
 * by raising the limit above every stack address, so the same compare is
 * also the preemption point of call-heavy code.
 *
 * Called when a check fails: carries out a pending exit, yields when the
 * budget is spent or a yield was requested, and restores the limit. If the
 * probe is still below the limit then, the stack is short.
 */
SNOW_COLD void snow_slow_path(snow_ctx *ctx, const snow_fn_loc *fn);

/*
 * Entry checks (and self tail calls, which restart the function) sit where
 * the function can run again from its start with its current parameter
 * values: no effect has happened yet on that path. When such a check
 * fails, the function returns what a cold helper returns, which packs the
 * arguments into a struct and calls
 *   snow_slow_path_rerun(ctx, fn, frame, rerun, &args)
 * That does what snow_slow_path does, then runs rerun(ctx, &args) (which
 * calls the function with the arguments and stores its result in the
 * struct): on this stack if there is room, else on a new segment with room
 * for `frame` bytes besides the usual, switching back when it returns. When
 * the process's stack size (SNOW_STACK_SIZE) is used up it ends the
 * process with `stack overflow in fn` instead. `frame` is the compiler's
 * bound on a frame too large for the room kept below every limit (0 for
 * ordinary frames); the check of such a function compares
 * `probe - frame` before the frame is made.
 */
void snow_slow_path_rerun(snow_ctx *ctx, const snow_fn_loc *fn, size_t frame,
                          void (*rerun)(snow_ctx *ctx, void *args), void *args);

/* Ends the process with `stack overflow` (in `fn`, when not NULL). */
_Noreturn void snow_stack_overflow(snow_ctx *ctx, const snow_fn_loc *fn);

#define SNOW_BELOW_LIMIT(ctx, addr) ((uintptr_t)(addr) < (uintptr_t)(ctx)->stack_limit)

/* Generated entry checks: true when the function must run again through
 * snow_slow_path_rerun. The _FRAME form is for frames too large for the
 * room below the limit. A self tail call (_TAIL) also charges a reduction,
 * and runs again only when the stack is short: a spent budget just yields. */
#define SNOW_STACK_SHORT(ctx) SNOW_UNLIKELY(SNOW_BELOW_LIMIT(ctx, &snow_probe_))
#define SNOW_STACK_SHORT_FRAME(ctx, frame)                                               \
    SNOW_UNLIKELY(SNOW_BELOW_LIMIT(ctx, (uintptr_t)&snow_probe_ - (frame)))
#define SNOW_TAIL_SHORT(ctx, fn)                                                         \
    (SNOW_UNLIKELY(--(ctx)->budget < 0 || SNOW_BELOW_LIMIT(ctx, &snow_probe_)) &&        \
     (snow_slow_path(ctx, fn), SNOW_BELOW_LIMIT(ctx, &snow_probe_)))

/* Generated loop back-edges: charge one reduction and honour a yield
 * request. The probe (one for the whole function) passed the function's
 * entry check, so only a raised limit can fail the compare. */
#define SNOW_TICK(ctx, fn)                                                               \
    do {                                                                                 \
        if (SNOW_UNLIKELY(--(ctx)->budget < 0 || SNOW_BELOW_LIMIT(ctx, &snow_probe_)))   \
            snow_slow_path(ctx, fn);                                                     \
    } while (0)

/* Checks for hand-written C, which cannot run a function again: at entry
 * (overflow at the end of the current segment) and at loop back-edges. */
#define SNOW_CHECK_STACK_IN(ctx, fn)                                                     \
    do {                                                                                 \
        char snow_probe_;                                                                \
        if (SNOW_UNLIKELY(SNOW_BELOW_LIMIT(ctx, &snow_probe_))) {                        \
            snow_slow_path(ctx, fn);                                                     \
            if (SNOW_BELOW_LIMIT(ctx, &snow_probe_)) snow_stack_overflow(ctx, fn);       \
        }                                                                                \
    } while (0)
#define SNOW_CHECK_IN(ctx, fn)                                                           \
    do {                                                                                 \
        char snow_probe_;                                                                \
        if (SNOW_UNLIKELY(--(ctx)->budget < 0 || SNOW_BELOW_LIMIT(ctx, &snow_probe_))) { \
            snow_slow_path(ctx, fn);                                                     \
            if (SNOW_BELOW_LIMIT(ctx, &snow_probe_)) snow_stack_overflow(ctx, fn);       \
        }                                                                                \
    } while (0)
#define SNOW_CHECK_STACK(ctx) SNOW_CHECK_STACK_IN(ctx, NULL)
#define SNOW_CHECK(ctx) SNOW_CHECK_IN(ctx, NULL)

/* Program entry: starts the scheduler, runs `entry(ctx)` (the compiled
 * `main`) as the main process, and returns when the program is quiescent
 * (every remaining process blocked forever: they are shut down newest first)
 * with status 0, output flushed. A panic of `main` exits with 101 at once.
 * The generated `int main` returns its result. */
int snow_main(int argc, char **argv, void (*entry)(snow_ctx *ctx));

/* ---------------------------------------------------- processes (actors) */

/*
 * Every function below runs in the calling process (ctx); a blocking call
 * parks only that process, never its worker thread. Values crossing a
 * process boundary (spawn arguments, messages, timer messages) are deep
 * copied through their descriptor; the copy of a message lives in a
 * fragment that joins the receiver's heap when it takes the message.
 *
 * Exit reasons and their tags (spec 4.4.2).
 */
enum snow_exit_tag {
    SNOW_EXIT_NORMAL = 0,   /* the body finished */
    SNOW_EXIT_ERROR = 1,    /* the process panicked: error(message) */
    SNOW_EXIT_KILLED = 2,   /* brutal kill; cannot be trapped */
    SNOW_EXIT_LINKED = 3,   /* a linked process died abnormally */
    SNOW_EXIT_SHUTDOWN = 4, /* orderly stop (supervisor, program end) */
    SNOW_EXIT_CUSTOM = 5,   /* reserved for runtime APIs */
};

/* spawn(actor, args...): the compiler emits one entry trampoline per actor
 * that unpacks `arg` (a tuple of the arguments when there are several,
 * described by arg_type) and runs the body. The argument is deep-copied into
 * the new process's heap before this returns; the process starts later. */
snow_pid snow_spawn(snow_ctx *ctx, void (*entry)(snow_ctx *ctx, snow_word arg),
                    const snow_type *arg_type, snow_word arg);
/* self() */
snow_pid snow_self(snow_ctx *ctx);
/* send(pid, msg): never blocks; dropped if the receiver is gone. The
 * descriptor is the message's type identity: a receive that expects another
 * type never matches it (it is discarded when the receiver exits). */
void snow_send(snow_ctx *ctx, snow_pid pid, const snow_type *msg_type, snow_word msg);

/*
 * Selective receive, driven by generated code:
 *
 *   receive do p1 when g1 -> e1; p2 -> e2  after t -> e3 end
 *
 *   int64_t deadline = snow_deadline_ms(t);   // -1 without `after`
 *   void *seen = NULL;                        // last message examined
 *   snow_word w;
 *   for (;;) {
 *       void *m;
 *       while ((m = snow_recv_next(ctx, seen, &T_msg, &w)) != NULL) {
 *           if (w matches p1 && g1) { w = snow_recv_take(ctx, m); bind p1 from w; e1; goto done; }
 *           if (w matches p2)       { w = snow_recv_take(ctx, m); bind p2 from w; e2; goto done; }
 *           seen = m;                         // stays queued, in order
 *       }
 *       if (!snow_recv_wait(ctx, deadline)) { ...e3...; goto done; }
 *   }
 *   done:
 *
 * Patterns and guards may inspect `w` before the take (its objects stay
 * valid and unchanged until then). Bind the arm's variables from the word
 * snow_recv_take returns: a small message is copied into this process's
 * heap at the take, so the old word is dead after it (an arm that binds
 * only scalars may use snow_recv_drop instead). Resuming from `seen`
 * examines only newer messages.
 */
/* The next queued message of type `expected` after `after` (NULL: start at
 * the oldest), oldest first; its value goes to *out. NULL when none. */
void *snow_recv_next(snow_ctx *ctx, void *after, const snow_type *expected, snow_word *out);
/* Remove a message returned by snow_recv_next; returns its value, now in
 * this process's heap (possibly at a new address). */
snow_word snow_recv_take(snow_ctx *ctx, void *msg);
/* Remove a message returned by snow_recv_next without moving its value
 * here: for arms that bound only scalars, read in place. */
void snow_recv_drop(snow_ctx *ctx, void *msg);
/* Park until a new message arrives (true) or the deadline passes (false).
 * deadline_ms is on the snow_now_ms clock; -1 means none. */
bool snow_recv_wait(snow_ctx *ctx, int64_t deadline_ms);
/* Monotonic milliseconds, rounded up (so now + t is never early). */
int64_t snow_now_ms(void);
/* The deadline of `after t`: -1 for t < 0, 0 for t == 0 (never blocks),
 * else snow_now_ms() + t. */
int64_t snow_deadline_ms(int64_t t);

/* Timer.sleep(ms): parks this process (main too); ms <= 0 returns at once. */
void snow_sleep(snow_ctx *ctx, int64_t ms);
/* Timer.monotonic_us(): microseconds since the program started, never
 * decreasing; the difference of two readings is an elapsed time. */
int64_t snow_monotonic_us(void);
/* Timer.send_after(pid, ms, msg): copied now, delivered no earlier than ms
 * later, even if the sender has exited. */
void snow_send_after(snow_ctx *ctx, snow_pid pid, int64_t ms, const snow_type *msg_type,
                     snow_word msg);

/* link(pid): bidirectional, idempotent; a no-op if pid has exited. */
void snow_link(snow_ctx *ctx, snow_pid pid);
/* The actor's terminate block, set by the actor's entry before its body
 * runs: fn(ctx, env) with env the closure (kept alive by the runtime). It
 * runs once at any exit except `killed`, on a fresh stack segment, before
 * exit signals go out. */
void snow_set_terminate(snow_ctx *ctx, void (*fn)(snow_ctx *ctx, snow_word env), snow_word env);

/* Process.register(name): false if the name is taken. Names are released
 * at exit. Process.whereis(name): false if unregistered. */
bool snow_register(snow_ctx *ctx, snow_str *name);
bool snow_whereis(snow_ctx *ctx, snow_str *name, snow_pid *out);
/* Process.whereis(name) as an Option<Pid> described by opt_type. */
void *snow_process_whereis(snow_ctx *ctx, const snow_type *opt_type, snow_str *name);

/*
 * Runtime-internal building blocks for services, supervisors and jobs.
 * System messages travel apart from user messages: a user receive never
 * sees them.
 *
 *  - Service call: ref = snow_make_ref(); mon = snow_monitor(ctx, svc);
 *    send {ref, self, request} (a typed message); then receive the reply
 *    type, matching only replies carrying `ref` (other messages stay
 *    queued), waiting with snow_signal_wait so that a `down` notice for
 *    `mon` (the service died: fail the call) also wakes the caller. A call
 *    to self is detected before sending.
 *  - Supervisor: snow_trap_exits(ctx, true), start children and link them;
 *    child exits arrive as system messages (kind 0) through
 *    snow_signal_wait / snow_recv_signal; stop children with
 *    snow_exit(ctx, child, SNOW_EXIT_SHUTDOWN or SNOW_EXIT_KILLED, NULL).
 *  - Job: the job process links to its creator (so it dies with it) and
 *    the creator monitors the job: the result arrives as a typed message
 *    tagged with the monitor reference, a crash as a `down` notice.
 */
typedef struct snow_signal {
    uint32_t kind;    /* 0: exit of a linked process (trapping only), 1: monitor `down` */
    int32_t tag;      /* the exit reason (enum snow_exit_tag) */
    snow_pid pid;     /* the process that exited */
    uint64_t ref;     /* kind 1: the monitor reference */
    snow_pid origin;  /* tag SNOW_EXIT_LINKED: the process whose exit killed pid */
    snow_str *message; /* error/custom message, else NULL */
} snow_signal;

void snow_trap_exits(snow_ctx *ctx, bool on);
/* Send an exit signal to pid (to self: exit now). SNOW_EXIT_KILLED cannot
 * be trapped; a trapping target gets others as a system message; a normal
 * signal to a non-trapping process is ignored. msg may be NULL. */
void snow_exit(snow_ctx *ctx, snow_pid pid, int32_t tag, snow_str *msg);
/* A reference unique in this run (never 0). */
uint64_t snow_make_ref(snow_ctx *ctx);
/* Watch pid; its exit (or its absence) produces a `down` system message
 * carrying the returned reference. */
uint64_t snow_monitor(snow_ctx *ctx, snow_pid pid);
/* Take the oldest system message; false if none. */
bool snow_recv_signal(snow_ctx *ctx, snow_signal *out);
/* Like snow_recv_wait, but a system message also ends the wait (true). */
bool snow_signal_wait(snow_ctx *ctx, int64_t deadline_ms);

/* ---------------------------------------------- services, supervisors, jobs */

/*
 * Services (spec 4.5). The compiler generates `handle`, which dispatches one
 * request (a value of the service's request sum type, one variant per
 * handler) against the state and returns the new state; for a call it calls
 * snow_service_reply once. Requests, replies and job results travel as
 * messages of their own classes: a user receive never sees them.
 */
typedef snow_word (*snow_service_fn)(snow_ctx *ctx, snow_word state, snow_word request);
/* Spawn a service process with this initial state (deep-copied). */
snow_pid snow_service_start(snow_ctx *ctx, snow_service_fn handle, const snow_type *state_type,
                            snow_word state, const snow_type *request_type);
/* Synchronous call; returns the reply (in the caller's heap). Panics with
 * `service call failed: process <0.N> exited` when the service is dead or
 * dies first, `service called itself` for a call to self. */
snow_word snow_service_call(snow_ctx *ctx, snow_pid pid, const snow_type *request_type,
                            snow_word request);
/* Asynchronous cast; dropped if the service is dead. */
void snow_service_cast(snow_ctx *ctx, snow_pid pid, const snow_type *request_type,
                       snow_word request);
/* Inside `handle`, for a call: the reply (ignored for a cast). */
void snow_service_reply(snow_ctx *ctx, const snow_type *reply_type, snow_word reply);

/* Supervisors (spec 4.6): a supervisor process's body; returns only by
 * exiting. children: List<(String, fn() -> Pid, Int, Int)> of (name, start
 * closure, restart: 0 permanent 1 transient 2 temporary, shutdown ms or -1
 * for brutal_kill); strategy: 0 one_for_one 1 one_for_all 2 rest_for_one
 * 3 simple_one_for_one; name: the declaration's, for reports. */
void snow_supervise(snow_ctx *ctx, int64_t strategy, int64_t max_restarts, int64_t max_seconds,
                    snow_list *children, snow_str *name);

/* Jobs (spec 4.7). body: a closure `void (*)(snow_ctx *, snow_closure *)`
 * ending with snow_job_return, deep-copied into the job. The job is killed
 * when its creator exits; its crash never affects the creator. */
snow_pid snow_job_async(snow_ctx *ctx, const snow_type *closure_type, snow_word body);
/* Inside a job: its result, sent to the creator. */
void snow_job_return(snow_ctx *ctx, const snow_type *result_type, snow_word value);
/* Job.await (timeout_ms < 0) / Job.await_timeout: a Result<T, String> made
 * from ret_desc: Ok(value) or Err(panic message | "killed" | "shutdown" |
 * "timeout" | "no such job"). */
snow_word snow_job_await(snow_ctx *ctx, const snow_type *ret_desc, snow_pid job, int64_t timeout_ms);

/* ------------------------------------------------------------------ panics */

/* Print `panic: <msg>` and `  at file:line:col` (from ctx->loc) on stderr
 * and end the process (for the main process: flush stdout, exit 101). */
_Noreturn void snow_panic(snow_ctx *ctx, const char *msg);
/* The same with an explicit location. */
_Noreturn void snow_panic_at(snow_ctx *ctx, const char *msg, const snow_loc *loc);
/* The same with a Snow string message. */
_Noreturn void snow_panic_str(snow_ctx *ctx, snow_str *msg);

/* ------------------------------------------------------------------ memory */

/* Allocate `size` bytes (header included) in the current process's heap,
 * zeroed, with h.type = type. May collect. Never returns NULL. */
void *snow_alloc(snow_ctx *ctx, const snow_type *type, size_t size);

/* ----------------------------------------------------------------- strings */

#define SNOW_STR_LIT(ident, text)                                                 \
    static const struct {                                                         \
        snow_hdr h;                                                               \
        int64_t len;                                                              \
        char data[sizeof(text)];                                                  \
    } ident = {{&snow_t_String, SNOW_GC_STATIC}, (int64_t)sizeof(text) - 1, text}

#define SNOW_STR(ident) ((snow_str *)(void *)&(ident))

snow_str *snow_str_new(snow_ctx *ctx, const char *bytes, int64_t len);
snow_str *snow_str_concat(snow_ctx *ctx, snow_str *a, snow_str *b);
/* Concatenate n strings (interpolation). */
snow_str *snow_str_concat_n(snow_ctx *ctx, int64_t n, snow_str *const *parts);
bool snow_str_eq(snow_str *a, snow_str *b);
/* Byte-lexicographic comparison: -1, 0, 1. */
int64_t snow_str_cmp(snow_str *a, snow_str *b);
int64_t snow_str_hash(snow_str *s);
/* Number of code points. */
int64_t snow_str_length(snow_str *s);

snow_str *snow_int_to_str(snow_ctx *ctx, int64_t v);
snow_str *snow_float_to_str(snow_ctx *ctx, double v); /* Rust f64 Display */
snow_str *snow_bool_to_str(snow_ctx *ctx, bool v);

/* ---------------------------------------------------- generic protocols */

/* Display-else-Debug (interpolation, collection elements). */
snow_str *snow_display(snow_ctx *ctx, const snow_type *t, snow_word v);
/* Debug (inspect). */
snow_str *snow_debug(snow_ctx *ctx, const snow_type *t, snow_word v);
bool snow_eq(snow_ctx *ctx, const snow_type *t, snow_word a, snow_word b);
/* -1, 0, 1 */
int64_t snow_cmp(snow_ctx *ctx, const snow_type *t, snow_word a, snow_word b);
/* FNV-1a based, exactly as chapter 03 3.2.7. */
int64_t snow_hash(snow_ctx *ctx, const snow_type *t, snow_word v);
int64_t snow_hash_combine(int64_t h, int64_t g);

/* ----------------------------------------------------------------- output */

void snow_print(snow_ctx *ctx, snow_str *s);
void snow_println(snow_ctx *ctx, snow_str *s);
void snow_eprintln(snow_ctx *ctx, snow_str *s);

/* ------------------------------------------------------------------ lists */

/* A new list of type `list_type` (a List<T> descriptor) holding n words. */
snow_list *snow_list_from(snow_ctx *ctx, const snow_type *list_type, int64_t n,
                          const snow_word *items);
/* Building a list front to back (comprehensions): start with
 * snow_list_builder, push, and the builder itself is the finished list. A
 * builder must not be observed before the last push. */
snow_list *snow_list_builder(snow_ctx *ctx, const snow_type *list_type, int64_t cap_hint);
void snow_list_builder_push(snow_ctx *ctx, snow_list *builder, snow_word item);
/* Element i; panics when out of range ("List.get: index 5 out of bounds (len 3)"). */
snow_word snow_list_get(snow_ctx *ctx, snow_list *l, int64_t i);
/* All but the first element, O(1); panics on an empty list. */
snow_list *snow_list_tail(snow_ctx *ctx, snow_list *l);
/* New lists with `item` added at the end / at the front; amortised O(1) on
 * the newest version (the store keeps spare room at both ends). */
snow_list *snow_list_append(snow_ctx *ctx, snow_list *l, snow_word item);
snow_list *snow_list_prepend(snow_ctx *ctx, snow_list *l, snow_word item);
/* `items[0..n] ++ l` and `l ++ items[0..n]` (n >= 1) in one step. */
snow_list *snow_list_prepend_n(snow_ctx *ctx, snow_list *l, int64_t n, const snow_word *items);
snow_list *snow_list_append_n(snow_ctx *ctx, snow_list *l, int64_t n, const snow_word *items);
/* First / last element; panic "List.head: empty list" / "List.last: empty list". */
snow_word snow_list_head(snow_ctx *ctx, snow_list *l);
snow_word snow_list_last(snow_ctx *ctx, snow_list *l);
snow_list *snow_list_reverse(snow_ctx *ctx, snow_list *l);
snow_list *snow_list_concat(snow_ctx *ctx, snow_list *a, snow_list *b);
/* List.length, List.is_empty and List.new, inline. */
static inline SNOW_UNUSED int64_t snow_list_length(snow_list *l) { return l->len; }
static inline SNOW_UNUSED bool snow_list_is_empty(snow_list *l) { return l->len == 0; }
static inline SNOW_UNUSED snow_list *snow_list_new(snow_ctx *ctx, const snow_type *list_type) {
    return snow_list_from(ctx, list_type, 0, NULL);
}

/* ------------------------------------------------------------- maps, sets */

/* Maps and sets keep insertion order and a hash index; keys compare with
 * snow_eq/snow_hash of the key descriptor. All operations return new
 * values; arguments are never modified. */
snow_map *snow_map_new(snow_ctx *ctx, const snow_type *map_type);
snow_map *snow_map_put(snow_ctx *ctx, snow_map *m, snow_word k, snow_word v);
bool snow_map_has(snow_ctx *ctx, snow_map *m, snow_word k);
/* Value for k. Absent: 0 / 0.0 / false for Int / Float / Bool values, else
 * panics "Map.get: key not found". */
snow_word snow_map_get(snow_ctx *ctx, snow_map *m, snow_word k);
snow_map *snow_map_delete(snow_ctx *ctx, snow_map *m, snow_word k);
int64_t snow_map_size(snow_map *m);
/* i-th entry in insertion order, 0 <= i < size. */
snow_word snow_map_key_at(snow_map *m, int64_t i);
snow_word snow_map_value_at(snow_map *m, int64_t i);

snow_set *snow_set_new(snow_ctx *ctx, const snow_type *set_type);
snow_set *snow_set_add(snow_ctx *ctx, snow_set *s, snow_word x);
bool snow_set_contains(snow_ctx *ctx, snow_set *s, snow_word x);
snow_set *snow_set_remove(snow_ctx *ctx, snow_set *s, snow_word x);
int64_t snow_set_size(snow_set *s);
snow_word snow_set_at(snow_set *s, int64_t i);

/* ------------------------------------------------------ standard library */

/* The chapter 03 functions implemented in rt/src/library/, one per entry of
 * the compiler's table (snowc/src/stdlib/table.rs, which also lists the
 * runtime functions above that the compiler calls as plain C calls; its
 * tests check every such prototype here against the table). Type-variable
 * positions are snow_words; Option/Result/tuple values are `void *` (the
 * compiler lays them out); with RET_DESC the result type's descriptor
 * follows ctx. */

/* String (§3.7); indices and lengths count code points. */
snow_str *snow_str_slice(snow_ctx *ctx, snow_str *s, int64_t start, int64_t stop);
bool snow_str_contains(snow_str *s, snow_str *needle);
bool snow_str_starts_with(snow_str *s, snow_str *prefix);
bool snow_str_ends_with(snow_str *s, snow_str *suffix);
bool snow_str_is_empty(snow_str *s);
snow_str *snow_str_trim(snow_ctx *ctx, snow_str *s);
snow_str *snow_str_to_upper(snow_ctx *ctx, snow_str *s);
snow_str *snow_str_to_lower(snow_ctx *ctx, snow_str *s);
snow_str *snow_str_replace(snow_ctx *ctx, snow_str *s, snow_str *from, snow_str *to);
/* `s` n times; panics "String.repeat: negative count -1" when n < 0. */
snow_str *snow_str_repeat(snow_ctx *ctx, snow_str *s, int64_t n);
snow_list *snow_str_split(snow_ctx *ctx, const snow_type *list_type, snow_str *s, snow_str *sep);
snow_list *snow_str_chars(snow_ctx *ctx, const snow_type *list_type, snow_str *s);
snow_str *snow_str_join(snow_ctx *ctx, snow_list *parts, snow_str *sep);
void *snow_str_to_int(snow_ctx *ctx, const snow_type *opt_type, snow_str *s);
void *snow_str_to_float(snow_ctx *ctx, const snow_type *opt_type, snow_str *s);

/* IO, Env, File (§3.4-§3.6); errors are Result values, never panics. */
void *snow_io_read_line(snow_ctx *ctx, const snow_type *result_type);
void *snow_env_get(snow_ctx *ctx, const snow_type *opt_type, snow_str *name);
snow_list *snow_env_args(snow_ctx *ctx, const snow_type *list_type);
void *snow_file_read(snow_ctx *ctx, const snow_type *result_type, snow_str *path);
void *snow_file_write(snow_ctx *ctx, const snow_type *result_type, snow_str *path, snow_str *content);
void *snow_file_append(snow_ctx *ctx, const snow_type *result_type, snow_str *path, snow_str *content);
bool snow_file_exists(snow_str *path);
void *snow_file_delete(snow_ctx *ctx, const snow_type *result_type, snow_str *path);

/* List, Map, Set, Range (§3.8-§3.12). */
snow_list *snow_map_keys(snow_ctx *ctx, const snow_type *list_type, snow_map *m);
snow_list *snow_map_values(snow_ctx *ctx, const snow_type *list_type, snow_map *m);
snow_map *snow_map_merge(snow_ctx *ctx, snow_map *a, snow_map *b);
snow_list *snow_map_to_list(snow_ctx *ctx, const snow_type *list_type, snow_map *m);
snow_map *snow_map_from_list(snow_ctx *ctx, const snow_type *map_type, snow_list *pairs);
void *snow_map_find(snow_ctx *ctx, const snow_type *opt_type, snow_map *m, snow_word k);
snow_word snow_map_get_or(snow_ctx *ctx, snow_map *m, snow_word k, snow_word d);
snow_set *snow_set_union(snow_ctx *ctx, snow_set *a, snow_set *b);
snow_set *snow_set_intersection(snow_ctx *ctx, snow_set *a, snow_set *b);
snow_set *snow_set_difference(snow_ctx *ctx, snow_set *a, snow_set *b);
snow_list *snow_set_to_list(snow_ctx *ctx, const snow_type *list_type, snow_set *s);
snow_set *snow_set_from_list(snow_ctx *ctx, const snow_type *set_type, snow_list *xs);
int64_t snow_range_length(snow_range *r);
snow_list *snow_range_to_list(snow_ctx *ctx, const snow_type *list_type, snow_range *r);

/* Queue<T> (§3.13): persistent FIFO, amortised O(1) push/pop. pop returns
 * the tuple (front, rest); pop/peek panic on an empty queue. */
snow_queue *snow_queue_new(snow_ctx *ctx, const snow_type *queue_type);
snow_queue *snow_queue_push(snow_ctx *ctx, snow_queue *q, snow_word x);
void *snow_queue_pop(snow_ctx *ctx, const snow_type *tuple_type, snow_queue *q);
snow_word snow_queue_peek(snow_ctx *ctx, snow_queue *q);
int64_t snow_queue_size(snow_queue *q);
bool snow_queue_is_empty(snow_queue *q);

/* Math (§3.14); Float to Int results saturate, round is ties-away. */
double snow_math_pow(double base, double exp);
double snow_math_sqrt(double x);
int64_t snow_math_floor(double x);
int64_t snow_math_ceil(double x);
int64_t snow_math_round(double x);
double snow_math_pi(void);

/* HTTP server (§5.1). Router, Request and Response are heap records
 * (descriptors snow_t_Router, snow_t_Request, snow_t_Response); handlers
 * and middleware are closures. */
extern const snow_type snow_t_Router;
extern const snow_type snow_t_Request;
extern const snow_type snow_t_Response;
void *snow_http_router(snow_ctx *ctx);
void *snow_http_route(snow_ctx *ctx, void *r, snow_str *pattern, snow_closure *h);
void *snow_http_on_get(snow_ctx *ctx, void *r, snow_str *pattern, snow_closure *h);
void *snow_http_on_post(snow_ctx *ctx, void *r, snow_str *pattern, snow_closure *h);
void *snow_http_on_put(snow_ctx *ctx, void *r, snow_str *pattern, snow_closure *h);
void *snow_http_on_delete(snow_ctx *ctx, void *r, snow_str *pattern, snow_closure *h);
void *snow_http_use(snow_ctx *ctx, void *r, snow_closure *mw);
void *snow_http_response(snow_ctx *ctx, int64_t status, snow_str *body);
void *snow_http_with_header(snow_ctx *ctx, void *resp, snow_str *name, snow_str *value);
/* HTTP.ws: a route whose upgrade requests become WebSocket connections. */
void *snow_http_ws(snow_ctx *ctx, void *r, snow_str *pattern, void *handler);
void snow_http_serve(snow_ctx *ctx, void *r, int64_t port);
void snow_http_serve_tls(snow_ctx *ctx, void *r, int64_t port, snow_str *cert, snow_str *key);
/* WebSockets (§5.3): a WsHandler is a heap record of the three callbacks;
 * a WsConn is an integer handle carried in a pointer-sized word. */
extern const snow_type snow_t_WsHandler;
void *snow_ws_handler(snow_ctx *ctx, snow_closure *on_connect, snow_closure *on_message, snow_closure *on_close);
void snow_ws_serve(snow_ctx *ctx, void *handler, int64_t port);
void snow_ws_serve_callbacks(snow_ctx *ctx, snow_closure *on_connect, snow_closure *on_message, snow_closure *on_close, int64_t port);
void snow_ws_serve_tls(snow_ctx *ctx, void *handler, int64_t port, snow_str *cert, snow_str *key);
void snow_ws_serve_tls_callbacks(snow_ctx *ctx, snow_closure *on_connect, snow_closure *on_message, snow_closure *on_close, int64_t port, snow_str *cert, snow_str *key);
int64_t snow_ws_send(void *conn, snow_str *text);
int64_t snow_ws_send_binary(void *conn, snow_str *data);
int64_t snow_ws_join(void *conn, snow_str *room);
int64_t snow_ws_leave(void *conn, snow_str *room);
int64_t snow_ws_broadcast(snow_str *room, snow_str *text);
int64_t snow_ws_broadcast_except(snow_str *room, snow_str *text, void *conn);
int64_t snow_ws_close(void *conn, int64_t code, snow_str *reason);
snow_str *snow_request_method(snow_ctx *ctx, void *req);
snow_str *snow_request_path(snow_ctx *ctx, void *req);
snow_str *snow_request_body(snow_ctx *ctx, void *req);
void *snow_request_header(snow_ctx *ctx, const snow_type *opt_type, void *req, snow_str *name);
void *snow_request_query(snow_ctx *ctx, const snow_type *opt_type, void *req, snow_str *name);
void *snow_request_param(snow_ctx *ctx, const snow_type *opt_type, void *req, snow_str *name);
snow_map *snow_request_headers(snow_ctx *ctx, const snow_type *map_type, void *req);
int64_t snow_response_status(void *resp);
snow_str *snow_response_body(snow_ctx *ctx, void *resp);
void *snow_response_header(snow_ctx *ctx, const snow_type *opt_type, void *resp, snow_str *name);
/* SQLite (§5.4): a SqliteConn is an integer handle in a pointer-sized word. */
void *snow_sqlite_open(snow_ctx *ctx, const snow_type *res, snow_str *path);
void snow_sqlite_close(void *conn);
void *snow_sqlite_execute(snow_ctx *ctx, const snow_type *res, void *conn, snow_str *sql, snow_list *params);
void *snow_sqlite_query(snow_ctx *ctx, const snow_type *res, void *conn, snow_str *sql, snow_list *params);
void *snow_sqlite_execute_opt(snow_ctx *ctx, const snow_type *res, void *conn, snow_str *sql, snow_list *params);
void *snow_sqlite_query_opt(snow_ctx *ctx, const snow_type *res, void *conn, snow_str *sql, snow_list *params);
void *snow_sqlite_begin(snow_ctx *ctx, const snow_type *res, void *conn);
void *snow_sqlite_commit(snow_ctx *ctx, const snow_type *res, void *conn);
void *snow_sqlite_rollback(snow_ctx *ctx, const snow_type *res, void *conn);
void *snow_sqlite_transaction(snow_ctx *ctx, const snow_type *res, void *conn, snow_closure *f);

/* PostgreSQL (§5.5): a PgConn is an integer handle in a pointer-sized word;
 * Pg.transaction's callback is a closure taking it. */
void *snow_pg_connect(snow_ctx *ctx, const snow_type *res, snow_str *url);
void snow_pg_close(snow_ctx *ctx, void *conn);
void *snow_pg_execute(snow_ctx *ctx, const snow_type *res, void *conn, snow_str *sql, snow_list *params);
void *snow_pg_query(snow_ctx *ctx, const snow_type *res, void *conn, snow_str *sql, snow_list *params);
void *snow_pg_execute_opt(snow_ctx *ctx, const snow_type *res, void *conn, snow_str *sql, snow_list *params);
void *snow_pg_query_opt(snow_ctx *ctx, const snow_type *res, void *conn, snow_str *sql, snow_list *params);
void *snow_pg_begin(snow_ctx *ctx, const snow_type *res, void *conn);
void *snow_pg_commit(snow_ctx *ctx, const snow_type *res, void *conn);
void *snow_pg_rollback(snow_ctx *ctx, const snow_type *res, void *conn);
void *snow_pg_transaction(snow_ctx *ctx, const snow_type *res, void *conn, snow_closure *f);
/* The pool (§5.6): a PoolHandle is an integer handle like a PgConn. */
void *snow_pool_open(snow_ctx *ctx, const snow_type *res, snow_str *url, int64_t min, int64_t max, int64_t timeout_ms);
void *snow_pool_checkout(snow_ctx *ctx, const snow_type *res, void *pool);
void snow_pool_checkin(snow_ctx *ctx, void *pool, void *conn);
void *snow_pool_query(snow_ctx *ctx, const snow_type *res, void *pool, snow_str *sql, snow_list *params);
void *snow_pool_execute(snow_ctx *ctx, const snow_type *res, void *pool, snow_str *sql, snow_list *params);
void *snow_pool_query_opt(snow_ctx *ctx, const snow_type *res, void *pool, snow_str *sql, snow_list *params);
void *snow_pool_execute_opt(snow_ctx *ctx, const snow_type *res, void *pool, snow_str *sql, snow_list *params);
void snow_pool_close(snow_ctx *ctx, void *pool);

/* HTTP client (§5.2): results are Result values; HttpReply is a heap record
 * like Response (descriptor snow_t_HttpReply). */
extern const snow_type snow_t_HttpReply;
void *snow_http_get(snow_ctx *ctx, const snow_type *res_type, snow_str *url);
void *snow_http_post(snow_ctx *ctx, const snow_type *res_type, snow_str *url, snow_str *body);
void *snow_http_request(snow_ctx *ctx, const snow_type *res_type, snow_str *method, snow_str *url,
                        snow_map *headers, snow_str *body);
int64_t snow_http_reply_status(void *r);
snow_str *snow_http_reply_body(snow_ctx *ctx, void *r);
void *snow_http_reply_header(snow_ctx *ctx, const snow_type *opt_type, void *r, snow_str *name);
snow_map *snow_http_reply_headers(snow_ctx *ctx, const snow_type *map_type, void *r);

/* JSON (§3.16): a Json value holds its canonical compact text. */
void *snow_json_parse(snow_ctx *ctx, const snow_type *result_type, snow_str *text);
snow_str *snow_json_encode(snow_ctx *ctx, snow_json *j);
snow_str *snow_json_encode_string(snow_ctx *ctx, snow_str *s);
snow_str *snow_json_encode_int(snow_ctx *ctx, int64_t n);
snow_str *snow_json_encode_bool(snow_ctx *ctx, bool b);
snow_str *snow_json_encode_float(snow_ctx *ctx, double x);
snow_str *snow_json_encode_map(snow_ctx *ctx, snow_map *m);
snow_str *snow_json_encode_list(snow_ctx *ctx, snow_list *xs);
/* `Json.encode` of any serialisable value, `t` being its type's descriptor. */
snow_str *snow_json_encode_value(snow_ctx *ctx, const snow_type *t, snow_word v);
/* `T.from_json(text)`: `result_type` is `Result<T, String>`'s descriptor. */
void *snow_json_decode(snow_ctx *ctx, const snow_type *result_type, snow_str *text);
/* `T.from_row(row)` of a struct deriving Row, likewise. */
void *snow_row_decode(snow_ctx *ctx, const snow_type *result_type, snow_map *row);

/* ----------------------------------------------------- inline arithmetic */

static inline SNOW_UNUSED int64_t snow_add(int64_t a, int64_t b) {
    return (int64_t)((uint64_t)a + (uint64_t)b);
}
static inline SNOW_UNUSED int64_t snow_sub(int64_t a, int64_t b) {
    return (int64_t)((uint64_t)a - (uint64_t)b);
}
static inline SNOW_UNUSED int64_t snow_mul(int64_t a, int64_t b) {
    return (int64_t)((uint64_t)a * (uint64_t)b);
}
static inline SNOW_UNUSED int64_t snow_neg(int64_t a) {
    return (int64_t)(0u - (uint64_t)a);
}
static inline SNOW_UNUSED int64_t snow_div(snow_ctx *ctx, int64_t a, int64_t b, const snow_loc *loc) {
    if (SNOW_UNLIKELY(b == 0)) snow_panic_at(ctx, "division by zero", loc);
    if (SNOW_UNLIKELY(b == -1)) return snow_neg(a);
    return a / b;
}
static inline SNOW_UNUSED int64_t snow_mod(snow_ctx *ctx, int64_t a, int64_t b, const snow_loc *loc) {
    if (SNOW_UNLIKELY(b == 0)) snow_panic_at(ctx, "division by zero", loc);
    if (SNOW_UNLIKELY(b == -1)) return 0;
    return a % b;
}

/* Float to Int, saturating (NaN gives 0), as Rust's `as`. */
static inline SNOW_UNUSED int64_t snow_f2i(double d) {
    if (d != d) return 0;
    if (d >= 9223372036854775807.0) return INT64_MAX;
    if (d <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)d;
}

/* Int to Float: the nearest Float. */
static inline SNOW_UNUSED double snow_int_to_float(int64_t v) { return (double)v; }

static inline SNOW_UNUSED snow_range *snow_range_new(snow_ctx *ctx, int64_t start, int64_t stop) {
    snow_range *r = (snow_range *)snow_alloc(ctx, &snow_t_Range, sizeof(snow_range));
    r->start = start;
    r->stop = stop;
    return r;
}

/* ------------------------------------------------------ word conversions */

static inline SNOW_UNUSED snow_word snow_w_int(int64_t v) { return (snow_word)v; }
static inline SNOW_UNUSED int64_t snow_int_w(snow_word w) { return (int64_t)w; }
static inline SNOW_UNUSED snow_word snow_w_float(double d) {
    snow_word w;
    memcpy(&w, &d, sizeof w);
    return w;
}
static inline SNOW_UNUSED double snow_float_w(snow_word w) {
    double d;
    memcpy(&d, &w, sizeof d);
    return d;
}
static inline SNOW_UNUSED snow_word snow_w_bool(bool b) { return b ? 1u : 0u; }
static inline SNOW_UNUSED bool snow_bool_w(snow_word w) { return w != 0; }
static inline SNOW_UNUSED snow_word snow_w_ptr(const void *p) { return (snow_word)(uintptr_t)p; }
static inline SNOW_UNUSED void *snow_ptr_w(snow_word w) { return (void *)(uintptr_t)w; }

#endif /* SNOW_H */
