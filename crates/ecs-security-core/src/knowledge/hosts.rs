//! Host and container-runtime facts for tasks on EC2 (and ECS Anywhere) instances: the
//! runtime control sockets and the host paths and devices that must not reach a container,
//! plus the Docker and ECS defaults that decide what an unset option means (tmpfs mount
//! options, log delivery mode).
//!
//! Host paths are compared lexically after [`normalize`]: backslashes become slashes,
//! repeated slashes, `.` and `..` segments and trailing slashes go, Windows drive paths are
//! lower-cased, and `/var/run` is read as `/run` (on the ECS-optimized AMIs `/var/run` is a
//! symlink to `/run`, and Docker resolves a bind mount's source on the host). A path counts
//! as sensitive when it is a listed path, lies under one (`/etc/kubernetes`), or contains
//! one (`/var` contains `/var/lib/docker`). Runtime sockets are matched the same way, except
//! that the host root `/` is reported as a sensitive path rather than as a socket mount.

use chrono::{DateTime, NaiveDate};

use super::Provenance;

const AS_OF: &str = "2026-11-26";

/// A container runtime's control endpoint on the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeSocket {
    /// The canonical host path (after [`normalize`]).
    pub path: &'static str,
    /// What it is, e.g. "Docker Engine API socket".
    pub what: &'static str,
}

pub const SOCKETS_SOURCE: Provenance = Provenance {
    source: "Docker Engine security docs (daemon attack surface, /var/run/docker.sock); containerd, CRI-O, Podman and BuildKit default socket paths; Docker for Windows named pipe \\\\.\\pipe\\docker_engine",
    as_of: AS_OF,
};

/// Sockets that give whoever can connect to them control of every container on the host.
pub const SOCKETS: &[RuntimeSocket] = &[
    RuntimeSocket { path: "/run/docker.sock", what: "Docker Engine API socket" },
    RuntimeSocket { path: "/run/containerd/containerd.sock", what: "containerd socket" },
    RuntimeSocket { path: "/run/docker/containerd/containerd.sock", what: "socket of Docker's embedded containerd" },
    RuntimeSocket { path: "/run/crio/crio.sock", what: "CRI-O socket" },
    RuntimeSocket { path: "/run/podman/podman.sock", what: "Podman API socket" },
    RuntimeSocket { path: "/run/buildkit/buildkitd.sock", what: "BuildKit daemon socket" },
    RuntimeSocket { path: "//./pipe/docker_engine", what: "Docker Engine API named pipe" },
    RuntimeSocket { path: "//./pipe/containerd-containerd", what: "containerd named pipe" },
];

/// A host path that must not be bind-mounted into a container, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SensitivePath {
    /// The canonical host path (after [`normalize`]).
    pub path: &'static str,
    pub why: &'static str,
    /// Whether even a read-only mount amounts to host compromise.
    pub critical_even_read_only: bool,
}

pub const SENSITIVE_PATHS_SOURCE: Provenance = Provenance {
    source: "Linux Filesystem Hierarchy Standard 3.0; CIS Docker Benchmark 5.5 (sensitive host system directories); Kubernetes hostPath guidance; ECS agent data directory /var/lib/ecs (ECS Developer Guide, container agent configuration)",
    as_of: AS_OF,
};

