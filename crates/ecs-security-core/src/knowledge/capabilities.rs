//! Linux capabilities that widen a container's reach into the host.

use super::Provenance;

/// A capability that should not be added to a container, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DangerousCapability {
    /// The capability name as ECS takes it (without `CAP_`).
    pub name: &'static str,
    pub why: &'static str,
    /// Whether adding it usually amounts to host compromise (escalates the finding).
    pub escape_grade: bool,
}

pub const SOURCE: Provenance = Provenance {
    source: "capabilities(7) man page; Docker security docs (default capability set); ECS best-practices guide, security-tasks-containers",
    as_of: "2026-11-01",
};

pub const DANGEROUS: &[DangerousCapability] = &[
    DangerousCapability {
        name: "ALL",
        why: "grants every capability, equivalent to privileged mode for most escapes",
        escape_grade: true,
    },
    DangerousCapability {
        name: "SYS_ADMIN",
        why: "mount, namespace and BPF operations: the classic container-escape capability",
        escape_grade: true,
    },
    DangerousCapability { name: "SYS_MODULE", why: "loads kernel modules into the host kernel", escape_grade: true },
    DangerousCapability { name: "SYS_RAWIO", why: "raw I/O on devices and memory", escape_grade: true },
    DangerousCapability {
        name: "SYS_PTRACE",
        why: "traces and injects into other processes; with host PID, into host processes",
        escape_grade: false,
    },
    DangerousCapability {
        name: "DAC_READ_SEARCH",
        why: "bypasses file read permissions and enables open_by_handle_at escapes (Shocker)",
        escape_grade: true,
    },
    DangerousCapability {
        name: "NET_ADMIN",
        why: "reconfigures interfaces, routes and firewall rules; can redirect traffic or reach the metadata service",
        escape_grade: false,
    },
    DangerousCapability {
        name: "NET_RAW",
        why: "raw sockets allow ARP and DNS spoofing against neighbouring tasks",
        escape_grade: false,
    },
    DangerousCapability { name: "SYS_BOOT", why: "reboots the host", escape_grade: false },
    DangerousCapability {
        name: "SYS_TIME",
        why: "changes the host clock, breaking TLS and log integrity",
        escape_grade: false,
    },
    DangerousCapability {
        name: "MAC_ADMIN",
        why: "changes mandatory access control (AppArmor/SELinux) policy",
        escape_grade: true,
    },
    DangerousCapability { name: "MAC_OVERRIDE", why: "overrides mandatory access control", escape_grade: true },
    DangerousCapability {
        name: "BPF",
        why: "loads BPF programs that observe or alter kernel behaviour",
        escape_grade: true,
    },
    DangerousCapability {
        name: "PERFMON",
        why: "kernel performance monitoring, a common side channel",
        escape_grade: false,
    },
    DangerousCapability {
        name: "SYSLOG",
        why: "reads the kernel log, which leaks kernel addresses",
        escape_grade: false,
    },
];

/// Capabilities in Docker's (and containerd's) default set: adding one explicitly changes
/// nothing unless it was dropped, so it is worth a note, not an alarm.
pub const DOCKER_DEFAULT: &[&str] = &[
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "NET_BIND_SERVICE",
    "NET_RAW",
    "SYS_CHROOT",
    "MKNOD",
    "AUDIT_WRITE",
    "SETFCAP",
];

/// Whether a capability (any case, `CAP_` prefix accepted) is in Docker's default set.
pub fn in_docker_default(name: &str) -> bool {
    let n = name.trim().to_ascii_uppercase();
    let n = n.strip_prefix("CAP_").unwrap_or(&n);
    DOCKER_DEFAULT.contains(&n)
}

/// The capability that Fargate allows a task to add (every other add is rejected).
pub const FARGATE_ADDABLE: &[&str] = &["SYS_PTRACE"];

/// Looks up a capability, accepting `CAP_` prefixes and any case.
pub fn dangerous(name: &str) -> Option<&'static DangerousCapability> {
    let upper = name.trim().to_ascii_uppercase();
    let bare = upper.strip_prefix("CAP_").unwrap_or(&upper);
    DANGEROUS.iter().find(|c| c.name == bare)
}

#[cfg(test)]
mod tests {
    #[test]
    fn lookups_ignore_case_and_prefix() {
        assert!(super::dangerous("cap_sys_admin").is_some());
        assert!(super::dangerous("NET_BIND_SERVICE").is_none());
        assert!(super::dangerous("CHOWN").is_none());
    }
}
