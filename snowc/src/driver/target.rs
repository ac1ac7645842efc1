//! Target triples for `--target`: the supported targets, each known under
//! its GNU spelling (the prefix of its cross tools, `aarch64-linux-gnu-gcc`)
//! and its Rust spelling (the runtime is a Rust staticlib built with
//! `cargo --target`).

/// A supported target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    /// Rust's name, for `cargo --target` and the standard library's
    /// directory under `lib/rustlib/`.
    pub rust: &'static str,
    /// The GNU triple: the prefix of the cross compiler and binutils.
    pub gnu: &'static str,
    /// The Debian architecture (`dpkg --add-architecture`, package suffix).
    pub debian_arch: &'static str,
    /// The qemu-user emulator that runs its executables on another machine.
    pub qemu: &'static str,
}

/// Every target `--target` accepts. 32-bit ARM is ARMv7 with hard float
/// (Debian's `armhf`, Raspberry Pi 2 and later running a 32-bit system).
pub const TARGETS: &[Target] = &[
    Target {
        rust: "x86_64-unknown-linux-gnu",
        gnu: "x86_64-linux-gnu",
        debian_arch: "amd64",
        qemu: "qemu-x86_64",
    },
    Target {
        rust: "aarch64-unknown-linux-gnu",
        gnu: "aarch64-linux-gnu",
        debian_arch: "arm64",
        qemu: "qemu-aarch64",
    },
    Target {
        rust: "armv7-unknown-linux-gnueabihf",
        gnu: "arm-linux-gnueabihf",
        debian_arch: "armhf",
        qemu: "qemu-arm",
    },
];

/// Other names of the targets above: Rust's ARMv6 name is accepted for
/// the ARMv7 target only through its GNU spelling, so `arm-unknown-...`
/// (ARMv6, Raspberry Pi 1 and Zero) is not an alias.
const ALIASES: &[(&str, &str)] = &[
    ("armv7-linux-gnueabihf", "armv7-unknown-linux-gnueabihf"),
    ("armhf", "armv7-unknown-linux-gnueabihf"),
    ("arm64", "aarch64-unknown-linux-gnu"),
    ("amd64", "x86_64-unknown-linux-gnu"),
    ("x86_64-pc-linux-gnu", "x86_64-unknown-linux-gnu"),
];

impl Target {
    /// The target `snowc` itself was built for (its embedded runtime's).
    pub fn host() -> Option<Target> {
        find(env!("SNOWC_TARGET"))
    }

    /// Whether this is the target of the embedded runtime.
    pub fn is_host(&self) -> bool {
        self.rust == env!("SNOWC_TARGET")
    }
}

fn find(name: &str) -> Option<Target> {
    TARGETS
        .iter()
        .find(|t| t.rust == name || t.gnu == name)
        .copied()
}

/// Resolves a `--target` value in either spelling (case-insensitive). The
/// error lists the accepted names.
pub fn parse(text: &str) -> Result<Target, String> {
    let name = text.trim().to_ascii_lowercase();
    let canonical = ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map_or(name.as_str(), |(_, rust)| rust);
    if let Some(t) = find(canonical) {
        return Ok(t);
    }
    let known: Vec<String> = TARGETS
        .iter()
        .map(|t| format!("{} ({})", t.gnu, t.rust))
        .collect();
    Err(format!(
        "unknown target `{text}`; supported: {}",
        known.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_gnu_and_rust_spellings_agree() {
        for (gnu, rust) in [
            ("aarch64-linux-gnu", "aarch64-unknown-linux-gnu"),
            ("arm-linux-gnueabihf", "armv7-unknown-linux-gnueabihf"),
            ("x86_64-linux-gnu", "x86_64-unknown-linux-gnu"),
        ] {
            let a = parse(gnu).unwrap();
            assert_eq!(a, parse(rust).unwrap());
            assert_eq!((a.gnu, a.rust), (gnu, rust));
        }
    }

    #[test]
    fn cross_aliases_and_case() {
        assert_eq!(
            parse("armv7-linux-gnueabihf").unwrap().gnu,
            "arm-linux-gnueabihf"
        );
        assert_eq!(
            parse(" AArch64-Linux-GNU ").unwrap().rust,
            "aarch64-unknown-linux-gnu"
        );
        assert_eq!(parse("armhf").unwrap().qemu, "qemu-arm");
        assert_eq!(parse("arm64").unwrap().debian_arch, "arm64");
        assert_eq!(
            parse("x86_64-pc-linux-gnu").unwrap().gnu,
            "x86_64-linux-gnu"
        );
    }

    #[test]
    fn cross_unknown_targets_list_the_supported_ones() {
        for bad in [
            "",
            "arm-unknown-linux-gnueabihf",
            "mips-linux-gnu",
            "aarch64",
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.contains("unknown target"), "{e}");
            assert!(
                e.contains("aarch64-linux-gnu (aarch64-unknown-linux-gnu)"),
                "{e}"
            );
        }
    }

    #[test]
    fn cross_host_triple_spelled_out_is_the_host() {
        let host = Target::host().expect("snowc's own target is supported");
        assert!(host.is_host());
        assert_eq!(parse(env!("SNOWC_TARGET")).unwrap(), host);
        assert_eq!(parse(host.gnu).unwrap(), host);
        let others = TARGETS.iter().filter(|t| !t.is_host()).count();
        assert_eq!(others, TARGETS.len() - 1);
    }
}
