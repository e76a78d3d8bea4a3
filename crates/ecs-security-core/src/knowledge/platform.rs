//! Operating systems: which one a workload runs ([`workload_os`]), and AWS Fargate platform
//! versions: which one is current for each operating-system family, and when the older ones
//! were (or will be) retired.
//!
//! EC2 Windows task definitions usually omit `runtimePlatform`, so the OS is inferred from
//! every signal the snapshot holds, strongest first: the declared operating-system family;
//! the `platformFamily` of the tasks, deployments and service; a placement constraint on
//! `attribute:ecs.os-type` or `ecs.os-family`; the `ecs.os-type` and `ecs.os-family`
//! attributes of the container instances the tasks run on (or of all the cluster's
//! instances, when they agree; for a CloudFormation file, the template's launch
//! configuration); then hints in the task definition: Windows base images, `C:\` paths,
//! `\\.\pipe\` named pipes, a PowerShell or `cmd` entry point, and a gMSA credential spec
//! in `dockerSecurityOptions` (`credentialspec:`), the Windows form that predates Linux gMSA.
//! A spec in `credentialSpecs` counts only together with another hint: Linux gMSA
//! (credentials-fetcher) uses that field.
//!
//! Linux and Windows number their platform versions independently (Windows `1.0.0` has
//! nothing to do with Linux `1.0.0`). `LATEST` is an alias ECS resolves at deployment time to
//! the current version of the family, so it is never outdated. Retirement dates differ in the
//! AWS China regions, which have their own schedule.

use super::Provenance;
use crate::model::{ContainerInstance, Snapshot, Workload};

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

/// A workload's operating system and what decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsVerdict {
    pub os: PlatformOs,
    /// The deciding signal, for evidence: `runtimePlatform.operatingSystemFamily LINUX`.
    pub signal: String,
    /// Whether the signal states the OS (declared, platformFamily, instance attributes)
    /// rather than hinting at it (image names, paths).
    pub stated: bool,
}

impl OsVerdict {
    pub fn is_windows(&self) -> bool {
        self.os == PlatformOs::Windows
    }
}

/// Provenance of the Windows hints.
pub const WINDOWS_HINTS: Provenance = Provenance {
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/windows-considerations.html; https://learn.microsoft.com/en-us/virtualization/windowscontainers/manage-containers/container-base-images; ECS agent container-instance attributes ecs.os-type and ecs.os-family",
    as_of: "2026-12-04",
};

/// Image repositories that only exist for Windows.
const WINDOWS_REPOSITORIES: &[&str] = &[
    "mcr.microsoft.com/windows",
    "mcr.microsoft.com/dotnet/framework/",
    "mcr.microsoft.com/powershell/windows",
    "microsoft/iis",
    "microsoft/windowsservercore",
    "microsoft/nanoserver",
    "microsoft/dotnet-framework",
    "microsoft/aspnet",
    "microsoft/mssql-server-windows",
];

/// Words in an image reference (repository or tag) that name a Windows base.
const WINDOWS_IMAGE_WORDS: &[&str] =
    &["windowsservercore", "servercore", "nanoserver", "ltsc2016", "ltsc2019", "ltsc2022", "ltsc2025"];

/// Whether an image reference names a Windows image.
pub fn is_windows_image(image: &str) -> bool {
    let i = image.trim().to_ascii_lowercase();
    WINDOWS_REPOSITORIES.iter().any(|r| i.starts_with(r)) || WINDOWS_IMAGE_WORDS.iter().any(|w| i.contains(w))
}

/// Whether a path is a Windows drive path (`C:\inetpub`) or a named pipe (`\\.\pipe\docker_engine`).
pub fn is_windows_path(path: &str) -> bool {
    let p = path.trim();
    let b = p.as_bytes();
    p.contains("\\\\.\\pipe\\") || (b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'\\')
}

/// Whether a command starts a Windows-only shell (`powershell`, `cmd /c`).
fn is_windows_shell(argv: &[String]) -> bool {
    argv.first().is_some_and(|a| {
        let first = a.trim().to_ascii_lowercase();
        let word = first.split_whitespace().next().unwrap_or("");
        matches!(word, "powershell" | "powershell.exe" | "cmd" | "cmd.exe")
    })
}

