//! `snow.lock`: the commit each git dependency (direct or transitive) was
//! resolved to, so that later builds use the same code. Written by snowc in
//! a fixed layout (entries sorted by name), read back with the `toml` crate.

use super::manifest::GitRef;
use std::fs;
use std::path::Path;
use toml::{Table, Value};

pub const LOCK: &str = "snow.lock";

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Locked {
    pub name: String,
    pub url: String,
    pub reference: GitRef,
    /// The full commit hash.
    pub commit: String,
}

/// The entries of `dir/snow.lock` (none when there is no such file).
pub fn read(dir: &Path) -> Result<Vec<Locked>, String> {
    let path = dir.join(LOCK);
    let Ok(text) = fs::read_to_string(&path) else {
        return Ok(Vec::new());
    };
    parse(&text).map_err(|e| {
        format!(
            "malformed `{}`: {e} (delete it to resolve the git dependencies again)",
            path.display()
        )
    })
}

fn parse(text: &str) -> Result<Vec<Locked>, String> {
    let table: Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
    match table.get("version") {
        Some(Value::Integer(1)) => {}
        _ => return Err("expected `version = 1`".to_string()),
    }
    let Some(entries) = table.get("git") else {
        return Ok(Vec::new());
    };
    let Value::Array(entries) = entries else {
        return Err("`git` must be an array of tables".to_string());
    };
    entries
        .iter()
        .map(|e| {
            let field = |k: &str| e.get(k).and_then(Value::as_str).map(str::to_string);
            let reference = match (field("tag"), field("branch"), field("rev")) {
                (Some(t), None, None) => GitRef::Tag(t),
                (None, Some(b), None) => GitRef::Branch(b),
                (None, None, Some(r)) => GitRef::Rev(r),
                _ => return Err("each entry needs one of `tag`, `branch`, `rev`".to_string()),
            };
            match (field("name"), field("url"), field("commit")) {
                // It names a directory of the cache: nothing but a hash.
                (_, _, Some(commit)) if !is_full_hash(&commit) => Err(format!(
                    "`commit` must be a full commit hash (40 hex digits), got `{commit}`"
                )),
                (Some(name), Some(url), Some(commit)) => Ok(Locked {
                    name,
                    url,
                    reference,
                    commit,
                }),
                _ => Err("each entry needs `name`, `url` and `commit`".to_string()),
            }
        })
        .collect()
}

/// A full SHA-1 commit hash: 40 hex digits.
pub fn is_full_hash(commit: &str) -> bool {
    commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The abbreviated commit shown in messages (7 hex digits).
pub fn short(commit: &str) -> &str {
    commit.get(..7).unwrap_or(commit)
}

/// The text of a lock file with `entries`, sorted.
pub fn render(entries: &[Locked]) -> String {
    let mut sorted = entries.to_vec();
    sorted.sort();
    let mut out = String::from(
        "# Written by snowc: the commit of every git dependency.\n\
         # Keep it under version control; `snowc update` resolves them again.\n\
         version = 1\n",
    );
    for e in &sorted {
        let (key, value) = e.reference.key_value();
        out.push_str(&format!(
            "\n[[git]]\nname = {}\nurl = {}\n{key} = {}\ncommit = {}\n",
            quoted(&e.name),
            quoted(&e.url),
            quoted(value),
            quoted(&e.commit)
        ));
    }
    out
}

/// A TOML basic string.
fn quoted(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// Writes `dir/snow.lock` when its content changes.
pub fn write(dir: &Path, entries: &[Locked]) -> Result<(), String> {
    let path = dir.join(LOCK);
    let text = render(entries);
    if fs::read_to_string(&path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    fs::write(&path, text).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_sorted() {
        let b = Locked {
            name: "b".into(),
            url: "/r/b \"q\"".into(),
            reference: GitRef::Rev("abcd".into()),
            commit: "abcdef".repeat(7)[..40].into(),
        };
        let a = Locked {
            name: "a".into(),
            url: "file:///r/a".into(),
            reference: GitRef::Tag("v1.0.0".into()),
            commit: "1".repeat(40),
        };
        let text = render(&[b.clone(), a.clone()]);
        assert!(text.find("name = \"a\"").unwrap() < text.find("name = \"b\"").unwrap());
        assert!(text.contains(&format!(
            "tag = \"v1.0.0\"\ncommit = \"{}\"\n",
            "1".repeat(40)
        )));
        assert_eq!(parse(&text).unwrap(), vec![a, b]);
        assert_eq!(parse(&render(&[])).unwrap(), vec![]);
        assert!(parse("version = 2\n").is_err());
        assert!(parse("version = 1\n[[git]]\nname = \"a\"\n").is_err());
        let bad = "version = 1\n[[git]]\nname = \"a\"\nurl = \"u\"\ntag = \"t\"\ncommit = ";
        for commit in ["\"../../evil\"", "\"éééééé\"", "\"abcdef\""] {
            let err = parse(&format!("{bad}{commit}\n")).unwrap_err();
            assert!(err.contains("40 hex digits"), "{err}");
        }
        assert_eq!(short("ééééé"), "ééééé");
        assert_eq!(short(&"a".repeat(40)), "aaaaaaa");
    }
}