pub const SENSITIVE_PATHS: &[SensitivePath] = &[
    SensitivePath {
        path: "/",
        why: "the host's whole filesystem, including /etc, SSH keys and the container runtime socket (usable even through a read-only mount)",
        critical_even_read_only: true,
    },
    SensitivePath {
        path: "/etc",
        why: "host configuration: passwd/shadow, sudoers, SSH, cron and systemd configuration, and /etc/ecs/ecs.config",
        critical_even_read_only: false,
    },
    SensitivePath {
        path: "/root",
        why: "root's home directory: SSH keys, cloud credentials and shell history",
        critical_even_read_only: false,
    },
    SensitivePath {
        path: "/home",
        why: "users' home directories: SSH authorized_keys, credentials and shell history",
        critical_even_read_only: false,
    },
    SensitivePath {
        path: "/boot",
        why: "the kernel and boot loader; a write survives reboots",
        critical_even_read_only: false,
    },
    SensitivePath {
        path: "/proc",
        why: "the host's process table and kernel tunables (/proc/sys, /proc/sysrq-trigger, core_pattern escapes)",
        critical_even_read_only: false,
    },
    SensitivePath {
        path: "/sys",
        why: "kernel, device and cgroup configuration (cgroup release_agent escapes)",
        critical_even_read_only: false,
    },
    SensitivePath {
        path: "/dev",
        why: "the host's device nodes: disks, memory and terminals",
        critical_even_read_only: false,
    },
    SensitivePath {
        path: "/usr",
        why: "host binaries and libraries; a write runs code as root on the host",
        critical_even_read_only: false,
    },
    SensitivePath {
        path: "/bin",
        why: "host binaries; a write runs code as root on the host",
        critical_even_read_only: false,
    },
    SensitivePath {
        path: "/sbin",
        why: "host system binaries; a write runs code as root on the host",
        critical_even_read_only: false,
    },
    SensitivePath {
        path: "/lib",
        why: "host libraries and kernel modules; a write runs code as root on the host",
        critical_even_read_only: false,
    },
    SensitivePath {
        path: "/lib64",
        why: "host libraries; a write runs code as root on the host",
        critical_even_read_only: false,
    },
    SensitivePath {
        path: "/var/lib/docker",
        why: "Docker's data: every container's filesystem, volumes and image layers on the host",
        critical_even_read_only: false,
    },
    SensitivePath {
        path: "/var/lib/containerd",
        why: "containerd's content store and snapshots of every container on the host",
        critical_even_read_only: false,
    },
    SensitivePath {
        path: "/var/lib/ecs",
        why: "the ECS agent's state and data: the tasks, containers and credentials ids of every task on the instance",
        critical_even_read_only: false,
    },
    SensitivePath {
        path: "/var/spool/cron",
        why: "host crontabs; a write runs commands as any user on the host",
        critical_even_read_only: false,
    },
    SensitivePath { path: "c:", why: "the Windows host's system drive", critical_even_read_only: false },
    SensitivePath {
        path: "c:/windows",
        why: "the Windows host's operating system files",
        critical_even_read_only: false,
    },
    SensitivePath {
        path: "c:/programdata/amazon/ecs",
        why: "the ECS agent's configuration and data on Windows",
        critical_even_read_only: false,
    },
    SensitivePath {
        path: "c:/programdata/docker",
        why: "Docker's data on Windows: every container's filesystem and volumes",
        critical_even_read_only: false,
    },
];

/// Host devices that expose the host itself rather than a peripheral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SensitiveDevice {
    /// A device path, or a prefix when `prefix` is set (`/dev/nvme` matches `/dev/nvme0n1`).
    pub path: &'static str,
    pub prefix: bool,
    pub why: &'static str,
}

pub const DEVICES_SOURCE: Provenance =
    Provenance { source: "mem(4), port(4) and sd(4) man pages; Linux devices.txt (admin-guide/devices)", as_of: AS_OF };

pub const SENSITIVE_DEVICES: &[SensitiveDevice] = &[
    SensitiveDevice { path: "/dev/mem", prefix: false, why: "physical memory of the host" },
    SensitiveDevice { path: "/dev/kmem", prefix: false, why: "kernel virtual memory of the host" },
    SensitiveDevice { path: "/dev/port", prefix: false, why: "the host's I/O ports" },
    SensitiveDevice { path: "/dev/sd", prefix: true, why: "a host disk (raw access bypasses file permissions)" },
    SensitiveDevice { path: "/dev/xvd", prefix: true, why: "a host disk (raw access bypasses file permissions)" },
    SensitiveDevice { path: "/dev/nvme", prefix: true, why: "a host disk (raw access bypasses file permissions)" },
    SensitiveDevice { path: "/dev/vd", prefix: true, why: "a host disk (raw access bypasses file permissions)" },
    SensitiveDevice {
        path: "/dev/dm-",
        prefix: true,
        why: "a host device-mapper volume (raw access bypasses file permissions)",
    },
    SensitiveDevice {
        path: "/dev/mapper/",
        prefix: true,
        why: "a host device-mapper volume (raw access bypasses file permissions)",
    },
    SensitiveDevice { path: "/dev/disk/", prefix: true, why: "a host disk (raw access bypasses file permissions)" },
];

/// The Docker default for `linuxParameters.tmpfs`: ECS passes tmpfs mounts to Docker's
/// `HostConfig.Tmpfs`, whose mounts start from these options; options in `mountOptions` are
/// appended and the last of a conflicting pair wins.
pub const TMPFS_DEFAULT_OPTIONS: &[&str] = &["noexec", "nosuid", "nodev"];

pub const TMPFS_SOURCE: Provenance = Provenance {
    source: "moby daemon/oci_linux.go (tmpfs options start from noexec,nosuid,nodev, then mount.MergeTmpfsOptions); docker run reference --tmpfs (rw,noexec,nosuid,nodev by default); amazon-ecs-agent proposal 'Support for ShmSize and Tmpfs Docker Parameters' (linuxParameters.tmpfs maps to HostConfig.Tmpfs)",
    as_of: AS_OF,
};

