//! The command-line driver: arguments, diagnostics rendering, invoking the C
//! compiler, linking the runtime (the embedded host one, or a cross
//! target's built on first use).
//!
//! Exit status: 0 success (warnings may have been printed), 1 compile errors
//! or bad input, 2 bad usage, 101 internal compiler error (including a
//! failing C compiler). `snowc run` exits with the program's status.

pub mod args;
pub mod cache;
pub mod cc;
pub mod cross;
pub mod deps;
pub mod fmt_cmd;
pub mod fnv;
pub mod git;
pub mod init;
pub mod lock;
pub mod manifest;
pub mod nested_cargo;
pub mod project;
pub mod report;
pub mod runtime;
pub mod target;
pub mod test_cmd;
pub mod update_cmd;

use crate::diag::{Diagnostic, SourceMap};
use crate::{CompileOptions, CompileOutput};
use args::{Args, Mode};
use report::Style;
use std::cell::Cell;
use std::ffi::OsString;
use std::fs;
use std::io::{self, IsTerminal, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub const EXIT_OK: i32 = 0;
pub const EXIT_COMPILE_ERROR: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_ICE: i32 = 101;

/// Stack size of the thread running the front end: deeply nested programs
/// must not overflow a recursive-descent parser or checker.
const COMPILER_STACK: usize = 256 * 1024 * 1024;

thread_local! {
    static STAGE: Cell<&'static str> = const { Cell::new("starting") };
}

/// Records which phase is running, for internal compiler error reports.
pub fn set_stage(stage: &'static str) {
    STAGE.with(|s| s.set(stage));
}

fn current_stage() -> &'static str {
    STAGE.with(|s| s.get())
}

/// The message and location of the last panic, captured by the hook.
static LAST_PANIC: Mutex<Option<(String, String, &'static str)>> = Mutex::new(None);

/// The stage a panic belongs to, refined from the source file it comes from.
fn stage_of(location: &str, fallback: &'static str) -> &'static str {
    let l = location.replace('\\', "/");
    if l.contains("src/syntax/") {
        "parsing"
    } else if l.contains("src/types/") {
        "type checking"
    } else if l.contains("src/mir/") {
        "lowering to MIR"
    } else if l.contains("src/cgen/") {
        "generating C"
    } else {
        fallback
    }
}

fn print_ice(message: &str, location: &str, stage: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "internal compiler error: {message}");
    if location.is_empty() {
        let _ = writeln!(err, "note: while {stage}");
    } else {
        let _ = writeln!(err, "note: while {stage}, at {location}");
    }
    let _ = writeln!(
        err,
        "note: this is a bug in snowc {}; please report it",
        env!("CARGO_PKG_VERSION")
    );
}

fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        let location = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        let stage = stage_of(&location, current_stage());
        if cfg!(panic = "abort") {
            // No unwinding to catch: report and leave right here.
            print_ice(&message, &location, stage);
            std::process::exit(EXIT_ICE);
        }
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some((message, location, stage));
        }
    }));
}

/// Entry point of the `snowc` binary; returns the exit status.
pub fn main() -> i32 {
    install_panic_hook();
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    match panic::catch_unwind(AssertUnwindSafe(|| run_cli(args))) {
        Ok(code) => code,
        Err(_) => {
            let (message, location, stage) = LAST_PANIC
                .lock()
                .ok()
                .and_then(|mut l| l.take())
                .unwrap_or_else(|| ("unknown panic".into(), String::new(), current_stage()));
            print_ice(&message, &location, stage);
            EXIT_ICE
        }
    }
}

/// Runs `snowc` with `args` (without the program name).
pub fn run_cli(args: Vec<OsString>) -> i32 {
    set_stage("parsing arguments");
    // Subcommands that parse their own options.
    match args.first().and_then(|a| a.to_str()) {
        Some("lsp") => return crate::lsp::run(&args[1..]),
        Some("fmt") => {
            set_stage("formatting");
            return fmt_cmd::run(&args[1..]);
        }
        Some("init") => return init::main(args[1..].to_vec()),
        Some("test") => return test_cmd::main(args[1..].to_vec()),
        Some("update") => return update_cmd::main(args[1..].to_vec()),
        _ => {}
    }
    let args = match args::parse(args) {
        Ok(a) => a,
        Err(msg) => {
            report::eprint_line(&format!("snowc: error: {msg}"));
            return EXIT_USAGE;
        }
    };
    match args.mode {
        Mode::Help => {
            let _ = io::stdout().write_all(args::USAGE.as_bytes());
            EXIT_OK
        }
        Mode::Version => {
            let _ = writeln!(io::stdout(), "{}", version_line());
            EXIT_OK
        }
        Mode::PrintCFlags => print_c_flags(&args),
        Mode::Compile | Mode::Build | Mode::Run => Driver::new(args).run(),
    }
}

