//! AWS App Mesh and the Envoy proxy: App Mesh's end of support, and which Envoy sidecar
//! image versions still receive security fixes.
//!
//! What was checked, and when (2026-11-26):
//! - App Mesh end of support, 2026-09-30: the end-of-support notice at the top of every App
//!   Mesh user-guide page (console and resources become inaccessible; migrate to Amazon ECS
//!   Service Connect).
//! - App Mesh Envoy image: the aws/aws-app-mesh-roadmap "Release Envoy" issues; the last
//!   release found is `v1.34.13.3-prod` (issue #512, images published 2026-07-14), on the
//!   1.34 line that App Mesh has shipped since December 2025. AWS patches only the newest line,
//!   so images of an older minor line get no fixes. After 2026-09-30 no App Mesh image is
//!   supported at all; the App Mesh rule reports that.
//! - Upstream Envoy (`envoyproxy/envoy`): the envoyproxy.io version history lists four stable
//!   lines, 1.37 to 1.40, as of 1.40.2 (2026-10-27); each minor line gets security fixes for
//!   one year (endoflife.date/envoy: 1.36 ended 2026-10-14, 1.37 ends 2027-01-13). The newest
//!   patch of each supported line is recorded so that a container behind it can be told.

use super::Provenance;
use crate::model::ImageRef;

pub const AS_OF: &str = "2026-11-26";

/// The day AWS discontinued App Mesh.
pub const APP_MESH_END_OF_SUPPORT: &str = "2026-09-30";

pub const APP_MESH_END_OF_SUPPORT_SOURCE: Provenance = Provenance {
    source: "https://docs.aws.amazon.com/app-mesh/latest/userguide/what-is-app-mesh.html (end of support notice); https://aws.amazon.com/blogs/containers/migrating-from-aws-app-mesh-to-amazon-ecs-service-connect",
    as_of: AS_OF,
};

/// Environment variables that configure the App Mesh Envoy image.
pub const APP_MESH_ENV_VARS: &[&str] = &["APPMESH_RESOURCE_ARN", "APPMESH_VIRTUAL_NODE_NAME"];

/// A family of Envoy images and which of its versions are still patched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvoyImageLine {
    pub label: &'static str,
    /// The oldest `(major, minor)` line that still receives security fixes.
    pub oldest_supported_minor: (u64, u64),
    /// How messages describe that line.
    pub oldest_supported_label: &'static str,
    /// The newest known release of each supported line.
    pub latest_patches: &'static [&'static str],
    pub provenance: Provenance,
}

pub static APP_MESH_ENVOY: EnvoyImageLine = EnvoyImageLine {
    label: "App Mesh Envoy image",
    oldest_supported_minor: (1, 34),
    oldest_supported_label: "the last line AWS patched for App Mesh",
    latest_patches: &["1.34.13.3"],
    provenance: Provenance {
        source: "https://github.com/aws/aws-app-mesh-roadmap/issues/512 (v1.34.13.3-prod, 2026-07-14); https://docs.aws.amazon.com/app-mesh/latest/userguide/envoy.html",
        as_of: AS_OF,
    },
};

pub static UPSTREAM_ENVOY: EnvoyImageLine = EnvoyImageLine {
    label: "Envoy",
    oldest_supported_minor: (1, 37),
    oldest_supported_label: "the oldest Envoy line still receiving security fixes",
    latest_patches: &["1.40.2", "1.39.6", "1.38.9", "1.37.11"],
    provenance: Provenance {
        source: "https://www.envoyproxy.io/docs/envoy/latest/version_history/version_history (stable lines as of 1.40.2, 2026-10-27); https://endoflife.date/envoy (one year of fixes per minor line)",
        as_of: AS_OF,
    },
};

/// Which Envoy image family an image belongs to, if any; `true` when only the name says so
/// (a mirror called `envoy`), which makes the match a heuristic.
pub fn envoy_line(image: &ImageRef) -> Option<(&'static EnvoyImageLine, bool)> {
    let name = image.name().to_ascii_lowercase();
    if name == "aws-appmesh-envoy" {
        return Some((&APP_MESH_ENVOY, false));
    }
    let repo = image.repository.to_ascii_lowercase();
    let parts: Vec<&str> = repo.split('/').collect();
    match parts.as_slice() {
        [.., "envoyproxy", n] if n.starts_with("envoy") => Some((&UPSTREAM_ENVOY, false)),
        _ if name == "envoy" => Some((&UPSTREAM_ENVOY, true)),
        _ => None,
    }
}

/// Whether an image is an Envoy proxy image (App Mesh or upstream).
pub fn is_envoy_image(image: &ImageRef) -> bool {
    envoy_line(image).is_some()
}

/// The version in an Envoy image tag: `v1.29.12.1-prod` → [1, 29, 12, 1],
/// `distroless-v1.31.2` → [1, 31, 2], `v1.31-latest` → [1, 31]. `latest`, `dev-<sha>` and
/// other tags without a version give `None`.
pub fn tag_version(tag: &str) -> Option<Vec<u64>> {
    tag.split('-').find_map(|part| {
        let digits = part.strip_prefix('v').or_else(|| part.strip_prefix('V')).unwrap_or(part);
        if !digits.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let version: Option<Vec<u64>> = digits.split('.').map(|n| n.parse().ok()).collect();
        version.filter(|v| v.len() >= 2)
    })
}

