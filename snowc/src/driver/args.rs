//! Command-line parsing (hand-written: the binary stays lean).

use super::target::{self, Target};
use std::ffi::OsString;
use std::path::PathBuf;

pub const USAGE: &str = "\
Usage:
  snowc FILE.snow [-o OUT] [OPTIONS]     compile one file (module Main)
  snowc build [DIR] [-o OUT] [OPTIONS]   compile the project in DIR (default:
                                         the nearest directory up from . with
                                         a snow.toml, else .); the binary is
                                         DIR/_build/<package name> with a
                                         snow.toml, else DIR/<directory name>,
                                         unless -o
  snowc run [FILE|DIR] [OPTIONS] [-- ARGS]
                                         build into the cache and run with ARGS
                                         (default: the project, as for build)
  snowc init NAME                        create the package directory NAME
  snowc test [DIR] [--timeout SECS] [OPTIONS]
                                         build and run DIR/tests/*.snow, each
                                         killed after SECS (default 60)
  snowc update [DIR]                     re-resolve git dependencies (snow.lock)
  snowc fmt [--check] [PATH...|-]        format .snow files (see snowc fmt --help)
  snowc lsp                              run the language server on stdio
                                         (see docs/editors.md)
  snowc print-c-flags [--cflags] [--libs]
                                         print the flags that compile and link
                                         C from --emit-c with the runtime:
                                         cc app.c $(snowc print-c-flags) -o app

Options:
  -o OUT                  write the executable to OUT
  --emit-c PATH           write the generated C to PATH (`-` for stdout);
                          without -o nothing else is built
  --opt-level N           C optimisation level 0-3 (default 0)
  --release               same as --opt-level 2
  --cc PATH               C compiler to use (default: $CC, else the system cc;
                          with --target: $CC_<triple>, else <gnu-triple>-gcc,
                          else $CC)
  --target TRIPLE         cross-compile: aarch64-linux-gnu, arm-linux-gnueabihf
                          or x86_64-linux-gnu (Rust spellings such as
                          armv7-unknown-linux-gnueabihf work too); builds
                          the runtime for it on first use (see README)
  --static                link a fully static executable
  --no-line-directives    do not emit #line directives into the C
  --json                  print diagnostics as JSON, one object per line
  --no-color              never color diagnostics
  --cflags, --libs        print-c-flags: only the compile flags (include
                          directory) or only the link flags (runtime
                          archive, system libraries); default both
  -h, --help              print this help
  -V, --version           print the version

Environment: CC, CFLAGS and LDFLAGS are honoured; the cache lives in
$XDG_CACHE_HOME/snow (else ~/.cache/snow).
";

/// What to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `snowc FILE` (or `snowc DIR`, treated as `build`).
    Compile,
    /// `snowc build [DIR]`.
    Build,
    /// `snowc run FILE|DIR [-- ARGS]`.
    Run,
    /// `snowc print-c-flags [--cflags] [--libs]`.
    PrintCFlags,
    Help,
    Version,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args {
    pub mode: Mode,
    /// The file or project directory (`None` only for help/version, and for
    /// `build` and `run`, which then mean `.`).
    pub input: Option<PathBuf>,
    pub output: Option<PathBuf>,
    pub emit_c: Option<PathBuf>,
    pub opt_level: u8,
    pub cc: Option<String>,
    /// `--target` (the host triple spelled out is kept: it selects the
    /// embedded runtime like no `--target`).
    pub target: Option<Target>,
    pub static_link: bool,
    pub line_directives: bool,
    pub json: bool,
    pub no_color: bool,
    /// Arguments after `--` for `snowc run`.
    pub run_args: Vec<OsString>,
    /// `print-c-flags`: which parts to print (neither means both).
    pub print_cflags: bool,
    pub print_libs: bool,
}

impl Default for Args {
    fn default() -> Self {
        Args {
            mode: Mode::Compile,
            input: None,
            output: None,
            emit_c: None,
            opt_level: 0,
            cc: None,
            target: None,
            static_link: false,
            line_directives: true,
            json: false,
            no_color: false,
            run_args: Vec::new(),
            print_cflags: false,
            print_libs: false,
        }
    }
}

/// Parses the arguments (without the program name). The error is a
/// one-line message for `snowc: error: ...`.
pub fn parse<I>(args: I) -> Result<Args, String>
where
    I: IntoIterator<Item = OsString>,
{
    let mut it = args.into_iter();
    let mut a = Args::default();
    let mut positionals: Vec<OsString> = Vec::new();
    let mut explicit_opt: Option<u8> = None;
    let mut release = false;
    let mut help = false;
    let mut version = false;

    while let Some(arg) = it.next() {
        let Some(text) = arg.to_str() else {
            positionals.push(arg);
            continue;
        };
        if text == "--" {
            let rest: Vec<OsString> = it.by_ref().collect();
            if positionals.first().and_then(|p| p.to_str()) == Some("run") {
                a.run_args = rest;
            } else {
                positionals.extend(rest);
            }
            break;
        }
        if !text.starts_with('-') || text == "-" {
            positionals.push(arg);
            continue;
        }
        // `--name=value` or `--name value`.
        let (name, inline) = match text.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(OsString::from(v))),
            _ => (text, None),
        };
        let mut value = |name: &str| -> Result<OsString, String> {
            match inline.clone().or_else(|| it.next()) {
                Some(v) => Ok(v),
                None => Err(format!("option `{name}` needs a value")),
            }
        };
        let takes_value = matches!(
            name,
            "-o" | "--emit-c" | "--opt-level" | "--cc" | "--target"
        );
        if inline.is_some() && !takes_value {
            return Err(format!("option `{name}` takes no value"));
        }
        match name {
            "-o" => a.output = Some(value(name)?.into()),
            "--emit-c" => a.emit_c = Some(value(name)?.into()),
            "--opt-level" => {
                let v = value(name)?;
                explicit_opt = Some(match v.to_str() {
                    Some("0") => 0,
                    Some("1") => 1,
                    Some("2") => 2,
                    Some("3") => 3,
                    _ => {
                        return Err(format!(
                            "invalid --opt-level `{}` (expected 0, 1, 2 or 3)",
                            v.to_string_lossy()
                        ))
                    }
                });
            }
            "--cc" => {
                let v = value(name)?;
                match v.into_string() {
                    Ok(s) if !s.is_empty() => a.cc = Some(s),
                    _ => return Err("invalid --cc value".to_string()),
                }
            }
            "--target" => {
                let v = value(name)?;
                a.target = Some(target::parse(&v.to_string_lossy())?);
            }
            "--static" => a.static_link = true,
            "--release" => release = true,
            "--no-line-directives" => a.line_directives = false,
            "--json" => a.json = true,
            "--no-color" => a.no_color = true,
            "--cflags" => a.print_cflags = true,
            "--libs" => a.print_libs = true,
            "-h" | "--help" => help = true,
            "-V" | "--version" => version = true,
            _ => return Err(format!("unknown option `{text}`")),
        }
    }

    a.opt_level = explicit_opt.unwrap_or(if release { 2 } else { 0 });
    if help {
        a.mode = Mode::Help;
        return Ok(a);
    }
    if version {
        a.mode = Mode::Version;
        return Ok(a);
    }

    let mut pos = positionals.into_iter();
    let first = pos.next();
    a.mode = match first.as_ref().and_then(|f| f.to_str()) {
        Some("build") => Mode::Build,
        Some("run") => Mode::Run,
        Some("print-c-flags") => Mode::PrintCFlags,
        Some("help") => Mode::Help,
        Some("version") => Mode::Version,
        _ => Mode::Compile,
    };
    a.input = match a.mode {
        Mode::Compile => first.map(PathBuf::from),
        _ => pos.next().map(PathBuf::from),
    };
    if let Some(extra) = pos.next() {
        let hint = if a.mode == Mode::Run {
            " (pass program arguments after `--`)"
        } else {
            ""
        };
        return Err(format!(
            "unexpected argument `{}`{hint}",
            extra.to_string_lossy()
        ));
    }
    match a.mode {
        Mode::Compile if a.input.is_none() => {
            return Err("no input file (try `snowc --help`)".to_string())
        }
        Mode::Run if a.output.is_some() => {
            return Err("`-o` cannot be used with `snowc run`".to_string())
        }
        Mode::PrintCFlags if a.input.is_some() => {
            return Err("`snowc print-c-flags` takes no file".to_string())
        }
        _ if (a.print_cflags || a.print_libs) && a.mode != Mode::PrintCFlags => {
            return Err("`--cflags` and `--libs` belong to `snowc print-c-flags`".to_string())
        }
        _ => {}
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Args, String> {
        parse(args.iter().map(OsString::from))
    }

    #[test]
    fn single_file() {
        let a = p(&["hello.snow", "-o", "hello"]).unwrap();
        assert_eq!(a.mode, Mode::Compile);
        assert_eq!(a.input, Some("hello.snow".into()));
        assert_eq!(a.output, Some("hello".into()));
        assert_eq!(a.opt_level, 0);
        assert!(a.line_directives && !a.json && !a.no_color);
    }

    #[test]
    fn options_anywhere_and_inline_values() {
        let a = p(&[
            "--opt-level=3",
            "x.snow",
            "--emit-c=x.c",
            "--cc",
            "tcc",
            "--no-line-directives",
            "--json",
            "--no-color",
        ])
        .unwrap();
        assert_eq!(a.opt_level, 3);
        assert_eq!(a.emit_c, Some("x.c".into()));
        assert_eq!(a.cc.as_deref(), Some("tcc"));
        assert!(!a.line_directives && a.json && a.no_color);
        assert_eq!(a.output, None);
    }

    #[test]
    fn release_and_explicit_opt_level() {
        assert_eq!(p(&["a.snow", "--release"]).unwrap().opt_level, 2);
        // An explicit level wins, whatever the order.
        assert_eq!(
            p(&["--opt-level", "1", "a.snow", "--release"])
                .unwrap()
                .opt_level,
            1
        );
        assert!(p(&["a.snow", "--opt-level", "4"]).is_err());
        assert!(p(&["a.snow", "--opt-level"]).is_err());
    }

    #[test]
    fn build_defaults_to_current_dir() {
        let a = p(&["build"]).unwrap();
        assert_eq!(a.mode, Mode::Build);
        assert_eq!(a.input, None);
        let a = p(&["build", "proj", "-o", "out/app"]).unwrap();
        assert_eq!(a.input, Some("proj".into()));
        assert_eq!(a.output, Some("out/app".into()));
        assert!(p(&["build", "a", "b"]).is_err());
    }

    #[test]
    fn run_passes_arguments_after_double_dash() {
        let a = p(&["run", "app.snow", "--release", "--", "x", "--json", "-o"]).unwrap();
        assert_eq!(a.mode, Mode::Run);
        assert_eq!(a.input, Some("app.snow".into()));
        assert_eq!(a.opt_level, 2);
        assert!(!a.json);
        let expected: Vec<OsString> = ["x", "--json", "-o"].iter().map(OsString::from).collect();
        assert_eq!(a.run_args, expected);
        assert!(p(&["run", "app.snow", "extra"]).unwrap_err().contains("--"));
        // Without a file or directory: the project in `.`.
        assert_eq!(p(&["run"]).unwrap().input, None);
        assert!(p(&["run", "a.snow", "-o", "x"]).is_err());
    }

    #[test]
    fn print_c_flags_parts() {
        let a = p(&["print-c-flags"]).unwrap();
        assert_eq!(a.mode, Mode::PrintCFlags);
        assert!(!a.print_cflags && !a.print_libs);
        let a = p(&["print-c-flags", "--libs"]).unwrap();
        assert!(!a.print_cflags && a.print_libs);
        let a = p(&["--cflags", "print-c-flags"]).unwrap();
        assert!(a.print_cflags && !a.print_libs);
        assert!(p(&["print-c-flags", "app.snow"]).is_err());
        assert!(p(&["app.snow", "--libs"])
            .unwrap_err()
            .contains("print-c-flags"));
        assert!(p(&["print-c-flags", "--libs=x"]).is_err());
    }

    #[test]
    fn cross_target_and_static_options() {
        let a = p(&["app.snow", "--target", "aarch64-linux-gnu", "--static"]).unwrap();
        assert_eq!(a.target.unwrap().rust, "aarch64-unknown-linux-gnu");
        assert!(a.static_link);
        let a = p(&["build", "proj", "--target=arm-linux-gnueabihf"]).unwrap();
        assert_eq!(a.target.unwrap().gnu, "arm-linux-gnueabihf");
        assert!(!a.static_link);
        assert!(p(&["app.snow", "--target"]).is_err());
        assert!(p(&["app.snow", "--target="]).is_err());
        assert!(p(&["app.snow", "--target", "sparc-sun-solaris"])
            .unwrap_err()
            .contains("unknown target"));
        assert!(p(&["app.snow", "--static=yes"]).is_err());
    }

    #[test]
    fn double_dash_ends_options_for_compile() {
        let a = p(&["--", "-weird.snow"]).unwrap();
        assert_eq!(a.input, Some("-weird.snow".into()));
    }

    #[test]
    fn help_and_version_win() {
        assert_eq!(p(&["--help"]).unwrap().mode, Mode::Help);
        assert_eq!(p(&["build", "-h"]).unwrap().mode, Mode::Help);
        assert_eq!(p(&["bogus.snow", "-V"]).unwrap().mode, Mode::Version);
        assert_eq!(p(&["--version"]).unwrap().mode, Mode::Version);
        assert_eq!(p(&["help"]).unwrap().mode, Mode::Help);
    }

    #[test]
    fn errors() {
        assert!(p(&[]).unwrap_err().contains("no input"));
        assert!(p(&["a.snow", "--frobnicate"])
            .unwrap_err()
            .contains("--frobnicate"));
        assert!(p(&["a.snow", "-o"]).unwrap_err().contains("-o"));
        assert!(p(&["a.snow", "--json=yes"]).is_err());
        assert!(p(&["a.snow", "b.snow"]).is_err());
        assert!(p(&["a.snow", "--cc="]).is_err());
    }
}
