//! `snowc lsp`: a scripted client speaking JSON-RPC (Content-Length
//! framing) over the stdio of the built server. The receive timeout only
//! guards against a hung server; nothing is timed.

mod common;

use common::{repo_root, scratch_dir, snowc};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

const HANG: Duration = Duration::from_secs(120);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    /// Notifications received while waiting for something else.
    pending: Vec<Value>,
    next_id: i64,
}

fn read_frame(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl Client {
    /// Starts the server and completes the `initialize` handshake.
    fn start() -> (Client, Value) {
        Client::start_with(Command::new(snowc()), json!({}))
    }

    /// Starts `snowc` with its cache in `cache` (`XDG_CACHE_HOME`).
    fn start_cached(cache: &Path) -> Client {
        let mut cmd = Command::new(snowc());
        cmd.env("XDG_CACHE_HOME", cache);
        Client::start_with(cmd, json!({})).0
    }

    /// Starts `cmd` for a client with `capabilities`.
    fn start_with(mut cmd: Command, capabilities: Value) -> (Client, Value) {
        let mut child = cmd
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("snowc lsp starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(v) = read_frame(&mut r) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        let mut c = Client {
            child,
            stdin,
            rx,
            pending: Vec::new(),
            next_id: 1,
        };
        let init = c.request(
            "initialize",
            json!({"processId": null, "capabilities": capabilities}),
        );
        c.notify("initialized", json!({}));
        (c, init)
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    fn send(&mut self, v: Value) {
        let body = v.to_string();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn recv(&mut self) -> Value {
        self.rx
            .recv_timeout(HANG)
            .expect("the server answers (hang guard)")
    }

    /// The whole response message to a request.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(json!(id))
    }

    fn response(&mut self, id: Value) -> Value {
        loop {
            let m = self.recv();
            if m.get("method").is_none() && m["id"] == id {
                return m;
            }
            self.pending.push(m);
        }
    }

    /// The `result` of a request.
    fn result(&mut self, method: &str, params: Value) -> Value {
        let r = self.request(method, params);
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    /// The next diagnostics published for `path`.
    fn diagnostics(&mut self, path: &Path) -> Vec<Value> {
        let want = uri(path);
        let is_it = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == want
        };
        if let Some(i) = self.pending.iter().position(is_it) {
            let m = self.pending.remove(i);
            return m["params"]["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            let m = self.recv();
            if is_it(&m) {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.pending.push(m);
        }
    }

    fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "snow", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, path: &Path, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(path), "version": version},
                   "contentChanges": [{"text": text}]}),
        );
    }

    fn at(&mut self, method: &str, path: &Path, (line, character): (u32, u32)) -> Value {
        self.result(
            method,
            json!({"textDocument": {"uri": uri(path)},
                   "position": {"line": line, "character": character}}),
        )
    }

    fn hover(&mut self, path: &Path, pos: (u32, u32)) -> String {
        let h = self.at("textDocument/hover", path, pos);
        h["contents"]["value"]
            .as_str()
            .unwrap_or_else(|| panic!("no hover at {pos:?}: {h}"))
            .to_string()
    }

    /// (file, start line, start character) of a definition.
    fn definition(&mut self, path: &Path, pos: (u32, u32)) -> (PathBuf, u32, u32) {
        let d = self.at("textDocument/definition", path, pos);
        let uri = d["uri"]
            .as_str()
            .unwrap_or_else(|| panic!("no definition at {pos:?}: {d}"));
        let file = PathBuf::from(uri.strip_prefix("file://").unwrap());
        let start = &d["range"]["start"];
        (
            file,
            start["line"].as_u64().unwrap() as u32,
            start["character"].as_u64().unwrap() as u32,
        )
    }

    /// Shuts down and exits; the server's exit status.
    fn finish(mut self) -> Option<i32> {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        self.stdin = None;
        self.child.wait().unwrap().code()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The (line, character) of the `nth` (0-based) occurrence of `what` in
/// `text`, plus `delta` characters (ASCII texts).
fn pos_of(text: &str, what: &str, nth: usize, delta: u32) -> (u32, u32) {
    let off = text
        .match_indices(what)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{what}` #{nth} not in the text"))
        .0;
    let line = text[..off].matches('\n').count() as u32;
    let col = (off - text[..off].rfind('\n').map_or(0, |i| i + 1)) as u32;
    (line, col + delta)
}

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn initialize_advertises_capabilities_and_exits_cleanly() {
    let (c, init) = Client::start();
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["textDocumentSync"]["change"], 1, "full sync: {caps}");
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["definitionProvider"], true);
    assert_eq!(caps["documentSymbolProvider"], true);
    assert_eq!(caps["documentFormattingProvider"], true);
    assert_eq!(
        caps["completionProvider"]["triggerCharacters"],
        json!(["."])
    );
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let (mut c, _) = Client::start();
    c.notify("exit", Value::Null);
    c.stdin = None;
    assert_eq!(c.child.wait().unwrap().code(), Some(1));
}

const TYPE_ERROR: &str = "fn main() do\n  let n :: Int = \"snow\"\n  println(\"${n}\")\nend\n";

#[test]
fn diagnostics_match_the_cli_and_clear_when_fixed() {
    let dir = scratch_dir("lsp", "diagnostics");
    let file = write(&dir, "prog.snow", TYPE_ERROR);
    let cli = Command::new(snowc())
        .arg(&file)
        .arg("--json")
        .arg("--emit-c")
        .arg(dir.join("out.c"))
        .output()
        .unwrap();
    assert_eq!(cli.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&cli.stderr);
    let want: Value = serde_json::from_str(stderr.lines().next().unwrap()).unwrap();

    let (mut c, _) = Client::start();
    c.open(&file, TYPE_ERROR);
    let diags = c.diagnostics(&file);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d["code"], want["code"]);
    assert_eq!(d["code"], "E0001");
    assert_eq!(d["message"], want["message"]);
    assert_eq!(
        d["message"],
        "type mismatch: expected `Int`, found `String`"
    );
    assert_eq!(d["severity"], 1);
    let span = &want["spans"][0];
    let col = |k: &str| span[k].as_u64().unwrap() - 1;
    assert_eq!(
        d["range"],
        json!({"start": {"line": col("line"), "character": col("column")},
               "end": {"line": col("end_line"), "character": col("end_column")}})
    );
    assert_eq!(d["range"]["start"], json!({"line": 1, "character": 17}));

    c.change(&file, 2, &TYPE_ERROR.replace("\"snow\"", "4"));
    assert_eq!(c.diagnostics(&file), Vec::<Value>::new());
    // A syntax error is reported too (no code), then fixed again.
    c.change(&file, 3, "fn main() do\n  let n = \nend\n");
    let d = c.diagnostics(&file);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], Value::Null);
    c.change(&file, 4, "fn main() do\nend\n");
    assert_eq!(c.diagnostics(&file), Vec::<Value>::new());
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn diagnostic_columns_count_utf16_units() {
    let dir = scratch_dir("lsp", "utf16");
    // `𝄞` is 4 bytes, 2 UTF-16 units and 1 character.
    let text = "fn main() do\n  let n :: Int = #= 𝄞é =# \"x\"\n  println(\"${n}\")\nend\n";
    let file = write(&dir, "prog.snow", text);
    let (mut c, _) = Client::start();
    c.open(&file, text);
    let d = c.diagnostics(&file);
    assert_eq!(d.len(), 1, "{d:?}");
    let line = text.lines().nth(1).unwrap();
    let byte = line.find("\"x\"").unwrap();
    assert_eq!(
        d[0]["range"]["start"],
        json!({"line": 1, "character": byte - 3})
    );
    assert_eq!(d[0]["range"]["end"], json!({"line": 1, "character": byte}));
    assert_eq!(c.finish(), Some(0));
}

const PROGRAM: &str = "\
fn add(a :: Int, b :: Int) -> Int = a + b

fn main() do
  let total = add(1, 2)
  let n = String.length(\"snow\")
  let xs = List.map([1, 2], fn x -> x * 10 end)
  println(\"${total} ${n} ${xs}\")
end
";

#[test]
fn hover_shows_inferred_types_and_signatures() {
    let dir = scratch_dir("lsp", "hover");
    let file = write(&dir, "prog.snow", PROGRAM);
    let (mut c, _) = Client::start();
    c.open(&file, PROGRAM);
    assert_eq!(c.diagnostics(&file), Vec::<Value>::new());
    let code = |s: &str| format!("```snow\n{s}\n```");
    // (text, which occurrence, characters into it, hover)
    let cases = [
        // A local at its binding and at a use; a parameter.
        ("total", 0, 1, "total: Int"),
        ("total", 1, 0, "total: Int"),
        ("xs", 1, 1, "xs: List<Int>"),
        ("a + b", 0, 0, "a: Int"),
        // A user function at a call and at its definition.
        ("add(1", 0, 1, "fn Main.add(Int, Int) -> Int"),
        ("add(a", 0, 0, "fn Main.add(Int, Int) -> Int"),
        // Stdlib functions: the signature, and the instance when generic.
        ("length", 0, 2, "fn String.length(String) -> Int"),
        (
            "map",
            0,
            0,
            "fn List.map(List<T>, (T) -> U) -> List<U>\n(List<Int>, (Int) -> Int) -> List<Int>",
        ),
        // Any expression: a call's result, a literal, a closure parameter.
        ("(1, 2)", 0, 5, "Int"),
        ("\"snow\"", 0, 1, "String"),
        ("x * 10", 0, 0, "x: Int"),
    ];
    for (what, nth, delta, want) in cases {
        let got = c.hover(&file, pos_of(PROGRAM, what, nth, delta));
        assert_eq!(got, code(want), "hover on {what:?} #{nth}");
    }

    // While the file does not parse, hover answers from the last analysis
    // in which it did.
    let broken = PROGRAM.replace("println(", "println((");
    c.change(&file, 2, &broken);
    assert_eq!(c.diagnostics(&file).len(), 1);
    assert_eq!(
        c.hover(&file, pos_of(&broken, "add(1", 0, 0)),
        code("fn Main.add(Int, Int) -> Int")
    );
    assert_eq!(c.finish(), Some(0));
}

/// A project: `main.snow` using the module `Shapes` of `shapes.snow`.
fn project(name: &str) -> PathBuf {
    let dir = scratch_dir("lsp", name);
    write(
        &dir,
        "snow.toml",
        "[package]\nname = \"shapes_app\"\nversion = \"0.1.0\"\n",
    );
    write(&dir, "main.snow", MAIN);
    write(&dir, "shapes.snow", SHAPES);
    dir
}

const MAIN: &str = "\
import Shapes
from Shapes import Point

fn main() do
  let p = Point { x: 3, y: 4 }
  let s = Shapes.Circle(2.0)
  println(\"${Shapes.area(s)} ${p.x}\")
  println(describe(p))
end

fn describe(q :: Point) -> String = \"${q.x}\"
";

const SHAPES: &str = "\
pub struct Point do
  x :: Int
  y :: Int
end

pub type Shape do
  Circle(Float)
  Square(Float)
end

pub fn area(s :: Shape) -> Float = case s do
  Circle(r) -> 3.0 * r * r
  Square(w) -> w * w
end

pub fn origin() -> Point = Point { x: 0, y: 0 }

fn square(n :: Int) -> Int = n * n
";

#[test]
fn definitions_across_a_project() {
    let dir = project("definition");
    let main = dir.join("main.snow");
    let shapes = dir.join("shapes.snow");
    let (mut c, _) = Client::start();
    c.open(&main, MAIN);
    assert_eq!(c.diagnostics(&main), Vec::<Value>::new());
    let at = |t: &str, what: &str, nth: usize| pos_of(t, what, nth, 0);
    // (what is clicked in main.snow, its definition: in shapes.snow or not,
    // and the text there)
    let cases = [
        // A function of another module file.
        (at(MAIN, "area", 0), true, at(SHAPES, "area", 0)),
        // A type, in an annotation and in a struct literal.
        (pos_of(MAIN, ":: Point", 0, 3), true, at(SHAPES, "Point", 0)),
        (at(MAIN, "Point {", 0), true, at(SHAPES, "Point", 0)),
        // A variant; a struct field.
        (at(MAIN, "Circle", 0), true, at(SHAPES, "Circle", 0)),
        (pos_of(MAIN, "p.x", 0, 2), true, at(SHAPES, "x ::", 0)),
        // A module: its file.
        (at(MAIN, "Shapes.area", 0), true, (0, 0)),
        // Locals: a `let` and a parameter; a function of the same file.
        (at(MAIN, "p))", 0), false, at(MAIN, "p =", 0)),
        (at(MAIN, "q.x", 0), false, at(MAIN, "q ::", 0)),
        (at(MAIN, "describe", 0), false, at(MAIN, "describe", 1)),
    ];
    for (from, in_shapes, (l, ch)) in cases {
        let file = if in_shapes { &shapes } else { &main };
        assert_eq!(
            c.definition(&main, from),
            (file.clone(), l, ch),
            "from {from:?}"
        );
    }

    // An open, unsaved buffer of another file overrides the disk.
    let moved = format!("\n\n{SHAPES}");
    c.open(&shapes, &moved);
    assert_eq!(c.diagnostics(&shapes), Vec::<Value>::new());
    let (l, ch) = at(&moved, "area", 0);
    assert_eq!(
        c.definition(&main, at(MAIN, "area", 0)),
        (shapes.clone(), l, ch)
    );
    assert_eq!(l, 12);
    // An error in it is reported against it when `main.snow` changes.
    c.change(&shapes, 2, &moved.replace("w * w", "w * \"w\""));
    let d = c.diagnostics(&shapes);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["range"]["start"]["line"], 14);
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn document_symbols_outline_a_file() {
    let dir = project("symbols");
    let shapes = dir.join("shapes.snow");
    let (mut c, _) = Client::start();
    c.open(&shapes, SHAPES);
    let syms = c.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&shapes)}}),
    );
    let outline = |v: &Value| -> Vec<(String, u64)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["name"].as_str().unwrap().to_string(),
                    s["kind"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let names = |list: &[(&str, u64)]| -> Vec<(String, u64)> {
        list.iter().map(|(n, k)| (n.to_string(), *k)).collect()
    };
    // LSP kinds: 23 struct, 10 enum, 12 function, 8 field, 22 enum member.
    assert_eq!(
        outline(&syms),
        names(&[
            ("Point", 23),
            ("Shape", 10),
            ("area", 12),
            ("origin", 12),
            ("square", 12)
        ])
    );
    assert_eq!(outline(&syms[0]["children"]), names(&[("x", 8), ("y", 8)]));
    assert_eq!(
        outline(&syms[1]["children"]),
        names(&[("Circle", 22), ("Square", 22)])
    );
    assert_eq!(
        syms[2]["selectionRange"]["start"],
        json!({"line": 10, "character": 7})
    );
    assert_eq!(c.finish(), Some(0));
}

fn labels(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("a completion list: {v}"))
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn completion_of_module_members() {
    let dir = project("completion");
    let main = dir.join("main.snow");
    let (mut c, _) = Client::start();
    c.open(&main, MAIN);
    assert_eq!(c.diagnostics(&main), Vec::<Value>::new());
    let typing = MAIN.replace("  println(describe(p))\n", "  String.\n  Shapes.\n");
    c.change(&main, 2, &typing);
    assert!(
        !c.diagnostics(&main).is_empty(),
        "half-typed code does not parse"
    );
    let after = |what: &str| pos_of(&typing, what, 0, what.len() as u32);
    let strings = labels(&c.at("textDocument/completion", &main, after("String.")));
    for f in ["length", "split", "trim"] {
        assert!(strings.contains(&f.to_string()), "{f} in {strings:?}");
    }
    assert!(!strings.contains(&"area".to_string()));
    let shapes = labels(&c.at("textDocument/completion", &main, after("Shapes.")));
    assert_eq!(
        shapes,
        ["Point", "Shape", "area", "origin"],
        "public items only"
    );
    // Elsewhere: keywords, the file's functions, its locals.
    let any = labels(&c.at(
        "textDocument/completion",
        &main,
        pos_of(&typing, "let s", 0, 0),
    ));
    for w in ["case", "receive", "describe", "main", "p"] {
        assert!(any.contains(&w.to_string()), "{w} in {any:?}");
    }
    assert_eq!(c.finish(), Some(0));
}

/// Runs `snowc fmt` (built by the formatter's branch); passes once both are
/// merged.
#[test]
fn lsp_formatting() {
    let dir = scratch_dir("lsp", "formatting");
    let text = "fn add(a,b) do\na+b\nend\n";
    let file = write(&dir, "prog.snow", text);
    let (mut c, _) = Client::start();
    c.open(&file, text);
    let edits = c.result(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri(&file)},
               "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(edits.as_array().map(Vec::len), Some(1), "{edits}");
    assert_eq!(edits[0]["newText"], "fn add(a, b) do\n  a + b\nend\n");
    assert_eq!(
        edits[0]["range"],
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 3, "character": 0}})
    );
    let four = c.result(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri(&file)},
               "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    assert_eq!(four[0]["newText"], "fn add(a, b) do\n    a + b\nend\n");
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn garbage_does_not_kill_the_server() {
    let (mut c, _) = Client::start();
    // Malformed JSON: a parse error with a null id.
    c.send_raw(b"Content-Length: 9\r\n\r\n{\"oops\": ");
    let r = c.response(Value::Null);
    assert_eq!(r["error"]["code"], -32700, "{r}");
    // Valid JSON that is not a message.
    c.send_raw(b"Content-Length: 2\r\n\r\n[]");
    let r = c.response(Value::Null);
    assert_eq!(r["error"]["code"], -32700, "{r}");
    // An unknown method: method not found.
    let r = c.request(
        "snow/unknown",
        json!({"textDocument": {"uri": "file:///x.snow"}}),
    );
    assert_eq!(r["error"]["code"], -32601, "{r}");
    // Bad params.
    let r = c.request("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // Unknown notifications are ignored; a hover on a file never opened
    // reads it from disk.
    c.notify("snow/whatever", json!([1, 2]));
    let dir = scratch_dir("lsp", "garbage");
    let file = write(&dir, "prog.snow", PROGRAM);
    assert_eq!(
        c.hover(&file, pos_of(PROGRAM, "total", 0, 0)),
        "```snow\ntotal: Int\n```"
    );
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn bad_and_half_typed_input_never_crashes() {
    let dir = scratch_dir("lsp", "fuzz");
    let file = write(&dir, "prog.snow", "");
    let (mut c, _) = Client::start();
    c.open(&file, "");
    c.diagnostics(&file);
    // Every prefix of a program, and some noise, as successive edits; each
    // gets diagnostics, and requests at its end still answer.
    let mut texts: Vec<String> = (0..PROGRAM.len())
        .step_by(7)
        .map(|n| PROGRAM[..n].to_string())
        .collect();
    texts.push("\u{0}\u{feff}😀 fn fn ( \"${".to_string());
    texts.push("fn main() do\n  let x = y.z.w(\n".to_string());
    for (v, t) in texts.iter().enumerate() {
        c.change(&file, v as i32 + 2, t);
        c.diagnostics(&file);
        let end = pos_of(&format!("{t}\u{1}"), "\u{1}", 0, 0);
        for m in [
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/completion",
        ] {
            let r = c.request(
                m,
                json!({"textDocument": {"uri": uri(&file)},
                       "position": {"line": end.0, "character": end.1}}),
            );
            assert!(r.get("error").is_none(), "{m} on {t:?}: {r}");
        }
    }
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn grammar_keywords_match_the_lexer() {
    let path = repo_root().join("editors/snow.tmLanguage.json");
    let text = std::fs::read_to_string(&path).expect("the grammar exists");
    let g: Value = serde_json::from_str(&text).expect("the grammar is valid JSON");
    assert_eq!(g["scopeName"], "source.snow");
    // Each pattern is `(?<!\.)\b(?:a|b|...)\b` (a word after `.` is a
    // member name); all their alternatives, sorted.
    let mut grammar: Vec<&str> = Vec::new();
    for p in g["repository"]["keywords"]["patterns"].as_array().unwrap() {
        let m = p["match"].as_str().expect("a match pattern");
        let inner = m
            .strip_prefix("(?<!\\.)\\b(?:")
            .and_then(|s| s.strip_suffix(")\\b"))
            .unwrap_or_else(|| panic!("unexpected keyword pattern {m}"));
        grammar.extend(inner.split('|'));
    }
    grammar.sort();
    let mut lexer: Vec<&str> = snowc::syntax::token::keywords().collect();
    lexer.sort();
    assert_eq!(grammar, lexer);
    // The VS Code extension points at this grammar.
    let pkg: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("editors/vscode/package.json")).unwrap(),
    )
    .expect("package.json is valid JSON");
    let g = &pkg["contributes"]["grammars"][0];
    assert_eq!(g["scopeName"], "source.snow");
    let grammar_file = repo_root()
        .join("editors/vscode")
        .join(g["path"].as_str().unwrap());
    // A copy (an installed extension cannot reach outside its folder).
    let copy = std::fs::read_to_string(&grammar_file).expect("the extension's grammar");
    assert_eq!(
        copy,
        text,
        "{} differs from editors/snow.tmLanguage.json",
        grammar_file.display()
    );
}

/// Recording for the editor changes nothing the checker decides: on every
/// program of `tests/e2e` and `tests/compile_fail` (one file each, as
/// `snowc FILE` compiles it), the indexed check gives the same outcome and
/// diagnostics as the plain one, and its records point inside the file.
#[test]
fn indexing_does_not_change_checking() {
    use snowc::diag::{Diagnostic, SourceFile, SourceMap};
    let shown = |d: &[Diagnostic]| -> Vec<String> {
        d.iter()
            .map(|d| format!("{:?} {} {:?} {:?}", d.code, d.short(), d.labels, d.notes))
            .collect()
    };
    let work = move || {
        snowc::stack::set_size(256 << 20);
        let mut checked = 0;
        for dir in ["e2e", "compile_fail"] {
            for (name, path) in common::programs(&common::tests_dir(dir)) {
                let text = std::fs::read_to_string(&path).unwrap();
                let mut sources = SourceMap::default();
                sources.add(SourceFile {
                    path: name.clone(),
                    module: "Main".into(),
                    text: text.clone(),
                });
                snowc::prelude::add_to(&mut sources);
                let Ok(parsed) = snowc::syntax::parse_all(&sources) else {
                    continue;
                };
                let plain = snowc::types::check_program(&sources, &parsed);
                let (indexed, index) = snowc::types::check_program_indexed(&sources, &parsed);
                let (a, b) = match (&plain, &indexed) {
                    (Ok((_, a)), Ok((_, b))) | (Err(a), Err(b)) => (shown(a), shown(b)),
                    _ => panic!("{dir}/{name}: the outcome differs"),
                };
                assert_eq!(a, b, "{dir}/{name}");
                for n in &index.nodes {
                    assert_eq!(n.pos.file.0, 0, "{dir}/{name}: a record outside the file");
                    assert!(n.pos.span.end as usize <= text.len(), "{dir}/{name}");
                }
                checked += 1;
            }
        }
        checked
    };
    let checked = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(work)
        .unwrap()
        .join()
        .unwrap();
    assert!(checked > 400, "{checked} programs checked");
}

/// A directory with `main.snow` (no `snow.toml`) is a project too: a change
/// to one module re-checks the others, whose diagnostics follow.
#[test]
fn a_change_in_one_module_rechecks_the_project() {
    let dir = scratch_dir("lsp", "main_project");
    let main_text = "import Util\n\nfn main() do\n  println(\"${Util.twice(\"x\")}\")\nend\n";
    let util_text = "pub fn twice(n :: Int) -> Int = n * 2\n";
    let main = write(&dir, "main.snow", main_text);
    let util = write(&dir, "util.snow", util_text);
    let (mut c, _) = Client::start();
    c.open(&main, main_text);
    let d = c.diagnostics(&main);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "E0001");
    // Fixing the callee (unsaved) clears the caller's error.
    c.open(&util, util_text);
    assert_eq!(c.diagnostics(&util), Vec::<Value>::new());
    assert_eq!(
        c.diagnostics(&main).len(),
        1,
        "every file of the project is published"
    );
    c.change(&util, 2, "pub fn twice(s :: String) -> String = s <> s\n");
    assert_eq!(c.diagnostics(&main), Vec::<Value>::new());
    assert_eq!(c.diagnostics(&util), Vec::<Value>::new());
    // Closing the buffer goes back to the file on disk.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri(&util)}}),
    );
    assert_eq!(c.diagnostics(&main).len(), 1);
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn arguments() {
    let run = |args: &[&str]| {
        let out = Command::new(snowc())
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = run(&["lsp", "--bogus"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("`snowc lsp` takes no arguments"), "{err}");
    // `--stdio` (which editors' clients pass) is accepted; input that ends
    // before `initialize` ends the server with status 1.
    assert_eq!(run(&["lsp", "--stdio"]).0, Some(1));
}

/// A project with a path dependency: its modules are checked with the
/// project, and a definition leads into the dependency's file.
#[test]
fn definitions_into_a_path_dependency() {
    let top = scratch_dir("lsp", "dependency");
    let lib = top.join("geometry");
    write(
        &lib,
        "snow.toml",
        "[package]\nname = \"geometry\"\nversion = \"1.0.0\"\n",
    );
    let shapes_text = "pub fn double(n :: Int) -> Int = n * 2\n";
    let shapes = write(&lib, "geometry/shapes.snow", shapes_text);
    let app = top.join("app");
    write(
        &app,
        "snow.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\ngeometry = { path = \"../geometry\" }\n",
    );
    let main_text =
        "import Geometry.Shapes\n\nfn main() do\n  println(\"${Shapes.double(21)}\")\nend\n";
    let main = write(&app, "main.snow", main_text);
    let (mut c, _) = Client::start();
    c.open(&main, main_text);
    assert_eq!(c.diagnostics(&main), Vec::<Value>::new());
    let (file, l, ch) = c.definition(&main, pos_of(main_text, "double", 0, 0));
    assert_eq!(
        (file.canonicalize().unwrap(), l, ch),
        (shapes.canonicalize().unwrap(), 0, 7)
    );
    assert_eq!(
        c.hover(&main, pos_of(main_text, "double", 0, 0)),
        "```snow\nfn Geometry.Shapes.double(Int) -> Int\n```"
    );
    // `Shapes.` completes through the import of `Geometry.Shapes`.
    let typing = main_text.replace("end\n", "  Shapes.\nend\n");
    c.change(&main, 2, &typing);
    let at = pos_of(&typing, "  Shapes.", 0, 9);
    assert_eq!(
        labels(&c.at("textDocument/completion", &main, at)),
        ["double"]
    );
    assert_eq!(c.finish(), Some(0));
}

/// While the file does not parse, position requests are answered from the
/// last analysis in which it did, the cursor and the answers' ranges
/// mapped between the two texts; names in the edited part get no answer.
#[test]
fn lsp_answers_from_the_last_parse_map_positions() {
    let dir = scratch_dir("lsp", "stale_positions");
    let file = write(&dir, "prog.snow", PROGRAM);
    let (mut c, _) = Client::start();
    c.open(&file, PROGRAM);
    assert_eq!(c.diagnostics(&file), Vec::<Value>::new());
    // A line inserted above: everything after it moved down.
    let broken = PROGRAM.replace("fn main() do\n", "fn main() do\n  let oops = (\n");
    c.change(&file, 2, &broken);
    assert_eq!(c.diagnostics(&file).len(), 1);
    let use_of_total = pos_of(&broken, "total}", 0, 1);
    let h = c.at("textDocument/hover", &file, use_of_total);
    assert_eq!(h["contents"]["value"], "```snow\ntotal: Int\n```", "{h}");
    let (l, ch) = pos_of(&broken, "total}", 0, 0);
    assert_eq!(
        h["range"],
        json!({"start": {"line": l, "character": ch}, "end": {"line": l, "character": ch + 5}})
    );
    assert_eq!(
        c.definition(&file, use_of_total),
        (file.clone(), pos_of(&broken, "total =", 0, 0).0, 6)
    );
    // Before the edit: unchanged.
    assert_eq!(
        c.hover(&file, pos_of(&broken, "a + b", 0, 0)),
        "```snow\na: Int\n```"
    );
    // Inside the edit: nothing (not what was there before).
    assert_eq!(
        c.at("textDocument/hover", &file, pos_of(&broken, "oops", 0, 1)),
        Value::Null
    );
    let renamed = PROGRAM.replace("add(1, 2)", "adx(1, 2");
    c.change(&file, 3, &renamed);
    assert_eq!(c.diagnostics(&file).len(), 1);
    for m in ["textDocument/hover", "textDocument/definition"] {
        let at = c.at(m, &file, pos_of(&renamed, "adx", 0, 1));
        assert_eq!(at, Value::Null, "{m}");
    }
    assert_eq!(c.finish(), Some(0));
}

/// A project whose files cannot be gathered (a broken `snow.toml`, a
/// missing dependency) gets that error, not errors from checking the file
/// on its own; fixing it clears it.
#[test]
fn lsp_a_broken_manifest_is_reported() {
    let dir = scratch_dir("lsp", "broken_manifest");
    let main_text = "import Geo\n\nfn main() do\n  println(\"${Geo.double(2)}\")\nend\n";
    let main = write(&dir, "main.snow", main_text);
    write(&dir, "geo.snow", "pub fn double(n :: Int) -> Int = n * 2\n");
    let good = "[package]\nname = \"app\"\nversion = \"0.1.0\"\n";
    write(&dir, "snow.toml", "[package\nname = \"app\"\n");
    let (mut c, _) = Client::start();
    c.open(&main, main_text);
    let d = c.diagnostics(&main);
    assert_eq!(d.len(), 1, "{d:?}");
    let message = d[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("cannot load the project in"),
        "{message}"
    );
    assert!(message.contains("snow.toml"), "{message}");
    assert_eq!(d[0]["range"]["start"], json!({"line": 0, "character": 0}));
    // A dependency that is not there.
    let missing = format!("{good}\n[dependencies]\nnope = {{ path = \"../nope\" }}\n");
    write(&dir, "snow.toml", &missing);
    c.change(&main, 2, main_text);
    let d = c.diagnostics(&main);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0]["message"].as_str().unwrap().contains("nope"), "{d:?}");
    write(&dir, "snow.toml", good);
    c.change(&main, 3, main_text);
    assert_eq!(c.diagnostics(&main), Vec::<Value>::new());
    assert_eq!(c.finish(), Some(0));
}

#[test]
fn lsp_request_errors() {
    let dir = scratch_dir("lsp", "request_errors");
    let file = write(&dir, "prog.snow", PROGRAM);
    let (mut c, _) = Client::start();
    c.open(&file, PROGRAM);
    c.diagnostics(&file);
    // A method without a document is still unknown, not malformed.
    let r = c.request("workspace/symbol", json!({"query": ""}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    // A malformed position is invalid, not the start of the file.
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&file)}, "position": {"line": -1}}),
    );
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // Another machine's file.
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file://otherhost/tmp/x.snow"},
               "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let m = r["error"]["message"].as_str().unwrap();
    assert!(m.contains("is not a local file"), "{m}");
    // Tabs cannot be asked for.
    let r = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri(&file)},
               "options": {"tabSize": 4, "insertSpaces": false}}),
    );
    assert_eq!(r["error"]["code"], -32803, "{r}");
    let m = r["error"]["message"].as_str().unwrap();
    assert!(m.contains("insertSpaces"), "{m}");
    assert_eq!(c.finish(), Some(0));
}

const SERVICE: &str = "\
service Stack do
  fn init() -> List<String> do
    []
  end
  cast Push(item :: String) do |items|
    [item] ++ items
  end
end

interface Describe do
  fn describe(self) -> String
end

struct Dog do
  name :: String
end

impl Describe for Dog do
  fn describe(self) -> String = \"dog ${self.name}\"
end

fn main() do
  let s = Stack.start()
  Stack.push(s, \"snow\")
  let d = Dog { name: \"rex\" }
  println(\"${d.describe()} ${describe(d)}\")
end
";

/// Services are desugared by the compiler; what an editor shows of them
/// uses the names written (a handler stands for its client function).
/// Interface methods lead to the interface.
#[test]
fn lsp_services_and_interface_methods() {
    let dir = scratch_dir("lsp", "services");
    let file = write(&dir, "prog.snow", SERVICE);
    let (mut c, _) = Client::start();
    c.open(&file, SERVICE);
    assert_eq!(c.diagnostics(&file), Vec::<Value>::new());
    let code = |s: &str| format!("```snow\n{s}\n```");
    let push = "fn Main.Stack.push(Pid<()>, String) -> ()";
    let describe = "fn Main.Describe.describe(Dog) -> String";
    // (text, occurrence, hover, the text of its range, definition's text)
    let cases = [
        ("Push", 0, push, "Push", ("Push", 0)),
        ("push", 0, push, "Stack.push", ("Push", 0)),
        ("items", 0, "items: List<String>", "items", ("items", 0)),
        ("items", 1, "items: List<String>", "items", ("items", 0)),
        (
            "start",
            0,
            "fn Main.Stack.start() -> Pid<()>",
            "Stack.start",
            ("init", 0),
        ),
        (
            "init",
            0,
            "fn Main.Stack.init() -> List<String>",
            "init",
            ("init", 0),
        ),
        ("describe()", 0, describe, "d.describe", ("describe", 0)),
        ("describe(d)", 0, describe, "describe(d)", ("describe", 0)),
    ];
    for (what, nth, want, range, (def, def_nth)) in cases {
        let at = pos_of(SERVICE, what, nth, 1);
        let h = c.at("textDocument/hover", &file, at);
        assert_eq!(
            h["contents"]["value"],
            code(want),
            "hover on {what:?} #{nth}"
        );
        let (l, ch) = pos_of(SERVICE, range, 0, 0);
        let (l, ch) = if range == what {
            pos_of(SERVICE, what, nth, 0)
        } else {
            (l, ch)
        };
        let len = range.split('(').next().unwrap().len() as u32;
        assert_eq!(
            h["range"],
            json!({"start": {"line": l, "character": ch}, "end": {"line": l, "character": ch + len}}),
            "range of {what:?}"
        );
        assert_eq!(
            c.definition(&file, at),
            (
                file.clone(),
                pos_of(SERVICE, def, def_nth, 0).0,
                pos_of(SERVICE, def, def_nth, 0).1
            ),
            "definition of {what:?} #{nth}"
        );
    }
    // Nowhere in the file does a compiler-made name show.
    let lines: Vec<&str> = SERVICE.lines().collect();
    for (l, line) in lines.iter().enumerate() {
        for ch in 0..=line.len() as u32 {
            let h = c.at("textDocument/hover", &file, (l as u32, ch));
            assert!(!h.to_string().contains("__"), "at {l}:{ch}: {h}");
        }
    }
    assert_eq!(c.finish(), Some(0));
}

/// The module named by an `import` has a hover and a definition.
#[test]
fn lsp_imported_module_names() {
    let dir = project("import_names");
    let main = dir.join("main.snow");
    let (mut c, _) = Client::start();
    c.open(&main, MAIN);
    assert_eq!(c.diagnostics(&main), Vec::<Value>::new());
    let at = pos_of(MAIN, "Shapes", 0, 2);
    assert_eq!(c.hover(&main, at), "```snow\nmodule Shapes\n```");
    assert_eq!(c.definition(&main, at), (dir.join("shapes.snow"), 0, 0));
    let at = pos_of(MAIN, "Shapes import", 0, 2);
    assert_eq!(c.definition(&main, at), (dir.join("shapes.snow"), 0, 0));
    assert_eq!(c.finish(), Some(0));
}

/// A project module's functions complete with their checked signatures;
/// elsewhere only the locals bound before the cursor in the function
/// around it are offered.
#[test]
fn lsp_completion_details_and_scopes() {
    let dir = project("completion_scopes");
    let main = dir.join("main.snow");
    let (mut c, _) = Client::start();
    c.open(&main, MAIN);
    assert_eq!(c.diagnostics(&main), Vec::<Value>::new());
    let typing = MAIN.replace("  println(describe(p))\n", "  Shapes.\n");
    c.change(&main, 2, &typing);
    assert!(!c.diagnostics(&main).is_empty());
    let items = c.at(
        "textDocument/completion",
        &main,
        pos_of(&typing, "Shapes.\n", 0, 7),
    );
    let area = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "area")
        .unwrap_or_else(|| panic!("area in {items}"));
    assert_eq!(area["detail"], "(Shape) -> Float");
    let has = |list: &[String], w: &str| list.contains(&w.to_string());
    // In `main`, before `let s`: `p` only.
    let in_main = labels(&c.at(
        "textDocument/completion",
        &main,
        pos_of(&typing, "let s", 0, 0),
    ));
    assert!(
        has(&in_main, "p") && has(&in_main, "describe"),
        "{in_main:?}"
    );
    assert!(!has(&in_main, "q") && !has(&in_main, "s"), "{in_main:?}");
    // In `describe`: its parameter only.
    let in_describe = labels(&c.at(
        "textDocument/completion",
        &main,
        pos_of(&typing, "q.x", 0, 0),
    ));
    assert!(
        has(&in_describe, "q") && has(&in_describe, "main"),
        "{in_describe:?}"
    );
    assert!(!has(&in_describe, "p"), "{in_describe:?}");
    assert_eq!(c.finish(), Some(0));
}

const QUALIFIED: &str = "\
module Db do
  pub struct Item do
    id :: Int
  end deriving(Row)

  pub type Kind do
    Part(Int)
    Tool
  end
end

fn kind(k :: Db.Kind) -> Int do
  case k do
    Db.Kind.Part(n) -> n
    Db.Kind.Tool -> 0
  end
end

fn main() do
  let r = Db.Item.from_row(%{\"id\" => \"1\"})
  println(\"${kind(Db.Kind.Part(2))} ${Result.is_ok(r)}\")
end
";

/// Each segment of a qualified type name leads to what it names, in
/// expressions (`Db.Item.from_row`) and in patterns (`Db.Kind.Part(n)`).
#[test]
fn lsp_qualified_type_names() {
    let dir = scratch_dir("lsp", "qualified");
    let file = write(&dir, "prog.snow", QUALIFIED);
    let (mut c, _) = Client::start();
    c.open(&file, QUALIFIED);
    assert_eq!(c.diagnostics(&file), Vec::<Value>::new());
    let at = |what: &str, nth: usize, delta: u32| pos_of(QUALIFIED, what, nth, delta);
    // (what is clicked, the text of its definition)
    let cases = [
        (at("Db.Item.from_row", 0, 3), at("Item do", 0, 0)),
        (at("Db.Item.from_row", 0, 0), at("Db do", 0, 0)),
        (at("Db.Kind.Part(n)", 0, 3), at("Kind do", 0, 0)),
        (at("Db.Kind.Part(n)", 0, 0), at("Db do", 0, 0)),
        (at("Db.Kind.Part(n)", 0, 8), at("Part(Int)", 0, 0)),
        (at("Db.Kind.Tool ->", 0, 4), at("Kind do", 0, 0)),
        (at("Db.Kind.Part(2)", 0, 3), at("Kind do", 0, 0)),
    ];
    for (from, (l, ch)) in cases {
        assert_eq!(
            c.definition(&file, from),
            (file.clone(), l, ch),
            "from {from:?}"
        );
    }
    let h = c.hover(&file, at("Db.Item.from_row", 0, 3));
    assert_eq!(h, "```snow\ntype Main.Db.Item\n```");
    assert_eq!(c.finish(), Some(0));
}

/// A `snow.toml` for package `name` with the `[dependencies]` lines `deps`.
fn package_toml(name: &str, deps: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n\n[dependencies]\n{deps}")
}

/// `git ARGS` in `dir`, with a fixed identity and no user configuration.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The server never writes into the project nor fetches: a git dependency
/// that is not locked and fetched yet is reported on `snow.toml` (and the
/// project is not checked) until `snowc build` has fetched it; a changed
/// reference is not resolved again, `snow.lock` stays as it was.
#[test]
fn lsp_git_dependencies_are_never_fetched() {
    let top = scratch_dir("lsp", "git_dependency");
    let repo = top.join("repo");
    write(&repo, "snow.toml", &package_toml("textkit", ""));
    let words = "pub fn tag() -> String = \"one\"\n";
    write(&repo, "textkit/words.snow", words);
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "one"]);
    git(&repo, &["tag", "v1.0.0"]);
    let app = top.join("app");
    let manifest = |tag: &str| {
        let dep = format!(
            "textkit = {{ git = \"{}\", tag = \"{tag}\" }}\n",
            repo.display()
        );
        package_toml("app", &dep)
    };
    let toml = write(&app, "snow.toml", &manifest("v1.0.0"));
    let main_text = "import Textkit.Words\n\nfn main() do\n  println(Words.tag())\nend\n";
    let main = write(&app, "main.snow", main_text);
    let cache = top.join("cache");
    let mut c = Client::start_cached(&cache);
    c.open(&main, main_text);
    let d = c.diagnostics(&main);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0]["message"]
        .as_str()
        .unwrap()
        .contains("cannot load the project"));
    let d = c.diagnostics(&toml);
    assert_eq!(d.len(), 1, "{d:?}");
    let message = d[0]["message"].as_str().unwrap();
    assert!(message.contains("textkit"), "{message}");
    assert!(
        message.contains("run `snowc build` or `snowc update`"),
        "{message}"
    );
    assert_eq!(d[0]["range"]["start"], json!({"line": 5, "character": 0}));
    assert!(
        !app.join("snow.lock").exists(),
        "the server wrote snow.lock"
    );
    assert!(!cache.join("snow").exists(), "the server fetched");

    // Fetched by a build: the project loads on the next event.
    let built = Command::new(snowc())
        .args(["build"])
        .current_dir(&app)
        .env("XDG_CACHE_HOME", &cache)
        .output()
        .unwrap();
    assert!(built.status.success(), "{built:?}");
    let lock = std::fs::read_to_string(app.join("snow.lock")).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&app.join("snow.lock")), "type": 1}]}),
    );
    assert_eq!(c.diagnostics(&main), Vec::<Value>::new());
    assert_eq!(c.diagnostics(&toml), Vec::<Value>::new());
    let (file, l, ch) = c.definition(&main, pos_of(main_text, "tag", 0, 0));
    assert!(file.starts_with(cache.join("snow")), "{file:?}");
    assert_eq!(
        (std::fs::read_to_string(&file).unwrap(), l, ch),
        (words.to_string(), 0, 7)
    );

    // Another tag: not resolved (nothing fetched, the lock unchanged).
    git(&repo, &["tag", "v2.0.0"]);
    std::fs::write(&toml, manifest("v2.0.0")).unwrap();
    c.change(&main, 2, main_text);
    assert_eq!(c.diagnostics(&main).len(), 1);
    let d = c.diagnostics(&toml);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0]["message"].as_str().unwrap().contains("tag v2.0.0"),
        "{d:?}"
    );
    assert_eq!(
        std::fs::read_to_string(app.join("snow.lock")).unwrap(),
        lock
    );
    assert_eq!(c.finish(), Some(0));
}

/// The project's files are gathered once, not on every change: a module
/// file added behind the server's back (its directory's time kept) is not
/// seen until an event says files changed; a changed `snow.toml` is
/// noticed by its time and size.
#[test]
fn lsp_project_files_are_kept_between_changes() {
    let dir = scratch_dir("lsp", "kept_files");
    write(&dir, "snow.toml", &package_toml("app", ""));
    let main_text = "fn main() do\n  println(\"hi\")\nend\n";
    let main = write(&dir, "main.snow", main_text);
    let watching = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let (mut c, _) = Client::start_with(Command::new(snowc()), watching);
    c.open(&main, main_text);
    assert_eq!(c.diagnostics(&main), Vec::<Value>::new());
    // The client is asked to report changes to the project's files.
    let asked = c
        .pending
        .iter()
        .find(|m| m["method"] == "client/registerCapability");
    let watchers = &asked.expect("registerCapability")["params"]["registrations"][0];
    assert_eq!(watchers["method"], "workspace/didChangeWatchedFiles");
    let globs = &watchers["registerOptions"]["watchers"];
    assert_eq!(globs[2], json!({"globPattern": "**/snow.lock"}), "{globs}");
    let modified = std::fs::metadata(&dir).unwrap().modified().unwrap();
    write(&dir, "extra.snow", "pub fn one() -> Int = 1\n");
    let d = std::fs::File::open(&dir).unwrap();
    d.set_modified(modified).unwrap();
    let using = "import Extra\n\nfn main() do\n  println(\"${Extra.one()}\")\nend\n";
    c.change(&main, 2, using);
    let d = c.diagnostics(&main);
    assert_eq!(d[0]["code"], "E0031", "{d:?}");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&dir.join("extra.snow")), "type": 1}]}),
    );
    assert_eq!(c.diagnostics(&main), Vec::<Value>::new());
    // A broken manifest is noticed without an event.
    write(&dir, "snow.toml", "[package\n");
    c.change(&main, 3, using);
    let d = c.diagnostics(&main);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap()
            .contains("cannot load the project"),
        "{d:?}"
    );
    assert_eq!(c.finish(), Some(0));
}

const FROM_MAIN: &str = "\
from Shapes import area, origin, Shape, Point

fn main() do
  let s :: Shape = Circle(2.0)
  let p :: Point = origin()
  println(\"${area(s)} ${p.x}\")
end
";

/// Names brought in by `from M import ...` lead to their declarations,
/// from their uses and from the `from` line itself.
#[test]
fn lsp_definitions_of_from_imported_names() {
    let dir = project("from_import");
    write(&dir, "main.snow", FROM_MAIN);
    let main = dir.join("main.snow");
    let shapes = dir.join("shapes.snow");
    let (mut c, _) = Client::start();
    c.open(&main, FROM_MAIN);
    assert_eq!(c.diagnostics(&main), Vec::<Value>::new());
    let at = |t: &str, what: &str, nth: usize| pos_of(t, what, nth, 1);
    let cases = [
        (at(FROM_MAIN, "area", 0), "area"),
        (at(FROM_MAIN, "area", 1), "area"),
        (at(FROM_MAIN, "origin", 0), "origin"),
        (at(FROM_MAIN, "origin", 1), "origin"),
        (at(FROM_MAIN, "Shape", 1), "Shape do"),
        (at(FROM_MAIN, "Shape", 2), "Shape do"),
        (at(FROM_MAIN, "Point", 0), "Point do"),
        (at(FROM_MAIN, "Circle", 0), "Circle"),
    ];
    for (from, what) in cases {
        let (l, ch) = pos_of(SHAPES, what, 0, 0);
        assert_eq!(
            c.definition(&main, from),
            (shapes.clone(), l, ch),
            "from {from:?}"
        );
    }
    // The imported function's hover, on the `from` line too.
    assert_eq!(
        c.hover(&main, at(FROM_MAIN, "area", 0)),
        "```snow\nfn Shapes.area(Shape) -> Float\n```"
    );
    assert_eq!(c.finish(), Some(0));
}

const STDLIB_USE: &str = "\
from List import map

fn main() do
  let xs = map([1, 2], fn(x) -> x * 2 end)
  println(\"${List.filter(xs, fn(x) -> x > 2 end)} ${String.length(\"ab\")}\")
end
";

/// The stdlib modules written in Snow have no file of the user's: their
/// definitions lead into a read-only copy in the cache, which gets no
/// diagnostics of its own when opened; runtime functions lead nowhere.
#[test]
fn lsp_definitions_into_the_stdlib_written_in_snow() {
    let dir = scratch_dir("lsp", "stdlib_definitions");
    let file = write(&dir, "prog.snow", STDLIB_USE);
    let cache = dir.join("cache");
    let mut c = Client::start_cached(&cache);
    c.open(&file, STDLIB_USE);
    assert_eq!(c.diagnostics(&file), Vec::<Value>::new());
    let list = std::fs::read_to_string(repo_root().join("snowc/src/prelude/list.snow")).unwrap();
    for (from, what) in [
        (pos_of(STDLIB_USE, "map", 0, 1), "map(xs, f)"),
        (pos_of(STDLIB_USE, "map", 1, 1), "map(xs, f)"),
        (pos_of(STDLIB_USE, "filter", 0, 1), "filter(xs, p)"),
    ] {
        let (copy, l, ch) = c.definition(&file, from);
        assert!(copy.starts_with(cache.join("snow")), "{copy:?}");
        assert_eq!(copy.file_name().unwrap(), "list.snow");
        assert_eq!(std::fs::read_to_string(&copy).unwrap(), list);
        assert!(std::fs::metadata(&copy).unwrap().permissions().readonly());
        assert_eq!((l, ch), pos_of(&list, what, 0, 0), "from {from:?}");
    }
    let at = pos_of(STDLIB_USE, "length", 0, 1);
    assert_eq!(c.at("textDocument/definition", &file, at), Value::Null);
    // Opened, the copy is not checked as a program (no `main`).
    let (copy, _, _) = c.definition(&file, pos_of(STDLIB_USE, "map", 0, 1));
    c.open(&copy, &list);
    c.hover(&file, pos_of(STDLIB_USE, "xs", 0, 0));
    let copy_uri = uri(&copy);
    assert!(
        !c.pending.iter().any(|m| m["params"]["uri"] == copy_uri),
        "{:?}",
        c.pending
    );
    assert_eq!(c.finish(), Some(0));
}
