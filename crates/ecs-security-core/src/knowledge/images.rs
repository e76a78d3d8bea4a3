//! Container images: end-of-life base images and the repository-policy condition keys that
//! keep a wildcard principal from being public.
//!
//! [`EOL_RELEASES`] lists official images (Docker Hub library names, also found mirrored as
//! `public.ecr.aws/docker/library/<name>`, `<mirror>/library/<name>` or ECR pull-through
//! caches such as `docker-hub/library/<name>`) whose release line no longer receives security
//! fixes, with the date support ended. A tag matches a release when its version part (the
//! text before the first `-`) equals one of the release's version prefixes or continues it
//! with a `.`: `3.8`, `3.8-slim` and `3.8.18-bookworm` match Python 3.8, but `3.80` and `3`
//! do not. Base-OS suffixes (`-buster`, `-alpine3.16`, `-al2`) name the distribution an
//! official image is built on, so `python:3.11-slim-buster` is on Debian 10.
//!
//! Each release records where its date comes from and when it was checked. Refresh the table
//! when a line reaches its end of life: newer releases are simply absent (never flagged).

use super::Provenance;
use crate::model::ImageRef;

/// The date the tables below were last checked against their sources.
pub const AS_OF: &str = "2026-11-26";

/// One release line of an official image whose security support has ended (or ends on
/// `eol`; the rule compares it with the snapshot's collection time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EolRelease {
    /// What the user runs, e.g. "Python 3.8" or "Debian 10 (buster)".
    pub product: &'static str,
    /// Official image names (without registry or `library/`) this release is published as.
    pub images: &'static [&'static str],
    /// Tag version prefixes or codenames of this release (`3.8`, `buster`, `hydrogen`).
    pub versions: &'static [&'static str],
    /// Tag suffix tokens that say another official image is built on this release
    /// (`buster`, `alpine3.16`, `al2`); empty for language runtimes.
    pub variants: &'static [&'static str],
    /// The day security support ended (YYYY-MM-DD).
    pub eol: &'static str,
    pub provenance: Provenance,
}

const fn src(source: &'static str) -> Provenance {
    Provenance { source, as_of: AS_OF }
}

const PYTHON: Provenance = src("https://endoflife.date/python");
const NODE: Provenance = src("https://endoflife.date/nodejs");
const UBUNTU: Provenance = src("https://endoflife.date/ubuntu (end of standard maintenance and security support)");
const DEBIAN: Provenance = src("https://endoflife.date/debian (end of Debian LTS)");
const CENTOS: Provenance = src("https://endoflife.date/centos; https://endoflife.date/centos-stream");
const ALPINE: Provenance = src("https://endoflife.date/alpine-linux");
const AMAZON_LINUX: Provenance = src(
    "https://endoflife.date/amazon-linux; https://aws.amazon.com/amazon-linux-2/faqs/ (AL2 end of support extended to 2026-06-30)",
);
const PHP: Provenance = src("https://endoflife.date/php");
const RUBY: Provenance = src("https://endoflife.date/ruby");
const GO: Provenance = src(
    "https://endoflife.date/go; https://go.dev/doc/devel/release (a release is supported until two newer ones exist; go1.27.0 was tagged 2026-08-19, ending Go 1.25)",
);
const POSTGRES: Provenance = src("https://endoflife.date/postgresql");
const MYSQL: Provenance = src("https://endoflife.date/mysql (end of extended support)");

macro_rules! eol {
    ($product:literal, $images:expr, [$($v:literal),+ $(,)?], [$($var:literal),* $(,)?], $eol:literal, $prov:expr) => {
        EolRelease {
            product: $product,
            images: $images,
            versions: &[$($v),+],
            variants: &[$($var),*],
            eol: $eol,
            provenance: $prov,
        }
    };
}

