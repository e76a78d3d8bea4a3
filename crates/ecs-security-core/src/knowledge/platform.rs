//! AWS Fargate platform versions: which one is current for each operating-system family, and
//! when the older ones were (or will be) retired.
//!
//! Linux and Windows number their platform versions independently (Windows `1.0.0` has
//! nothing to do with Linux `1.0.0`). `LATEST` is an alias ECS resolves at deployment time to
//! the current version of the family, so it is never outdated. Retirement dates differ in the
//! AWS China regions, which have their own schedule.

use super::Provenance;

/// The operating-system family a platform version belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformOs {
    Linux,
    Windows,
}

impl PlatformOs {
    pub fn label(self) -> &'static str {
        match self {
            PlatformOs::Linux => "Linux",
            PlatformOs::Windows => "Windows",
        }
    }

    /// From a `platformFamily` value (`Linux`, `Windows Server 2022 Full`, …) or an
    /// `operatingSystemFamily` (`LINUX`, `WINDOWS_SERVER_2019_CORE`, …).
    pub fn from_family(family: &str) -> PlatformOs {
        if family.trim().to_ascii_uppercase().starts_with("WINDOWS") { PlatformOs::Windows } else { PlatformOs::Linux }
    }
}

/// One Fargate platform version and its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FargatePlatformVersion {
    pub os: PlatformOs,
    pub version: &'static str,
    /// Whether this is the version `LATEST` resolves to.
    pub current: bool,
    /// The date (YYYY-MM-DD) after which no new task can start on it; `None` when current,
    /// or when the exact date is not recorded (long retired).
    pub retired_on: Option<&'static str>,
    /// The date the remaining running tasks are stopped.
    pub tasks_stopped_on: Option<&'static str>,
    /// The same two dates in the AWS China regions (`cn-*`), when they differ.
    pub china_retired_on: Option<&'static str>,
    pub china_tasks_stopped_on: Option<&'static str>,
    /// What changed or why it matters.
    pub note: &'static str,
    pub provenance: Provenance,
}

impl FargatePlatformVersion {
    /// The retirement and task-stop dates that apply in `region`.
    pub fn schedule(&self, region: &str) -> (Option<&'static str>, Option<&'static str>) {
        if region.starts_with("cn-") && self.china_retired_on.is_some() {
            (self.china_retired_on, self.china_tasks_stopped_on)
        } else {
            (self.retired_on, self.tasks_stopped_on)
        }
    }
}

const RETIREMENT: Provenance = Provenance {
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-versions-retired.html; research/peer-checks.md §6.2",
    as_of: "2026-11-26",
};

const LINUX_VERSIONS: Provenance = Provenance {
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-linux-fargate.html (the latest platform version is 1.4.0); Prowler config fargate_linux_latest_version",
    as_of: "2026-11-26",
};

const WINDOWS_VERSIONS: Provenance = Provenance {
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-windows-fargate.html; Prowler config fargate_windows_latest_version",
    as_of: "2026-11-26",
};

