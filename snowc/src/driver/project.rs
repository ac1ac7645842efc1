//! Finding the sources of a compilation and naming their modules
//! (chapter 01 §1).

use crate::diag::{SourceFile, SourceMap};
use std::fs;
use std::path::{Component, Path, PathBuf};

/// Directory nesting beyond which collection stops (guards symlink loops).
const MAX_DEPTH: usize = 64;

/// A package's build directory (never searched for modules).
pub const BUILD_DIR: &str = "_build";

/// PascalCases one path component: split on `_`, drop empty pieces,
/// upper-case the first character of each piece, keep the rest.
pub fn pascal_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for piece in s.split('_').filter(|p| !p.is_empty()) {
        let mut chars = piece.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

/// The module name of a file given by its path relative to the project root.
pub fn module_name(rel: &Path) -> String {
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if parts.len() == 1 && parts[0] == "main.snow" {
        return "Main".to_string();
    }
    let last = parts.len().saturating_sub(1);
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let stem = if i == last {
                part.strip_suffix(".snow").unwrap_or(part)
            } else {
                part
            };
            pascal_case(stem)
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Every `*.snow` file below `root` (recursively, skipping names starting
/// with `.`), as paths relative to `root`: `main.snow` first, then the
/// others in sorted order. Fails when `root` has no `main.snow`.
pub fn collect_project(root: &Path) -> Result<Vec<PathBuf>, String> {
    if !root.is_dir() {
        return Err(format!("`{}` is not a directory", root.display()));
    }
    let mut files = snow_files(root)?;
    let main = Path::new("main.snow");
    let Some(pos) = files.iter().position(|f| f == main) else {
        return Err(no_main(root));
    };
    let main = files.remove(pos);
    files.insert(0, main);
    Ok(files)
}

/// The error for a project directory without its `main.snow`.
pub fn no_main(root: &Path) -> String {
    format!("no `main.snow` in project directory `{}`", root.display())
}

/// Every `*.snow` file below `root` (skipping names starting with `.`,
/// the build directory `_build/` and subdirectories holding their own
/// `snow.toml`, which are other packages), relative to `root`, sorted.
pub fn snow_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    walk(root, Path::new(""), 0, &mut files)?;
    files.sort();
    Ok(files)
}

fn walk(dir: &Path, rel: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let rel_path = rel.join(&name);
        // Follows symlinks; broken links are skipped.
        let Ok(meta) = fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            if (depth == 0 && name == BUILD_DIR) || super::manifest::has_manifest(&path) {
                continue;
            }
            walk(&path, &rel_path, depth + 1, out)?;
        } else if meta.is_file() && Path::new(&name).extension().is_some_and(|e| e == "snow") {
            out.push(rel_path);
        }
    }
    Ok(())
}

/// How a path is shown in diagnostics: `dir/rel`, or just `rel` when `dir`
/// is the current directory.
pub fn display_path(dir: &Path, rel: &Path) -> String {
    let dir_is_cwd = dir.components().all(|c| matches!(c, Component::CurDir));
    if dir_is_cwd {
        rel.display().to_string()
    } else {
        dir.join(rel).display().to_string()
    }
}

fn read_source(path: &Path, shown: String, module: String) -> Result<SourceFile, String> {
    let bytes = fs::read(path).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("`{shown}` is not valid UTF-8"))?;
    Ok(SourceFile {
        path: shown,
        module,
        text,
    })
}

/// Loads one file as the module `Main`.
pub fn load_file(path: &Path) -> Result<SourceMap, String> {
    let mut map = SourceMap::default();
    map.add(read_source(
        path,
        path.display().to_string(),
        "Main".to_string(),
    )?);
    Ok(map)
}

/// Loads every module of the project in `root` (with its dependencies when
/// it has a `snow.toml`).
pub fn load_project(root: &Path) -> Result<SourceMap, String> {
    load_modules(&super::deps::project_sources(root)?)
}

/// Loads the given (module name, path) files.
pub fn load_modules(modules: &[(String, PathBuf)]) -> Result<SourceMap, String> {
    let mut map = SourceMap::default();
    for (module, path) in modules {
        map.add(read_source(
            path,
            path.display().to_string(),
            module.clone(),
        )?);
    }
    Ok(map)
}

/// Where `snowc build` writes a project's executable by default:
/// `_build/<package name>` in a package (so a library directory named after
/// the package does not collide with it), `<dirname>` in a plain project.
pub fn default_output(root: &Path) -> PathBuf {
    let name = project_binary_name(root);
    if super::manifest::has_manifest(root) {
        root.join(BUILD_DIR).join(name)
    } else {
        root.join(name)
    }
}

