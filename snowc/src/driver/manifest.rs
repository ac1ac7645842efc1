//! `snow.toml`: a package's name, version and dependencies.
//!
//! ```toml
//! [package]
//! name = "app"
//! version = "0.1.0"
//!
//! [dependencies]
//! geometry = { path = "../geometry" }
//! json = { git = "https://example.com/json.git", tag = "v1.2.0" }
//! ```
//!
//! Parsed into a `toml::Table` and checked by hand: unknown keys are errors
//! (a misspelt `[dependencis]` must not be ignored silently).

use std::fs;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

pub const MANIFEST: &str = "snow.toml";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    pub name: String,
    pub version: String,
    /// In the order of the file.
    pub deps: Vec<Dependency>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    pub name: String,
    pub source: Source,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// As written (relative paths are relative to the manifest's directory).
    Path(PathBuf),
    Git {
        url: String,
        reference: GitRef,
    },
}

/// Which commit of a git dependency is wanted.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum GitRef {
    Tag(String),
    Branch(String),
    /// A commit hash or a prefix of one.
    Rev(String),
}

impl GitRef {
    /// The manifest key and its value: `("tag", "v1.2.0")`.
    pub fn key_value(&self) -> (&'static str, &str) {
        match self {
            GitRef::Tag(t) => ("tag", t),
            GitRef::Branch(b) => ("branch", b),
            GitRef::Rev(r) => ("rev", r),
        }
    }
}

impl std::fmt::Display for GitRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (k, v) = self.key_value();
        write!(f, "{k} {v}")
    }
}

/// Whether `dir` holds a `snow.toml`.
pub fn has_manifest(dir: &Path) -> bool {
    dir.join(MANIFEST).is_file()
}

/// Reads and checks `dir/snow.toml`.
pub fn read(dir: &Path) -> Result<Manifest, String> {
    let path = dir.join(MANIFEST);
    let shown = super::project::display_path(dir, Path::new(MANIFEST));
    let text = fs::read_to_string(&path).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
    parse(&text).map_err(|e| format!("malformed `{shown}`: {e}"))
}

/// A package name: a lower-case letter, then lower-case letters, digits
/// and `_` (it names the binary and the directory `snowc init` makes).
pub fn check_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.len() <= 64;
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid package name `{name}`: use a lower-case letter followed by lower-case \
             letters, digits and `_` (at most 64 characters)"
        ))
    }
}

/// A semantic version: `MAJOR.MINOR.PATCH`, numbers without leading
/// zeros, then optionally `-pre.release` and `+build` identifiers.
pub fn check_version(v: &str) -> Result<(), String> {
    let bad = || format!("invalid version `{v}`: expected a semantic version such as `1.2.0`");
    let (rest, build) = match v.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (v, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    let number_ok = |n: &&str| {
        !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && (n.len() == 1 || !n.starts_with('0'))
    };
    if numbers.len() != 3 || !numbers.iter().all(number_ok) {
        return Err(bad());
    }
    let idents_ok = |s: &str| {
        s.split('.')
            .all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    };
    if pre.is_some_and(|p| !idents_ok(p)) || build.is_some_and(|b| !idents_ok(b)) {
        return Err(bad());
    }
    Ok(())
}

fn string<'a>(table: &'a Table, key: &str, what: &str) -> Result<Option<&'a str>, String> {
    match table.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("`{key}` of {what} must be a string")),
    }
}

fn no_other_keys(table: &Table, allowed: &[&str], what: &str) -> Result<(), String> {
    match table.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "unknown key `{k}` in {what} (expected {})",
            allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        None => Ok(()),
    }
}

/// Parses the text of a `snow.toml`.
pub fn parse(text: &str) -> Result<Manifest, String> {
    let table: Table = text.parse().map_err(|e: toml::de::Error| {
        // The message is multi-line (position, excerpt, reason).
        e.to_string().trim_end().to_string()
    })?;
    no_other_keys(&table, &["package", "dependencies"], "the manifest")?;
    let Some(Value::Table(package)) = table.get("package") else {
        return Err("missing `[package]` table with `name` and `version`".to_string());
    };
    no_other_keys(package, &["name", "version"], "[package]")?;
    let name = string(package, "name", "[package]")?
        .ok_or("missing `name` in [package]")?
        .to_string();
    check_name(&name)?;
    let version = string(package, "version", "[package]")?
        .ok_or("missing `version` in [package]")?
        .to_string();
    check_version(&version)?;
    let deps = match table.get("dependencies") {
        None => Vec::new(),
        Some(Value::Table(deps)) => deps
            .iter()
            .map(|(name, spec)| dependency(name, spec))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("`dependencies` must be a table".to_string()),
    };
    Ok(Manifest {
        name,
        version,
        deps,
    })
}

