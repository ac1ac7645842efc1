//! The open documents (full-text sync) and `file:` URIs.

use lsp_types::Uri;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub struct Doc {
    pub uri: Uri,
    pub text: String,
    pub version: i32,
}

/// Open documents by file path: their text overrides the file on disk.
#[derive(Default)]
pub struct Docs {
    pub open: HashMap<PathBuf, Doc>,
}

impl Docs {
    pub fn set(&mut self, uri: Uri, text: String, version: i32) -> Option<PathBuf> {
        let path = path_of(&uri)?;
        self.open.insert(path.clone(), Doc { uri, text, version });
        Some(path)
    }

    pub fn close(&mut self, uri: &Uri) -> Option<PathBuf> {
        let path = path_of(uri)?;
        self.open.remove(&path);
        Some(path)
    }

    /// The text of `path`: the open buffer, else the file.
    pub fn text(&self, path: &Path) -> Option<String> {
        match self.open.get(path) {
            Some(d) => Some(d.text.clone()),
            None => std::fs::read_to_string(path).ok(),
        }
    }
}

/// The file a `file:` URI names (percent-decoded), made absolute.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://host/path`: only this machine's files (no host, or
    // `localhost`) can be read.
    let (host, rest) = rest.split_at(rest.find('/')?);
    if !host.is_empty() && !host.eq_ignore_ascii_case("localhost") {
        return None;
    }
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |j: usize| char::from(bytes[j]).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(i + 1), hex(i + 2)) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    let path = PathBuf::from(String::from_utf8(out).ok()?);
    path.is_absolute().then_some(path)
}

/// The `file:` URI of an absolute path.
pub fn uri_of(path: &Path) -> Option<Uri> {
    let mut s = String::from("file://");
    for b in path.to_str()?.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_paths() {
        let p = Path::new("/tmp/my proj/é.snow");
        let u = uri_of(p).unwrap();
        assert_eq!(u.as_str(), "file:///tmp/my%20proj/%C3%A9.snow");
        assert_eq!(path_of(&u).unwrap(), p);
        let other = Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(path_of(&other), None);
        let remote = Uri::from_str("file://otherhost/tmp/x.snow").unwrap();
        assert_eq!(path_of(&remote), None);
        let local = Uri::from_str("file://localhost/tmp/x.snow").unwrap();
        assert_eq!(path_of(&local).unwrap(), Path::new("/tmp/x.snow"));
    }
}
