//! `snow.toml` projects: path and git dependencies (local repositories made
//! by the test), `snow.lock`, the resolution errors, `snowc init`,
//! `snowc test`, `snowc --version`. Each test has its own directory and its
//! own cache (`XDG_CACHE_HOME`), so no two tests share a git clone.

mod common;

use common::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A scratch directory for one test, with a private cache.
struct Sandbox {
    dir: PathBuf,
}

impl Sandbox {
    fn new(name: &str) -> Sandbox {
        Sandbox {
            dir: scratch_dir("proj_deps", name),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    /// `rel/snow.toml` for package `name` with the `[dependencies]` lines.
    fn package(&self, rel: &str, name: &str, version: &str, deps: &str) {
        self.write(
            &format!("{rel}/snow.toml"),
            &format!(
                "[package]\nname = \"{name}\"\nversion = \"{version}\"\n\n[dependencies]\n{deps}"
            ),
        );
    }

    /// Runs snowc in `rel` with this sandbox's cache.
    fn snowc(&self, rel: &str, args: &[&str]) -> Output {
        let out = run(
            Command::new(snowc())
                .args(args)
                .current_dir(self.path(rel))
                .env("XDG_CACHE_HOME", self.path("cache"))
                .env("NO_COLOR", "1"),
            HANG_TIMEOUT,
        )
        .unwrap();
        check_no_ice(&out.stderr).unwrap();
        out
    }

    /// `snowc run` in `rel`: must succeed; its stdout.
    fn run_ok(&self, rel: &str) -> String {
        let out = self.snowc(rel, &["run"]);
        assert_eq!(out.status, Some(0), "{}", describe("snowc run", &out));
        out.stdout
    }

    /// A build that must fail with status 1; its stderr, without the blank
    /// line that ends every rendered diagnostic.
    fn build_err(&self, rel: &str) -> String {
        let out = self.snowc(rel, &["build"]);
        assert_eq!(out.status, Some(1), "{}", describe("snowc build", &out));
        format!("{}\n", out.stderr.trim_end())
    }

    /// `git ARGS` in `rel` (a repository), with a fixed identity.
    fn git(&self, rel: &str, args: &[&str]) -> String {
        let out = Command::new("git")
            .args([
                "-c",
                "user.name=Snow Test",
                "-c",
                "user.email=test@example.com",
                "-c",
                "init.defaultBranch=main",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "tag.gpgsign=false",
            ])
            .args(args)
            .current_dir(self.path(rel))
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Commits everything in the repository `rel`; the new commit's hash.
    fn commit(&self, rel: &str, message: &str) -> String {
        self.git(rel, &["add", "-A"]);
        self.git(rel, &["commit", "-q", "-m", message]);
        self.git(rel, &["rev-parse", "HEAD"])
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap()
    }

    fn canonical(&self, rel: &str) -> String {
        self.path(rel).canonicalize().unwrap().display().to_string()
    }
}

const APP_MAIN: &str = "\
import Geometry.Shapes
import Units.Convert

fn main() do
  println(\"${Shapes.square_area(3)} ${Convert.cm(2)}\")
end
";

#[test]
fn path_dependencies_transitively() {
    let s = Sandbox::new("path_transitive");
    s.package(
        "app",
        "app",
        "0.1.0",
        "geometry = { path = \"../geometry\" }\n",
    );
    s.write("app/main.snow", APP_MAIN);
    s.package(
        "geometry",
        "geometry",
        "1.0.0",
        "units = { path = \"../units\" }\n",
    );
    s.write(
        "geometry/geometry/shapes.snow",
        "import Units.Convert\n\npub fn square_area(n :: Int) -> Int = Convert.times(n, n)\n",
    );
    // A dependency's own main.snow and tests/ are not part of it.
    s.write("geometry/main.snow", "fn main() do\n  oops(\nend\n");
    s.write("geometry/tests/broken.snow", "this is not Snow\n");
    s.package("units", "units", "0.2.0", "");
    s.write(
        "units/units/convert.snow",
        "pub fn times(a :: Int, b :: Int) -> Int = a * b\n\npub fn cm(m :: Int) -> Int = m * 100\n",
    );
    assert_eq!(s.run_ok("app"), "9 200\n");
    // The importing project may also name its dependency's transitive
    // modules; nothing to lock without git dependencies.
    assert!(!s.path("app/snow.lock").exists());
    // `snowc build` names the executable after the package.
    s.write("app2/main.snow", APP_MAIN);
    s.package(
        "app2",
        "renamed",
        "0.1.0",
        "geometry = { path = \"../geometry\" }\nunits = { path = \"../units\" }\n",
    );
    let built = s.snowc("app2", &["build"]);
    assert_eq!(built.status, Some(0), "{}", describe("build", &built));
    assert!(s.path("app2/_build/renamed").is_file());
}

/// A repository `rel` holding package `textkit` whose `Textkit.Words.tag()`
/// returns `text`.
fn textkit(s: &Sandbox, rel: &str, text: &str, deps: &str) {
    s.package(rel, "textkit", "1.0.0", deps);
    s.write(
        &format!("{rel}/textkit/words.snow"),
        &format!("pub fn tag() -> String = \"{text}\"\n"),
    );
}

const GIT_MAIN: &str = "\
import Textkit.Words

fn main() do
  println(Words.tag())
end
";

fn lock_entry(name: &str, url: &str, reference: &str, commit: &str) -> String {
    format!("\n[[git]]\nname = \"{name}\"\nurl = \"{url}\"\n{reference}\ncommit = \"{commit}\"\n")
}

const LOCK_HEADER: &str = "\
# Written by snowc: the commit of every git dependency.
# Keep it under version control; `snowc update` resolves them again.
version = 1
";

/// The repository `repo` holding textkit `one` tagged `v1.0.0`, and the
/// project `app` using it by that tag; (the tagged commit, the URL).
fn app_on_tagged_textkit(s: &Sandbox) -> (String, String) {
    textkit(s, "repo", "one", "");
    s.git("repo", &["init", "-q"]);
    let first = s.commit("repo", "one");
    s.git("repo", &["tag", "v1.0.0"]);
    let url = s.canonical("repo");
    s.package(
        "app",
        "app",
        "0.1.0",
        &format!("textkit = {{ git = \"{url}\", tag = \"v1.0.0\" }}\n"),
    );
    s.write("app/main.snow", GIT_MAIN);
    (first, url)
}

#[test]
fn git_dependency_by_tag_locked_then_updated() {
    let s = Sandbox::new("git_tag");
    let (first, url) = app_on_tagged_textkit(&s);
    assert_eq!(s.run_ok("app"), "one\n");
    let lock = format!(
        "{LOCK_HEADER}{}",
        lock_entry("textkit", &url, "tag = \"v1.0.0\"", &first)
    );
    assert_eq!(s.read("app/snow.lock"), lock);

    // The tag moves on the remote: the locked commit is still built.
    textkit(&s, "repo", "two", "");
    let second = s.commit("repo", "two");
    s.git("repo", &["tag", "-f", "v1.0.0"]);
    assert_eq!(s.run_ok("app"), "one\n");
    assert_eq!(s.read("app/snow.lock"), lock);

    // `snowc update` follows the tag.
    let updated = s.snowc("app", &["update"]);
    assert_eq!(updated.status, Some(0), "{}", describe("update", &updated));
    assert_eq!(
        updated.stdout,
        format!(
            "updated textkit: {} -> {} (tag v1.0.0)\n",
            &first[..7],
            &second[..7]
        )
    );
    assert_eq!(s.run_ok("app"), "two\n");
    assert_eq!(
        s.snowc("app", &["update"]).stdout,
        "snow.lock is up to date\n"
    );

    // A changed manifest entry is resolved again: a rev prefix.
    s.package(
        "app",
        "app",
        "0.1.0",
        &format!(
            "textkit = {{ git = \"{url}\", rev = \"{}\" }}\n",
            &first[..8]
        ),
    );
    assert_eq!(s.run_ok("app"), "one\n");
    assert_eq!(
        s.read("app/snow.lock"),
        format!(
            "{LOCK_HEADER}{}",
            lock_entry(
                "textkit",
                &url,
                &format!("rev = \"{}\"", &first[..8]),
                &first
            )
        )
    );
}

#[test]
fn git_dependencies_transitively_by_rev_and_branch() {
    let s = Sandbox::new("git_transitive");
    // `charset` (on a branch) is a dependency of `textkit` (by rev).
    s.package("charset_repo", "charset", "0.3.0", "");
    s.write(
        "charset_repo/charset/ascii.snow",
        "pub fn upper(s :: String) -> String = String.to_upper(s)\n",
    );
    s.git("charset_repo", &["init", "-q"]);
    let charset_commit = s.commit("charset_repo", "charset");
    let charset_url = s.canonical("charset_repo");
    textkit(
        &s,
        "textkit_repo",
        "unused",
        &format!("charset = {{ git = \"{charset_url}\", branch = \"main\" }}\n"),
    );
    s.write(
        "textkit_repo/textkit/words.snow",
        "import Charset.Ascii\n\npub fn tag() -> String = Ascii.upper(\"shout\")\n",
    );
    s.git("textkit_repo", &["init", "-q"]);
    let textkit_commit = s.commit("textkit_repo", "textkit");
    let textkit_url = s.canonical("textkit_repo");
    s.package(
        "app",
        "app",
        "0.1.0",
        &format!("textkit = {{ git = \"{textkit_url}\", rev = \"{textkit_commit}\" }}\n"),
    );
    s.write("app/main.snow", GIT_MAIN);
    assert_eq!(s.run_ok("app"), "SHOUT\n");
    assert_eq!(
        s.read("app/snow.lock"),
        format!(
            "{LOCK_HEADER}{}{}",
            lock_entry(
                "charset",
                &charset_url,
                "branch = \"main\"",
                &charset_commit
            ),
            lock_entry(
                "textkit",
                &textkit_url,
                &format!("rev = \"{textkit_commit}\""),
                &textkit_commit
            )
        )
    );
    // A new commit on the branch is not picked up until `snowc update`.
    s.write(
        "charset_repo/charset/ascii.snow",
        "pub fn upper(s :: String) -> String = s <> \"?\"\n",
    );
    s.commit("charset_repo", "changed");
    assert_eq!(s.run_ok("app"), "SHOUT\n");
    assert_eq!(s.snowc("app", &["update"]).status, Some(0));
    assert_eq!(s.run_ok("app"), "shout?\n");
}

#[test]
fn version_conflict_names_both_paths() {
    let s = Sandbox::new("conflict");
    s.package(
        "app",
        "app",
        "0.1.0",
        "middle = { path = \"../middle\" }\nshared = { path = \"../shared_v2\" }\n",
    );
    s.write("app/main.snow", "fn main() do\nend\n");
    s.package(
        "middle",
        "middle",
        "0.1.0",
        "shared = { path = \"../shared_v1\" }\n",
    );
    s.package("shared_v1", "shared", "1.0.0", "");
    s.package("shared_v2", "shared", "2.0.0", "");
    let err = s.build_err("app");
    let expected = format!(
        "Error: package `shared` is required from two different sources:\n  \
         app -> middle -> shared: version 1.0.0 from path {}\n  \
         app -> shared: version 2.0.0 from path {}\n",
        s.canonical("shared_v1"),
        s.canonical("shared_v2")
    );
    assert_eq!(err, expected);
}

#[test]
fn diamond_of_one_package_is_fine() {
    let s = Sandbox::new("diamond");
    s.package(
        "app",
        "app",
        "0.1.0",
        "left = { path = \"../left\" }\nright = { path = \"../right\" }\n",
    );
    s.write(
        "app/main.snow",
        "import Left.L\nimport Right.R\n\nfn main() do\n  println(\"${L.v() + R.v()}\")\nend\n",
    );
    for side in ["left", "right"] {
        let cap = if side == "left" { "Left" } else { "Right" };
        let one = &cap[..1];
        s.package(side, side, "0.1.0", "base = { path = \"../base\" }\n");
        s.write(
            &format!("{side}/{side}/{}.snow", one.to_lowercase()),
            "import Base.B\n\npub fn v() -> Int = B.v()\n",
        );
    }
    s.package("base", "base", "0.1.0", "");
    s.write("base/base/b.snow", "pub fn v() -> Int = 21\n");
    assert_eq!(s.run_ok("app"), "42\n");
}

#[test]
fn dependency_cycle() {
    let s = Sandbox::new("cycle");
    s.package("app", "app", "0.1.0", "a = { path = \"../a\" }\n");
    s.write("app/main.snow", "fn main() do\nend\n");
    s.package("a", "a", "0.1.0", "b = { path = \"../b\" }\n");
    s.package("b", "b", "0.1.0", "a = { path = \"../a\" }\n");
    assert_eq!(s.build_err("app"), "Error: dependency cycle: a -> b -> a\n");
    // Back to the project itself.
    s.package("b", "b", "0.1.0", "app = { path = \"../app\" }\n");
    assert_eq!(
        s.build_err("app"),
        "Error: dependency cycle: app -> a -> b -> app\n"
    );
}

#[test]
fn resolution_errors() {
    let s = Sandbox::new("errors");
    s.write("app/main.snow", "fn main() do\nend\n");
    let missing = PathBuf::from(s.canonical("app")).join("../nowhere");
    s.package(
        "app",
        "app",
        "0.1.0",
        "nowhere = { path = \"../nowhere\" }\n",
    );
    assert_eq!(
        s.build_err("app"),
        format!(
            "Error: dependency `nowhere` of `app`: directory `{}` not found\n",
            missing.display()
        )
    );

    s.package("app", "app", "0.1.0", "plain = { path = \"../plain\" }\n");
    s.write("plain/x.snow", "pub fn x() -> Int = 1\n");
    assert_eq!(
        s.build_err("app"),
        format!(
            "Error: dependency `plain` of `app` (path {}) has no snow.toml\n",
            s.canonical("plain")
        )
    );

    s.package("plain", "other", "0.1.0", "");
    assert!(s
        .build_err("app")
        .contains("is the package `other`; the dependency must have the package's name"));

    let bad_url = s.path("no_such_repo").display().to_string();
    s.package(
        "app",
        "app",
        "0.1.0",
        &format!("gone = {{ git = \"{bad_url}\", tag = \"v1.0.0\" }}\n"),
    );
    let err = s.build_err("app");
    assert!(
        err.starts_with(&format!(
            "Error: git dependency `gone` of `app`: cannot clone `{bad_url}`: "
        )),
        "{err}"
    );

    s.package("repo", "repo", "0.1.0", "");
    s.git("repo", &["init", "-q"]);
    s.commit("repo", "first");
    let url = s.canonical("repo");
    s.package(
        "app",
        "app",
        "0.1.0",
        &format!("repo = {{ git = \"{url}\", tag = \"v9.9.9\" }}\n"),
    );
    assert_eq!(
        s.build_err("app"),
        format!("Error: git dependency `repo` of `app`: tag v9.9.9 not found in `{url}`\n")
    );
    s.package(
        "app",
        "app",
        "0.1.0",
        &format!("repo = {{ git = \"{url}\", rev = \"deadbeef\" }}\n"),
    );
    assert_eq!(
        s.build_err("app"),
        format!("Error: git dependency `repo` of `app`: rev deadbeef not found in `{url}`\n")
    );
    assert!(!s.path("app/snow.lock").exists());
}

#[test]
fn malformed_manifests() {
    let s = Sandbox::new("malformed");
    s.write("app/main.snow", "fn main() do\nend\n");
    s.write(
        "app/snow.toml",
        "[package]\nname = \"app\nversion = \"0.1.0\"\n",
    );
    let err = s.build_err("app");
    assert!(
        err.starts_with("Error: malformed `snow.toml`: TOML parse error at line 2"),
        "{err}"
    );
    s.write(
        "app/snow.toml",
        "[package]\nname = \"app\"\nversion = \"1.0\"\n",
    );
    assert!(s
        .build_err("app")
        .contains("invalid version `1.0`: expected a semantic version such as `1.2.0`"));
    s.write(
        "app/snow.toml",
        "[package]\nname = \"app\"\nversion = \"1.0.0\"\n[deps]\n",
    );
    assert!(s
        .build_err("app")
        .contains("unknown key `deps` in the manifest"));
    // A dependency's malformed manifest names its file.
    s.package("app", "app", "0.1.0", "dep = { path = \"../dep\" }\n");
    s.write("dep/snow.toml", "[package]\nname = \"dep\"\n");
    let err = s.build_err("app");
    assert!(
        err.contains("snow.toml`: missing `version` in [package]") && err.contains("dep"),
        "{err}"
    );
}

#[test]
fn module_clash_between_packages() {
    let s = Sandbox::new("clash");
    s.package("app", "app", "0.1.0", "util = { path = \"../util\" }\n");
    s.write("app/main.snow", "fn main() do\nend\n");
    s.write("app/util/text.snow", "pub fn a() -> Int = 1\n");
    s.package("util", "util", "0.1.0", "");
    s.write("util/util/text.snow", "pub fn a() -> Int = 2\n");
    let err = s.build_err("app");
    assert_eq!(
        err,
        format!(
            "Error: module `Util.Text` is defined twice: by `util/text.snow` and by `{}/util/text.snow` (rename one of the files)\n",
            s.canonical("util")
        )
    );
}

#[test]
fn project_without_manifest_unchanged() {
    // A `tests/` directory is part of a project without snow.toml (as
    // before), and not of one with it.
    let s = Sandbox::new("no_manifest");
    s.write(
        "app/main.snow",
        "import Tests.Helper\n\nfn main() do\n  println(\"${Helper.n()}\")\nend\n",
    );
    s.write("app/tests/helper.snow", "pub fn n() -> Int = 7\n");
    assert_eq!(s.run_ok("app"), "7\n");
    s.package("app", "app", "0.1.0", "");
    assert!(s
        .build_err("app")
        .contains("module `Tests.Helper` not found"));
}

#[test]
fn init_then_build_run_test() {
    let s = Sandbox::new("init");
    fs::create_dir_all(s.path("")).unwrap();
    let made = s.snowc("", &["init", "my_app"]);
    assert_eq!(made.status, Some(0), "{}", describe("init", &made));
    assert_eq!(
        made.stdout,
        "created package `my_app` in my_app\nnext: cd my_app && snowc run\n"
    );
    assert_eq!(
        s.read("my_app/snow.toml"),
        "[package]\nname = \"my_app\"\nversion = \"0.1.0\"\n\n[dependencies]\n"
    );
    assert_eq!(s.read("my_app/.gitignore"), "/_build/\n");
    // The example module lives in the library layout.
    assert!(s
        .read("my_app/main.snow")
        .starts_with("import MyApp.Greeting\n"));
    assert!(s.path("my_app/my_app/greeting.snow").is_file());
    let built = s.snowc("my_app", &["build"]);
    assert_eq!(built.status, Some(0), "{}", describe("build", &built));
    // The executable is where .gitignore says.
    let exe = s.path("my_app/_build/my_app");
    let ran = run(&mut Command::new(&exe), HANG_TIMEOUT).unwrap();
    assert_eq!(ran.stdout, "Hello, world!\n");
    assert_eq!(s.run_ok("my_app"), "Hello, world!\n");
    let tested = s.snowc("my_app", &["test"]);
    assert_eq!(tested.status, Some(0), "{}", describe("test", &tested));
    assert_eq!(
        tested.stdout,
        "ok     tests/greeting_test.snow\n1 passed, 0 failed\n"
    );

    // Not over a non-empty directory; not with a bad name.
    let again = s.snowc("", &["init", "my_app"]);
    assert_eq!(again.status, Some(1));
    assert_eq!(
        again.stderr,
        "snowc: error: `my_app` already exists and is not empty\n"
    );
    let bad = s.snowc("", &["init", "My-App"]);
    assert_eq!(bad.status, Some(1));
    assert!(bad.stderr.contains("invalid package name `My-App`"));
    assert!(!s.path("My-App").exists());
    fs::create_dir_all(s.path("empty_dir")).unwrap();
    assert_eq!(s.snowc("", &["init", "empty_dir"]).status, Some(0));
    assert_eq!(s.snowc("", &["init"]).status, Some(2));
}

#[test]
fn init_options_and_names() {
    let s = Sandbox::new("init_options");
    fs::create_dir_all(s.path("here_pkg")).unwrap();
    let help = s.snowc("", &["init", "--help"]);
    assert_eq!(help.status, Some(0), "{}", describe("init --help", &help));
    assert!(
        help.stdout.starts_with("usage: snowc init NAME"),
        "{}",
        help.stdout
    );
    let bogus = s.snowc("", &["init", "--bogus", "x"]);
    assert_eq!(bogus.status, Some(2));
    assert!(!s.path("x").exists() && !s.path("--bogus").exists());
    let dashed = s.snowc("", &["init", "my-app"]);
    assert_eq!(dashed.status, Some(1));
    assert!(
        dashed.stderr.contains("; try `my_app`"),
        "{}",
        dashed.stderr
    );
    // `.` is the current (empty) directory, named after it.
    let here = s.snowc("here_pkg", &["init", "."]);
    assert_eq!(here.status, Some(0), "{}", describe("init .", &here));
    assert!(s.read("here_pkg/snow.toml").contains("name = \"here_pkg\""));
    assert_eq!(s.run_ok("here_pkg"), "Hello, world!\n");
}

#[test]
fn run_cache_tells_projects_with_the_same_code_apart() {
    let s = Sandbox::new("run_cache_names");
    for name in ["one", "two"] {
        s.package(name, name, "0.1.0", "");
        s.write(
            &format!("{name}/main.snow"),
            "fn main() do\n  println(\"same\")\nend\n",
        );
        assert_eq!(s.run_ok(name), "same\n");
    }
}

#[test]
fn library_layout_builds_into_build_dir() {
    let s = Sandbox::new("build_dir");
    s.package("geometry", "geometry", "0.1.0", "");
    s.write(
        "geometry/main.snow",
        "import Geometry.Shapes\n\nfn main() do\n  println(\"${Shapes.sq(4)}\")\nend\n",
    );
    s.write(
        "geometry/geometry/shapes.snow",
        "pub fn sq(n :: Int) -> Int = n * n\n",
    );
    // A stray file in _build/ is never compiled.
    s.write("geometry/_build/junk.snow", "not Snow at all\n");
    let built = s.snowc("geometry", &["build"]);
    assert_eq!(built.status, Some(0), "{}", describe("build", &built));
    let ran = run(
        &mut Command::new(s.path("geometry/_build/geometry")),
        HANG_TIMEOUT,
    )
    .unwrap();
    assert_eq!(ran.stdout, "16\n");
    // -o still decides; a directory there is a plain error.
    let out = s.snowc("geometry", &["build", "-o", "geometry"]);
    assert_eq!(out.status, Some(1), "{}", describe("build -o dir", &out));
    assert!(
        out.stderr.contains("`geometry` is a directory"),
        "{}",
        out.stderr
    );
    // Without snow.toml: DIR/<dirname> as before.
    s.write("plain/main.snow", "fn main() do\n  println(\"p\")\nend\n");
    assert_eq!(s.snowc("", &["build", "plain"]).status, Some(0));
    assert!(s.path("plain/plain").is_file());
}

#[test]
fn init_packages_depend_on_each_other() {
    let s = Sandbox::new("init_pair");
    fs::create_dir_all(s.path("")).unwrap();
    for name in ["alpha", "beta"] {
        assert_eq!(s.snowc("", &["init", name]).status, Some(0));
    }
    s.package("alpha", "alpha", "0.1.0", "beta = { path = \"../beta\" }\n");
    s.write(
        "alpha/main.snow",
        "import Alpha.Greeting\nfrom Beta.Greeting import hello\n\nfn main() do\n  println(Greeting.hello(\"a\"))\n  println(hello(\"b\"))\nend\n",
    );
    assert_eq!(s.run_ok("alpha"), "Hello, a!\nHello, b!\n");
}

#[test]
fn commands_find_the_project_from_a_subdirectory() {
    let s = Sandbox::new("subdir");
    s.package("app", "app", "0.1.0", "");
    s.write(
        "app/main.snow",
        "import App.Util\n\nfn main() do\n  println(\"${Util.n()}\")\nend\n",
    );
    s.write("app/app/util.snow", "pub fn n() -> Int = 5\n");
    s.write(
        "app/tests/t.snow",
        "import App.Util\n\nfn main() do\n  if Util.n() != 5 do\n    IO.eprintln(\"bad\")\n  end\nend\n",
    );
    assert_eq!(s.run_ok("app/app"), "5\n");
    let built = s.snowc("app/tests", &["build"]);
    assert_eq!(built.status, Some(0), "{}", describe("build", &built));
    assert!(s.path("app/_build/app").is_file());
    let tested = s.snowc("app/app", &["test"]);
    assert_eq!(tested.status, Some(0), "{}", describe("test", &tested));
    assert_eq!(tested.stdout, "ok     tests/t.snow\n1 passed, 0 failed\n");
    // No project at all: an error, not "0 passed".
    fs::create_dir_all(s.path("nothing")).unwrap();
    let none = s.snowc("nothing", &["test"]);
    assert_eq!(none.status, Some(1), "{}", describe("test", &none));
    assert!(
        none.stderr
            .contains("`.` is not a project (no snow.toml here or above, no main.snow here)"),
        "{}",
        none.stderr
    );
    assert_eq!(none.stdout, "");
}

#[test]
fn nested_package_is_not_part_of_the_project() {
    let s = Sandbox::new("nested_pkg");
    s.package("app", "app", "0.1.0", "");
    s.write("app/main.snow", "fn main() do\n  println(\"app\")\nend\n");
    s.package("app/libs/geo", "geo", "0.1.0", "");
    s.write(
        "app/libs/geo/main.snow",
        "fn main() do\n  println(\"geo\")\nend\n",
    );
    // geo's tests are not part of geo's program, nor of app's.
    s.write("app/libs/geo/tests/t.snow", "this is not Snow\n");
    assert_eq!(s.run_ok("app"), "app\n");
    assert_eq!(s.run_ok("app/libs/geo"), "geo\n");
}

#[test]
fn hanging_test_times_out() {
    let s = Sandbox::new("test_timeout");
    s.package("t", "t", "0.1.0", "");
    s.write("t/main.snow", "fn main() do\nend\n");
    s.write(
        "t/tests/a_hang.snow",
        "fn main() do\n  Timer.sleep(600000)\nend\n",
    );
    s.write("t/tests/b_ok.snow", "fn main() do\nend\n");
    let out = s.snowc("t", &["test", "--timeout", "1"]);
    assert_eq!(out.status, Some(1), "{}", describe("test", &out));
    assert_eq!(
        out.stdout,
        "TIMEOUT tests/a_hang.snow (after 1 s)\nok     tests/b_ok.snow\n1 passed, 1 failed\n"
    );
    let bad = s.snowc("t", &["test", "--timeout", "soon"]);
    assert_eq!(bad.status, Some(2));
}

#[test]
fn snowc_test_reports_each_file() {
    let s = Sandbox::new("test_cmd");
    s.package("calc", "calc", "0.1.0", "");
    // main.snow is not compiled into the tests (a second `main` would clash).
    s.write(
        "calc/main.snow",
        "import Ops\n\nfn main() do\n  println(\"${Ops.add(1, 2)}\")\nend\n",
    );
    s.write(
        "calc/ops.snow",
        "pub fn add(a :: Int, b :: Int) -> Int = a + b\n",
    );
    s.write(
        "calc/tests/a_pass.snow",
        "import Ops\n\nfn main() do\n  println(\"quiet\")\n  if Ops.add(2, 2) != 4 do\n    IO.eprintln(\"add is wrong\")\n  end\nend\n",
    );
    s.write(
        "calc/tests/b_fail.snow",
        "import Ops\n\nfn main() do\n  println(\"checking\")\n  if Ops.add(2, 2) != 5 do\n    IO.eprintln(\"expected 5, got ${Ops.add(2, 2)}\")\n  end\nend\n",
    );
    s.write(
        "calc/tests/c_panic.snow",
        "fn main() do\n  let xs :: List<Int> = []\n  println(\"${List.head(xs)}\")\nend\n",
    );
    s.write(
        "calc/tests/d_broken.snow",
        "import Ops\n\nfn main() do\n  Ops.add(1, \"x\")\nend\n",
    );
    s.write("calc/tests/notes.txt", "not a test\n");
    let out = s.snowc("calc", &["test"]);
    assert_eq!(out.status, Some(1), "{}", describe("test", &out));
    let expected = "\
ok     tests/a_pass.snow
FAILED tests/b_fail.snow
    checking
    expected 5, got 4
FAILED tests/c_panic.snow
    panic: List.head: empty list
      at tests/c_panic.snow:3:14
    (exit status 101)
FAILED tests/d_broken.snow
    [E0001] Error: expected Int, found String
      ┌─ tests/d_broken.snow:4:14
      │
    4 │   Ops.add(1, \"x\")
      │              ^^^ argument 2 has type String, expected Int

1 passed, 3 failed
";
    assert_eq!(out.stdout, expected, "{}", diff(expected, &out.stdout));
    // The same with DIR from elsewhere; only the shown paths change.
    let from_outside = s.snowc("", &["test", "calc"]);
    assert_eq!(from_outside.status, Some(1));
    assert!(from_outside
        .stdout
        .contains("calc/tests/d_broken.snow:4:14"));

    // All passing: exit 0. No tests at all: also 0.
    for f in ["b_fail", "c_panic", "d_broken"] {
        fs::remove_file(s.path(&format!("calc/tests/{f}.snow"))).unwrap();
    }
    let out = s.snowc("calc", &["test"]);
    assert_eq!(
        (out.status, out.stdout.as_str()),
        (Some(0), "ok     tests/a_pass.snow\n1 passed, 0 failed\n")
    );
    fs::remove_dir_all(s.path("calc/tests")).unwrap();
    let out = s.snowc("calc", &["test"]);
    assert_eq!(
        (out.status, out.stdout.as_str()),
        (Some(0), "0 passed, 0 failed\n")
    );
}

#[test]
fn version_names_the_commit() {
    let out = run(Command::new(snowc()).arg("--version"), HANG_TIMEOUT).unwrap();
    assert_eq!(out.status, Some(0));
    let line = out.stdout.trim_end();
    let rest = line
        .strip_prefix(&format!("snowc {} (", env!("CARGO_PKG_VERSION")))
        .unwrap_or_else(|| panic!("{line}"));
    let commit = rest.split(',').next().unwrap();
    let head = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(repo_root())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match head {
        Some(h) => assert_eq!(commit, h, "{line}"),
        None => assert_eq!(commit, "unknown", "{line}"),
    }
    assert_eq!(out.stdout.lines().count(), 1);
}

#[test]
fn sources_api_lists_project_and_dependency_modules() {
    let s = Sandbox::new("sources_api");
    s.package("app", "app", "0.1.0", "lib = { path = \"../lib\" }\n");
    s.write("app/main.snow", "fn main() do\nend\n");
    s.write("app/util.snow", "pub fn u() -> Int = 1\n");
    s.write("app/tests/t.snow", "fn main() do\nend\n");
    s.package("lib", "lib", "0.1.0", "");
    s.write("lib/lib/core.snow", "pub fn c() -> Int = 1\n");
    s.write("lib/main.snow", "fn main() do\nend\n");
    let app = s.path("app");
    let list = snowc::driver::deps::project_sources(&app).unwrap();
    let names: Vec<(&str, PathBuf)> = list.iter().map(|(m, p)| (m.as_str(), p.clone())).collect();
    let lib = PathBuf::from(s.canonical("lib"));
    assert_eq!(
        names,
        [
            ("Main", app.join("main.snow")),
            ("Util", app.join("util.snow")),
            ("Lib.Core", lib.join("lib/core.snow")),
        ]
    );
    assert_eq!(
        snowc::driver::deps::find_project_root(&app.join("tests/t.snow")),
        Some(app.canonicalize().unwrap())
    );
    let _ = Path::new("");
}

#[test]
fn git_package_reached_twice_is_one_package() {
    let s = Sandbox::new("git_diamond");
    textkit(&s, "repo", "shared", "");
    s.git("repo", &["init", "-q"]);
    let commit = s.commit("repo", "one");
    s.git("repo", &["tag", "v1.0.0"]);
    let url = s.canonical("repo");
    let dep = format!("textkit = {{ git = \"{url}\", tag = \"v1.0.0\" }}\n");
    s.package("middle", "middle", "0.1.0", &dep);
    s.package(
        "app",
        "app",
        "0.1.0",
        &format!("middle = {{ path = \"../middle\" }}\n{dep}"),
    );
    s.write("app/main.snow", GIT_MAIN);
    assert_eq!(s.run_ok("app"), "shared\n");
    assert_eq!(
        s.read("app/snow.lock"),
        format!(
            "{LOCK_HEADER}{}",
            lock_entry("textkit", &url, "tag = \"v1.0.0\"", &commit)
        )
    );
    // The same repository at another tag is a conflict.
    textkit(&s, "repo", "newer", "");
    let newer = s.commit("repo", "two");
    s.git("repo", &["tag", "v2.0.0"]);
    s.package(
        "middle",
        "middle",
        "0.1.0",
        &format!("textkit = {{ git = \"{url}\", tag = \"v2.0.0\" }}\n"),
    );
    assert_eq!(
        s.build_err("app"),
        format!(
            "Error: package `textkit` is required from two different sources:\n  \
             app -> middle -> textkit: version 1.0.0 from git {url} (tag v2.0.0, commit {})\n  \
             app -> textkit: version 1.0.0 from git {url} (tag v1.0.0, commit {})\n",
            &newer[..7],
            &commit[..7]
        )
    );
}

#[test]
fn relative_git_url_is_locked_as_written() {
    let s = Sandbox::new("git_relative_lock");
    textkit(&s, "w/repo", "one", "");
    s.git("w/repo", &["init", "-q"]);
    let first = s.commit("w/repo", "one");
    s.git("w/repo", &["tag", "v1.0.0"]);
    s.package(
        "w/app",
        "app",
        "0.1.0",
        "textkit = { git = \"../repo\", tag = \"v1.0.0\" }\n",
    );
    s.write("w/app/main.snow", GIT_MAIN);
    assert_eq!(s.run_ok("w/app"), "one\n");
    let lock = format!(
        "{LOCK_HEADER}{}",
        lock_entry("textkit", "../repo", "tag = \"v1.0.0\"", &first)
    );
    assert_eq!(s.read("w/app/snow.lock"), lock);
    // The tag moves, then both directories move: the lock still holds.
    textkit(&s, "w/repo", "two", "");
    s.commit("w/repo", "two");
    s.git("w/repo", &["tag", "-f", "v1.0.0"]);
    fs::rename(s.path("w"), s.path("moved")).unwrap();
    assert_eq!(s.run_ok("moved/app"), "one\n");
    assert_eq!(s.read("moved/app/snow.lock"), lock);
}

#[test]
fn relative_git_url_inside_a_git_dependency() {
    let s = Sandbox::new("git_relative_nested");
    s.package("charset_repo", "charset", "0.3.0", "");
    s.write(
        "charset_repo/charset/ascii.snow",
        "pub fn upper(s :: String) -> String = String.to_upper(s)\n",
    );
    s.git("charset_repo", &["init", "-q"]);
    s.commit("charset_repo", "charset");
    // Relative to textkit's repository, not to snowc's checkout of it.
    textkit(
        &s,
        "textkit_repo",
        "unused",
        "charset = { git = \"../charset_repo\", branch = \"main\" }\n",
    );
    s.write(
        "textkit_repo/textkit/words.snow",
        "import Charset.Ascii\n\npub fn tag() -> String = Ascii.upper(\"nested\")\n",
    );
    s.git("textkit_repo", &["init", "-q"]);
    s.commit("textkit_repo", "textkit");
    s.package(
        "app",
        "app",
        "0.1.0",
        &format!(
            "textkit = {{ git = \"{}\", branch = \"main\" }}\n",
            s.canonical("textkit_repo")
        ),
    );
    s.write("app/main.snow", GIT_MAIN);
    assert_eq!(s.run_ok("app"), "NESTED\n");
}

#[test]
fn lock_commit_must_be_a_hash() {
    let s = Sandbox::new("lock_commit_check");
    let (_, url) = app_on_tagged_textkit(&s);
    assert_eq!(s.run_ok("app"), "one\n");
    for bad in ["../../../../evil", "éééééééééé"] {
        s.write(
            "app/snow.lock",
            &format!(
                "{LOCK_HEADER}{}",
                lock_entry("textkit", &url, "tag = \"v1.0.0\"", bad)
            ),
        );
        let err = s.build_err("app");
        assert!(
            err.contains(&format!(
                "`commit` must be a full commit hash (40 hex digits), got `{bad}`"
            )),
            "{err}"
        );
        let upd = s.snowc("app", &["update"]);
        assert_eq!(upd.status, Some(1), "{}", describe("update", &upd));
    }
}

#[test]
fn update_reports_reference_changes_and_writes_no_empty_lock() {
    let s = Sandbox::new("update_messages");
    s.package("plain", "plain", "0.1.0", "");
    s.write("plain/main.snow", "fn main() do\nend\n");
    let none = s.snowc("plain", &["update"]);
    assert_eq!(none.status, Some(0), "{}", describe("update", &none));
    assert_eq!(none.stdout, "no git dependencies\n");
    assert!(!s.path("plain/snow.lock").exists());

    let (first, url) = app_on_tagged_textkit(&s);
    assert_eq!(s.run_ok("app"), "one\n");
    // Another reference to the same commit: locked anew, not "updated a -> a".
    s.package(
        "app",
        "app",
        "0.1.0",
        &format!("textkit = {{ git = \"{url}\", branch = \"main\" }}\n"),
    );
    let upd = s.snowc("app", &["update"]);
    assert_eq!(upd.status, Some(0), "{}", describe("update", &upd));
    assert_eq!(
        upd.stdout,
        format!("locked textkit at {} (branch main)\n", &first[..7])
    );
}
