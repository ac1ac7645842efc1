//! The runtime functions, one per line (see `mod.rs` for the columns, the
//! flags and the C calling convention). Two names may share a C function
//! (`List.nth` is `List.get`) when they have one signature and flags.

use super::{RtFn, ARG_DESC, CONST, GLOBAL, MAY_PANIC, NO_CTX, NO_FLAT, RET_DESC, SERIAL};

macro_rules! rt {
    ($m:literal, $n:literal, $c:literal, $s:literal) => {
        rt!($m, $n, $c, $s, 0)
    };
    ($m:literal, $n:literal, $c:literal, $s:literal, $f:expr) => {
        RtFn {
            module: $m,
            name: $n,
            c_name: $c,
            sig: $s,
            flags: $f,
        }
    };
}

#[rustfmt::skip]
pub const RT_FNS: &[RtFn] = &[
    // IO, Env, File (§3.4–§3.6)
    rt!("IO", "println", "snow_println", "(String) -> ()", GLOBAL | NO_FLAT),
    rt!("IO", "print", "snow_print", "(String) -> ()", GLOBAL | NO_FLAT),
    rt!("IO", "eprintln", "snow_eprintln", "(String) -> ()", GLOBAL),
    rt!("IO", "read_line", "snow_io_read_line", "() -> Result<String, String>", RET_DESC),
    rt!("Env", "get", "snow_env_get", "(String) -> Option<String>", RET_DESC),
    rt!("Env", "args", "snow_env_args", "() -> List<String>", RET_DESC),
    rt!("File", "read", "snow_file_read", "(String) -> Result<String, String>", RET_DESC),
    rt!("File", "write", "snow_file_write", "(String, String) -> Result<(), String>", RET_DESC),
    rt!("File", "append", "snow_file_append", "(String, String) -> Result<(), String>", RET_DESC),
    rt!("File", "exists", "snow_file_exists", "(String) -> Bool", NO_CTX),
    rt!("File", "delete", "snow_file_delete", "(String) -> Result<(), String>", RET_DESC),
    // String (§3.7)
    rt!("String", "length", "snow_str_length", "(String) -> Int", NO_CTX),
    rt!("String", "slice", "snow_str_slice", "(String, Int, Int) -> String"),
    rt!("String", "contains", "snow_str_contains", "(String, String) -> Bool", NO_CTX),
    rt!("String", "starts_with", "snow_str_starts_with", "(String, String) -> Bool", NO_CTX),
    rt!("String", "ends_with", "snow_str_ends_with", "(String, String) -> Bool", NO_CTX),
    rt!("String", "is_empty", "snow_str_is_empty", "(String) -> Bool", NO_CTX),
    rt!("String", "trim", "snow_str_trim", "(String) -> String"),
    rt!("String", "to_upper", "snow_str_to_upper", "(String) -> String"),
    rt!("String", "to_lower", "snow_str_to_lower", "(String) -> String"),
    rt!("String", "replace", "snow_str_replace", "(String, String, String) -> String"),
    rt!("String", "repeat", "snow_str_repeat", "(String, Int) -> String", MAY_PANIC),
    rt!("String", "split", "snow_str_split", "(String, String) -> List<String>", RET_DESC),
    rt!("String", "chars", "snow_str_chars", "(String) -> List<String>", RET_DESC),
    rt!("String", "join", "snow_str_join", "(List<String>, String) -> String"),
    rt!("String", "to_int", "snow_str_to_int", "(String) -> Option<Int>", RET_DESC),
    rt!("String", "to_float", "snow_str_to_float", "(String) -> Option<Float>", RET_DESC),
    // List (§3.8)
    rt!("List", "new", "snow_list_new", "() -> List<a>", RET_DESC),
    rt!("List", "length", "snow_list_length", "(List<a>) -> Int", NO_CTX),
    rt!("List", "is_empty", "snow_list_is_empty", "(List<a>) -> Bool", NO_CTX),
    rt!("List", "head", "snow_list_head", "(List<a>) -> a", MAY_PANIC | GLOBAL),
    rt!("List", "tail", "snow_list_tail", "(List<a>) -> List<a>", MAY_PANIC | GLOBAL),
    rt!("List", "last", "snow_list_last", "(List<a>) -> a", MAY_PANIC),
    rt!("List", "get", "snow_list_get", "(List<a>, Int) -> a", MAY_PANIC),
    rt!("List", "nth", "snow_list_get", "(List<a>, Int) -> a", MAY_PANIC),
    rt!("List", "append", "snow_list_append", "(List<a>, a) -> List<a>"),
    rt!("List", "prepend", "snow_list_prepend", "(List<a>, a) -> List<a>"),
    rt!("List", "concat", "snow_list_concat", "(List<a>, List<a>) -> List<a>"),
    rt!("List", "reverse", "snow_list_reverse", "(List<a>) -> List<a>"),
    // Map (§3.9)
    rt!("Map", "new", "snow_map_new", "() -> Map<a, b>", RET_DESC),
    rt!("Map", "put", "snow_map_put", "(Map<a, b>, a, b) -> Map<a, b>"),
    rt!("Map", "get", "snow_map_get", "(Map<a, b>, a) -> b", MAY_PANIC),
    rt!("Map", "has_key", "snow_map_has", "(Map<a, b>, a) -> Bool"),
    rt!("Map", "size", "snow_map_size", "(Map<a, b>) -> Int", NO_CTX),
    rt!("Map", "delete", "snow_map_delete", "(Map<a, b>, a) -> Map<a, b>"),
    rt!("Map", "keys", "snow_map_keys", "(Map<a, b>) -> List<a>", RET_DESC),
    rt!("Map", "values", "snow_map_values", "(Map<a, b>) -> List<b>", RET_DESC),
    rt!("Map", "merge", "snow_map_merge", "(Map<a, b>, Map<a, b>) -> Map<a, b>"),
    rt!("Map", "to_list", "snow_map_to_list", "(Map<a, b>) -> List<(a, b)>", RET_DESC),
    rt!("Map", "from_list", "snow_map_from_list", "(List<(a, b)>) -> Map<a, b>", RET_DESC),
    rt!("Map", "find", "snow_map_find", "(Map<a, b>, a) -> Option<b>", RET_DESC),
    rt!("Map", "get_or", "snow_map_get_or", "(Map<a, b>, a, b) -> b"),
    // Set (§3.10)
    rt!("Set", "new", "snow_set_new", "() -> Set<a>", RET_DESC),
    rt!("Set", "add", "snow_set_add", "(Set<a>, a) -> Set<a>"),
    rt!("Set", "contains", "snow_set_contains", "(Set<a>, a) -> Bool"),
    rt!("Set", "size", "snow_set_size", "(Set<a>) -> Int", NO_CTX),
    rt!("Set", "remove", "snow_set_remove", "(Set<a>, a) -> Set<a>"),
    rt!("Set", "union", "snow_set_union", "(Set<a>, Set<a>) -> Set<a>"),
    rt!("Set", "intersection", "snow_set_intersection", "(Set<a>, Set<a>) -> Set<a>"),
    rt!("Set", "difference", "snow_set_difference", "(Set<a>, Set<a>) -> Set<a>"),
    rt!("Set", "to_list", "snow_set_to_list", "(Set<a>) -> List<a>", RET_DESC),
    rt!("Set", "from_list", "snow_set_from_list", "(List<a>) -> Set<a>", RET_DESC),
    // Range (§3.12)
    rt!("Range", "new", "snow_range_new", "(Int, Int) -> Range"),
    rt!("Range", "length", "snow_range_length", "(Range) -> Int", NO_CTX),
    rt!("Range", "to_list", "snow_range_to_list", "(Range) -> List<Int>", RET_DESC),
    // Queue (§3.13)
    rt!("Queue", "new", "snow_queue_new", "() -> Queue<a>", RET_DESC),
    rt!("Queue", "push", "snow_queue_push", "(Queue<a>, a) -> Queue<a>"),
    rt!("Queue", "pop", "snow_queue_pop", "(Queue<a>) -> (a, Queue<a>)", RET_DESC | MAY_PANIC),
    rt!("Queue", "peek", "snow_queue_peek", "(Queue<a>) -> a", MAY_PANIC),
    rt!("Queue", "size", "snow_queue_size", "(Queue<a>) -> Int", NO_CTX),
    rt!("Queue", "is_empty", "snow_queue_is_empty", "(Queue<a>) -> Bool", NO_CTX),
    // Math, Int, Float (§3.14, §3.15)
    rt!("Math", "pow", "snow_math_pow", "(Float, Float) -> Float", NO_CTX),
    rt!("Math", "sqrt", "snow_math_sqrt", "(Float) -> Float", NO_CTX),
    rt!("Math", "floor", "snow_math_floor", "(Float) -> Int", NO_CTX),
    rt!("Math", "ceil", "snow_math_ceil", "(Float) -> Int", NO_CTX),
    rt!("Math", "round", "snow_math_round", "(Float) -> Int", NO_CTX),
    rt!("Math", "pi", "snow_math_pi", "() -> Float", NO_CTX | CONST),
    rt!("Int", "to_float", "snow_int_to_float", "(Int) -> Float", NO_CTX),
    rt!("Float", "to_int", "snow_f2i", "(Float) -> Int", NO_CTX),
    // JSON (§3.16)
    rt!("JSON", "parse", "snow_json_parse", "(String) -> Result<Json, String>", RET_DESC),
    rt!("JSON", "encode", "snow_json_encode", "(Json) -> String"),
    rt!("JSON", "encode_string", "snow_json_encode_string", "(String) -> String"),
    rt!("JSON", "encode_int", "snow_json_encode_int", "(Int) -> String"),
    rt!("JSON", "encode_bool", "snow_json_encode_bool", "(Bool) -> String"),
    rt!("JSON", "encode_float", "snow_json_encode_float", "(Float) -> String"),
    rt!("JSON", "encode_map", "snow_json_encode_map", "(Map<String, String>) -> String"),
    rt!("JSON", "encode_list", "snow_json_encode_list", "(List<String>) -> String"),
    // `Json.encode` takes any serialisable value; `JSON.encode` only a Json.
    rt!("Json", "encode", "snow_json_encode_value", "(a) -> String", ARG_DESC | SERIAL),
    // `T.from_json` of a type deriving Json (resolved by the checker).
    rt!("Json", "__decode", "snow_json_decode", "(String) -> Result<a, String>", RET_DESC | SERIAL),
    // Timer, Process (§3.17)
    rt!("Timer", "sleep", "snow_sleep", "(Int) -> ()"),
    rt!("Timer", "monotonic_us", "snow_monotonic_us", "() -> Int", NO_CTX),
    rt!("Process", "register", "snow_register", "(String) -> Bool"),
    rt!("Process", "whereis", "snow_process_whereis", "(String) -> Option<Pid>", RET_DESC),
    // HTTP server (§5.1): `HTTP.use` gives the middleware's type, so its
    // parameters need no annotations.
    rt!("HTTP", "router", "snow_http_router", "() -> Router"),
    rt!("HTTP", "route", "snow_http_route", "(Router, String, Fun(Request) -> Response) -> Router"),
    rt!("HTTP", "on_get", "snow_http_on_get", "(Router, String, Fun(Request) -> Response) -> Router"),
    rt!("HTTP", "on_post", "snow_http_on_post", "(Router, String, Fun(Request) -> Response) -> Router"),
    rt!("HTTP", "on_put", "snow_http_on_put", "(Router, String, Fun(Request) -> Response) -> Router"),
    rt!("HTTP", "on_delete", "snow_http_on_delete", "(Router, String, Fun(Request) -> Response) -> Router"),
    rt!("HTTP", "use", "snow_http_use", "(Router, Fun(Request, Fun(Request) -> Response) -> Response) -> Router"),
    rt!("HTTP", "response", "snow_http_response", "(Int, String) -> Response"),
    rt!("HTTP", "with_header", "snow_http_with_header", "(Response, String, String) -> Response"),
    rt!("HTTP", "serve", "snow_http_serve", "(Router, Int) -> ()"),
    rt!("HTTP", "serve_tls", "snow_http_serve_tls", "(Router, Int, String, String) -> ()"),
    rt!("Request", "method", "snow_request_method", "(Request) -> String"),
    rt!("Request", "path", "snow_request_path", "(Request) -> String"),
    rt!("Request", "body", "snow_request_body", "(Request) -> String"),
    rt!("Request", "header", "snow_request_header", "(Request, String) -> Option<String>", RET_DESC),
    rt!("Request", "query", "snow_request_query", "(Request, String) -> Option<String>", RET_DESC),
    rt!("Request", "param", "snow_request_param", "(Request, String) -> Option<String>", RET_DESC),
    rt!("Request", "headers", "snow_request_headers", "(Request) -> Map<String, String>", RET_DESC),
    rt!("Response", "status", "snow_response_status", "(Response) -> Int", NO_CTX),
    rt!("Response", "body", "snow_response_body", "(Response) -> String"),
    rt!("Response", "header", "snow_response_header", "(Response, String) -> Option<String>", RET_DESC),
    // Called by the compiler itself: `__` names are not reachable from Snow,
    // and module "" is the language's own (protocols, panics).
    rt!("", "__debug", "snow_debug", "(a) -> String", ARG_DESC),
    rt!("", "__hash", "snow_hash", "(a) -> Int", ARG_DESC),
    rt!("", "__cmp", "snow_cmp", "(a, a) -> Int", ARG_DESC),
    rt!("", "__panic", "snow_panic_str", "(String) -> ()", MAY_PANIC),
    rt!("String", "__concat", "snow_str_concat", "(String, String) -> String"),
    rt!("String", "__eq", "snow_str_eq", "(String, String) -> Bool", NO_CTX),
    rt!("List", "__builder", "snow_list_builder", "(Int) -> List<a>", RET_DESC),
    rt!("List", "__push", "snow_list_builder_push", "(List<a>, a) -> ()"),
    rt!("Map", "__key_at", "snow_map_key_at", "(Map<a, b>, Int) -> a", NO_CTX),
    rt!("Map", "__value_at", "snow_map_value_at", "(Map<a, b>, Int) -> b", NO_CTX),
    rt!("Set", "__at", "snow_set_at", "(Set<a>, Int) -> a", NO_CTX),
    rt!("Process", "__self", "snow_self", "() -> Pid"),
    rt!("Process", "__link", "snow_link", "(Pid) -> ()"),
    rt!("Process", "__deadline", "snow_deadline_ms", "(Int) -> Int", NO_CTX),
    rt!("Process", "__wait", "snow_recv_wait", "(Int) -> Bool"),
    rt!("Process", "__supervise", "snow_supervise", "(Int, Int, Int, List<a>, String) -> ()"),
    rt!("Process", "__reply", "snow_service_reply", "(a) -> ()", ARG_DESC),
    rt!("Job", "__async", "snow_job_async", "(a) -> Pid", ARG_DESC),
    rt!("Job", "__await", "snow_job_await", "(Pid, Int) -> a", RET_DESC),
    rt!("Job", "__return", "snow_job_return", "(a) -> ()", ARG_DESC),
];