fn dependency(name: &str, spec: &Value) -> Result<Dependency, String> {
    check_name(name)?;
    let what = format!("dependency `{name}`");
    let Value::Table(t) = spec else {
        return Err(format!(
            "{what} must be a table such as `{{ path = \"../{name}\" }}` or \
             `{{ git = \"URL\", tag = \"v1.0.0\" }}`"
        ));
    };
    let path = string(t, "path", &what)?;
    let git = string(t, "git", &what)?;
    let source = match (path, git) {
        (Some(p), None) => {
            no_other_keys(t, &["path"], &what)?;
            if p.is_empty() {
                return Err(format!("`path` of {what} is empty"));
            }
            Source::Path(PathBuf::from(p))
        }
        (None, Some(url)) => {
            no_other_keys(t, &["git", "tag", "branch", "rev"], &what)?;
            if url.trim().is_empty() {
                return Err(format!("`git` of {what} is empty"));
            }
            let refs = [
                string(t, "tag", &what)?.map(|s| GitRef::Tag(s.to_string())),
                string(t, "branch", &what)?.map(|s| GitRef::Branch(s.to_string())),
                string(t, "rev", &what)?.map(|s| GitRef::Rev(s.to_string())),
            ];
            let mut given = refs.into_iter().flatten();
            let (Some(reference), None) = (given.next(), given.next()) else {
                return Err(format!(
                    "{what} needs exactly one of `tag`, `branch` or `rev` next to `git`"
                ));
            };
            if reference.key_value().1.is_empty() {
                return Err(format!("`{}` of {what} is empty", reference.key_value().0));
            }
            if let GitRef::Rev(r) = &reference {
                let hex = r.bytes().all(|b| b.is_ascii_hexdigit());
                if !hex || r.len() < 4 || r.len() > 40 {
                    return Err(format!(
                        "`rev` of {what} must be a commit hash or a prefix of one \
                         (4 to 40 hex digits), got `{r}`"
                    ));
                }
            }
            Source::Git {
                url: url.to_string(),
                reference,
            }
        }
        _ => {
            return Err(format!(
                "{what} needs either `path` or `git` (exactly one of them)"
            ))
        }
    };
    Ok(Dependency {
        name: name.to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_manifest() {
        let m = parse(
            "[package]\nname = \"app\"\nversion = \"1.2.3-rc.1+b5\"\n\n[dependencies]\n\
             geo = { path = \"../geo\" }\njson = { git = \"/r/json\", tag = \"v1.0.0\" }\n\
             x = { git = \"u\", rev = \"abcd12\" }\ny = { git = \"u\", branch = \"main\" }\n",
        )
        .unwrap();
        assert_eq!(m.name, "app");
        assert_eq!(m.version, "1.2.3-rc.1+b5");
        assert_eq!(m.deps.len(), 4);
        assert_eq!(m.deps[0].source, Source::Path("../geo".into()));
        assert_eq!(
            m.deps[1].source,
            Source::Git {
                url: "/r/json".into(),
                reference: GitRef::Tag("v1.0.0".into())
            }
        );
        assert_eq!(m.deps[2].name, "x");
        assert_eq!(m.deps[3].name, "y");
    }

    #[test]
    fn versions() {
        for ok in [
            "0.0.0",
            "1.2.3",
            "10.20.30",
            "1.0.0-alpha",
            "1.0.0-a.1+x-y.2",
        ] {
            assert!(check_version(ok).is_ok(), "{ok}");
        }
        for bad in [
            "1", "1.2", "1.2.3.4", "01.2.3", "1.2.x", "1.2.3-", "1.2.3+", "v1.2.3", "",
        ] {
            assert!(check_version(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names() {
        for ok in ["a", "app", "my_app2"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "App", "2app", "my-app", "_a", "a b", "é"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    fn err(text: &str) -> String {
        parse(text).unwrap_err()
    }

    #[test]
    fn errors() {
        let pkg = "[package]\nname = \"app\"\nversion = \"0.1.0\"\n";
        assert!(err("[package\n").contains("line 1"));
        assert!(err("").contains("missing `[package]`"));
        assert!(err("[package]\nversion = \"0.1.0\"\n").contains("missing `name`"));
        assert!(err("[package]\nname = \"a\"\n").contains("missing `version`"));
        assert!(err("[package]\nname = 3\nversion = \"0.1.0\"\n").contains("must be a string"));
        assert!(err(&format!("{pkg}[dependencis]\n")).contains("unknown key `dependencis`"));
        assert!(err(&format!("{pkg}[dependencies]\ng = \"1.0\"\n")).contains("must be a table"));
        assert!(
            err(&format!("{pkg}[dependencies]\ng = {{ }}\n")).contains("either `path` or `git`")
        );
        assert!(
            err(&format!("{pkg}[dependencies]\ng = {{ git = \"u\" }}\n"))
                .contains("exactly one of `tag`")
        );
        assert!(err(&format!(
            "{pkg}[dependencies]\ng = {{ git = \"u\", tag = \"a\", rev = \"abcd\" }}\n"
        ))
        .contains("exactly one of `tag`"));
        assert!(err(&format!(
            "{pkg}[dependencies]\ng = {{ git = \"u\", rev = \"main\" }}\n"
        ))
        .contains("hex digits"));
        assert!(err(&format!(
            "{pkg}[dependencies]\ng = {{ path = \"x\", tag = \"a\" }}\n"
        ))
        .contains("unknown key `tag`"));
        assert!(
            err(&format!("{pkg}[dependencies]\nG = {{ path = \"x\" }}\n"))
                .contains("invalid package name `G`")
        );
    }
}