/// Whether a tmpfs mount with these `mountOptions` lets the container execute files from it.
pub fn tmpfs_allows_exec(mount_options: &[String]) -> bool {
    let mut exec = !TMPFS_DEFAULT_OPTIONS.contains(&"noexec");
    for o in mount_options {
        match o.trim().to_ascii_lowercase().as_str() {
            "exec" => exec = true,
            "noexec" => exec = false,
            _ => {}
        }
    }
    exec
}

/// The date Amazon ECS changed the default log delivery mode from `blocking` to
/// `non-blocking` for containers that set no `mode` (unless the account's
/// `defaultLogDriverMode` setting says otherwise).
pub const LOG_MODE_DEFAULT_CHANGED: &str = "2025-06-25";

pub const LOG_MODE_SOURCE: Provenance = Provenance {
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LogConfiguration.html (mode: 'On June 25, 2025, Amazon ECS changed the default log driver mode from blocking to non-blocking'); https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-account-settings.html#default-log-driver-mode",
    as_of: AS_OF,
};

/// The delivery mode ECS applies to a container without `mode`, at the time a snapshot
/// was collected, when the account setting is left alone. `None` when `collected_at` does
/// not parse.
pub fn default_log_mode(collected_at: &str) -> Option<&'static str> {
    let collected = DateTime::parse_from_rfc3339(collected_at.trim()).ok()?;
    let changed: NaiveDate = LOG_MODE_DEFAULT_CHANGED.parse().ok()?;
    if collected.date_naive() >= changed { Some("non-blocking") } else { Some("blocking") }
}

/// A host path in canonical form, or `None` for an empty or relative path.
pub fn normalize(path: &str) -> Option<String> {
    let p = path.trim().replace('\\', "/");
    if p.is_empty() {
        return None;
    }
    let lower = p.to_ascii_lowercase();
    if lower.starts_with("//./pipe/") {
        return Some(lower.trim_end_matches('/').to_owned());
    }
    let bytes = p.as_bytes();
    let (prefix, rest) = if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        (lower[..2].to_owned(), lower[2..].to_owned())
    } else if p.starts_with('/') {
        (String::new(), p.clone())
    } else {
        return None;
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in rest.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = if prefix.is_empty() {
        format!("/{}", parts.join("/"))
    } else if parts.is_empty() {
        prefix
    } else {
        format!("{prefix}/{}", parts.join("/"))
    };
    if out == "/var/run" || out.starts_with("/var/run/") {
        out = format!("/run{}", &out["/var/run".len()..]);
    }
    Some(out)
}

/// A filesystem root (`/`, `c:`): listed roots match only themselves, not every path.
fn is_root(path: &str) -> bool {
    path == "/" || (path.len() == 2 && path.ends_with(':'))
}

/// `inner` is strictly below `outer`.
fn is_under(inner: &str, outer: &str) -> bool {
    inner.len() > outer.len()
        && inner.starts_with(outer)
        && (outer.ends_with('/') || inner.as_bytes()[outer.len()] == b'/')
}

/// The runtime socket a bind mount of `host_path` exposes: the socket itself or a directory
/// that holds it (other than the host root, which [`sensitive_path`] reports).
pub fn exposed_socket(host_path: &str) -> Option<&'static RuntimeSocket> {
    let p = normalize(host_path)?;
    if p == "/" {
        return None;
    }
    SOCKETS.iter().find(|s| s.path == p || is_under(s.path, &p))
}

/// How a mounted path relates to a sensitive path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The mount is the sensitive path itself.
    Exact,
    /// The mount lies under the sensitive path.
    Inside,
    /// The mount is a directory that contains the sensitive path.
    Contains,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SensitiveMatch {
    pub entry: &'static SensitivePath,
    pub relation: Relation,
}

/// The sensitive path a bind mount of `host_path` exposes, most specific first: the path
/// itself, the closest listed directory above it, or the first listed path below it.
/// Runtime sockets are left to [`exposed_socket`].
pub fn sensitive_path(host_path: &str) -> Option<SensitiveMatch> {
    if exposed_socket(host_path).is_some() {
        return None;
    }
    let p = normalize(host_path)?;
    if let Some(entry) = SENSITIVE_PATHS.iter().find(|e| e.path == p) {
        return Some(SensitiveMatch { entry, relation: Relation::Exact });
    }
    let inside =
        SENSITIVE_PATHS.iter().filter(|e| !is_root(e.path) && is_under(&p, e.path)).max_by_key(|e| e.path.len());
    if let Some(entry) = inside {
        return Some(SensitiveMatch { entry, relation: Relation::Inside });
    }
    SENSITIVE_PATHS
        .iter()
        .find(|e| is_under(e.path, &p))
        .map(|entry| SensitiveMatch { entry, relation: Relation::Contains })
}

