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

/// Add the prelude's files to `sources`.
pub fn add_to(sources: &mut crate::diag::SourceMap) {
    for (module, path, text) in FILES {
        sources.add(crate::diag::SourceFile {
            path: path.to_string(),
            module: module.to_string(),
            text: text.to_string(),
        });
    }
}
