//! How old the running images are: end-of-life runtimes or base OSes, and images built
//! long ago.

use chrono::NaiveDate;

use super::running::{ecr_containers, shown_reference};
use super::{TD, TD_ECR_IMAGES, collected_at, days_before, image_of, image_resource};
use crate::knowledge::images::{self as eol, EolBasis};
use crate::model::Snapshot;
use crate::rules::snippets::TD_CLI;
use crate::rules::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};

/// An image pushed longer ago than this (days) has missed months of base-image patches.
const IMAGE_STALE_DAYS: i64 = 180;
/// An end-of-life date further back than this (days) makes the finding High.
const EOL_HIGH_AFTER_DAYS: i64 = 365;

/// Terraform: deploy the rebuilt image by digest.
const REBUILT_IMAGE_TF: &str = "container_definitions = jsonencode([{\n  name  = \"app\"\n  image = \"${aws_ecr_repository.app.repository_url}@${var.rebuilt_image_digest}\"\n}])";

/// CloudFormation: deploy the rebuilt image by digest.
const REBUILT_IMAGE_CFN: &str = "ContainerDefinitions:\n  - Name: app\n    Image: !Sub \"${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app@${RebuiltImageDigest}\"";

// ---------------------------------------------------------------------------------------
// image-end-of-life-base
// ---------------------------------------------------------------------------------------

pub static IMAGE_END_OF_LIFE_BASE: Rule = Rule {
    id: "image-end-of-life-base",
    title: "Container runs an end-of-life runtime or base OS",
    severity: Severity::High,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::Containers,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Once a language runtime or distribution reaches end of life, new vulnerabilities in it are never fixed, and scanners may stop reporting them. The finding is High when support ended more than a year before the snapshot and Medium when it ended recently. The match reads the official image's name and tag, so images without a version tag (or `latest`, or digest only) are not judged.",
    remediation: Remediation {
        summary: "Move to a supported release of the runtime or base OS, rebuild and redeploy.",
        steps: &[
            "Pick the currently supported release line (see the source in the evidence) and update the Dockerfile's FROM.",
            "Run the test suite against it; major runtime upgrades can change behaviour.",
            "Rebuild, push and reference the new image by digest, then deploy.",
        ],
        cli: TD_CLI,
        terraform: REBUILT_IMAGE_TF,
        cloudformation: REBUILT_IMAGE_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-tasks-containers.html",
        "https://endoflife.date/",
    ],
    peers: &[],
    check: image_end_of_life_base,
};

fn image_end_of_life_base(snap: &Snapshot, out: &mut Findings) {
    let Some(now) = collected_at(snap) else {
        return;
    };
    let today = now.date_naive();
    for c in snap.containers() {
        let Some(img) = image_of(&c) else {
            continue;
        };
        let Some(m) = eol::eol_release(&img) else {
            continue;
        };
        let Ok(eol_date) = NaiveDate::parse_from_str(m.release.eol, "%Y-%m-%d") else {
            continue;
        };
        let days = (today - eol_date).num_days();
        if days < 0 {
            continue;
        }
        let image = c.container.image.as_deref().unwrap_or("");
        let how = match m.basis {
            EolBasis::Version => format!("{} reached end of life", m.release.product),
            EolBasis::BaseOs => format!("it is built on {}, which reached end of life", m.release.product),
        };
        let f = out.report(
            c.resource(),
            format!(
                "container `{}` runs `{image}`: {how} on {} ({days} days before the snapshot)",
                c.container.name, m.release.eol
            ),
        );
        f.evidence("image", image)
            .evidence("release", m.release.product)
            .evidence("end_of_life", m.release.eol)
            .evidence("source", m.release.provenance.source);
        if days <= EOL_HIGH_AFTER_DAYS {
            f.severity(Severity::Medium);
        }
    }
}

// ---------------------------------------------------------------------------------------
// image-stale
// ---------------------------------------------------------------------------------------

pub static IMAGE_STALE: Rule = Rule {
    id: "image-stale",
    title: "Running image was built more than 180 days ago",
    severity: Severity::Low,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::PrivateEcrImages,
    requires: TD_ECR_IMAGES,
    confidence: Confidence::Medium,
    rationale: "An image pushed more than six months before the snapshot has missed every base-image and OS package fix released since, even if its application code has not changed. Push time is a proxy for build time (an old build re-pushed looks new), so this is a Medium-confidence signal; unparseable push times are skipped.",
    remediation: Remediation {
        summary: "Rebuild the image regularly (at least monthly) on a current base image and redeploy.",
        steps: &[
            "Schedule a pipeline rebuild that pulls the latest patched base image even without code changes.",
            "Push the result, check its scan, and deploy it by digest.",
            "Use a lifecycle policy to expire the old builds.",
        ],
        cli: "aws ecs update-service --cluster <cluster> --service <service> --task-definition <family-with-rebuilt-image> --force-new-deployment",
        terraform: REBUILT_IMAGE_TF,
        cloudformation: REBUILT_IMAGE_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-tasks-containers.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html",
    ],
    peers: &[],
    check: image_stale,
};

fn image_stale(snap: &Snapshot, out: &mut Findings) {
    let Some(now) = collected_at(snap) else {
        return;
    };
    for e in ecr_containers(snap) {
        for r in &e.running {
            let Some(image) = r.image else {
                continue;
            };
            let Some(pushed) = image.image_pushed_at.as_deref() else {
                continue;
            };
            let Some(days) = days_before(&now, pushed).filter(|d| *d > IMAGE_STALE_DAYS) else {
                continue;
            };
            out.report(
                image_resource(&e.c, &e.img),
                format!(
                    "container `{}` runs `{}` ({}), pushed {days} days before the snapshot",
                    e.c.container.name,
                    e.img.repository,
                    shown_reference(r)
                ),
            )
            .evidence("image_pushed_at", pushed)
            .evidence("days_since_push", days)
            .evidence("digest", image.image_digest.as_deref().unwrap_or(&r.reference))
            .evidence("image_source", r.source);
        }
    }
}