const PY: &[&str] = &["python"];
const NODEJS: &[&str] = &["node"];
const UB: &[&str] = &["ubuntu"];
const DEB: &[&str] = &["debian"];
const CENT: &[&str] = &["centos"];
const ALP: &[&str] = &["alpine"];
const AL: &[&str] = &["amazonlinux"];
const PHP_IMG: &[&str] = &["php"];
const RB: &[&str] = &["ruby"];
const GOLANG: &[&str] = &["golang"];
const PG: &[&str] = &["postgres"];
const MY: &[&str] = &["mysql"];

/// Release lines whose security support has ended, as of [`AS_OF`].
pub const EOL_RELEASES: &[EolRelease] = &[
    // Python
    eol!("Python 2", PY, ["2"], [], "2020-01-01", PYTHON),
    eol!("Python 3.3", PY, ["3.3"], [], "2017-09-29", PYTHON),
    eol!("Python 3.4", PY, ["3.4"], [], "2019-03-18", PYTHON),
    eol!("Python 3.5", PY, ["3.5"], [], "2020-09-13", PYTHON),
    eol!("Python 3.6", PY, ["3.6"], [], "2021-12-23", PYTHON),
    eol!("Python 3.7", PY, ["3.7"], [], "2023-06-27", PYTHON),
    eol!("Python 3.8", PY, ["3.8"], [], "2024-10-07", PYTHON),
    eol!("Python 3.9", PY, ["3.9"], [], "2025-10-31", PYTHON),
    eol!("Python 3.10", PY, ["3.10"], [], "2026-10-31", PYTHON),
    // Node.js (Docker tags also use the LTS codenames)
    eol!("Node.js 4", NODEJS, ["4", "argon"], [], "2018-04-30", NODE),
    eol!("Node.js 5", NODEJS, ["5"], [], "2016-06-30", NODE),
    eol!("Node.js 6", NODEJS, ["6", "boron"], [], "2019-04-30", NODE),
    eol!("Node.js 7", NODEJS, ["7"], [], "2017-06-30", NODE),
    eol!("Node.js 8", NODEJS, ["8", "carbon"], [], "2019-12-31", NODE),
    eol!("Node.js 9", NODEJS, ["9"], [], "2018-06-30", NODE),
    eol!("Node.js 10", NODEJS, ["10", "dubnium"], [], "2021-04-30", NODE),
    eol!("Node.js 11", NODEJS, ["11"], [], "2019-06-30", NODE),
    eol!("Node.js 12", NODEJS, ["12", "erbium"], [], "2022-04-30", NODE),
    eol!("Node.js 13", NODEJS, ["13"], [], "2020-06-01", NODE),
    eol!("Node.js 14", NODEJS, ["14", "fermium"], [], "2023-04-30", NODE),
    eol!("Node.js 15", NODEJS, ["15"], [], "2021-06-01", NODE),
    eol!("Node.js 16", NODEJS, ["16", "gallium"], [], "2023-09-11", NODE),
    eol!("Node.js 17", NODEJS, ["17"], [], "2022-06-01", NODE),
    eol!("Node.js 18", NODEJS, ["18", "hydrogen"], [], "2025-04-30", NODE),
    eol!("Node.js 19", NODEJS, ["19"], [], "2023-06-01", NODE),
    eol!("Node.js 20", NODEJS, ["20", "iron"], [], "2026-04-30", NODE),
    eol!("Node.js 21", NODEJS, ["21"], [], "2024-06-01", NODE),
    eol!("Node.js 23", NODEJS, ["23"], [], "2025-06-01", NODE),
    eol!("Node.js 25", NODEJS, ["25"], [], "2026-06-01", NODE),
    // Ubuntu (LTS and interim releases)
    eol!("Ubuntu 12.04 (precise)", UB, ["12.04", "precise"], ["precise"], "2017-04-28", UBUNTU),
    eol!("Ubuntu 14.04 (trusty)", UB, ["14.04", "trusty"], ["trusty"], "2019-04-02", UBUNTU),
    eol!("Ubuntu 16.04 (xenial)", UB, ["16.04", "xenial"], ["xenial"], "2021-04-02", UBUNTU),
    eol!("Ubuntu 18.04 (bionic)", UB, ["18.04", "bionic"], ["bionic"], "2023-05-31", UBUNTU),
    eol!("Ubuntu 18.10 (cosmic)", UB, ["18.10", "cosmic"], ["cosmic"], "2019-07-18", UBUNTU),
    eol!("Ubuntu 19.04 (disco)", UB, ["19.04", "disco"], ["disco"], "2020-01-23", UBUNTU),
    eol!("Ubuntu 19.10 (eoan)", UB, ["19.10", "eoan"], ["eoan"], "2020-07-06", UBUNTU),
    eol!("Ubuntu 20.04 (focal)", UB, ["20.04", "focal"], ["focal"], "2025-05-31", UBUNTU),
    eol!("Ubuntu 20.10 (groovy)", UB, ["20.10", "groovy"], ["groovy"], "2021-07-22", UBUNTU),
    eol!("Ubuntu 21.04 (hirsute)", UB, ["21.04", "hirsute"], ["hirsute"], "2022-01-20", UBUNTU),
    eol!("Ubuntu 21.10 (impish)", UB, ["21.10", "impish"], ["impish"], "2022-07-14", UBUNTU),
    eol!("Ubuntu 22.10 (kinetic)", UB, ["22.10", "kinetic"], ["kinetic"], "2023-07-20", UBUNTU),
    eol!("Ubuntu 23.04 (lunar)", UB, ["23.04", "lunar"], ["lunar"], "2024-01-20", UBUNTU),
    eol!("Ubuntu 23.10 (mantic)", UB, ["23.10", "mantic"], ["mantic"], "2024-07-12", UBUNTU),
    eol!("Ubuntu 24.10 (oracular)", UB, ["24.10", "oracular"], ["oracular"], "2025-07-10", UBUNTU),
    eol!("Ubuntu 25.04 (plucky)", UB, ["25.04", "plucky"], ["plucky"], "2026-01-17", UBUNTU),
    eol!("Ubuntu 25.10 (questing)", UB, ["25.10", "questing"], ["questing"], "2026-07-01", UBUNTU),
    // Debian (end of the LTS period)
    eol!("Debian 7 (wheezy)", DEB, ["7", "wheezy"], ["wheezy"], "2018-05-31", DEBIAN),
    eol!("Debian 8 (jessie)", DEB, ["8", "jessie"], ["jessie"], "2020-06-30", DEBIAN),
    eol!("Debian 9 (stretch)", DEB, ["9", "stretch"], ["stretch"], "2022-07-01", DEBIAN),
    eol!("Debian 10 (buster)", DEB, ["10", "buster"], ["buster"], "2024-06-30", DEBIAN),
    eol!("Debian 11 (bullseye)", DEB, ["11", "bullseye"], ["bullseye"], "2026-08-31", DEBIAN),
    // CentOS Linux and CentOS Stream 8
    eol!("CentOS 6", CENT, ["6", "centos6"], ["centos6"], "2020-11-30", CENTOS),
    eol!("CentOS 7", CENT, ["7", "centos7"], ["centos7"], "2024-06-30", CENTOS),
    eol!("CentOS 8", CENT, ["8", "centos8"], ["centos8"], "2021-12-31", CENTOS),
    eol!("CentOS Stream 8", CENT, ["stream8"], [], "2024-05-31", CENTOS),
    // Alpine Linux
    eol!("Alpine 3.0", ALP, ["3.0"], ["alpine3.0"], "2016-05-01", ALPINE),
    eol!("Alpine 3.1", ALP, ["3.1"], ["alpine3.1"], "2016-11-01", ALPINE),
    eol!("Alpine 3.2", ALP, ["3.2"], ["alpine3.2"], "2017-05-01", ALPINE),
    eol!("Alpine 3.3", ALP, ["3.3"], ["alpine3.3"], "2017-11-01", ALPINE),
    eol!("Alpine 3.4", ALP, ["3.4"], ["alpine3.4"], "2018-05-01", ALPINE),
    eol!("Alpine 3.5", ALP, ["3.5"], ["alpine3.5"], "2018-11-01", ALPINE),
    eol!("Alpine 3.6", ALP, ["3.6"], ["alpine3.6"], "2019-05-01", ALPINE),
    eol!("Alpine 3.7", ALP, ["3.7"], ["alpine3.7"], "2019-11-01", ALPINE),
    eol!("Alpine 3.8", ALP, ["3.8"], ["alpine3.8"], "2020-05-01", ALPINE),
    eol!("Alpine 3.9", ALP, ["3.9"], ["alpine3.9"], "2020-11-01", ALPINE),
    eol!("Alpine 3.10", ALP, ["3.10"], ["alpine3.10"], "2021-05-01", ALPINE),
    eol!("Alpine 3.11", ALP, ["3.11"], ["alpine3.11"], "2021-11-01", ALPINE),
    eol!("Alpine 3.12", ALP, ["3.12"], ["alpine3.12"], "2022-05-01", ALPINE),
    eol!("Alpine 3.13", ALP, ["3.13"], ["alpine3.13"], "2022-11-01", ALPINE),
    eol!("Alpine 3.14", ALP, ["3.14"], ["alpine3.14"], "2023-05-01", ALPINE),
    eol!("Alpine 3.15", ALP, ["3.15"], ["alpine3.15"], "2023-11-01", ALPINE),
    eol!("Alpine 3.16", ALP, ["3.16"], ["alpine3.16"], "2024-05-23", ALPINE),
    eol!("Alpine 3.17", ALP, ["3.17"], ["alpine3.17"], "2024-11-22", ALPINE),
    eol!("Alpine 3.18", ALP, ["3.18"], ["alpine3.18"], "2025-05-09", ALPINE),
    eol!("Alpine 3.19", ALP, ["3.19"], ["alpine3.19"], "2025-11-01", ALPINE),
    eol!("Alpine 3.20", ALP, ["3.20"], ["alpine3.20"], "2026-04-01", ALPINE),
    eol!("Alpine 3.21", ALP, ["3.21"], ["alpine3.21"], "2026-11-01", ALPINE),
    // Amazon Linux
    eol!("Amazon Linux 1 (AMI 2018.03)", AL, ["1", "2018.03", "2017.09", "2017.03"], [], "2023-12-31", AMAZON_LINUX),
    eol!("Amazon Linux 2", AL, ["2"], ["al2"], "2026-06-30", AMAZON_LINUX),
    // PHP
    eol!("PHP 5", PHP_IMG, ["5"], [], "2018-12-31", PHP),
    eol!("PHP 7", PHP_IMG, ["7"], [], "2022-11-28", PHP),
    eol!("PHP 7.0", PHP_IMG, ["7.0"], [], "2019-01-10", PHP),
    eol!("PHP 7.1", PHP_IMG, ["7.1"], [], "2019-12-01", PHP),
    eol!("PHP 7.2", PHP_IMG, ["7.2"], [], "2020-11-30", PHP),
    eol!("PHP 7.3", PHP_IMG, ["7.3"], [], "2021-12-06", PHP),
    eol!("PHP 7.4", PHP_IMG, ["7.4"], [], "2022-11-28", PHP),
    eol!("PHP 8.0", PHP_IMG, ["8.0"], [], "2023-11-26", PHP),
    eol!("PHP 8.1", PHP_IMG, ["8.1"], [], "2025-12-31", PHP),
    // Ruby
    eol!("Ruby 2", RB, ["2"], [], "2023-03-31", RUBY),
    eol!("Ruby 2.4", RB, ["2.4"], [], "2020-03-31", RUBY),
    eol!("Ruby 2.5", RB, ["2.5"], [], "2021-03-31", RUBY),
    eol!("Ruby 2.6", RB, ["2.6"], [], "2022-03-31", RUBY),
    eol!("Ruby 2.7", RB, ["2.7"], [], "2023-03-31", RUBY),
    eol!("Ruby 3.0", RB, ["3.0"], [], "2024-04-23", RUBY),
    eol!("Ruby 3.1", RB, ["3.1"], [], "2025-03-31", RUBY),
    eol!("Ruby 3.2", RB, ["3.2"], [], "2026-03-31", RUBY),
    // Go (supported until two newer releases exist)
    eol!(
        "Go 1.14 or older",
        GOLANG,
        ["1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10", "1.11", "1.12", "1.13", "1.14"],
        [],
        "2021-02-16",
        GO
    ),
    eol!("Go 1.15", GOLANG, ["1.15"], [], "2021-08-16", GO),
    eol!("Go 1.16", GOLANG, ["1.16"], [], "2022-03-15", GO),
    eol!("Go 1.17", GOLANG, ["1.17"], [], "2022-08-02", GO),
    eol!("Go 1.18", GOLANG, ["1.18"], [], "2023-02-01", GO),
    eol!("Go 1.19", GOLANG, ["1.19"], [], "2023-09-06", GO),
    eol!("Go 1.20", GOLANG, ["1.20"], [], "2024-02-06", GO),
    eol!("Go 1.21", GOLANG, ["1.21"], [], "2024-08-13", GO),
    eol!("Go 1.22", GOLANG, ["1.22"], [], "2025-02-11", GO),
    eol!("Go 1.23", GOLANG, ["1.23"], [], "2025-08-12", GO),
    eol!("Go 1.24", GOLANG, ["1.24"], [], "2026-02-11", GO),
    eol!("Go 1.25", GOLANG, ["1.25"], [], "2026-08-19", GO),
    // PostgreSQL (five years per major version)
    eol!("PostgreSQL 9", PG, ["9"], [], "2021-11-11", POSTGRES),
    eol!("PostgreSQL 9.3", PG, ["9.3"], [], "2018-11-08", POSTGRES),
    eol!("PostgreSQL 9.4", PG, ["9.4"], [], "2020-02-13", POSTGRES),
    eol!("PostgreSQL 9.5", PG, ["9.5"], [], "2021-02-11", POSTGRES),
    eol!("PostgreSQL 9.6", PG, ["9.6"], [], "2021-11-11", POSTGRES),
    eol!("PostgreSQL 10", PG, ["10"], [], "2022-11-10", POSTGRES),
    eol!("PostgreSQL 11", PG, ["11"], [], "2023-11-09", POSTGRES),
    eol!("PostgreSQL 12", PG, ["12"], [], "2024-11-14", POSTGRES),
    eol!("PostgreSQL 13", PG, ["13"], [], "2025-11-13", POSTGRES),
    eol!("PostgreSQL 14", PG, ["14"], [], "2026-11-12", POSTGRES),
    // MySQL (LTS lines and short-lived innovation releases)
    eol!("MySQL 5", MY, ["5"], [], "2023-10-31", MYSQL),
    eol!("MySQL 5.5", MY, ["5.5"], [], "2018-12-31", MYSQL),
    eol!("MySQL 5.6", MY, ["5.6"], [], "2021-02-28", MYSQL),
    eol!("MySQL 5.7", MY, ["5.7"], [], "2023-10-31", MYSQL),
    eol!("MySQL 8.0", MY, ["8.0"], [], "2026-04-30", MYSQL),
    eol!("MySQL 8.1", MY, ["8.1"], [], "2023-10-25", MYSQL),
    eol!("MySQL 8.2", MY, ["8.2"], [], "2023-12-14", MYSQL),
    eol!("MySQL 8.3", MY, ["8.3"], [], "2024-04-10", MYSQL),
    eol!("MySQL 9.0", MY, ["9.0"], [], "2024-10-15", MYSQL),
    eol!("MySQL 9.1", MY, ["9.1"], [], "2025-01-21", MYSQL),
    eol!("MySQL 9.2", MY, ["9.2"], [], "2025-04-15", MYSQL),
    eol!("MySQL 9.3", MY, ["9.3"], [], "2025-07-22", MYSQL),
    eol!("MySQL 9.4", MY, ["9.4"], [], "2025-10-21", MYSQL),
    eol!("MySQL 9.5", MY, ["9.5"], [], "2026-01-20", MYSQL),
    eol!("MySQL 9.6", MY, ["9.6"], [], "2026-04-21", MYSQL),
];