/// `snowc print-c-flags`: materialises the runtime and prints, on one line,
/// the flags a C compiler needs for `--emit-c` output (for `$(...)` in a
/// shell, so one flag or path per word).
fn print_c_flags(args: &Args) -> i32 {
    set_stage("preparing the runtime");
    let runtime = match target_runtime(args, &cache::cache_root()) {
        Ok((rt, _)) => rt,
        Err(e) => {
            report::eprint_line(&format!("snowc: error: {e}"));
            return EXIT_COMPILE_ERROR;
        }
    };
    let both = !args.print_cflags && !args.print_libs;
    let mut words = Vec::new();
    if both || args.print_cflags {
        words.extend(cc::runtime_cflags(&runtime));
    }
    if both || args.print_libs {
        words.extend(cc::runtime_libs(&runtime, args.static_link));
    }
    let words: Vec<String> = words
        .iter()
        .map(|w| w.to_string_lossy().into_owned())
        .collect();
    if words.iter().any(|w| w.contains(char::is_whitespace)) {
        report::eprint_line(
            "snowc: warning: the cache path contains white space, which a shell splits; \
             set XDG_CACHE_HOME to a directory without it",
        );
    }
    let _ = writeln!(io::stdout(), "{}", words.join(" "));
    EXIT_OK
}

/// The runtime and the C compiler for `--target` (the embedded runtime and
/// the host's compiler without one, or with the host's own triple).
fn target_runtime(
    args: &Args,
    cache_root: &Path,
) -> Result<(runtime::Runtime, cc::Compiler), String> {
    match args.target.filter(|t| !t.is_host()) {
        Some(t) => {
            let compiler = cc::resolve_cross(args.cc.as_deref(), &t)?;
            let rt = cross::materialise(cache_root, &t, &compiler.words())?;
            Ok((rt, compiler))
        }
        None => {
            let rt = runtime::materialise(cache_root)
                .map_err(|e| format!("cannot write the runtime into the cache: {e}"))?;
            let env_cc = std::env::var("CC").ok();
            Ok((
                rt,
                cc::resolve(args.cc.as_deref(), env_cc, Some(cache_root)),
            ))
        }
    }
}

/// `snowc 0.1.0 (abc1234, x86_64-unknown-linux-gnu, runtime …)`: the
/// commit snowc was built from (`unknown` outside a git checkout) first.
pub fn version_line() -> String {
    format!(
        "snowc {} ({}, {}, runtime {})",
        env!("CARGO_PKG_VERSION"),
        env!("SNOWC_COMMIT"),
        env!("SNOWC_TARGET"),
        runtime::RUNTIME_HASH
    )
}

/// What a compile-mode invocation reads.
enum Input {
    File(PathBuf),
    Project(PathBuf),
}

impl Input {
    /// The executable's base name.
    fn binary_name(&self) -> String {
        match self {
            Input::File(f) => f
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "main".into()),
            Input::Project(d) => project::project_binary_name(d),
        }
    }
}

pub(crate) struct Driver {
    args: Args,
    style: Style,
}

/// Outcome of a step: `Err(exit status)` after the failure was reported.
type Step<T> = Result<T, i32>;

impl Driver {
    pub(crate) fn new(args: Args) -> Driver {
        let color = !args.no_color
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && io::stderr().is_terminal();
        let style = if args.json {
            Style::Json
        } else {
            Style::Human { color }
        };
        Driver { args, style }
    }

    fn run(&self) -> i32 {
        match self.run_steps() {
            Ok(code) | Err(code) => code,
        }
    }

    fn report(&self, sources: &SourceMap, diags: &[Diagnostic]) {
        report::emit(&mut io::stderr().lock(), sources, diags, self.style);
    }

