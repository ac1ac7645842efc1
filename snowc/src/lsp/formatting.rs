//! Formatting: runs this executable's `fmt` on the document (the contract
//! of `snowc fmt -`: text on stdin, formatted text on stdout, exit 0; a
//! syntax error exits 1 with the diagnostic on stderr).

use super::text;
use lsp_server::ErrorCode;
use lsp_types::{FormattingOptions, TextEdit};
use std::io::Write;
use std::process::{Command, Stdio};

const LINE_WIDTH: u32 = 100;

pub fn format(
    source: &str,
    options: &FormattingOptions,
) -> Result<Vec<TextEdit>, (ErrorCode, String)> {
    let failed = |m: String| (ErrorCode::RequestFailed, m);
    // `snowc fmt` has one indentation style; formatting with spaces when
    // tabs were asked for would silently rewrite every line.
    if !options.insert_spaces {
        return Err(failed(
            "snowc fmt indents with spaces only: set `insertSpaces` (formatting with tabs is not supported)"
                .into(),
        ));
    }
    let tab_size = options.tab_size;
    let exe = std::env::current_exe().map_err(|e| failed(format!("cannot find snowc: {e}")))?;
    let mut child = Command::new(exe)
        .args(["fmt", "--line-width", &LINE_WIDTH.to_string()])
        .args(["--indent-size", &tab_size.max(1).to_string(), "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed(format!("cannot run `snowc fmt`: {e}")))?;
    let input = source.to_string();
    let mut stdin = child.stdin.take();
    // Written from another thread: a large document could fill both pipes.
    let feeder = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(input.as_bytes());
        }
    });
    let out = child
        .wait_with_output()
        .map_err(|e| failed(format!("`snowc fmt` failed: {e}")))?;
    let _ = feeder.join();
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(failed(format!("`snowc fmt` failed: {}", err.trim())));
    }
    let formatted = String::from_utf8(out.stdout)
        .map_err(|_| failed("`snowc fmt` printed invalid UTF-8".into()))?;
    if formatted == source {
        return Ok(Vec::new());
    }
    Ok(vec![TextEdit {
        range: text::whole(source),
        new_text: formatted,
    }])
}