/// How an image matched an end-of-life release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EolBasis {
    /// The image is the release itself (`python:3.8-slim` is Python 3.8).
    Version,
    /// The tag names the release as its base OS (`python:3.11-slim-buster` is on Debian 10).
    BaseOs,
}

/// An image that runs an end-of-life release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EolMatch {
    pub release: &'static EolRelease,
    pub basis: EolBasis,
}

/// Whether `token` is `prefix` or continues it with a `.` (`3.8.18` continues `3.8`; `3.80`
/// does not).
pub fn version_matches(token: &str, prefix: &str) -> bool {
    match token.strip_prefix(prefix) {
        Some("") => true,
        Some(rest) => rest.starts_with('.'),
        None => false,
    }
}

/// The official-image name of a reference, when it is one: `python`, `library/python`,
/// `docker.io/library/python`, `public.ecr.aws/docker/library/python`,
/// `<account>.dkr.ecr.<region>.amazonaws.com/docker-hub/library/python` (pull-through
/// cache) and `public.ecr.aws/ubuntu/ubuntu` all give `python` or `ubuntu`. Other
/// publishers' images (`bitnami/python`, `acme/app`) give `None`.
pub fn official_name(image: &ImageRef) -> Option<&str> {
    let parts: Vec<&str> = image.repository.split('/').collect();
    let docker_hub =
        matches!(image.registry.as_deref(), None | Some("docker.io" | "registry-1.docker.io" | "index.docker.io"));
    match parts.as_slice() {
        [name] if docker_hub => Some(name),
        [.., "library", name] => Some(name),
        [publisher, name] if publisher == name => Some(name),
        _ => None,
    }
}