    /// Reports a driver-level error (no source location) and fails.
    pub(crate) fn fail<T>(&self, message: impl Into<String>) -> Step<T> {
        self.report(&SourceMap::default(), &[report::plain_error(message)]);
        Err(EXIT_COMPILE_ERROR)
    }

    fn input(&self) -> Step<Input> {
        let path = self.args.input.clone().unwrap_or_else(deps::default_root);
        if self.args.mode == Mode::Build || path.is_dir() {
            return Ok(Input::Project(path));
        }
        if !path.exists() {
            return self.fail(format!("input `{}` does not exist", path.display()));
        }
        Ok(Input::File(path))
    }

    fn load(&self, input: &Input) -> Step<SourceMap> {
        set_stage("reading sources");
        let loaded = match input {
            Input::File(f) => project::load_file(f),
            Input::Project(d) => project::load_project(d),
        };
        loaded.or_else(|msg| self.fail(msg))
    }

    pub(crate) fn options(&self) -> CompileOptions {
        CompileOptions {
            line_directives: self.args.line_directives,
        }
    }

    fn run_steps(&self) -> Step<i32> {
        let input = self.input()?;
        let sources = self.load(&input)?;
        if self.args.mode == Mode::Run {
            return self.run_program(&input, &sources);
        }
        let output = match (&self.args.output, &self.args.emit_c, &input) {
            (Some(o), _, _) => Some(o.clone()),
            // --emit-c alone only writes the C.
            (None, Some(_), _) => None,
            (None, None, Input::Project(d)) => Some(project::default_output(d)),
            (None, None, Input::File(_)) => Some(PathBuf::from(input.binary_name())),
        };
        let c_code = self.front_end(&sources)?;
        if let Some(path) = &self.args.emit_c {
            self.write_c(path, &c_code)?;
        }
        if let Some(out) = output {
            self.build_binary(&c_code, &out)?;
        }
        Ok(EXIT_OK)
    }

    /// Snow to C. Prints the diagnostics; fails on errors.
    fn front_end(&self, sources: &SourceMap) -> Step<String> {
        set_stage("compiling Snow to C");
        let result = compile_on_big_stack(sources, &self.options());
        match result {
            Ok(out) => {
                if !out.warnings.is_empty() {
                    self.report(sources, &out.warnings);
                }
                Ok(out.c_code)
            }
            Err(diags) => {
                self.report(sources, &diags);
                Err(EXIT_COMPILE_ERROR)
            }
        }
    }

    fn write_c(&self, path: &Path, c_code: &str) -> Step<()> {
        set_stage("writing C");
        if path.as_os_str() == "-" {
            let mut out = io::stdout().lock();
            return match out.write_all(c_code.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => Ok(()),
                Err(e) => self.fail(format!("cannot write C to stdout: {e}")),
            };
        }
        fs::write(path, c_code)
            .or_else(|e| self.fail(format!("cannot write `{}`: {e}", path.display())))
    }

    /// C to an executable at `out`.
    pub(crate) fn build_binary(&self, c_code: &str, out: &Path) -> Step<()> {
        set_stage("preparing the runtime");
        let cache_root = cache::cache_root();
        let (runtime, compiler) = match target_runtime(&self.args, &cache_root) {
            Ok(found) => found,
            Err(e) => return self.fail(e),
        };
        let scratch = cache::TempDir::new("snowc")
            .or_else(|e| self.fail(format!("cannot create a temporary directory: {e}")))?;
        // Compile the --emit-c file itself when there is one.
        let c_file = match &self.args.emit_c {
            Some(p) if p.as_os_str() != "-" => p.clone(),
            _ => {
                let p = scratch.path().join("main.c");
                fs::write(&p, c_code)
                    .or_else(|e| self.fail(format!("cannot write `{}`: {e}", p.display())))?;
                p
            }
        };
        if out.is_dir() {
            return self.fail(format!(
                "cannot write the executable: `{}` is a directory (pass `-o` another path)",
                out.display()
            ));
        }
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            if let Err(e) = fs::create_dir_all(parent) {
                return self.fail(format!("cannot create `{}`: {e}", parent.display()));
            }
        }