/// Every Fargate platform version we know of.
pub const VERSIONS: &[FargatePlatformVersion] = &[
    FargatePlatformVersion {
        os: PlatformOs::Linux,
        version: "1.4.0",
        current: true,
        retired_on: None,
        tasks_stopped_on: None,
        china_retired_on: None,
        china_tasks_stopped_on: None,
        note: "the only Linux platform version AWS supports: one task ENI for all traffic, EFS, SYS_PTRACE, 20 GiB ephemeral storage",
        provenance: LINUX_VERSIONS,
    },
    FargatePlatformVersion {
        os: PlatformOs::Linux,
        version: "1.3.0",
        current: false,
        retired_on: Some("2026-03-16"),
        tasks_stopped_on: Some("2026-03-31"),
        china_retired_on: Some("2026-06-15"),
        china_tasks_stopped_on: Some("2026-06-30"),
        note: "services on LATEST were force-updated from 2026-03-02; remaining tasks were terminated at end of support",
        provenance: RETIREMENT,
    },
    FargatePlatformVersion {
        os: PlatformOs::Linux,
        version: "1.2.0",
        current: false,
        retired_on: None,
        tasks_stopped_on: None,
        china_retired_on: None,
        china_tasks_stopped_on: None,
        note: "retired well before 1.3.0; no longer receives platform or kernel updates",
        provenance: RETIREMENT,
    },
    FargatePlatformVersion {
        os: PlatformOs::Linux,
        version: "1.1.0",
        current: false,
        retired_on: None,
        tasks_stopped_on: None,
        china_retired_on: None,
        china_tasks_stopped_on: None,
        note: "retired well before 1.3.0; no longer receives platform or kernel updates",
        provenance: RETIREMENT,
    },
    FargatePlatformVersion {
        os: PlatformOs::Linux,
        version: "1.0.0",
        current: false,
        retired_on: None,
        tasks_stopped_on: None,
        china_retired_on: None,
        china_tasks_stopped_on: None,
        note: "the original 2017 platform (Amazon Linux 2017.09); retired",
        provenance: RETIREMENT,
    },
    FargatePlatformVersion {
        os: PlatformOs::Windows,
        version: "1.0.0",
        current: true,
        retired_on: None,
        tasks_stopped_on: None,
        china_retired_on: None,
        china_tasks_stopped_on: None,
        note: "the only Windows platform version (Windows Server 2019 and 2022, Full and Core)",
        provenance: WINDOWS_VERSIONS,
    },
];

/// Whether a platform version value is the `LATEST` alias.
pub fn is_latest_alias(version: &str) -> bool {
    version.trim().eq_ignore_ascii_case("LATEST")
}

/// The known entry for a version of an OS family (a leading `v` is accepted).
pub fn lookup(os: PlatformOs, version: &str) -> Option<&'static FargatePlatformVersion> {
    let v = version.trim();
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    VERSIONS.iter().find(|p| p.os == os && p.version == v)
}

/// The current version of an OS family.
pub fn current(os: PlatformOs) -> &'static str {
    VERSIONS.iter().find(|p| p.os == os && p.current).map(|p| p.version).unwrap_or("LATEST")
}

/// `x.y.z` as numbers, for versions the table does not list.
pub fn parse_version(version: &str) -> Option<(u32, u32, u32)> {
    let v = version.trim();
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let mut parts = v.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    let patch = match parts.next() {
        Some(p) => p.parse().ok()?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((major, minor, patch))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_current_version_per_os() {
        for os in [PlatformOs::Linux, PlatformOs::Windows] {
            assert_eq!(VERSIONS.iter().filter(|v| v.os == os && v.current).count(), 1);
        }
        assert_eq!(current(PlatformOs::Linux), "1.4.0");
        assert_eq!(current(PlatformOs::Windows), "1.0.0");
    }

    #[test]
    fn lookups() {
        assert!(lookup(PlatformOs::Linux, "1.3.0").is_some_and(|v| !v.current));
        assert!(lookup(PlatformOs::Windows, "1.0.0").is_some_and(|v| v.current));
        assert!(lookup(PlatformOs::Linux, "v1.4.0").is_some_and(|v| v.current));
        assert!(lookup(PlatformOs::Linux, "LATEST").is_none());
        assert!(is_latest_alias("latest"));
        assert_eq!(parse_version("1.5"), Some((1, 5, 0)));
        assert_eq!(parse_version("banana"), None);
        assert_eq!(PlatformOs::from_family("WINDOWS_SERVER_2022_CORE"), PlatformOs::Windows);
    }

    #[test]
    fn china_has_its_own_schedule() {
        let v = lookup(PlatformOs::Linux, "1.3.0").expect("1.3.0 is listed");
        assert_eq!(v.schedule("cn-north-1").0, Some("2026-06-15"));
        assert_eq!(v.schedule("eu-west-1").0, Some("2026-03-16"));
    }
}
