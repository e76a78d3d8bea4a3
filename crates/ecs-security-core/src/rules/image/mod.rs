//! Images and ECR: what runs, where it comes from, how it is scanned and stored.
//!
//! Container-image findings about private ECR images name the image without its registry
//! host (`payments/api:1.4`); the full reference is in the evidence.
//!
//! Submodules by what the rules read: `reference` the image references in container
//! definitions, `repository` and `policy` the ECR repositories and registry, `scans` and
//! `age` the images the tasks actually run (which `running` resolves).

mod age;
mod policy;
mod reference;
mod repository;
mod running;
mod scans;

use chrono::{DateTime, FixedOffset};

use super::Rule;
use crate::model::{ContainerCtx, DataSource, ImageRef, Repository, ResourceKind, ResourceRef, Snapshot};

pub use age::{IMAGE_END_OF_LIFE_BASE, IMAGE_STALE};
pub use policy::{ECR_REPOSITORY_PUBLIC, PublicStatement, public_statements};
pub use reference::{
    CONTAINER_IMAGE_EXTERNAL_REGISTRY, CONTAINER_IMAGE_MISSING, CONTAINER_IMAGE_NOT_PINNED,
    CONTAINER_VERSION_CONSISTENCY_DISABLED,
};
pub use repository::{
    ECR_REGISTRY_CONTINUOUS_SCANNING_DISABLED, ECR_REPOSITORY_CMK_MISSING, ECR_REPOSITORY_LIFECYCLE_POLICY_MISSING,
    ECR_REPOSITORY_SCAN_ON_PUSH_DISABLED, ECR_REPOSITORY_TAGS_MUTABLE, filter_matches,
};
pub use scans::{IMAGE_NOT_SCANNED, IMAGE_SCAN_STALE, IMAGE_VULNERABILITIES_FOUND};

pub(super) const RULES: &[&Rule] = &[
    &CONTAINER_IMAGE_MISSING,
    &CONTAINER_IMAGE_NOT_PINNED,
    &CONTAINER_IMAGE_EXTERNAL_REGISTRY,
    &CONTAINER_VERSION_CONSISTENCY_DISABLED,
    &ECR_REPOSITORY_SCAN_ON_PUSH_DISABLED,
    &ECR_REGISTRY_CONTINUOUS_SCANNING_DISABLED,
    &ECR_REPOSITORY_TAGS_MUTABLE,
    &ECR_REPOSITORY_PUBLIC,
    &ECR_REPOSITORY_LIFECYCLE_POLICY_MISSING,
    &ECR_REPOSITORY_CMK_MISSING,
    &IMAGE_VULNERABILITIES_FOUND,
    &IMAGE_NOT_SCANNED,
    &IMAGE_SCAN_STALE,
    &IMAGE_END_OF_LIFE_BASE,
    &IMAGE_STALE,
];

const TD: &[DataSource] = &[DataSource::Services, DataSource::TaskDefinitions, DataSource::Tasks];

/// Task definitions plus the ECR repositories and images they pull.
const TD_ECR_IMAGES: &[DataSource] = &[
    DataSource::Services,
    DataSource::TaskDefinitions,
    DataSource::Tasks,
    DataSource::EcrRepositories,
    DataSource::EcrImages,
];

/// Terraform: ENHANCED registry scanning, continuous for every repository.
const REGISTRY_SCANNING_TF: &str = "resource \"aws_ecr_registry_scanning_configuration\" \"this\" {\n  scan_type = \"ENHANCED\"\n  rule {\n    scan_frequency = \"CONTINUOUS_SCAN\"\n    repository_filter {\n      filter      = \"*\"\n      filter_type = \"WILDCARD\"\n    }\n  }\n}";

/// CloudFormation: ENHANCED registry scanning, continuous for every repository.
const REGISTRY_SCANNING_CFN: &str = "Type: AWS::ECR::RegistryScanningConfiguration\nProperties:\n  ScanType: ENHANCED\n  Rules:\n    - ScanFrequency: CONTINUOUS_SCAN\n      RepositoryFilters:\n        - Filter: \"*\"\n          FilterType: WILDCARD";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn image_of(c: &ContainerCtx<'_>) -> Option<ImageRef> {
    c.container.image.as_deref().and_then(ImageRef::parse)
}

/// The reference without the registry host: `payments/api:1.4@sha256:…`.
fn short_reference(img: &ImageRef) -> String {
    let mut s = img.repository.clone();
    if let Some(t) = &img.tag {
        s.push(':');
        s.push_str(t);
    }
    if let Some(d) = &img.digest {
        s.push('@');
        s.push_str(d);
    }
    s
}

/// `Container Image: …`; private ECR images are named without their registry host.
fn image_resource(c: &ContainerCtx<'_>, img: &ImageRef) -> ResourceRef {
    let mut r = c.image_resource();
    if img.is_private_ecr() {
        r.name = short_reference(img);
    }
    r
}

fn repository_ref(r: &Repository) -> ResourceRef {
    ResourceRef::new(ResourceKind::EcrRepository, &r.repository_name).with_arn(&r.repository_arn)
}

/// `arn:aws:ecr:<region>:<account>:repository/<name>` → (region, account).
fn arn_region_account(arn: &str) -> (Option<&str>, Option<&str>) {
    let mut parts = arn.split(':');
    let region = parts.nth(3).filter(|s| !s.is_empty());
    let account = parts.next().filter(|s| !s.is_empty());
    (region, account)
}

/// The account that owns a repository: its registry id, else its ARN's account.
fn repository_account(r: &Repository) -> Option<&str> {
    r.registry_id.as_deref().filter(|s| !s.is_empty()).or(arn_region_account(&r.repository_arn).1)
}

/// The snapshot's repository that holds a private ECR image (same name, account and region).
fn repository_of<'a>(snap: &'a Snapshot, img: &ImageRef) -> Option<&'a Repository> {
    let account = img.ecr_account()?;
    let region = img.ecr_region()?;
    snap.ecr.repositories.iter().find(|r| {
        let arn_region = arn_region_account(&r.repository_arn).0;
        r.repository_name == img.repository
            && repository_account(r).is_none_or(|a| a == account)
            && arn_region.is_none_or(|x| x == region)
    })
}

fn collected_at(snap: &Snapshot) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(snap.collected_at.trim()).ok()
}

/// Whole days from `then` (RFC 3339) to the snapshot time; `None` when unparseable.
fn days_before(now: &DateTime<FixedOffset>, then: &str) -> Option<i64> {
    let then = DateTime::parse_from_rfc3339(then.trim()).ok()?;
    Some((*now - then).num_days())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names() {
        let img = ImageRef::parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/payments/api:1.4@sha256:abc").unwrap();
        assert_eq!(short_reference(&img), "payments/api:1.4@sha256:abc");
        assert_eq!(
            arn_region_account("arn:aws:ecr:us-east-1:123456789012:repository/payments/api"),
            (Some("us-east-1"), Some("123456789012"))
        );
        assert_eq!(arn_region_account(""), (None, None));
    }
}