/// The end-of-life release an image runs, judged from its name and tag. Images without an
/// explicit tag, `latest` and digest-only references are never matched.
pub fn eol_release(image: &ImageRef) -> Option<EolMatch> {
    let name = official_name(image)?.to_ascii_lowercase();
    let tag = image.tag.as_deref()?.trim().to_ascii_lowercase();
    if tag.is_empty() || tag == "latest" {
        return None;
    }
    let mut tokens = tag.split('-');
    let version = tokens.next().unwrap_or("");
    // The image's own release: the longest matching version prefix wins (PHP 7.4 over PHP 7).
    let own = EOL_RELEASES
        .iter()
        .filter(|r| r.images.contains(&name.as_str()))
        .filter_map(|r| {
            r.versions.iter().filter(|v| version_matches(version, v)).map(|v| v.len()).max().map(|len| (len, r))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, r)| r);
    if let Some(release) = own {
        return Some(EolMatch { release, basis: EolBasis::Version });
    }
    // A base-OS suffix on any official image.
    tokens
        .find_map(|token| {
            EOL_RELEASES
                .iter()
                .find(|r| !r.images.contains(&name.as_str()) && r.variants.iter().any(|v| version_matches(token, v)))
        })
        .map(|release| EolMatch { release, basis: EolBasis::BaseOs })
}

