//! How many workers "one per core" is: the CPUs this process may run on
//! (its affinity mask), capped by its cgroup CPU quota. std's
//! `available_parallelism` answers the same on Linux but finds cgroup v1
//! hierarchies through the mount table, with paths and string searches:
//! 10 KB of code in every static program (docs/decisions.md, [size]). Here
//! a v1 quota is read where containers mount their own group,
//! `/sys/fs/cgroup/cpu`.

/// At least 1.
pub fn available() -> usize {
    let n = online();
    quota().map_or(n, |q| n.min(q)).max(1)
}

#[cfg(target_os = "linux")]
fn online() -> usize {
    // SAFETY: a zeroed cpu_set_t is an empty set; the call writes at most
    // its size.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) == 0 {
            return libc::CPU_COUNT(&set) as usize;
        }
        // More CPUs than a cpu_set_t holds, or no affinity call.
        libc::sysconf(libc::_SC_NPROCESSORS_ONLN).max(1) as usize
    }
}

#[cfg(not(target_os = "linux"))]
fn online() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The CPU quota of this process's cgroup, rounded up to whole CPUs, when
/// it has one.
#[cfg(target_os = "linux")]
fn quota() -> Option<usize> {
    quota_v2().or_else(|| {
        let read = |f: &str| std::fs::read_to_string(format!("/sys/fs/cgroup/cpu/{f}")).ok();
        parse_max(&format!(
            "{} {}",
            read("cpu.cfs_quota_us")?.trim(),
            read("cpu.cfs_period_us")?.trim()
        ))
    })
}

/// The smallest `cpu.max` quota of this process's cgroup (v2) and its
/// ancestors.
#[cfg(target_os = "linux")]
fn quota_v2() -> Option<usize> {
    let groups = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let mut dir = groups
        .lines()
        .find_map(|l| l.strip_prefix("0::"))?
        .trim_end_matches('/');
    let mut least: Option<usize> = None;
    loop {
        let file = format!("/sys/fs/cgroup{dir}/cpu.max");
        if let Some(q) = std::fs::read_to_string(file)
            .ok()
            .and_then(|s| parse_max(&s))
        {
            least = Some(least.map_or(q, |l| l.min(q)));
        }
        if dir.is_empty() {
            return least;
        }
        // "/a/b" -> "/a" -> "" (the root).
        dir = &dir[..dir.rfind('/')?];
    }
}

#[cfg(not(target_os = "linux"))]
fn quota() -> Option<usize> {
    None
}

/// `cpu.max` is `QUOTA PERIOD` or `max PERIOD` (v1's quota file says -1
/// for none).
fn parse_max(text: &str) -> Option<usize> {
    let mut it = text.split_whitespace();
    let quota: u64 = it.next()?.parse().ok()?; // "max" and -1 fail here
    let period: u64 = it.next()?.parse().ok()?;
    (period > 0).then(|| quota.div_ceil(period).max(1) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_max_rounds_up_and_max_means_none() {
        assert_eq!(parse_max("max 100000\n"), None);
        assert_eq!(parse_max("200000 100000\n"), Some(2));
        assert_eq!(parse_max("150000 100000"), Some(2));
        assert_eq!(parse_max("50000 100000"), Some(1));
        assert_eq!(parse_max("100000 0"), None);
        assert_eq!(parse_max("-1 100000"), None);
        assert_eq!(parse_max(""), None);
    }

    #[test]
    fn at_least_one_and_no_more_than_std_sees() {
        let n = available();
        assert!(n >= 1);
        let std = std::thread::available_parallelism().map_or(1, |n| n.get());
        // std also applies cgroup v1 quotas, so it may see fewer.
        assert!(n >= std, "{n} < {std}");
    }
}