/// Why a host device must not be mapped into a container, when it exposes the host itself.
pub fn sensitive_device(host_path: &str) -> Option<&'static SensitiveDevice> {
    let p = normalize(host_path)?;
    SENSITIVE_DEVICES.iter().find(|d| if d.prefix { p.starts_with(d.path) } else { p == d.path })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_paths() {
        assert_eq!(normalize("/etc/").as_deref(), Some("/etc"));
        assert_eq!(normalize("//etc//ssh/./").as_deref(), Some("/etc/ssh"));
        assert_eq!(normalize("/var/lib/../run/x").as_deref(), Some("/run/x"));
        assert_eq!(normalize("/var/run/docker.sock").as_deref(), Some("/run/docker.sock"));
        assert_eq!(normalize("/var/running").as_deref(), Some("/var/running"));
        assert_eq!(normalize("/").as_deref(), Some("/"));
        assert_eq!(normalize("/..").as_deref(), Some("/"));
        assert_eq!(normalize("C:\\Windows\\").as_deref(), Some("c:/windows"));
        assert_eq!(normalize("C:\\").as_deref(), Some("c:"));
        assert_eq!(normalize("\\\\.\\pipe\\docker_engine").as_deref(), Some("//./pipe/docker_engine"));
        assert_eq!(normalize("data"), None);
        assert_eq!(normalize("  "), None);
    }

    #[test]
    fn finds_sockets() {
        for p in [
            "/var/run/docker.sock",
            "/run/docker.sock/",
            "/var/run",
            "/run",
            "/run/containerd",
            "/run/containerd/containerd.sock",
            "\\\\.\\pipe\\docker_engine",
        ] {
            assert!(exposed_socket(p).is_some(), "{p}");
        }
        for p in ["/", "/var", "/var/run/app", "/run/user/1000", "/data/docker.sock"] {
            assert!(exposed_socket(p).is_none(), "{p}");
        }
    }

    #[test]
    fn finds_sensitive_paths() {
        let rel = |p: &str| sensitive_path(p).map(|m| (m.entry.path, m.relation));
        assert_eq!(rel("/"), Some(("/", Relation::Exact)));
        assert_eq!(rel("/etc/"), Some(("/etc", Relation::Exact)));
        assert_eq!(rel("/etc/kubernetes"), Some(("/etc", Relation::Inside)));
        assert_eq!(rel("/var/lib/docker/volumes"), Some(("/var/lib/docker", Relation::Inside)));
        assert_eq!(rel("/var"), Some(("/var/lib/docker", Relation::Contains)));
        assert_eq!(rel("C:\\Windows\\System32"), Some(("c:/windows", Relation::Inside)));
        assert_eq!(rel("C:\\"), Some(("c:", Relation::Exact)));
        assert_eq!(rel("C:\\app-data"), None);
        for p in ["/var/run/docker.sock", "/run", "/data", "/opt/app", "/var/log", "/etcetera", "/mnt/efs", "relative"]
        {
            assert_eq!(rel(p), None, "{p}");
        }
    }

    #[test]
    fn finds_sensitive_devices() {
        assert!(sensitive_device("/dev/mem").is_some());
        assert!(sensitive_device("/dev/nvme0n1").is_some());
        assert!(sensitive_device("/dev/fuse").is_none());
        assert!(sensitive_device("/dev/memory").is_none());
    }

    #[test]
    fn tmpfs_exec_follows_docker_defaults() {
        let o = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(!tmpfs_allows_exec(&o(&[])));
        assert!(!tmpfs_allows_exec(&o(&["rw", "nosuid"])));
        assert!(tmpfs_allows_exec(&o(&["exec"])));
        assert!(tmpfs_allows_exec(&o(&["noexec", "EXEC"])));
        assert!(!tmpfs_allows_exec(&o(&["exec", "noexec"])));
    }

    #[test]
    fn log_mode_default_depends_on_collection_date() {
        assert_eq!(default_log_mode("2025-06-24T23:00:00Z"), Some("blocking"));
        assert_eq!(default_log_mode("2025-06-25T00:00:00Z"), Some("non-blocking"));
        assert_eq!(default_log_mode("2026-11-20T10:00:00Z"), Some("non-blocking"));
        assert_eq!(default_log_mode(""), None);
        assert_eq!(default_log_mode("yesterday"), None);
    }
}
