//! Invoking the system C compiler: finding it (`--cc`, `$CC`, else the `cc`
//! crate's choice), then compiling the generated C and linking it with the
//! runtime archive in one command.
//!
//! tcc compiles fine but its linker cannot process the thread-local-storage
//! relocations of the Rust standard library inside the runtime archive, so
//! with tcc the object file is linked by the system `cc` (gcc or clang).

use super::cache;
use super::runtime::Runtime;
use super::target::Target;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The libraries every Snow program links (chapter README, ruling 9).
const REQUIRED_LIBS: &[&str] = &["-lm", "-lpthread", "-ldl"];

/// Dead-code elimination at link time: most of the Rust standard library in
/// the runtime archive is unused by a given program.
#[cfg(target_os = "macos")]
const GC_SECTIONS: &[&str] = &["-Wl,-dead_strip"];
#[cfg(not(target_os = "macos"))]
const GC_SECTIONS: &[&str] = &["-Wl,--gc-sections"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// gcc, clang and anything else that accepts their driver flags.
    GnuLike,
    /// Tiny C Compiler: compiles only; linking goes through `cc`.
    Tcc,
}

/// A C compiler command: program plus leading arguments (from `$CC`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compiler {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub kind: Kind,
}

impl Compiler {
    fn new(program: PathBuf, args: Vec<String>) -> Compiler {
        let is_tcc = std::iter::once(program.as_os_str().to_owned())
            .chain(args.iter().map(OsString::from))
            .any(|p| {
                Path::new(&p)
                    .file_name()
                    .map(|n| n.to_string_lossy().ends_with("tcc"))
                    .unwrap_or(false)
            });
        Compiler {
            program,
            args,
            kind: if is_tcc { Kind::Tcc } else { Kind::GnuLike },
        }
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args);
        cmd
    }
}

/// `--cc PATH` (one program), else `$CC` (split on whitespace, so
/// `CC="ccache gcc"` works), else what the `cc` crate finds for this target.
/// The `cc` crate's answer costs a compiler run, so it is remembered under
/// `cache_root` (keyed by the environment it depends on).
pub fn resolve(
    explicit: Option<&str>,
    env_cc: Option<String>,
    cache_root: Option<&Path>,
) -> Compiler {
    if let Some(path) = explicit {
        return Compiler::new(PathBuf::from(path), Vec::new());
    }
    if let Some(cc) = env_cc {
        let mut words = cc.split_whitespace().map(str::to_string);
        if let Some(program) = words.next() {
            return Compiler::new(PathBuf::from(program), words.collect());
        }
    }
    let Some(root) = cache_root else {
        return Compiler::new(cc_crate_compiler(), Vec::new());
    };
    let memo = default_compiler_memo(root);
    if let Ok(path) = fs::read_to_string(&memo) {
        if !path.is_empty() {
            return Compiler::new(PathBuf::from(path), Vec::new());
        }
    }
    let path = cc_crate_compiler();
    // Best effort: without the memo the next run asks the cc crate again.
    let _ = cache::write_atomically(&memo, path.as_os_str().as_encoded_bytes());
    Compiler::new(path, Vec::new())
}

/// The C compiler for a cross target: `--cc`, else `$CC_<rust triple>`
/// (the `cc` crate's convention, with `-` or `_`), else `<gnu triple>-gcc`
/// when it is installed, else `$CC`. The error names what to install.
pub fn resolve_cross(explicit: Option<&str>, target: &Target) -> Result<Compiler, String> {
    let from_env = |var: &str| std::env::var(var).ok().filter(|v| !v.trim().is_empty());
    let specific = from_env(&format!("CC_{}", target.rust))
        .or_else(|| from_env(&format!("CC_{}", target.rust.replace('-', "_"))));
    let gcc = format!("{}-gcc", target.gnu);
    let chosen = match (explicit, specific) {
        (Some(path), _) => return Ok(Compiler::new(PathBuf::from(path), Vec::new())),
        (None, Some(cc)) => Some(cc),
        (None, None) if runs(&gcc) => Some(gcc.clone()),
        (None, None) => from_env("CC"),
    };
    match chosen {
        Some(cc) => Ok(resolve(None, Some(cc), None)),
        None => Err(format!(
            "no C compiler for {}: `{gcc}` is not installed (on Debian: apt-get install \
             gcc-{}); or pass --cc PATH",
            target.gnu, target.gnu
        )),
    }
}