        set_stage("running the C compiler");
        let is_default = self.args.cc.is_none()
            && std::env::var("CC").ok().is_none_or(|c| c.trim().is_empty())
            && self.args.target.is_none_or(|t| t.is_host());
        let job = cc::Job {
            c_file: &c_file,
            output: out,
            opt_level: self.args.opt_level,
            runtime: &runtime,
            static_link: self.args.static_link,
            cflags: cc::env_flags(std::env::var_os("CFLAGS")),
            ldflags: cc::env_flags(std::env::var_os("LDFLAGS")),
        };
        match cc::run(cc::commands(&compiler, &job, scratch.path())) {
            Ok(printed) => {
                let printed = if self.args.static_link {
                    cc::drop_static_glibc_notes(&printed)
                } else {
                    printed
                };
                if !printed.trim().is_empty() {
                    let _ = io::stderr().write_all(printed.as_bytes());
                }
                Ok(())
            }
            Err(cc::CcError::Launch { program, error }) => {
                if is_default {
                    // The remembered default compiler is gone: ask again next time.
                    let _ = fs::remove_file(cc::default_compiler_memo(&cache_root));
                }
                let install = match self.args.target.filter(|t| !t.is_host()) {
                    Some(t) => format!("gcc-{}", t.gnu),
                    None => "gcc, clang or tcc".to_string(),
                };
                self.fail(format!(
                    "cannot run the C compiler `{program}`: {error} \
                 (install {install}, or pass --cc PATH)"
                ))
            }
            Err(cc::CcError::Failed { command, output }) => {
                let mut err = io::stderr().lock();
                let _ = err.write_all(output.as_bytes());
                if !output.is_empty() && !output.ends_with('\n') {
                    let _ = writeln!(err);
                }
                let _ = writeln!(err, "note: command: {command}");
                let _ = writeln!(err, "internal compiler error: C compiler failed");
                Err(EXIT_ICE)
            }
        }
    }

    /// `snowc run`: build into the cache (unless an identical build is
    /// there already) and replace this process with the program.
    fn run_program(&self, input: &Input, sources: &SourceMap) -> Step<i32> {
        let name = input.binary_name();
        // The front end always runs (it is cheap and reports warnings); the
        // cache key covers its output, so a changed compiler never reuses a
        // stale binary.
        let c_code = self.front_end(sources)?;
        if let Some(path) = &self.args.emit_c {
            self.write_c(path, &c_code)?;
        }
        let key = self.run_key(&c_code, &name);
        let dir = cache::cache_root().join("run").join(key);
        let exe = dir.join(&name);
        if !exe.is_file() {
            self.build_into_cache(&c_code, &dir, &name)?;
        }
        set_stage("running the program");
        Ok(exec(&exe, &self.args.run_args))
    }

    /// Builds the executable `dir/name`, creating `dir` atomically.
    fn build_into_cache(&self, c_code: &str, dir: &Path, name: &str) -> Step<()> {
        cache::install_dir_with(
            dir,
            |tmp| self.build_binary(c_code, &tmp.join(name)),
            |e| {
                let failed: Step<()> = self.fail(format!("cannot write into the cache: {e}"));
                failed.err().unwrap_or(EXIT_COMPILE_ERROR)
            },
        )
    }

    /// The cache key of a `snowc run` build: everything that affects the
    /// executable, its name included (two projects may compile to the same
    /// C; the directory holds one executable named after its project).
    fn run_key(&self, c_code: &str, name: &str) -> String {
        let mut h = cache::Fnv::new();
        h.field(name.as_bytes());
        h.field(version_line().as_bytes());
        h.field(runtime::RUNTIME_HASH.as_bytes());
        h.field(c_code.as_bytes());
        h.field(&[self.args.opt_level]);
        h.field(self.args.cc.as_deref().unwrap_or("").as_bytes());
        h.field(self.args.target.map_or("", |t| t.rust).as_bytes());
        h.field(&[u8::from(self.args.static_link)]);
        for var in ["CC", "CFLAGS", "LDFLAGS"] {
            h.field(
                std::env::var_os(var)
                    .unwrap_or_default()
                    .to_string_lossy()
                    .as_bytes(),
            );
        }
        h.hex()
    }
}

