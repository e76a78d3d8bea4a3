//! Conversions from ECR SDK types to our snapshot model.

use aws_sdk_ecr::types as sdk;

use super::from_ecs::s;
use crate::model as m;

fn time(t: Option<&aws_sdk_ecr::primitives::DateTime>) -> Option<String> {
    t.and_then(|d| d.fmt(aws_sdk_ecr::primitives::DateTimeFormat::DateTime).ok())
}

pub(super) fn repository(r: &sdk::Repository) -> m::Repository {
    m::Repository {
        repository_arn: r.repository_arn().unwrap_or_default().to_owned(),
        repository_name: r.repository_name().unwrap_or_default().to_owned(),
        registry_id: s(r.registry_id()),
        repository_uri: s(r.repository_uri()),
        image_tag_mutability: r.image_tag_mutability().map(|x| x.as_str().to_owned()),
        image_scanning_configuration: r
            .image_scanning_configuration()
            .map(|c| m::ImageScanningConfiguration { scan_on_push: c.scan_on_push() }),
        encryption_configuration: r.encryption_configuration().map(|e| m::EncryptionConfiguration {
            encryption_type: Some(e.encryption_type().as_str().to_owned()),
            kms_key: s(e.kms_key()),
            key_manager: None,
        }),
        lifecycle_policy: None,
        repository_policy: None,
        images: Vec::new(),
        tags: Vec::new(),
    }
}

fn counts(c: Option<&std::collections::HashMap<sdk::FindingSeverity, i32>>) -> std::collections::BTreeMap<String, i64> {
    c.map(|c| c.iter().map(|(k, v)| (k.as_str().to_owned(), i64::from(*v))).collect()).unwrap_or_default()
}

pub(super) fn image(i: &sdk::ImageDetail) -> m::Image {
    m::Image {
        image_digest: s(i.image_digest()),
        image_tags: i.image_tags().to_vec(),
        image_pushed_at: time(i.image_pushed_at()),
        image_scan_status: i.image_scan_status().map(|x| m::ImageScanStatus {
            status: x.status().map(|v| v.as_str().to_owned()),
            description: s(x.description()),
        }),
        image_scan_findings_summary: i.image_scan_findings_summary().map(|x| m::ImageScanFindingsSummary {
            finding_severity_counts: counts(x.finding_severity_counts()),
            image_scan_completed_at: time(x.image_scan_completed_at()),
            vulnerability_source_updated_at: time(x.vulnerability_source_updated_at()),
        }),
    }
}

/// The summary of a DescribeImageScanFindings answer.
pub(super) fn scan_summary(f: &sdk::ImageScanFindings) -> m::ImageScanFindingsSummary {
    let mut finding_severity_counts = counts(f.finding_severity_counts());
    if finding_severity_counts.is_empty() {
        for x in f.findings() {
            if let Some(sev) = x.severity() {
                *finding_severity_counts.entry(sev.as_str().to_owned()).or_default() += 1;
            }
        }
    }
    m::ImageScanFindingsSummary {
        finding_severity_counts,
        image_scan_completed_at: time(f.image_scan_completed_at()),
        vulnerability_source_updated_at: time(f.vulnerability_source_updated_at()),
    }
}

pub(super) fn registry_scanning(c: &sdk::RegistryScanningConfiguration) -> m::RegistryScanningConfiguration {
    m::RegistryScanningConfiguration {
        scan_type: c.scan_type().map(|x| x.as_str().to_owned()),
        rules: c
            .rules()
            .iter()
            .map(|r| m::RegistryScanningRule {
                scan_frequency: Some(r.scan_frequency().as_str().to_owned()),
                repository_filters: r
                    .repository_filters()
                    .iter()
                    .map(|f| m::RepositoryFilter {
                        filter: f.filter().to_owned(),
                        filter_type: Some(f.filter_type().as_str().to_owned()),
                    })
                    .collect(),
            })
            .collect(),
    }
}
