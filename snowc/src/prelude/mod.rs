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
/// its name here (and a line for it in the reference's function list).
pub const QUERY_AS: &[&str] = &["Sqlite", "Pg", "Pool"];

/// The placeholder in `query_as.snow` for the module's name.
const QUERY_AS_MODULE: &str = "DB.";

/// Add the prelude's files to `sources`: `FILES`, and a `query_as` file
/// for each `QUERY_AS` module.
pub fn add_to(sources: &mut crate::diag::SourceMap) {
    let query_as =
        |m: &str| include_str!("query_as.snow").replace(QUERY_AS_MODULE, &format!("{m}."));
    for (module, path, text) in FILES {
        sources.add(crate::diag::SourceFile {
            path: path.to_string(),
            module: module.to_string(),
            text: text.to_string(),
        });
    }
    for module in QUERY_AS {
        sources.add(crate::diag::SourceFile {
            path: format!("<prelude>/{}_query_as.snow", module.to_lowercase()),
            module: module.to_string(),
            text: query_as(module),
        });
    }
}