/// Runs the front end on a thread with a large stack. A panic there is
/// re-raised on the calling thread, so it is reported like any other.
pub(crate) fn compile_on_big_stack(
    sources: &SourceMap,
    opts: &CompileOptions,
) -> Result<CompileOutput, Vec<Diagnostic>> {
    on_big_stack(|| crate::compile_to_c(sources, opts))
}

/// Runs `f` (the front end) on a thread with a large stack. A panic there
/// is re-raised on the calling thread.
pub(crate) fn on_big_stack<T: Send>(f: impl Fn() -> T + Sync) -> T {
    let stage = current_stage();
    let work = || {
        set_stage(stage);
        crate::stack::set_size(COMPILER_STACK);
        f()
    };
    let spawned = std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("snowc".into())
            .stack_size(COMPILER_STACK)
            .spawn_scoped(s, work)
            .map(|h| h.join())
    });
    match spawned {
        Ok(Ok(result)) => result,
        Ok(Err(payload)) => panic::resume_unwind(payload),
        // No thread could be created: compile on this one.
        Err(_) => f(),
    }
}

/// Replaces this process with `exe ARGS` (Unix) or runs it and returns its
/// exit status.
fn exec(exe: &Path, args: &[OsString]) -> i32 {
    let mut cmd = std::process::Command::new(exe);
    cmd.args(args);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let _ = io::stdout().flush();
        let error = cmd.exec();
        report::eprint_line(&format!(
            "snowc: error: cannot run `{}`: {error}",
            exe.display()
        ));
        EXIT_COMPILE_ERROR
    }
    #[cfg(not(unix))]
    {
        match cmd.status() {
            Ok(status) => status.code().unwrap_or(EXIT_ICE),
            Err(error) => {
                report::eprint_line(&format!(
                    "snowc: error: cannot run `{}`: {error}",
                    exe.display()
                ));
                EXIT_COMPILE_ERROR
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_from_panic_location() {
        assert_eq!(
            stage_of("snowc/src/types/check/expr.rs:3:4", "x"),
            "type checking"
        );
        assert_eq!(stage_of("snowc/src/syntax/lexer.rs:1:1", "x"), "parsing");
        assert_eq!(
            stage_of("snowc/src/mir/lower.rs:1:1", "x"),
            "lowering to MIR"
        );
        assert_eq!(stage_of("snowc/src/cgen/emit.rs:1:1", "x"), "generating C");
        assert_eq!(
            stage_of("snowc/src/driver/cc.rs:1:1", "writing C"),
            "writing C"
        );
    }

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn usage_errors_exit_2_and_help_exits_0() {
        assert_eq!(run_cli(args(&["--bogus"])), EXIT_USAGE);
        assert_eq!(run_cli(args(&[])), EXIT_USAGE);
        assert_eq!(run_cli(args(&["--help"])), EXIT_OK);
        assert_eq!(run_cli(args(&["--version"])), EXIT_OK);
    }

    #[test]
    fn missing_input_and_missing_main_exit_1() {
        let tmp = cache::TempDir::new("snowc-driver-test").unwrap();
        let missing = tmp.path().join("nope.snow");
        assert_eq!(
            run_cli(args(&[missing.to_str().unwrap(), "--json"])),
            EXIT_COMPILE_ERROR
        );
        assert_eq!(
            run_cli(args(&["build", tmp.path().to_str().unwrap()])),
            EXIT_COMPILE_ERROR
        );
    }

    #[test]
    fn compile_errors_exit_1_without_output() {
        let tmp = cache::TempDir::new("snowc-driver-test").unwrap();
        let src = tmp.path().join("bad.snow");
        fs::write(&src, "fn main( do\n").unwrap();
        let out = tmp.path().join("bad");
        let code = run_cli(args(&[
            src.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--no-color",
        ]));
        assert_eq!(code, EXIT_COMPILE_ERROR);
        assert!(!out.exists());
    }

    #[test]
    fn binary_names() {
        assert_eq!(Input::File("dir/hello.snow".into()).binary_name(), "hello");
        let tmp = cache::TempDir::new("snowc-driver-test").unwrap();
        let proj = tmp.path().join("shop");
        fs::create_dir(&proj).unwrap();
        assert_eq!(Input::Project(proj).binary_name(), "shop");
    }
}
