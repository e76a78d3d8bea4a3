//! Scan results of the images the tasks run: vulnerabilities found, no usable scan, stale
//! scan.

use super::running::{ecr_containers, shown_reference};
use super::{REGISTRY_SCANNING_CFN, REGISTRY_SCANNING_TF, TD_ECR_IMAGES, collected_at, days_before, image_resource};
use crate::model::{DataSource, Image, Repository, Snapshot};
use crate::rules::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};

/// A scan older than this (days before the snapshot) no longer reflects current CVEs.
const SCAN_STALE_DAYS: i64 = 30;

/// Scan statuses that mean the image has no usable scan result.
const UNSCANNED_STATUSES: &[&str] =
    &["FAILED", "UNSUPPORTED_IMAGE", "SCAN_ELIGIBILITY_EXPIRED", "FINDINGS_UNAVAILABLE"];

/// CLI: scan one image by digest.
const START_IMAGE_SCAN_CLI: &str =
    "aws ecr start-image-scan --repository-name <repository> --image-id imageDigest=<digest>";

/// Whether a call that lists a repository's images failed, so its listing is incomplete.
fn images_incomplete(snap: &Snapshot, r: &Repository) -> bool {
    snap.gaps.iter().any(|g| {
        g.service == "ecr"
            && DataSource::EcrImages.operations().iter().any(|(_, op)| *op == g.operation)
            && g.resource.as_deref().is_none_or(|res| res == r.repository_arn || res == r.repository_name)
    })
}

// ---------------------------------------------------------------------------------------
// image-vulnerabilities-found
// ---------------------------------------------------------------------------------------

pub static IMAGE_VULNERABILITIES_FOUND: Rule = Rule {
    id: "image-vulnerabilities-found",
    title: "Running image has critical or high vulnerabilities",
    severity: Severity::High,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::PrivateEcrImages,
    requires: TD_ECR_IMAGES,
    confidence: Confidence::High,
    rationale: "The ECR scan of the image the tasks actually run reports critical or high severity CVEs in its OS or language packages; these are the vulnerabilities with public exploits and the ones attackers scan for. Critical findings make this finding Critical. Medium and low counts are left to the scan report.",
    remediation: Remediation {
        summary: "Rebuild the image on a patched base with updated packages, push it, and deploy the new digest.",
        steps: &[
            "List the findings with `aws ecr describe-image-scan-findings` (or in Amazon Inspector) and note the fixed versions.",
            "Update the base image and the vulnerable packages, rebuild and push.",
            "Check the new image's scan result, then deploy it by digest.",
            "Add a pipeline gate that blocks images with critical findings.",
        ],
        cli: "aws ecr describe-image-scan-findings --repository-name <repository> --image-id imageDigest=<digest> --query 'imageScanFindings.findingSeverityCounts'",
        terraform: "container_definitions = jsonencode([{\n  name  = \"app\"\n  image = \"${aws_ecr_repository.app.repository_url}@${var.patched_image_digest}\"\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    Image: !Sub \"${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app@${PatchedImageDigest}\"",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageScanFindingsSummary.html",
    ],
    peers: &["Prowler ecr_repositories_scan_vulnerabilities_in_latest_image"],
    check: image_vulnerabilities_found,
};

fn severity_count(image: &Image, severity: &str) -> i64 {
    image
        .image_scan_findings_summary
        .as_ref()
        .map(|s| {
            s.finding_severity_counts
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case(severity))
                .map(|(_, v)| (*v).max(0))
                .sum()
        })
        .unwrap_or(0)
}

