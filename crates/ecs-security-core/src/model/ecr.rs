//! ECR: the repositories that the cluster's images come from, their policies and the scan
//! results of the images in use, plus the registry's scanning configuration.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Tag;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Ecr {
    pub repositories: Vec<Repository>,
    /// GetRegistryScanningConfiguration; absent when not collected (see gaps).
    pub registry_scanning_configuration: Option<RegistryScanningConfiguration>,
}

impl Ecr {
    pub fn repository_by_name(&self, name: &str) -> Option<&Repository> {
        self.repositories.iter().find(|r| r.repository_name == name)
    }
}

/// A repository (DescribeRepositories), with GetLifecyclePolicy, GetRepositoryPolicy and the
/// images in use (DescribeImages).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Repository {
    pub repository_arn: String,
    pub repository_name: String,
    pub registry_id: Option<String>,
    pub repository_uri: Option<String>,
    /// MUTABLE, IMMUTABLE, MUTABLE_WITH_EXCLUSION or IMMUTABLE_WITH_EXCLUSION.
    pub image_tag_mutability: Option<String>,
    pub image_scanning_configuration: Option<ImageScanningConfiguration>,
    pub encryption_configuration: Option<EncryptionConfiguration>,
    /// The lifecycle policy text; `None` means the repository has none (unless a gap says
    /// the call failed).
    pub lifecycle_policy: Option<String>,
    /// The repository policy text; `None` means the repository has none.
    pub repository_policy: Option<String>,
    pub images: Vec<Image>,
    pub tags: Vec<Tag>,
}

impl Repository {
    /// The image with this tag or digest.
    pub fn image(&self, reference: &super::ImageRef) -> Option<&Image> {
        self.images.iter().find(|i| {
            reference.digest.as_deref().is_some_and(|d| i.image_digest.as_deref() == Some(d))
                || reference.tag.as_deref().is_some_and(|t| i.image_tags.iter().any(|it| it == t))
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ImageScanningConfiguration {
    pub scan_on_push: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct EncryptionConfiguration {
    /// AES256, KMS or KMS_DSSE.
    pub encryption_type: Option<String>,
    pub kms_key: Option<String>,
    /// Who manages `kms_key`, from kms:DescribeKey: `AWS` (the `aws/ecr` key) or `CUSTOMER`.
    /// `None` when not collected (denied, or a snapshot from before this field).
    pub key_manager: Option<String>,
}

/// An image (DescribeImages) with its scan summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Image {
    pub image_digest: Option<String>,
    pub image_tags: Vec<String>,
    pub image_pushed_at: Option<String>,
    pub image_scan_status: Option<ImageScanStatus>,
    pub image_scan_findings_summary: Option<ImageScanFindingsSummary>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ImageScanStatus {
    /// IN_PROGRESS, COMPLETE, FAILED, UNSUPPORTED_IMAGE, ACTIVE, PENDING, SCAN_ELIGIBILITY_EXPIRED,
    /// FINDINGS_UNAVAILABLE.
    pub status: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ImageScanFindingsSummary {
    /// CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNDEFINED → count.
    pub finding_severity_counts: BTreeMap<String, i64>,
    pub image_scan_completed_at: Option<String>,
    pub vulnerability_source_updated_at: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RegistryScanningConfiguration {
    /// BASIC or ENHANCED.
    pub scan_type: Option<String>,
    pub rules: Vec<RegistryScanningRule>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RegistryScanningRule {
    /// SCAN_ON_PUSH, CONTINUOUS_SCAN or MANUAL.
    pub scan_frequency: Option<String>,
    pub repository_filters: Vec<RepositoryFilter>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RepositoryFilter {
    pub filter: String,
    pub filter_type: Option<String>,
}