/// A parsed dotted version, e.g. `1.34.13.3`.
pub fn parse_version(text: &str) -> Option<Vec<u64>> {
    text.split('.').map(|n| n.parse().ok()).collect()
}

/// Compares versions component by component, missing components counting as 0.
pub fn compare(a: &[u64], b: &[u64]) -> std::cmp::Ordering {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| a.get(i).copied().unwrap_or(0).cmp(&b.get(i).copied().unwrap_or(0)))
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

/// How far behind a version is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvoyStatus {
    /// Its minor line no longer receives security fixes.
    Unsupported,
    /// Supported line, but older than the newest known patch of that line.
    Behind { latest: &'static str },
    /// Up to date as far as this table knows (or newer than it).
    Current,
}

/// Judges a version against an image family's table.
pub fn status(line: &EnvoyImageLine, version: &[u64]) -> EnvoyStatus {
    let minor = (version.first().copied().unwrap_or(0), version.get(1).copied().unwrap_or(0));
    if minor < line.oldest_supported_minor {
        return EnvoyStatus::Unsupported;
    }
    // A two-component tag (`v1.38-latest`) follows its line's newest patch.
    if version.len() < 3 {
        return EnvoyStatus::Current;
    }
    for latest in line.latest_patches {
        let Some(l) = parse_version(latest) else {
            continue;
        };
        if l.len() >= 2 && (l[0], l[1]) == minor && compare(version, &l).is_lt() {
            return EnvoyStatus::Behind { latest };
        }
    }
    EnvoyStatus::Current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_parse() {
        assert_eq!(tag_version("v1.29.12.1-prod"), Some(vec![1, 29, 12, 1]));
        assert_eq!(tag_version("v1.34.13.0-prod-fips"), Some(vec![1, 34, 13, 0]));
        assert_eq!(tag_version("v1.31.2"), Some(vec![1, 31, 2]));
        assert_eq!(tag_version("distroless-v1.31.2"), Some(vec![1, 31, 2]));
        assert_eq!(tag_version("contrib-debug-v1.38.1"), Some(vec![1, 38, 1]));
        assert_eq!(tag_version("v1.31-latest"), Some(vec![1, 31]));
        assert_eq!(tag_version("latest"), None);
        assert_eq!(tag_version("dev-4f1c8a2e"), None);
        assert_eq!(tag_version("v1.x"), None);
    }

    #[test]
    fn families() {
        let line = |s: &str| envoy_line(&ImageRef::parse(s).unwrap()).map(|(l, h)| (l.label, h));
        assert_eq!(
            line("840364872350.dkr.ecr.us-east-1.amazonaws.com/aws-appmesh-envoy:v1.15.1.0-prod"),
            Some(("App Mesh Envoy image", false))
        );
        assert_eq!(line("envoyproxy/envoy:v1.31.2"), Some(("Envoy", false)));
        assert_eq!(line("envoyproxy/envoy-distroless:v1.38.1"), Some(("Envoy", false)));
        assert_eq!(line("123456789012.dkr.ecr.us-east-1.amazonaws.com/mirror/envoy:v1.38.1"), Some(("Envoy", true)));
        assert_eq!(line("nginx:1.27"), None);
        assert_eq!(line("acme/envoy-config-loader:1.0"), None);
    }

    #[test]
    fn statuses() {
        assert_eq!(status(&UPSTREAM_ENVOY, &[1, 31, 2]), EnvoyStatus::Unsupported);
        assert_eq!(status(&UPSTREAM_ENVOY, &[1, 36, 13]), EnvoyStatus::Unsupported);
        assert_eq!(status(&UPSTREAM_ENVOY, &[1, 38, 1]), EnvoyStatus::Behind { latest: "1.38.9" });
        assert_eq!(status(&UPSTREAM_ENVOY, &[1, 38, 9]), EnvoyStatus::Current);
        assert_eq!(status(&UPSTREAM_ENVOY, &[1, 38]), EnvoyStatus::Current);
        assert_eq!(status(&UPSTREAM_ENVOY, &[1, 41, 0]), EnvoyStatus::Current);
        assert_eq!(status(&APP_MESH_ENVOY, &[1, 15, 1, 0]), EnvoyStatus::Unsupported);
        assert_eq!(status(&APP_MESH_ENVOY, &[1, 29, 12, 1]), EnvoyStatus::Unsupported);
        assert_eq!(status(&APP_MESH_ENVOY, &[1, 34, 4, 2]), EnvoyStatus::Behind { latest: "1.34.13.3" });
        assert_eq!(status(&APP_MESH_ENVOY, &[1, 34, 13, 3]), EnvoyStatus::Current);
        for v in UPSTREAM_ENVOY.latest_patches.iter().chain(APP_MESH_ENVOY.latest_patches) {
            assert!(parse_version(v).is_some(), "{v}");
        }
        assert!(chrono::NaiveDate::parse_from_str(APP_MESH_END_OF_SUPPORT, "%Y-%m-%d").is_ok());
    }
}
