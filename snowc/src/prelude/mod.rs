//! Standard-library modules written in Snow. They are compiled with every
//! program (only the instances a program uses reach the C output).

/// (module name, display path, source)
pub const FILES: &[(&str, &str, &str)] = &[
    ("List", "<prelude>/list.snow", include_str!("list.snow")),
    ("Range", "<prelude>/range.snow", include_str!("range.snow")),
    (
        "Option",
        "<prelude>/option.snow",
        include_str!("option.snow"),
    ),
    (
        "Result",
        "<prelude>/result.snow",
        include_str!("result.snow"),
    ),
    ("Job", "<prelude>/job.snow", include_str!("job.snow")),
];

/// The database modules whose `query_as` is `query_as.snow` over their
/// own `query`. A module whose `query(conn, sql, params)` returns
/// `Result<List<Map<String, String>>, String>` gets `M.query_as` by adding
/// its name here (and a line for it in the reference's function list):
/// `Pg` and `Pool` join this way.
pub const QUERY_AS: &[&str] = &["Sqlite", "Pg", "Pool"];

/// The placeholder in `query_as.snow` for the module's name.
const QUERY_AS_MODULE: &str = "DB.";

/// Add the prelude's files to `sources`: `FILES`, with `query_as` appended
/// to the file of each `QUERY_AS` module (or as its only file).
pub fn add_to(sources: &mut crate::diag::SourceMap) {
    let query_as =
        |m: &str| include_str!("query_as.snow").replace(QUERY_AS_MODULE, &format!("{m}."));
    for (module, path, text) in FILES {
        let mut text = text.to_string();
        if QUERY_AS.contains(module) {
            text.push_str(&query_as(module));
        }
        sources.add(crate::diag::SourceFile {
            path: path.to_string(),
            module: module.to_string(),
            text,
        });
    }
    for module in QUERY_AS
        .iter()
        .filter(|m| !FILES.iter().any(|f| f.0 == **m))
    {
        sources.add(crate::diag::SourceFile {
            path: format!("<prelude>/{}_query_as.snow", module.to_lowercase()),
            module: module.to_string(),
            text: query_as(module),
        });
    }
}
