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