/// The OS a placement constraint pins a task to: `memberOf` with `attribute:ecs.os-type ==
/// windows` or `attribute:ecs.os-family in [WINDOWS_SERVER_2022_CORE, …]` (a negated test
/// decides nothing).
fn from_constraint(expression: &str) -> Option<PlatformOs> {
    let e = expression.to_ascii_lowercase();
    for attr in ["ecs.os-type", "ecs.os-family"] {
        let Some(at) = e.find(attr) else { continue };
        let rest = e[at + attr.len()..].trim_start();
        if rest.starts_with("!=") || rest.starts_with("not") {
            continue;
        }
        let Some(value) = rest.strip_prefix("==").or_else(|| rest.strip_prefix("in")) else { continue };
        let value: String = value
            .trim_start()
            .trim_start_matches(['[', '(', '\'', '"'])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if value.starts_with("windows") {
            return Some(PlatformOs::Windows);
        }
        if value.starts_with("linux") {
            return Some(PlatformOs::Linux);
        }
    }
    None
}

fn from_instance(ci: &ContainerInstance) -> Option<(PlatformOs, String)> {
    if let Some(t) = ci.attribute("ecs.os-type") {
        let os = if t.eq_ignore_ascii_case("windows") { PlatformOs::Windows } else { PlatformOs::Linux };
        return Some((os, format!("ecs.os-type {t} on container instance {}", ci.display_name())));
    }
    ci.attribute("ecs.os-family")
        .map(|f| (PlatformOs::from_family(f), format!("ecs.os-family {f} on container instance {}", ci.display_name())))
}

/// The operating system a workload runs, inferred from every signal in the snapshot.
pub fn workload_os(snap: &Snapshot, w: &Workload<'_>) -> OsVerdict {
    let td = w.task_definition;
    let stated = |os, signal: String| OsVerdict { os, signal, stated: true };
    if let Some(f) = td.runtime_platform.as_ref().and_then(|p| p.operating_system_family.as_deref()).map(str::trim)
        && !f.is_empty()
    {
        return stated(PlatformOs::from_family(f), format!("runtimePlatform.operatingSystemFamily {f}"));
    }
    let tasks: Vec<_> = snap.tasks.iter().filter(|t| t.task_definition_arn == td.task_definition_arn).collect();
    let families = tasks.iter().map(|t| ("task", t.platform_family.as_deref())).chain(w.service.iter().flat_map(|s| {
        s.deployments
            .iter()
            .filter(|d| d.task_definition.as_deref() == Some(td.task_definition_arn.as_str()))
            .map(|d| ("deployment", d.platform_family.as_deref()))
            .chain(std::iter::once(("service", s.platform_family.as_deref())))
    }));
    for (what, family) in families {
        if let Some(f) = family.map(str::trim).filter(|f| !f.is_empty()) {
            return stated(PlatformOs::from_family(f), format!("{what} platformFamily {f}"));
        }
    }
    let pinned = td.placement_constraints.iter().filter_map(|c| c.expression.as_deref()).find_map(|x| {
        from_constraint(x).map(|os| (os, format!("placement constraint `{}`", x.chars().take(80).collect::<String>())))
    });
    if let Some((os, signal)) = pinned {
        return stated(os, signal);
    }
    let placed = tasks
        .iter()
        .filter_map(|t| t.container_instance_arn.as_deref())
        .filter_map(|arn| snap.container_instances.iter().find(|ci| ci.container_instance_arn == arn))
        .find_map(from_instance);
    if let Some((os, signal)) = placed {
        return stated(os, signal);
    }
    if w.runs_on_ec2() {
        let all: Vec<_> = snap.container_instances.iter().map(from_instance).collect();
        if let Some(Some((os, first))) = all.first()
            && all.iter().all(|x| x.as_ref().is_some_and(|(o, _)| o == os))
        {
            let label = os.label();
            return stated(*os, format!("every container instance of the cluster runs {label} ({first})"));
        }
    }
    let mut hints: Vec<String> = Vec::new();
    let mut gmsa = false;
    for c in &td.container_definitions {
        if let Some(image) = c.image.as_deref().filter(|i| is_windows_image(i)) {
            hints.push(format!("Windows image {image} (container {})", c.name));
        }
        let paths = c
            .mount_points
            .iter()
            .map(|m| m.container_path.as_str())
            .chain(c.working_directory.as_deref())
            .chain(c.command.iter().chain(&c.entry_point).map(String::as_str));
        if let Some(p) = paths.into_iter().find(|p| is_windows_path(p) || p.contains(":\\")) {
            let shown: String = p.chars().take(40).collect();
            hints.push(format!("Windows path {shown} (container {})", c.name));
        }
        if is_windows_shell(&c.entry_point) || is_windows_shell(&c.command) {
            hints.push(format!("PowerShell or cmd entry point (container {})", c.name));
        }
        if c.docker_security_options.iter().any(|o| o.trim().to_ascii_lowercase().starts_with("credentialspec:")) {
            hints.push(format!("gMSA credential spec in dockerSecurityOptions (container {})", c.name));
        }
        gmsa |= !c.credential_specs.is_empty();
    }
    for v in &td.volumes {
        if let Some(p) = v.host.as_ref().and_then(|h| h.source_path.as_deref()).filter(|p| is_windows_path(p)) {
            hints.push(format!("Windows host path {p} (volume {})", v.name));
        }
    }
    match hints.first() {
        Some(first) => {
            let mut signal = first.clone();
            if gmsa {
                signal.push_str(", with a gMSA credential spec");
            }
            OsVerdict { os: PlatformOs::Windows, signal, stated: false }
        }
        None => OsVerdict {
            os: PlatformOs::Linux,
            signal: "no Windows signal (Linux by default)".to_owned(),
            stated: false,
        },
    }
}