fn image_vulnerabilities_found(snap: &Snapshot, out: &mut Findings) {
    for e in ecr_containers(snap) {
        for r in &e.running {
            let Some(image) = r.image else {
                continue;
            };
            let critical = severity_count(image, "CRITICAL");
            let high = severity_count(image, "HIGH");
            if critical == 0 && high == 0 {
                continue;
            }
            let scanned = image
                .image_scan_findings_summary
                .as_ref()
                .and_then(|s| s.image_scan_completed_at.as_deref())
                .unwrap_or("(unknown)");
            let f = out.report(
                image_resource(&e.c, &e.img),
                format!(
                    "container `{}` runs `{}` ({}), whose ECR scan reports {critical} critical and {high} high vulnerabilities",
                    e.c.container.name,
                    e.img.repository,
                    shown_reference(r)
                ),
            );
            f.evidence("CRITICAL", critical)
                .evidence("HIGH", high)
                .evidence("MEDIUM", severity_count(image, "MEDIUM"))
                .evidence("LOW", severity_count(image, "LOW"))
                .evidence("digest", image.image_digest.as_deref().unwrap_or(&r.reference))
                .evidence("image_source", r.source)
                .evidence("scan_completed_at", scanned);
            if critical > 0 {
                f.severity(Severity::Critical);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// image-not-scanned
// ---------------------------------------------------------------------------------------

pub static IMAGE_NOT_SCANNED: Rule = Rule {
    id: "image-not-scanned",
    title: "Running image has no vulnerability scan result",
    severity: Severity::Medium,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::PrivateEcrImages,
    requires: TD_ECR_IMAGES,
    confidence: Confidence::High,
    rationale: "An image that was never scanned, whose scan failed, that the scanner does not support or whose scan eligibility expired may carry any number of known vulnerabilities without anyone knowing; the tasks run it regardless. A running image that the repository no longer lists (deleted after deployment) is reported with Low confidence.",
    remediation: Remediation {
        summary: "Scan the image (and fix why it was not scanned), then act on the findings.",
        steps: &[
            "Start a scan of the running digest with `aws ecr start-image-scan` (basic) or check Amazon Inspector's coverage (enhanced).",
            "For FAILED or UNSUPPORTED_IMAGE, read the status description: an unsupported OS or a missing package database usually means the base image must change.",
            "Make sure a registry scanning rule covers the repository so future pushes are scanned.",
        ],
        cli: START_IMAGE_SCAN_CLI,
        terraform: REGISTRY_SCANNING_TF,
        cloudformation: REGISTRY_SCANNING_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-troubleshooting.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageScanStatus.html",
    ],
    peers: &["Prowler ecr_repositories_scan_vulnerabilities_in_latest_image"],
    check: image_not_scanned,
};

fn image_not_scanned(snap: &Snapshot, out: &mut Findings) {
    for e in ecr_containers(snap) {
        for r in &e.running {
            let Some(image) = r.image else {
                // A failed listing is a gap (the rule says "partial"), not a finding.
                if images_incomplete(snap, e.repo) {
                    continue;
                }
                out.report(
                    image_resource(&e.c, &e.img),
                    format!(
                        "container `{}` runs `{}` ({}), which the listing of repository `{}` does not contain, so its scan status is unknown",
                        e.c.container.name,
                        e.img.repository,
                        shown_reference(r),
                        e.repo.repository_name
                    ),
                )
                .evidence("reference", &r.reference)
                .evidence("image_source", r.source)
                .evidence("images_listed", e.repo.images.len())
                .confidence(Confidence::Low);
                continue;
            };
            let status = image
                .image_scan_status
                .as_ref()
                .and_then(|s| s.status.as_deref())
                .map(|s| s.trim().to_ascii_uppercase());
            let problem = match status.as_deref() {
                None if image.image_scan_findings_summary.is_none() => "has never been scanned",
                Some(s) if UNSCANNED_STATUSES.contains(&s) => "has no usable scan result",
                _ => continue,
            };
            let description = image
                .image_scan_status
                .as_ref()
                .and_then(|s| s.description.as_deref())
                .filter(|d| !d.is_empty())
                .unwrap_or("(none)");
            out.report(
                image_resource(&e.c, &e.img),
                format!(
                    "container `{}` runs `{}` ({}), which {problem}{}",
                    e.c.container.name,
                    e.img.repository,
                    shown_reference(r),
                    status.as_deref().map(|s| format!(" (scan status {s})")).unwrap_or_default()
                ),
            )
            .evidence("scan_status", status.as_deref().unwrap_or("(none)"))
            .evidence("description", description)
            .evidence("digest", image.image_digest.as_deref().unwrap_or(&r.reference))
            .evidence("image_source", r.source);
        }
    }
}

// ---------------------------------------------------------------------------------------
// image-scan-stale
// ---------------------------------------------------------------------------------------

pub static IMAGE_SCAN_STALE: Rule = Rule {
    id: "image-scan-stale",
    title: "Running image's last vulnerability scan is old",
    severity: Severity::Low,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::PrivateEcrImages,
    requires: TD_ECR_IMAGES,
    confidence: Confidence::High,
    rationale: "A basic scan is a snapshot of the CVE database on the day it ran; more than 30 days later its result says nothing about vulnerabilities published since. Images under enhanced continuous scanning (status ACTIVE) are re-evaluated by Amazon Inspector and are not reported; unparseable scan times are skipped.",
    remediation: Remediation {
        summary: "Re-scan running images regularly, or switch the registry to enhanced continuous scanning.",
        steps: &[
            "Start a new scan of the running digest.",
            "Prefer an ENHANCED registry configuration with a CONTINUOUS_SCAN rule so running images are re-evaluated automatically.",
            "Rebuild images that have not been rebuilt recently; a fresh build also picks up base-image fixes.",
        ],
        cli: START_IMAGE_SCAN_CLI,
        terraform: REGISTRY_SCANNING_TF,
        cloudformation: REGISTRY_SCANNING_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-basic.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced.html",
    ],
    peers: &[],
    check: image_scan_stale,
};

fn image_scan_stale(snap: &Snapshot, out: &mut Findings) {
    let Some(now) = collected_at(snap) else {
        return;
    };
    for e in ecr_containers(snap) {
        for r in &e.running {
            let Some(image) = r.image else {
                continue;
            };
            let continuous = image
                .image_scan_status
                .as_ref()
                .and_then(|s| s.status.as_deref())
                .is_some_and(|s| s.eq_ignore_ascii_case("ACTIVE"));
            if continuous {
                continue;
            }
            let Some(scanned) =
                image.image_scan_findings_summary.as_ref().and_then(|s| s.image_scan_completed_at.as_deref())
            else {
                continue;
            };
            let Some(days) = days_before(&now, scanned).filter(|d| *d > SCAN_STALE_DAYS) else {
                continue;
            };
            out.report(
                image_resource(&e.c, &e.img),
                format!(
                    "container `{}` runs `{}` ({}), last scanned {days} days before the snapshot",
                    e.c.container.name,
                    e.img.repository,
                    shown_reference(r)
                ),
            )
            .evidence("scan_completed_at", scanned)
            .evidence("days_since_scan", days)
            .evidence("digest", image.image_digest.as_deref().unwrap_or(&r.reference));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_listing_is_a_gap_not_a_finding() {
        let mut snap: Snapshot = serde_json::from_value(serde_json::json!({
            "schema_version": 1,
            "region": "us-east-1",
            "cluster": {"clusterArn": "arn:aws:ecs:us-east-1:111122223333:cluster/c1", "clusterName": "c1"},
            "services": [{"serviceArn": "arn:aws:ecs:us-east-1:111122223333:service/c1/svc-1", "serviceName": "svc-1",
                          "launchType": "FARGATE", "taskDefinition": "arn:aws:ecs:us-east-1:111122223333:task-definition/fam-a:1"}],
            "task_definitions": [{"taskDefinitionArn": "arn:aws:ecs:us-east-1:111122223333:task-definition/fam-a:1",
                                  "family": "fam-a", "revision": 1,
                                  "containerDefinitions": [{"name": "app", "image": "111122223333.dkr.ecr.us-east-1.amazonaws.com/app:v1"}]}],
            "ecr": {"repositories": [{"repositoryArn": "arn:aws:ecr:us-east-1:111122223333:repository/app",
                                      "repositoryName": "app", "registryId": "111122223333"}]},
            "gaps": [{"service": "ecr", "operation": "DescribeImages", "error_code": "AccessDeniedException",
                      "message": "denied", "resource": "arn:aws:ecr:us-east-1:111122223333:repository/app"}]
        }))
        .unwrap();
        let run = |snap: &Snapshot| {
            let mut out = Findings::new(&IMAGE_NOT_SCANNED);
            image_not_scanned(snap, &mut out);
            out.into_vec()
        };
        assert!(run(&snap).is_empty());
        snap.gaps.clear();
        let found = run(&snap);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].confidence, Confidence::Low);
        assert_eq!(found[0].resource.name, "app:v1");
    }
}