/// The default executable name for a project directory: the package name
/// of its `snow.toml`, else the directory's own name.
pub fn project_binary_name(root: &Path) -> String {
    if let Ok(m) = super::manifest::read(root) {
        return m.name;
    }
    let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    canonical
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "main".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::cache::TempDir;

    #[test]
    fn chapter_01_table() {
        assert_eq!(module_name(Path::new("main.snow")), "Main");
        assert_eq!(
            module_name(Path::new("net/http_client.snow")),
            "Net.HttpClient"
        );
        assert_eq!(
            module_name(Path::new("geo/utm_zone_v2.snow")),
            "Geo.UtmZoneV2"
        );
        assert_eq!(module_name(Path::new("tools/main.snow")), "Tools.Main");
    }

    #[test]
    fn pascal_case_rules() {
        assert_eq!(pascal_case("http_client"), "HttpClient");
        assert_eq!(pascal_case("__a__b_"), "AB");
        assert_eq!(pascal_case("already_Cased_XML"), "AlreadyCasedXML");
        assert_eq!(pascal_case("my-lib"), "My-lib");
        assert_eq!(pascal_case("v2"), "V2");
        assert_eq!(pascal_case("élan_vital"), "ÉlanVital");
        assert_eq!(pascal_case("_"), "");
        assert_eq!(module_name(Path::new("my-lib.snow")), "My-lib");
        assert_eq!(module_name(Path::new("a_b/c_d/e_f.snow")), "AB.CD.EF");
    }

    fn touch(root: &Path, rel: &str) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, format!("# {rel}\n")).unwrap();
    }

    #[test]
    fn collects_recursively_skipping_dot_names() {
        let tmp = TempDir::new("snowc-project-test").unwrap();
        let root = tmp.path();
        for f in [
            "main.snow",
            "util.snow",
            "net/http_client.snow",
            "net/.hidden.snow",
            ".git/x.snow",
            "tools/main.snow",
            "notes.txt",
            "a/b/c/deep_one.snow",
        ] {
            touch(root, f);
        }
        let files = collect_project(root).unwrap();
        let shown: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(
            shown,
            [
                "main.snow",
                "a/b/c/deep_one.snow",
                "net/http_client.snow",
                "tools/main.snow",
                "util.snow"
            ]
        );
        let map = load_project(root).unwrap();
        let modules: Vec<&str> = map.files.iter().map(|f| f.module.as_str()).collect();
        assert_eq!(
            modules,
            [
                "Main",
                "A.B.C.DeepOne",
                "Net.HttpClient",
                "Tools.Main",
                "Util"
            ]
        );
        assert_eq!(map.files[2].text, "# net/http_client.snow\n");
        assert!(map.files[0].path.ends_with("main.snow"));
    }

    #[test]
    fn project_needs_main() {
        let tmp = TempDir::new("snowc-project-test").unwrap();
        touch(tmp.path(), "lib.snow");
        touch(tmp.path(), "sub/main.snow");
        assert!(collect_project(tmp.path())
            .unwrap_err()
            .contains("main.snow"));
        assert!(collect_project(&tmp.path().join("missing")).is_err());
    }

    #[test]
    fn single_file_and_bad_utf8() {
        let tmp = TempDir::new("snowc-project-test").unwrap();
        let f = tmp.path().join("prog.snow");
        fs::write(&f, "fn main() do end\n").unwrap();
        let map = load_file(&f).unwrap();
        assert_eq!(map.files.len(), 1);
        assert_eq!(map.files[0].module, "Main");
        fs::write(&f, [0xff, 0xfe]).unwrap();
        assert!(load_file(&f).unwrap_err().contains("UTF-8"));
        assert!(load_file(&tmp.path().join("nope.snow"))
            .unwrap_err()
            .contains("cannot read"));
    }

    #[test]
    fn display_paths_and_binary_names() {
        assert_eq!(
            display_path(Path::new("."), Path::new("main.snow")),
            "main.snow"
        );
        assert_eq!(
            display_path(Path::new("proj"), Path::new("net/a.snow")),
            "proj/net/a.snow"
        );
        let tmp = TempDir::new("snowc-project-test").unwrap();
        let dir = tmp.path().join("my_app");
        fs::create_dir(&dir).unwrap();
        assert_eq!(project_binary_name(&dir), "my_app");
        assert_eq!(project_binary_name(&dir.join(".")), "my_app");
    }
}
