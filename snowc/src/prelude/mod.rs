//! Standard-library modules written in Snow. They are compiled with every
//! program (only the instances a program uses reach the C output).

/// (module name, display path, source)
pub const FILES: &[(&str, &str, &str)] =
    &[("List", "<prelude>/list.snow", include_str!("list.snow"))];
