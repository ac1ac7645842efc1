//! How much stack the compiler thread has left. Deeply nested programs
//! (tens of thousands of chained calls or pipes) would overflow the
//! recursive checker; it asks `low()` and reports "nesting is too deep"
//! instead of crashing.

use std::cell::Cell;

thread_local! {
    /// The lowest stack address this thread may reach before reporting;
    /// 0 when its stack size is unknown (no check then).
    static LIMIT: Cell<usize> = const { Cell::new(0) };
}

/// Room kept for the work that follows a report (unification, cleanup).
const RESERVE: usize = 8 << 20;

fn here() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// Called first thing on a thread given `size` bytes of stack (the stack
/// grows down on every target we support).
pub fn set_size(size: usize) {
    LIMIT.with(|l| l.set(here().saturating_sub(size.saturating_sub(RESERVE))));
}

/// Is this thread's stack nearly used up?
pub fn low() -> bool {
    LIMIT.with(|l| l.get() != 0 && here() < l.get())
}

/// The header of the error given for a program nested too deeply.
pub const TOO_DEEP: &str = "Parse error: nesting is too deep";

#[cfg(test)]
mod tests {
    use crate::diag::{SourceFile, SourceMap};

    /// Compile `main`'s body `body` on a thread with `size` bytes of stack.
    fn compile_on(size: usize, body: String) -> Result<String, Vec<String>> {
        std::thread::Builder::new()
            .stack_size(size)
            .spawn(move || {
                super::set_size(size);
                let mut sm = SourceMap::default();
                sm.add(SourceFile {
                    path: "deep.snow".into(),
                    module: "Main".into(),
                    text: format!("fn inc(x :: Int) -> Int = x + 1\nfn main() do\n{body}end\n"),
                });
                crate::compile_to_c(&sm, &Default::default())
                    .map(|o| o.c_code)
                    .map_err(|ds| ds.into_iter().map(|d| d.header).collect())
            })
            .expect("a thread")
            .join()
            .expect("no panic")
    }

    const STACK: usize = 64 << 20;

    #[test]
    fn long_else_if_chains_compile_flat() {
        let mut body = String::from("  let x = 3\n  let y = if x == 0 do\n    0\n");
        for i in 1..20_000 {
            body.push_str(&format!("  else if x == {i} do\n    {i}\n"));
        }
        body.push_str("  else\n    -1\n  end\n  println(\"${y}\")\n");
        let c = compile_on(STACK, body).expect("compiles");
        assert!(c.matches("goto ").count() >= 20_000);
    }

    #[test]
    fn long_pipe_and_method_chains_report_nesting() {
        for step in [" |> inc", ".inc()"] {
            let body = format!(
                "  let x = 0{}\n  println(\"${{x}}\")\n",
                step.repeat(50_000)
            );
            assert_eq!(
                compile_on(STACK, body),
                Err(vec![super::TOO_DEEP.to_string()])
            );
        }
    }
}