impl Compiler {
    /// The program and its leading arguments, as words.
    pub fn words(&self) -> Vec<String> {
        std::iter::once(self.program.to_string_lossy().into_owned())
            .chain(self.args.iter().cloned())
            .collect()
    }
}

/// Where the `cc` crate's choice is remembered. The key covers every
/// variable the crate consults for a native build.
pub fn default_compiler_memo(cache_root: &Path) -> PathBuf {
    let target = env!("SNOWC_TARGET");
    let mut h = cache::Fnv::new();
    h.field(target.as_bytes());
    for var in [
        "PATH".to_string(),
        "CC".to_string(),
        "TARGET_CC".to_string(),
        "HOST_CC".to_string(),
        format!("CC_{target}"),
        format!("CC_{}", target.replace('-', "_")),
        "CC_ENABLE_DEBUG_OUTPUT".to_string(),
    ] {
        h.field(var.as_bytes());
        h.field(
            std::env::var_os(&var)
                .unwrap_or_default()
                .as_encoded_bytes(),
        );
    }
    cache_root.join("cc").join(h.hex())
}

/// The compiler the `cc` crate picks for the target `snowc` was built for.
fn cc_crate_compiler() -> PathBuf {
    let target = env!("SNOWC_TARGET");
    let mut build = cc::Build::new();
    build
        .target(target)
        .host(target)
        .opt_level(0)
        .debug(false)
        .cargo_metadata(false)
        .cargo_warnings(false)
        .no_default_flags(true)
        .warnings(false);
    match build.try_get_compiler() {
        Ok(tool) => tool.path().to_path_buf(),
        Err(_) => PathBuf::from("cc"),
    }
}

/// Whether `program --version` runs and succeeds (the tool is installed).
pub fn runs(program: impl AsRef<std::ffi::OsStr>) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A linker driver for tcc-compiled objects: the first of `cc`, `gcc`,
/// `clang` that can be started.
fn gnu_linker() -> Compiler {
    let name = ["cc", "gcc", "clang"]
        .into_iter()
        .find(|n| runs(n))
        .unwrap_or("cc");
    Compiler::new(PathBuf::from(name), Vec::new())
}

/// Everything needed to turn one C file into an executable.
pub struct Job<'a> {
    pub c_file: &'a Path,
    pub output: &'a Path,
    pub opt_level: u8,
    pub runtime: &'a Runtime,
    /// `--static`: a fully static executable.
    pub static_link: bool,
    /// From `$CFLAGS` / `$LDFLAGS`.
    pub cflags: Vec<String>,
    pub ldflags: Vec<String>,
}

#[derive(Debug)]
pub enum CcError {
    /// The compiler could not be started at all.
    Launch { program: String, error: io::Error },
    /// It ran and failed; `output` is its stdout and stderr.
    Failed { command: String, output: String },
}