/// Repository-policy condition keys that tie a statement to specific accounts, an
/// organization, a network or a calling resource, so that a `*` principal is not public.
/// Lower-case (condition keys are case-insensitive).
pub const RESTRICTING_CONDITION_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalservicename",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:userid",
];

pub const CONDITION_KEYS_SOURCE: Provenance = src(
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html; Prowler is_policy_public (restricting keys)",
);

#[cfg(test)]
mod tests {
    use super::*;

    fn release(image: &str) -> Option<&'static str> {
        eol_release(&ImageRef::parse(image).unwrap()).map(|m| m.release.product)
    }

    #[test]
    fn version_prefixes_respect_dot_boundaries() {
        assert!(version_matches("3.8", "3.8"));
        assert!(version_matches("3.8.18", "3.8"));
        assert!(!version_matches("3.80", "3.8"));
        assert!(!version_matches("3", "3.8"));
        assert!(!version_matches("2023", "2"));
        assert!(version_matches("2.0.20240610.1", "2"));
        assert!(!version_matches("alpine3.16", "alpine3.1"));
    }

    #[test]
    fn matches_common_tags() {
        assert_eq!(release("python:3.8-slim"), Some("Python 3.8"));
        assert_eq!(release("python:3.8.18-bookworm"), Some("Python 3.8"));
        assert_eq!(release("python:2.7"), Some("Python 2"));
        assert_eq!(release("node:18-alpine"), Some("Node.js 18"));
        assert_eq!(release("node:hydrogen-slim"), Some("Node.js 18"));
        assert_eq!(release("debian:buster"), Some("Debian 10 (buster)"));
        assert_eq!(release("debian:buster-20240612-slim"), Some("Debian 10 (buster)"));
        assert_eq!(release("ubuntu:bionic-20230530"), Some("Ubuntu 18.04 (bionic)"));
        assert_eq!(release("ubuntu:18.04"), Some("Ubuntu 18.04 (bionic)"));
        assert_eq!(release("centos:7.9.2009"), Some("CentOS 7"));
        assert_eq!(release("centos:centos7"), Some("CentOS 7"));
        assert_eq!(release("alpine:3.16.9"), Some("Alpine 3.16"));
        assert_eq!(release("amazonlinux:2"), Some("Amazon Linux 2"));
        assert_eq!(release("amazonlinux:2018.03"), Some("Amazon Linux 1 (AMI 2018.03)"));
        assert_eq!(release("php:7.4-fpm"), Some("PHP 7.4"));
        assert_eq!(release("php:7"), Some("PHP 7"));
        assert_eq!(release("golang:1.20-alpine"), Some("Go 1.20"));
        assert_eq!(release("golang:1.9"), Some("Go 1.14 or older"));
        assert_eq!(release("postgres:11-alpine"), Some("PostgreSQL 11"));
        assert_eq!(release("mysql:5.7"), Some("MySQL 5.7"));
        assert_eq!(release("public.ecr.aws/docker/library/python:3.8"), Some("Python 3.8"));
        assert_eq!(
            release("123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/node:16"),
            Some("Node.js 16")
        );
        assert_eq!(release("public.ecr.aws/amazonlinux/amazonlinux:2"), Some("Amazon Linux 2"));
    }

    #[test]
    fn base_os_suffixes() {
        let m = eol_release(&ImageRef::parse("python:3.12-slim-buster").unwrap()).unwrap();
        assert_eq!(m.release.product, "Debian 10 (buster)");
        assert_eq!(m.basis, EolBasis::BaseOs);
        assert_eq!(release("openjdk:11-jre-slim-stretch"), Some("Debian 9 (stretch)"));
        assert_eq!(release("amazoncorretto:17-al2-jdk"), Some("Amazon Linux 2"));
        assert_eq!(release("amazoncorretto:17-al2023"), None);
        assert_eq!(release("golang:1.26-alpine3.16"), Some("Alpine 3.16"));
    }

    #[test]
    fn supported_and_untagged_images_do_not_match() {
        for image in [
            "python:3.12",
            "python:3.80",
            "python:3",
            "python:latest",
            "python",
            "python@sha256:0123",
            "node:22-alpine",
            "node:jod",
            "debian:bookworm",
            "ubuntu:24.04",
            "alpine:3.22",
            "amazonlinux:2023",
            "golang:1.26",
            "golang:1",
            "postgres:16",
            "mysql:8",
            "mysql:8.4",
            "php:8.3-apache",
            "ruby:3.4",
            "bitnami/python:3.8",
            "acme/python:3.8",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/python:3.8",
            "golang:1.21rc2",
            "python:slim-bookworm",
        ] {
            assert_eq!(release(image), None, "{image}");
        }
    }

    #[test]
    fn dates_are_valid() {
        for r in EOL_RELEASES {
            assert!(chrono::NaiveDate::parse_from_str(r.eol, "%Y-%m-%d").is_ok(), "{}", r.product);
            assert!(!r.images.is_empty() && !r.versions.is_empty());
        }
    }
}
