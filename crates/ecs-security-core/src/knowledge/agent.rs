//! The Amazon ECS container agent: published security advisories with the agent version that
//! fixes each, the newest agent release known to us, and a tolerant version parser.
//!
//! Agent versions are reported by `DescribeContainerInstances` as
//! `versionInfo.agentVersion` (`"1.68.2"`). An instance whose agent is older than an
//! advisory's `fixed_in` carries that vulnerability. Refresh this table from the agent's
//! CHANGELOG and GitHub security advisories; every entry records where it came from and when.

use std::fmt;

use super::Provenance;
use crate::severity::Severity;

/// An agent version `major.minor.patch`. Ordered numerically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AgentVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl AgentVersion {
    pub const fn new(major: u32, minor: u32, patch: u32) -> AgentVersion {
        AgentVersion { major, minor, patch }
    }

    /// Parses `1.68.2`, `v1.68.2`, `1.68.2-1.amzn2`, `1.68` (patch 0). Returns `None` for
    /// anything that does not start with two dot-separated numbers.
    pub fn parse(text: &str) -> Option<AgentVersion> {
        let t = text.trim();
        let t = t.strip_prefix('v').or_else(|| t.strip_prefix('V')).unwrap_or(t);
        let mut parts = t.splitn(3, '.');
        let major = parts.next()?.parse::<u32>().ok()?;
        let minor = leading_number(parts.next()?)?;
        let patch = match parts.next() {
            Some(p) => leading_number(p).unwrap_or(0),
            None => 0,
        };
        Some(AgentVersion::new(major, minor, patch))
    }
}

/// The number at the start of `s` (`"2-1"` → 2); `None` when `s` does not start with a digit.
fn leading_number(s: &str) -> Option<u32> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s[..end].parse::<u32>().ok()
}

impl fmt::Display for AgentVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// A published security problem in the ECS agent and the release that fixes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentAdvisory {
    /// CVE / GHSA identifiers, or a short name when the fix had no identifier.
    pub ids: &'static str,
    pub summary: &'static str,
    /// The first agent version without the problem.
    pub fixed_in: AgentVersion,
    pub severity: Severity,
    pub provenance: Provenance,
}

impl AgentAdvisory {
    /// Whether an agent at `version` is affected.
    pub fn affects(&self, version: AgentVersion) -> bool {
        version < self.fixed_in
    }
}

const CHANGELOG: &str = "https://github.com/aws/amazon-ecs-agent/blob/master/CHANGELOG.md";

/// Known agent advisories, oldest fix first.
pub const ADVISORIES: &[AgentAdvisory] = &[
    AgentAdvisory {
        ids: "Task IAM role credentials written to the agent log",
        summary: "the agent could log task IAM role credentials to disk on the instance",
        fixed_in: AgentVersion::new(1, 14, 5),
        severity: Severity::High,
        provenance: Provenance { source: CHANGELOG, as_of: "2026-06-30" },
    },
    AgentAdvisory {
        ids: "CVE-2022-27664",
        summary: "Go net/http HTTP/2 denial of service in the agent binary",
        fixed_in: AgentVersion::new(1, 64, 0),
        severity: Severity::High,
        provenance: Provenance { source: CHANGELOG, as_of: "2026-06-30" },
    },
    AgentAdvisory {
        ids: "CVE-2025-9039 / GHSA-wm7x-ww72-r77q",
        summary: "under certain conditions the agent introspection API (port 51678) can be reached by unintended callers and discloses agent, task and container metadata",
        fixed_in: AgentVersion::new(1, 97, 1),
        severity: Severity::Medium,
        provenance: Provenance {
            source: "https://github.com/aws/amazon-ecs-agent/security/advisories/GHSA-wm7x-ww72-r77q",
            as_of: "2026-06-30",
        },
    },
    AgentAdvisory {
        ids: "CVE-2025-61727 / CVE-2025-61729",
        summary: "Go crypto/x509 flaws (name-constraint bypass for wildcard names, denial of service on hostname errors) in the agent binary, fixed by Go 1.24.11",
        fixed_in: AgentVersion::new(1, 101, 1),
        severity: Severity::Medium,
        provenance: Provenance { source: "https://github.com/aws/amazon-ecs-agent/issues/4828", as_of: "2026-06-30" },
    },
    AgentAdvisory {
        ids: "CVE-2025-68121 / GO-2026-4337",
        summary: "Go crypto/tls unexpected session resumption (certificate checks skipped on resumed sessions) in the agent binary, fixed by Go 1.24.13",
        fixed_in: AgentVersion::new(1, 102, 0),
        severity: Severity::High,
        provenance: Provenance { source: "https://pkg.go.dev/vuln/GO-2026-4337", as_of: "2026-06-30" },
    },
];

/// The newest agent release known when this table was written.
pub const LATEST: AgentVersion = AgentVersion::new(1, 105, 1);

pub const LATEST_SOURCE: Provenance = Provenance {
    source: "https://github.com/aws/amazon-ecs-agent/releases (VERSION file at 1.105.1)",
    as_of: "2026-06-30",
};

/// The advisories that affect an agent at `version`.
pub fn advisories_for(version: AgentVersion) -> Vec<&'static AgentAdvisory> {
    ADVISORIES.iter().filter(|a| a.affects(version)).collect()
}

/// The lowest version that fixes every known advisory.
pub fn minimum_safe_version() -> AgentVersion {
    ADVISORIES.iter().map(|a| a.fixed_in).max().unwrap_or(AgentVersion::new(0, 0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tolerantly() {
        assert_eq!(AgentVersion::parse("1.68.2"), Some(AgentVersion::new(1, 68, 2)));
        assert_eq!(AgentVersion::parse(" v1.97.1 "), Some(AgentVersion::new(1, 97, 1)));
        assert_eq!(AgentVersion::parse("1.51.0-1.amzn2"), Some(AgentVersion::new(1, 51, 0)));
        assert_eq!(AgentVersion::parse("1.102"), Some(AgentVersion::new(1, 102, 0)));
        assert_eq!(AgentVersion::parse(""), None);
        assert_eq!(AgentVersion::parse("latest"), None);
        assert_eq!(AgentVersion::parse("1"), None);
        assert_eq!(AgentVersion::parse("1.x.3"), None);
    }

    #[test]
    fn orders_numerically_not_lexically() {
        assert!(AgentVersion::new(1, 101, 0) > AgentVersion::new(1, 99, 9));
        assert!(AgentVersion::new(1, 97, 1) > AgentVersion::new(1, 97, 0));
    }

    #[test]
    fn advisories_apply_below_their_fix() {
        let v = |s: &str| AgentVersion::parse(s).unwrap_or(AgentVersion::new(0, 0, 0));
        let ids = |s: &str| -> Vec<&str> { advisories_for(v(s)).iter().map(|a| a.ids).collect() };
        assert_eq!(ids("1.68.2").len(), 3);
        assert_eq!(ids("1.99.0"), ["CVE-2025-61727 / CVE-2025-61729", "CVE-2025-68121 / GO-2026-4337"]);
        assert_eq!(ids("1.101.1"), ["CVE-2025-68121 / GO-2026-4337"]);
        assert!(ids("1.102.0").is_empty());
        assert!(ids("1.105.1").is_empty());
        assert_eq!(ids("1.14.4").len(), ADVISORIES.len());
        assert_eq!(minimum_safe_version(), AgentVersion::new(1, 102, 0));
        assert!(LATEST >= minimum_safe_version());
    }
}