/// Splits a `CFLAGS`-style variable into words.
pub fn env_flags(value: Option<OsString>) -> Vec<String> {
    value
        .map(|v| {
            v.to_string_lossy()
                .split_whitespace()
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The flags that compile generated C against the runtime: the language
/// standard and the directory of `snow.h`. `snowc print-c-flags --cflags`
/// prints them.
pub fn runtime_cflags(runtime: &Runtime) -> Vec<OsString> {
    vec![
        "-std=c11".into(),
        "-I".into(),
        runtime.include_dir.clone().into(),
    ]
}

/// What links a program with the runtime: the archive, the system
/// libraries it needs and dead-code elimination. `snowc print-c-flags
/// --libs` prints them. A static link (`--static`) takes the unwinder
/// from libgcc's static part: `libgcc_s` exists only as a shared library.
pub fn runtime_libs(runtime: &Runtime, static_link: bool) -> Vec<OsString> {
    let mut v: Vec<OsString> = vec![runtime.archive.clone().into()];
    let libs = &runtime.native_libs;
    for lib in libs {
        match lib.as_str() {
            "-lgcc_s" if static_link => v.push("-lgcc_eh".into()),
            _ => v.push(lib.into()),
        }
    }
    for lib in REQUIRED_LIBS {
        if !libs.iter().any(|l| l == lib) {
            v.push(lib.into());
        }
    }
    v.extend(GC_SECTIONS.iter().map(OsString::from));
    if static_link {
        v.push("-static".into());
    }
    v
}

fn compile_flags(job: &Job<'_>) -> Vec<OsString> {
    let mut v = runtime_cflags(job.runtime);
    v.push(format!("-O{}", job.opt_level).into());
    // The generated C is checked warning-free by the test suite; users
    // should not see C-level warnings.
    v.push("-w".into());
    v.extend(job.cflags.iter().map(OsString::from));
    v
}

fn link_inputs(job: &Job<'_>) -> Vec<OsString> {
    let mut v = runtime_libs(job.runtime, job.static_link);
    v.push("-o".into());
    v.push(job.output.as_os_str().to_owned());
    v
}

/// The commands that build `job` with `compiler` (one for gcc/clang, two
/// for tcc). `obj_dir` holds the intermediate object file of the tcc path.
pub fn commands(compiler: &Compiler, job: &Job<'_>, obj_dir: &Path) -> Vec<Command> {
    match compiler.kind {
        Kind::GnuLike => {
            let mut cmd = compiler.command();
            cmd.args(compile_flags(job));
            cmd.args(&job.ldflags);
            cmd.arg(job.c_file);
            cmd.args(link_inputs(job));
            vec![cmd]
        }
        Kind::Tcc => {
            let obj = obj_dir.join("program.o");
            let mut compile = compiler.command();
            compile.args(compile_flags(job));
            compile.arg("-c").arg(job.c_file).arg("-o").arg(&obj);
            let mut link = gnu_linker().command();
            // tcc objects carry no `.note.GNU-stack`; say the stack is not
            // executable (also silences a linker warning).
            #[cfg(target_os = "linux")]
            link.arg("-Wl,-z,noexecstack");
            link.args(&job.ldflags);
            link.arg(&obj);
            link.args(link_inputs(job));
            vec![compile, link]
        }
    }
}

fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Drops glibc's link-time notes on a static link that the standard
/// library inside the runtime refers to `getaddrinfo`/`getpwuid_r`
/// ("... in statically linked applications requires at runtime the shared
/// libraries ..."): Snow programs never call them, and the note comes with
/// the `in function` line before it.
pub fn drop_static_glibc_notes(printed: &str) -> String {
    const NOTE: &str = "in statically linked applications requires at runtime";
    let lines: Vec<&str> = printed.lines().collect();
    let mut kept = String::new();
    for (i, line) in lines.iter().enumerate() {
        let next_is_note = lines.get(i + 1).is_some_and(|n| n.contains(NOTE));
        if line.contains(NOTE) || (next_is_note && line.contains("in function")) {
            continue;
        }
        kept.push_str(line);
        kept.push('\n');
    }
    kept
}

/// Runs the commands in order. On success returns whatever they printed
/// (normally nothing).
pub fn run(commands: Vec<Command>) -> Result<String, CcError> {
    let mut printed = String::new();
    for mut cmd in commands {
        let out = cmd.output().map_err(|error| CcError::Launch {
            program: cmd.get_program().to_string_lossy().into_owned(),
            error,
        })?;
        let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&out.stderr));
        if !out.status.success() {
            return Err(CcError::Failed {
                command: describe(&cmd),
                output: text,
            });
        }
        printed.push_str(&text);
    }
    Ok(printed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::cache::TempDir;
    use crate::driver::runtime;

    #[test]
    fn compiler_resolution_order() {
        let c = resolve(Some("/opt/bin/clang"), Some("gcc".into()), None);
        assert_eq!(c.program, PathBuf::from("/opt/bin/clang"));
        assert_eq!(c.kind, Kind::GnuLike);
        let c = resolve(None, Some("ccache  gcc -m64".into()), None);
        assert_eq!(c.program, PathBuf::from("ccache"));
        assert_eq!(c.args, ["gcc", "-m64"]);
        assert_eq!(resolve(Some("tcc"), None, None).kind, Kind::Tcc);
        assert_eq!(
            resolve(None, Some("ccache /usr/bin/tcc".into()), None).kind,
            Kind::Tcc
        );
        // Falls through to the cc crate for an empty $CC.
        let c = resolve(None, Some("  ".into()), None);
        assert!(!c.program.as_os_str().is_empty());
        // The cc crate's answer is remembered.
        let tmp = TempDir::new("snowc-cc-test").unwrap();
        let first = resolve(None, None, Some(tmp.path()));
        let memo = default_compiler_memo(tmp.path());
        assert!(memo.is_file());
        std::fs::write(&memo, "/remembered/cc").unwrap();
        let again = resolve(None, None, Some(tmp.path()));
        assert_eq!(again.program, PathBuf::from("/remembered/cc"));
        assert!(!first.program.as_os_str().is_empty());
    }

    #[test]
    fn cross_static_link_notes_are_dropped() {
        let printed = "/usr/bin/ld: libsnowrt.a(std.o): in function `std::env::home_dir':\n\
            (.text+0xc4): warning: Using 'getpwuid_r' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking\n\
            real warning\n";
        assert_eq!(drop_static_glibc_notes(printed), "real warning\n");
    }

    /// A runtime at `/c` needing `-lgcc_s` and `-lm`.
    fn fake_runtime() -> Runtime {
        Runtime::at(Path::new("/c"), vec!["-lgcc_s".into(), "-lm".into()])
    }

    #[test]
    fn cross_static_libs_use_the_static_unwinder() {
        let rt = fake_runtime();
        let words = |s| {
            runtime_libs(&rt, s)
                .iter()
                .map(|w| w.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
        };
        let dynamic = words(false);
        assert!(dynamic.contains(&"-lgcc_s".into()) && !dynamic.contains(&"-static".into()));
        let stat = words(true);
        assert!(stat.contains(&"-lgcc_eh".into()) && !stat.contains(&"-lgcc_s".into()));
        assert_eq!(stat.last().map(String::as_str), Some("-static"));
    }

    #[test]
    fn env_flags_split_on_whitespace() {
        assert_eq!(
            env_flags(Some(" -g  -DX=1\t-O1 ".into())),
            ["-g", "-DX=1", "-O1"]
        );
        assert!(env_flags(None).is_empty());
    }

    fn job<'a>(rt: &'a Runtime, c: &'a Path, out: &'a Path) -> Job<'a> {
        Job {
            c_file: c,
            output: out,
            opt_level: 2,
            runtime: rt,
            static_link: false,
            cflags: vec!["-g".into()],
            ldflags: vec!["-L/x".into()],
        }
    }

    #[test]
    fn gnu_command_line() {
        let rt = fake_runtime();
        let cmds = commands(
            &resolve(Some("gcc"), None, None),
            &job(&rt, Path::new("p.c"), Path::new("p")),
            Path::new("/tmp"),
        );
        assert_eq!(cmds.len(), 1);
        let line = describe(&cmds[0]);
        assert!(
            line.starts_with("gcc -std=c11 -I /c/include -O2 -w -g -L/x p.c /c/libsnowrt.a -lgcc_s -lm -lpthread -ldl"),
            "{line}"
        );
        assert!(line.ends_with("-o p"), "{line}");
        assert_eq!(line.matches("-lm").count(), 1);
    }

    #[test]
    fn tcc_compiles_then_links_with_cc() {
        let rt = fake_runtime();
        let cmds = commands(
            &resolve(Some("tcc"), None, None),
            &job(&rt, Path::new("p.c"), Path::new("p")),
            Path::new("/t"),
        );
        assert_eq!(cmds.len(), 2);
        let compile = describe(&cmds[0]);
        assert!(compile.starts_with("tcc -std=c11 -I /c/include -O2 -w -g -c p.c -o /t/program.o"));
        let link = describe(&cmds[1]);
        assert!(link.contains("/t/program.o /c/libsnowrt.a"), "{link}");
        assert!(!link.starts_with("tcc"));
    }

    fn have(program: &str) -> bool {
        Command::new(program)
            .arg("-v")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    }

    /// Builds `source` with `compiler` against the embedded runtime, runs it
    /// and returns its stdout.
    fn build_and_run(compiler: &str, source: &str) -> String {
        let tmp = TempDir::new("snowc-cc-test").unwrap();
        let rt = runtime::materialise(&tmp.path().join("cache")).unwrap();
        let c = tmp.path().join("prog.c");
        std::fs::write(&c, source).unwrap();
        let exe = tmp.path().join("prog");
        let j = Job {
            c_file: &c,
            output: &exe,
            opt_level: 1,
            runtime: &rt,
            static_link: false,
            cflags: Vec::new(),
            ldflags: Vec::new(),
        };
        let compiler = resolve(Some(compiler), None, None);
        if let Err(e) = run(commands(&compiler, &j, tmp.path())) {
            panic!("{compiler:?} failed: {e:?}");
        }
        let out = Command::new(&exe).arg("x").output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    }

    /// A plain C program including snow.h links against the runtime with
    /// every installed compiler.
    const PLAIN_HELLO: &str = "#include \"snow.h\"\n#include <stdio.h>\n#include <math.h>\n\
        int main(int argc, char **argv) {\n  (void)argv;\n\
        printf(\"hello %d %lld\\n\", argc, (long long)snow_add(40, 2));\n\
        return (int)floor(0.5);\n}\n";

    #[test]
    fn plain_c_links_with_runtime() {
        for compiler in ["gcc", "clang", "tcc", "cc"] {
            if compiler != "cc" && !have(compiler) {
                eprintln!("note: {compiler} not installed, skipped");
                continue;
            }
            assert_eq!(
                build_and_run(compiler, PLAIN_HELLO),
                "hello 2 42\n",
                "{compiler}"
            );
        }
    }

    /// The generated-C shape: `int main` handing over to `snow_main`. Runs
    /// once the runtime in `rt/` defines `snow_main` and `snow_println`.
    const SNOW_MAIN_HELLO: &str = "#include \"snow.h\"\n\
        SNOW_STR_LIT(hello_lit, \"Hello from snow_main\");\n\
        static void snow_entry(snow_ctx *ctx) { snow_println(ctx, SNOW_STR(hello_lit)); }\n\
        int main(int argc, char **argv) { return snow_main(argc, argv, snow_entry); }\n";

    #[test]
    fn snow_main_program_links_and_runs() {
        let symbols = runtime::archive_symbols(runtime::RUNTIME_ARCHIVE);
        let needed = ["snow_main", "snow_println", "snow_t_String"];
        if let Some(missing) = needed.iter().find(|s| !symbols.iter().any(|x| x == *s)) {
            eprintln!("note: runtime does not define `{missing}` yet; snow_main link test skipped");
            return;
        }
        for compiler in ["gcc", "clang", "tcc"] {
            if !have(compiler) {
                continue;
            }
            assert_eq!(
                build_and_run(compiler, SNOW_MAIN_HELLO),
                "Hello from snow_main\n",
                "{compiler}"
            );
        }
    }
}