/// Whether a workload runs Windows containers ([`workload_os`]).
pub fn is_windows(snap: &Snapshot, w: &Workload<'_>) -> bool {
    workload_os(snap, w).is_windows()
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
    fn placement_constraints_pin_the_os() {
        assert_eq!(from_constraint("attribute:ecs.os-type == windows"), Some(PlatformOs::Windows));
        assert_eq!(from_constraint("attribute:ecs.os-family in [WINDOWS_SERVER_2022_CORE]"), Some(PlatformOs::Windows));
        assert_eq!(from_constraint("attribute:ecs.os-type==linux"), Some(PlatformOs::Linux));
        assert_eq!(from_constraint("attribute:ecs.os-type != windows"), None);
        assert_eq!(from_constraint("attribute:ecs.instance-type =~ t3.*"), None);
    }

    #[test]
    fn windows_hints() {
        for image in [
            "mcr.microsoft.com/windows/servercore:ltsc2022",
            "mcr.microsoft.com/windows/nanoserver:ltsc2022",
            "mcr.microsoft.com/dotnet/framework/aspnet:4.8",
            "microsoft/iis",
            "python:3.12-windowsservercore-ltsc2022",
            "mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022",
        ] {
            assert!(is_windows_image(image), "{image}");
        }
        for image in
            ["mcr.microsoft.com/dotnet/aspnet:8.0", "mcr.microsoft.com/mssql-tools", "nginx:1.27", "datadog/agent:7"]
        {
            assert!(!is_windows_image(image), "{image}");
        }
        assert!(is_windows_path("C:\\inetpub\\wwwroot"));
        assert!(is_windows_path("\\\\.\\pipe\\docker_engine"));
        assert!(!is_windows_path("/var/run/docker.sock"));
        assert!(!is_windows_path("c:/not-a-windows-path"));
    }

    #[test]
    fn china_has_its_own_schedule() {
        let v = lookup(PlatformOs::Linux, "1.3.0").expect("1.3.0 is listed");
        assert_eq!(v.schedule("cn-north-1").0, Some("2026-06-15"));
        assert_eq!(v.schedule("eu-west-1").0, Some("2026-03-16"));
    }
}
