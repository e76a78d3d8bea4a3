//! Images and ECR: what runs, where it comes from, how it is scanned and stored.
//!
//! Container-image findings about private ECR images name the image without its registry
//! host (`payments/api:1.4`); the full reference is in the evidence.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::Value;

use super::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};
use crate::knowledge::images::{self as eol, EolBasis};
use crate::model::{
    ContainerCtx, DataSource, Image, ImageRef, RegistryScanningConfiguration, Repository, ResourceKind, ResourceRef,
    Snapshot,
};

pub(super) const RULES: &[&Rule] = &[
    &CONTAINER_IMAGE_MISSING,
    &CONTAINER_IMAGE_NOT_PINNED,
    &CONTAINER_IMAGE_EXTERNAL_REGISTRY,
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

const TD_CLI: &str = "aws ecs register-task-definition --cli-input-json file://task-definition.json && aws ecs update-service --cluster <cluster> --service <service> --task-definition <family>";

/// A scan older than this (days before the snapshot) no longer reflects current CVEs.
const SCAN_STALE_DAYS: i64 = 30;
/// An image pushed longer ago than this (days) has missed months of base-image patches.
const IMAGE_STALE_DAYS: i64 = 180;
/// An end-of-life date further back than this (days) makes the finding High.
const EOL_HIGH_AFTER_DAYS: i64 = 365;

/// Scan statuses that mean the image has no usable scan result.
const UNSCANNED_STATUSES: &[&str] =
    &["FAILED", "UNSUPPORTED_IMAGE", "SCAN_ELIGIBILITY_EXPIRED", "FINDINGS_UNAVAILABLE"];

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

/// `sha256:0123456789ab` (the first 12 hex digits), for messages.
fn short_digest(d: &str) -> &str {
    let end = d.find(':').map_or(0, |i| i + 1) + 12;
    d.get(..end).unwrap_or(d)
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

/// Whether a repository is in the registry whose scanning configuration the snapshot holds:
/// the snapshot's own account and region (a registry's configuration is per region). Parts
/// the snapshot does not record count as a match.
fn in_own_registry(snap: &Snapshot, r: &Repository) -> bool {
    let region = arn_region_account(&r.repository_arn).0;
    let region_ok = region.is_none_or(|x| snap.region.is_empty() || x == snap.region);
    let account_ok = match (repository_account(r), snap.account_id.as_deref()) {
        (Some(a), Some(own)) => a == own,
        _ => true,
    };
    region_ok && account_ok
}

/// Whether a call that lists a repository's images failed, so its listing is incomplete.
fn images_incomplete(snap: &Snapshot, r: &Repository) -> bool {
    snap.gaps.iter().any(|g| {
        g.service == "ecr"
            && DataSource::EcrImages.operations().iter().any(|(_, op)| *op == g.operation)
            && g.resource.as_deref().is_none_or(|res| res == r.repository_arn || res == r.repository_name)
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

/// The repository's image for a reference: by digest, else by tag (`latest` when the
/// reference has neither).
fn listed_image<'a>(repo: &'a Repository, img: &ImageRef) -> Option<&'a Image> {
    match (&img.digest, img.effective_tag()) {
        (Some(d), _) => repo.images.iter().find(|i| i.image_digest.as_deref() == Some(d.as_str())),
        (None, Some(tag)) => repo.images.iter().find(|i| i.image_tags.iter().any(|t| t == tag)),
        (None, None) => None,
    }
}

/// An image a container actually runs, as far as the snapshot tells.
struct Running<'a> {
    /// The digest the tasks report, or the task definition's digest or tag.
    reference: String,
    /// Where the reference comes from.
    source: &'static str,
    /// The image in the repository listing, if it is there.
    image: Option<&'a Image>,
}

/// The images a container runs: the digests its tasks report (tasks of the same revision,
/// service and container name that have not stopped), else the task definition's reference.
fn running_images<'a>(
    snap: &'a Snapshot,
    c: &ContainerCtx<'_>,
    img: &ImageRef,
    repo: &'a Repository,
) -> Vec<Running<'a>> {
    let td = c.workload.task_definition;
    let mut digests: Vec<&str> = Vec::new();
    for t in &snap.tasks {
        if t.task_definition_arn != td.task_definition_arn
            || t.last_status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("STOPPED"))
        {
            continue;
        }
        let same_owner = match c.workload.service {
            Some(s) => t.service_name() == Some(s.service_name.as_str()),
            None => t.service_name().is_none_or(|n| snap.service(n).is_none()),
        };
        if !same_owner {
            continue;
        }
        for tc in &t.containers {
            if tc.name != c.container.name {
                continue;
            }
            if let Some(d) = tc.image_digest.as_deref().map(str::trim)
                && !d.is_empty()
                && !digests.contains(&d)
            {
                digests.push(d);
            }
        }
    }
    if digests.is_empty() {
        let reference = img.digest.clone().or_else(|| img.effective_tag().map(str::to_owned)).unwrap_or_default();
        return vec![Running { reference, source: "task definition", image: listed_image(repo, img) }];
    }
    digests
        .into_iter()
        .map(|d| Running {
            reference: d.to_owned(),
            source: "running tasks",
            image: repo.images.iter().find(|i| i.image_digest.as_deref() == Some(d)),
        })
        .collect()
}

/// A container with a private ECR image whose repository the snapshot holds, with the
/// images it runs.
struct EcrContainer<'a> {
    c: ContainerCtx<'a>,
    img: ImageRef,
    repo: &'a Repository,
    running: Vec<Running<'a>>,
}

fn ecr_containers(snap: &Snapshot) -> Vec<EcrContainer<'_>> {
    let mut out = Vec::new();
    for c in snap.containers() {
        let Some(img) = image_of(&c).filter(ImageRef::is_private_ecr) else {
            continue;
        };
        let Some(repo) = repository_of(snap, &img) else {
            continue;
        };
        let running = running_images(snap, &c, &img, repo);
        out.push(EcrContainer { c, img, repo, running });
    }
    out
}

/// Text for a running reference: a short digest or the tag.
fn shown_reference(r: &Running<'_>) -> String {
    if r.reference.starts_with("sha256:") { short_digest(&r.reference).to_owned() } else { r.reference.clone() }
}

// ---------------------------------------------------------------------------------------
// container-image-missing
// ---------------------------------------------------------------------------------------

pub static CONTAINER_IMAGE_MISSING: Rule = Rule {
    id: "container-image-missing",
    title: "Container definition has no image",
    severity: Severity::High,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::Containers,
    requires: TD,
    confidence: Confidence::High,
    rationale: "A container without an image cannot start, so the task fails to launch, and the definition cannot be checked for where its code comes from. ECS requires `image` on registration, so a blank value usually means a template or pipeline substituted nothing.",
    remediation: Remediation {
        summary: "Set `image` to a trusted, digest-pinned reference in your private ECR registry.",
        steps: &[
            "Find the pipeline or template step that should fill in the image (an unset variable is the usual cause).",
            "Set `image` to `<account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:<digest>`.",
            "Register the revision and deploy it.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name  = \"app\"\n  image = \"${aws_ecr_repository.app.repository_url}@${var.image_digest}\"\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    Image: !Sub \"${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app@${ImageDigest}\"",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_image",
    ],
    peers: &[],
    check: container_image_missing,
};

fn container_image_missing(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if image_of(&c).is_some() {
            continue;
        }
        let shown = match c.container.image.as_deref() {
            None => "(not set)",
            Some(_) => "(blank)",
        };
        out.report(c.resource(), format!("container `{}` has no image", c.container.name)).evidence("image", shown);
    }
}

// ---------------------------------------------------------------------------------------
// container-image-not-pinned
// ---------------------------------------------------------------------------------------

pub static CONTAINER_IMAGE_NOT_PINNED: Rule = Rule {
    id: "container-image-not-pinned",
    title: "Container image is referenced by a mutable tag",
    severity: Severity::High,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::Containers,
    requires: &[DataSource::Services, DataSource::TaskDefinitions, DataSource::Tasks, DataSource::EcrRepositories],
    confidence: Confidence::High,
    rationale: "A tag can be moved to different content: whoever can push to the repository (or compromise the registry) changes what the next task runs, and `latest` or no tag moves with every push. ECS resolves a tag to a digest only for the duration of one deployment. A digest, or a tag in an ECR repository with immutable tags, cannot be substituted; other tags are Medium, `latest` and untagged images High.",
    remediation: Remediation {
        summary: "Reference images by digest (`repo@sha256:…`), or make the ECR repository's tags immutable and never use `latest`.",
        steps: &[
            "Have the build pipeline output the pushed image's digest (`docker buildx build --push --metadata-file`, or `aws ecr describe-images`).",
            "Put `<repository-uri>@sha256:<digest>` in the task definition instead of the tag.",
            "For ECR repositories, also set image tag mutability to IMMUTABLE so release tags cannot be overwritten.",
            "Register the revision and deploy it.",
        ],
        cli: "aws ecr describe-images --repository-name <repository> --image-ids imageTag=<tag> --query 'imageDetails[0].imageDigest' --output text",
        terraform: "container_definitions = jsonencode([{\n  name  = \"app\"\n  image = \"${aws_ecr_repository.app.repository_url}@${var.image_digest}\"\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    Image: !Sub \"${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app@${ImageDigest}\"",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_image",
    ],
    peers: &["Checkov CKV_DOCKER_7 (Dockerfile analog)", "Trivy DS-0001 (Dockerfile analog)"],
    check: container_image_not_pinned,
};

fn container_image_not_pinned(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        let Some(img) = image_of(&c) else {
            continue;
        };
        if img.is_pinned() {
            continue;
        }
        let tag = img.effective_tag().unwrap_or("latest");
        let mutability = if img.is_private_ecr() {
            repository_of(snap, &img).map(|r| r.image_tag_mutability.as_deref().unwrap_or("MUTABLE (default)"))
        } else {
            None
        };
        if mutability.is_some_and(|m| m.eq_ignore_ascii_case("IMMUTABLE")) {
            continue;
        }
        let floating = tag.eq_ignore_ascii_case("latest");
        let what = match (&img.tag, floating) {
            (None, _) => "has no tag, so it runs `latest`".to_owned(),
            (Some(_), true) => "uses the `latest` tag".to_owned(),
            (Some(t), false) => format!("uses tag `{t}` instead of a digest"),
        };
        let f = out.report(image_resource(&c, &img), format!("container `{}` image {what}", c.container.name));
        f.evidence("image", c.container.image.as_deref().unwrap_or("")).evidence("tag", tag);
        if let Some(m) = mutability {
            f.evidence("imageTagMutability", m);
        }
        if !floating {
            f.severity(Severity::Medium);
        }
        if mutability.is_some_and(|m| m.eq_ignore_ascii_case("IMMUTABLE_WITH_EXCLUSION")) {
            // The exclusion filters are not in the snapshot: this tag may be immutable.
            f.confidence(Confidence::Low);
        }
    }
}

// ---------------------------------------------------------------------------------------
// container-image-external-registry
// ---------------------------------------------------------------------------------------

pub static CONTAINER_IMAGE_EXTERNAL_REGISTRY: Rule = Rule {
    id: "container-image-external-registry",
    title: "Container image comes from a registry outside Amazon ECR",
    severity: Severity::Medium,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::Containers,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Images pulled from Docker Hub or another third-party registry bypass ECR scanning, KMS encryption, repository policies and tag immutability, depend on that registry's availability and rate limits, and can be replaced upstream. Docker Hub images referenced by tag are the most exposed (Medium); other registries and digest-pinned images are Low. Amazon ECR Public is AWS-operated and is not flagged.",
    remediation: Remediation {
        summary: "Pull third-party images through an ECR pull-through cache (or copy them into private ECR) and reference them there.",
        steps: &[
            "Create an ECR pull-through cache rule for the upstream registry (Docker Hub needs a Secrets Manager credential named `ecr-pullthroughcache/…`).",
            "Change the image to `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<path>:<tag>`, ideally pinned by digest.",
            "Enable scanning on the cached repositories and grant the task execution role pull access.",
            "Register the revision and deploy it.",
        ],
        cli: "aws ecr create-pull-through-cache-rule --ecr-repository-prefix docker-hub --upstream-registry-url registry-1.docker.io --credential-arn <secrets-manager-secret-arn>",
        terraform: "resource \"aws_ecr_pull_through_cache_rule\" \"docker_hub\" {\n  ecr_repository_prefix = \"docker-hub\"\n  upstream_registry_url = \"registry-1.docker.io\"\n  credential_arn        = aws_secretsmanager_secret.docker_hub.arn\n}",
        cloudformation: "Type: AWS::ECR::PullThroughCacheRule\nProperties:\n  EcrRepositoryPrefix: docker-hub\n  UpstreamRegistryUrl: registry-1.docker.io\n  CredentialArn: !Ref DockerHubSecret",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-tasks-containers.html",
    ],
    peers: &["CIS AWS Compute 3.13"],
    check: container_image_external_registry,
};

fn container_image_external_registry(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        let Some(img) = image_of(&c) else {
            continue;
        };
        if img.is_private_ecr() || img.is_ecr_public() {
            continue;
        }
        let docker_hub =
            matches!(img.registry.as_deref(), None | Some("docker.io" | "registry-1.docker.io" | "index.docker.io"));
        let registry = if docker_hub { "Docker Hub" } else { img.registry.as_deref().unwrap_or("") };
        let image = c.container.image.as_deref().unwrap_or("");
        let f = out.report(
            c.resource(),
            format!("container `{}` pulls `{image}` from {registry}, not from Amazon ECR", c.container.name),
        );
        f.evidence("image", image).evidence("registry", registry).evidence("pinned_by_digest", img.is_pinned());
        if !docker_hub || img.is_pinned() {
            f.severity(Severity::Low);
        }
    }
}

// ---------------------------------------------------------------------------------------
// ecr-repository-scan-on-push-disabled
// ---------------------------------------------------------------------------------------

/// Whether an ECR repository filter matches a repository name: a filter without `*`
/// matches names that contain it; `*` stands for zero or more characters.
pub fn filter_matches(filter: &str, name: &str) -> bool {
    let filter = filter.trim();
    if filter.is_empty() {
        return false;
    }
    if !filter.contains('*') {
        return name.contains(filter);
    }
    let parts: Vec<&str> = filter.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if name.len() < first.len() + last.len() || !name.starts_with(first) || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// The registry rule that scans a repository's images on push, if any.
fn registry_scans_on_push(cfg: &RegistryScanningConfiguration, repo: &str) -> Option<String> {
    let enhanced = cfg.scan_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("ENHANCED"));
    cfg.rules.iter().find_map(|rule| {
        let freq = rule.scan_frequency.as_deref().unwrap_or("").to_ascii_uppercase();
        let scans = freq == "SCAN_ON_PUSH" || (enhanced && freq == "CONTINUOUS_SCAN");
        if !scans {
            return None;
        }
        rule.repository_filters
            .iter()
            .filter(|f| f.filter_type.as_deref().is_none_or(|t| t.eq_ignore_ascii_case("WILDCARD")))
            .find(|f| filter_matches(&f.filter, repo))
            .map(|f| format!("{freq} filter `{}`", f.filter))
    })
}

pub static ECR_REPOSITORY_SCAN_ON_PUSH_DISABLED: Rule = Rule {
    id: "ecr-repository-scan-on-push-disabled",
    title: "ECR repository images are not scanned on push",
    severity: Severity::Medium,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::EcrRepositories,
    requires: &[DataSource::EcrRepositories, DataSource::EcrRegistryScanning],
    confidence: Confidence::High,
    rationale: "Without a scan on push, new images reach the cluster without anyone learning about the known vulnerabilities in them. Neither the repository (`scanOnPush` defaults to false) nor a registry scanning rule (no rules by default) covers this repository, so its images are scanned only if someone starts a scan by hand.",
    remediation: Remediation {
        summary: "Add a registry scanning rule (preferably enhanced, continuous) whose filter covers the repository.",
        steps: &[
            "Decide between basic scanning (scan on push) and enhanced scanning with Amazon Inspector (continuous).",
            "Put a registry scanning configuration with a rule whose wildcard filter matches the repository (`*` for all).",
            "Scan the images already in use once with `aws ecr start-image-scan` (basic) or wait for Inspector's initial scan.",
        ],
        cli: "aws ecr put-registry-scanning-configuration --scan-type ENHANCED --rules '[{\"scanFrequency\":\"CONTINUOUS_SCAN\",\"repositoryFilters\":[{\"filter\":\"*\",\"filterType\":\"WILDCARD\"}]}]'",
        terraform: "resource \"aws_ecr_registry_scanning_configuration\" \"this\" {\n  scan_type = \"ENHANCED\"\n  rule {\n    scan_frequency = \"CONTINUOUS_SCAN\"\n    repository_filter {\n      filter      = \"*\"\n      filter_type = \"WILDCARD\"\n    }\n  }\n}",
        cloudformation: "Type: AWS::ECR::RegistryScanningConfiguration\nProperties:\n  ScanType: ENHANCED\n  Rules:\n    - ScanFrequency: CONTINUOUS_SCAN\n      RepositoryFilters:\n        - Filter: \"*\"\n          FilterType: WILDCARD",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-filters.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-1",
    ],
    peers: &[
        "SecurityHub ECR.1",
        "Prowler ecr_registry_scan_images_on_push_enabled",
        "Checkov CKV_AWS_163",
        "Trivy AVD-AWS-0030",
    ],
    check: ecr_repository_scan_on_push_disabled,
};

fn ecr_repository_scan_on_push_disabled(snap: &Snapshot, out: &mut Findings) {
    for r in &snap.ecr.repositories {
        let repo_scan = r.image_scanning_configuration.as_ref().is_some_and(|s| s.scan_on_push);
        if repo_scan {
            continue;
        }
        if !in_own_registry(snap, r) {
            // Another account's or region's registry: its scanning rules are not visible.
            out.report(
                repository_ref(r),
                format!(
                    "ECR repository `{}` has scanOnPush off, and the scanning configuration of its registry (another account or region) is not in the snapshot",
                    r.repository_name
                ),
            )
            .evidence("scanOnPush", false)
            .evidence("registry", repository_account(r).unwrap_or("(unknown)"))
            .confidence(Confidence::Low);
            continue;
        }
        let registry = snap.ecr.registry_scanning_configuration.as_ref();
        if registry.is_some_and(|cfg| registry_scans_on_push(cfg, &r.repository_name).is_some()) {
            continue;
        }
        let scan_type = registry.and_then(|cfg| cfg.scan_type.as_deref()).unwrap_or("BASIC (default)");
        out.report(
            repository_ref(r),
            format!(
                "ECR repository `{}` has scanOnPush off and no registry scanning rule covers it",
                r.repository_name
            ),
        )
        .evidence("scanOnPush", false)
        .evidence("registry_scan_type", scan_type)
        .evidence("registry_rules", registry.map_or(0, |cfg| cfg.rules.len()));
    }
}

// ---------------------------------------------------------------------------------------
// ecr-registry-continuous-scanning-disabled
// ---------------------------------------------------------------------------------------

pub static ECR_REGISTRY_CONTINUOUS_SCANNING_DISABLED: Rule = Rule {
    id: "ecr-registry-continuous-scanning-disabled",
    title: "ECR registry does not re-scan images continuously",
    severity: Severity::Low,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::EcrRepositories,
    requires: &[DataSource::EcrRepositories, DataSource::EcrRegistryScanning],
    confidence: Confidence::High,
    rationale: "Basic scanning (the default when no registry configuration exists) checks an image once, at push or on request; a CVE published next week never shows up against the image that keeps running. Enhanced scanning with Amazon Inspector and a CONTINUOUS_SCAN rule re-evaluates images as new vulnerabilities appear and also covers language packages.",
    remediation: Remediation {
        summary: "Switch the registry to enhanced scanning with a CONTINUOUS_SCAN rule that covers the repositories in use.",
        steps: &[
            "Check Amazon Inspector pricing; switching the registry to enhanced scanning turns Inspector on for ECR.",
            "Put an ENHANCED registry scanning configuration with a CONTINUOUS_SCAN rule (filter `*`, or the repositories the cluster uses).",
            "Route Inspector findings to Security Hub or EventBridge so new critical CVEs reach the owning team.",
        ],
        cli: "aws ecr put-registry-scanning-configuration --scan-type ENHANCED --rules '[{\"scanFrequency\":\"CONTINUOUS_SCAN\",\"repositoryFilters\":[{\"filter\":\"*\",\"filterType\":\"WILDCARD\"}]}]'",
        terraform: "resource \"aws_ecr_registry_scanning_configuration\" \"this\" {\n  scan_type = \"ENHANCED\"\n  rule {\n    scan_frequency = \"CONTINUOUS_SCAN\"\n    repository_filter {\n      filter      = \"*\"\n      filter_type = \"WILDCARD\"\n    }\n  }\n}",
        cloudformation: "Type: AWS::ECR::RegistryScanningConfiguration\nProperties:\n  ScanType: ENHANCED\n  Rules:\n    - ScanFrequency: CONTINUOUS_SCAN\n      RepositoryFilters:\n        - Filter: \"*\"\n          FilterType: WILDCARD",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced.html",
        "https://docs.aws.amazon.com/inspector/latest/user/scanning-ecr.html",
    ],
    peers: &["Prowler inspector2_is_enabled"],
    check: ecr_registry_continuous_scanning_disabled,
};

fn ecr_registry_continuous_scanning_disabled(snap: &Snapshot, out: &mut Findings) {
    let Some(cfg) = snap.ecr.registry_scanning_configuration.as_ref() else {
        return;
    };
    // The configuration is that of the snapshot's own registry: judge the repositories in it.
    let own: Vec<&Repository> = snap.ecr.repositories.iter().filter(|r| in_own_registry(snap, r)).collect();
    if own.is_empty() {
        return;
    }
    let registry_id = snap
        .account_id
        .as_deref()
        .or_else(|| own.iter().find_map(|r| repository_account(r)))
        .unwrap_or("(this account)");
    let resource = ResourceRef::new(ResourceKind::EcrRegistry, registry_id);
    let enhanced = cfg.scan_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("ENHANCED"));
    if !enhanced {
        out.report(
            resource,
            format!("ECR registry `{registry_id}` uses basic scanning, so images are never re-scanned as new CVEs are published"),
        )
        .evidence("scanType", cfg.scan_type.as_deref().unwrap_or("BASIC (default)"))
        .evidence("region", &snap.region);
        return;
    }
    let continuous = |repo: &str| {
        cfg.rules.iter().any(|rule| {
            rule.scan_frequency.as_deref().is_some_and(|f| f.eq_ignore_ascii_case("CONTINUOUS_SCAN"))
                && rule.repository_filters.iter().any(|f| filter_matches(&f.filter, repo))
        })
    };
    let uncovered: Vec<&str> = own.iter().map(|r| r.repository_name.as_str()).filter(|r| !continuous(r)).collect();
    if !uncovered.is_empty() {
        out.report(
            resource,
            format!(
                "ECR registry `{registry_id}` uses enhanced scanning, but no CONTINUOUS_SCAN rule covers {}",
                uncovered.join(", ")
            ),
        )
        .evidence("scanType", "ENHANCED")
        .evidence("repositories_without_continuous_scan", uncovered.join(", "));
    }
}

// ---------------------------------------------------------------------------------------
// ecr-repository-tags-mutable
// ---------------------------------------------------------------------------------------

pub static ECR_REPOSITORY_TAGS_MUTABLE: Rule = Rule {
    id: "ecr-repository-tags-mutable",
    title: "ECR repository allows image tags to be overwritten",
    severity: Severity::Medium,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::EcrRepositories,
    requires: &[DataSource::EcrRepositories],
    confidence: Confidence::High,
    rationale: "With mutable tags (the ECR default), anyone who can push can replace the image behind a release tag, and every task that pulls the tag afterwards runs the substitute. Immutable tags make a tag name one image forever. MUTABLE_WITH_EXCLUSION keeps only the excluded tags movable and is reported at Low.",
    remediation: Remediation {
        summary: "Set the repository's image tag mutability to IMMUTABLE (or IMMUTABLE_WITH_EXCLUSION for a few moving tags).",
        steps: &[
            "Check that the pipeline pushes a new tag per build (commit SHA or version), not a reused one.",
            "Set image tag mutability to IMMUTABLE.",
            "Reference images by digest in task definitions as well.",
        ],
        cli: "aws ecr put-image-tag-mutability --repository-name <repository> --image-tag-mutability IMMUTABLE",
        terraform: "resource \"aws_ecr_repository\" \"app\" {\n  name                 = \"app\"\n  image_tag_mutability = \"IMMUTABLE\"\n}",
        cloudformation: "Type: AWS::ECR::Repository\nProperties:\n  RepositoryName: app\n  ImageTagMutability: IMMUTABLE",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-2",
    ],
    peers: &[
        "SecurityHub ECR.2",
        "Prowler ecr_repositories_tag_immutability",
        "Checkov CKV_AWS_51",
        "Trivy AVD-AWS-0031",
    ],
    check: ecr_repository_tags_mutable,
};

fn ecr_repository_tags_mutable(snap: &Snapshot, out: &mut Findings) {
    for r in &snap.ecr.repositories {
        let set = r.image_tag_mutability.as_deref().map(str::trim);
        let m = set.unwrap_or("MUTABLE").to_ascii_uppercase();
        let low = match m.as_str() {
            "MUTABLE" => false,
            "MUTABLE_WITH_EXCLUSION" => true,
            _ => continue,
        };
        let f = out.report(repository_ref(r), format!("ECR repository `{}` has {m} image tags", r.repository_name));
        f.evidence(
            "imageTagMutability",
            if set.is_some() { m.clone() } else { "(not set: MUTABLE by default)".to_owned() },
        );
        if low {
            f.severity(Severity::Low);
        }
    }
}

// ---------------------------------------------------------------------------------------
// ecr-repository-public
// ---------------------------------------------------------------------------------------

/// A statement that grants access to everyone.
#[derive(Debug, PartialEq, Eq)]
pub struct PublicStatement {
    pub sid: String,
    pub actions: String,
}

fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn is_wildcard_principal(p: &Value) -> bool {
    match p {
        Value::String(s) => s.trim() == "*",
        Value::Object(o) => o
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("AWS"))
            .any(|(_, v)| strings(v).iter().any(|s| s.trim() == "*")),
        _ => false,
    }
}

/// Whether a statement's `Condition` ties it to specific accounts, an organization, a
/// network or a source. Negated operators, `…IfExists` and `Null` do not restrict, nor do
/// values that are `*` or match every address.
fn condition_restricts(condition: Option<&Value>) -> bool {
    let Some(Value::Object(ops)) = condition else {
        return false;
    };
    ops.iter().any(|(op, body)| {
        let op = op.to_ascii_lowercase();
        if op.contains("not") || op.ends_with("ifexists") || op == "null" {
            return false;
        }
        let Value::Object(keys) = body else {
            return false;
        };
        keys.iter().any(|(key, value)| {
            let key = key.to_ascii_lowercase();
            eol::RESTRICTING_CONDITION_KEYS.contains(&key.as_str())
                && strings(value).iter().any(|v| !matches!(v.trim(), "*" | "" | "0.0.0.0/0" | "::/0"))
        })
    })
}

/// The statements of a repository policy that allow anyone, or an error when the policy is
/// not valid JSON with a `Statement`.
pub fn public_statements(policy: &str) -> Result<Vec<PublicStatement>, String> {
    let doc: Value = serde_json::from_str(policy).map_err(|e| e.to_string())?;
    let statements = match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect::<Vec<_>>(),
        Some(s @ Value::Object(_)) => vec![s],
        _ => return Err("no Statement element".to_owned()),
    };
    let mut out = Vec::new();
    for (i, st) in statements.into_iter().enumerate() {
        let allow = st.get("Effect").and_then(Value::as_str).is_some_and(|e| e.eq_ignore_ascii_case("Allow"));
        if !allow {
            continue;
        }
        // Allow with NotPrincipal grants everyone except the listed principals.
        let everyone = st.get("Principal").is_some_and(is_wildcard_principal) || st.get("NotPrincipal").is_some();
        if !everyone || condition_restricts(st.get("Condition")) {
            continue;
        }
        let sid = st.get("Sid").and_then(Value::as_str).map_or_else(|| format!("statement {}", i + 1), str::to_owned);
        let actions = st.get("Action").map(strings).unwrap_or_default().join(", ");
        out.push(PublicStatement { sid, actions });
    }
    Ok(out)
}

pub static ECR_REPOSITORY_PUBLIC: Rule = Rule {
    id: "ecr-repository-public",
    title: "ECR repository policy allows any AWS principal",
    severity: Severity::Critical,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::EcrRepositories,
    requires: &[DataSource::EcrRepositories, DataSource::EcrRepositoryPolicies],
    confidence: Confidence::High,
    rationale: "A repository policy that allows `*` without a condition on the organization, account, VPC endpoint or source lets any authenticated principal in any AWS account pull the images (with their code, embedded configuration and secrets), and, if push actions are included, replace them with backdoored builds that the cluster will run. Repositories have no policy by default, which allows only the owning account. A policy that cannot be parsed is reported at Medium with Low confidence.",
    remediation: Remediation {
        summary: "Replace the wildcard principal with the accounts or organization that need access, or add an `aws:PrincipalOrgID` condition.",
        steps: &[
            "List who actually pulls from the repository (CloudTrail `ecr:BatchGetImage` events).",
            "Rewrite the policy to name those account principals, or keep `*` with a `StringEquals` condition on `aws:PrincipalOrgID`.",
            "Remove push actions (`ecr:PutImage`, `ecr:*`) from any cross-account statement.",
            "Apply the policy and confirm the pulls still work.",
        ],
        cli: "aws ecr set-repository-policy --repository-name <repository> --policy-text file://repository-policy.json",
        terraform: "resource \"aws_ecr_repository_policy\" \"app\" {\n  repository = aws_ecr_repository.app.name\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Sid       = \"OrgPull\"\n      Effect    = \"Allow\"\n      Principal = \"*\"\n      Action    = [\"ecr:BatchGetImage\", \"ecr:GetDownloadUrlForLayer\"]\n      Condition = { StringEquals = { \"aws:PrincipalOrgID\" = \"<org-id>\" } }\n    }]\n  })\n}",
        cloudformation: "Type: AWS::ECR::Repository\nProperties:\n  RepositoryName: app\n  RepositoryPolicyText:\n    Version: \"2012-10-17\"\n    Statement:\n      - Sid: OrgPull\n        Effect: Allow\n        Principal: \"*\"\n        Action: [\"ecr:BatchGetImage\", \"ecr:GetDownloadUrlForLayer\"]\n        Condition:\n          StringEquals:\n            aws:PrincipalOrgID: <org-id>",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
    ],
    peers: &["Prowler ecr_repositories_not_publicly_accessible", "Checkov CKV_AWS_32", "Trivy AVD-AWS-0032"],
    check: ecr_repository_public,
};

fn ecr_repository_public(snap: &Snapshot, out: &mut Findings) {
    for r in &snap.ecr.repositories {
        let Some(policy) = r.repository_policy.as_deref().filter(|p| !p.trim().is_empty()) else {
            continue;
        };
        match public_statements(policy) {
            Ok(found) => {
                let Some(first) = found.first() else {
                    continue;
                };
                let sids: Vec<&str> = found.iter().map(|s| s.sid.as_str()).collect();
                out.report(
                    repository_ref(r),
                    format!(
                        "ECR repository `{}` has a policy that allows any AWS principal without a restricting condition",
                        r.repository_name
                    ),
                )
                .evidence("statements", sids.join(", "))
                .evidence("principal", "*")
                .evidence("actions", &first.actions);
            }
            Err(e) => {
                out.report(
                    repository_ref(r),
                    format!(
                        "ECR repository `{}` has a repository policy that could not be parsed, so public access could not be ruled out",
                        r.repository_name
                    ),
                )
                .evidence("parse_error", e)
                .severity(Severity::Medium)
                .confidence(Confidence::Low);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// ecr-repository-lifecycle-policy-missing
// ---------------------------------------------------------------------------------------

pub static ECR_REPOSITORY_LIFECYCLE_POLICY_MISSING: Rule = Rule {
    id: "ecr-repository-lifecycle-policy-missing",
    title: "ECR repository has no lifecycle policy",
    severity: Severity::Low,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::EcrRepositories,
    requires: &[DataSource::EcrRepositories, DataSource::EcrLifecyclePolicies],
    confidence: Confidence::High,
    rationale: "Without a lifecycle policy (none exists by default) every image ever pushed stays: old, vulnerable builds remain one tag away from being deployed again, scans and reviews drown in stale images, and storage costs grow.",
    remediation: Remediation {
        summary: "Add a lifecycle policy that expires untagged images and keeps only the recent tagged builds.",
        steps: &[
            "Decide how many releases must stay available for rollback.",
            "Add rules: expire untagged images after a few days; keep the last N tagged images.",
            "Preview the effect with `aws ecr start-lifecycle-policy-preview` before applying it.",
        ],
        cli: "aws ecr put-lifecycle-policy --repository-name <repository> --lifecycle-policy-text file://lifecycle-policy.json",
        terraform: "resource \"aws_ecr_lifecycle_policy\" \"app\" {\n  repository = aws_ecr_repository.app.name\n  policy = jsonencode({\n    rules = [{\n      rulePriority = 1\n      description  = \"expire untagged images\"\n      selection = {\n        tagStatus   = \"untagged\"\n        countType   = \"sinceImagePushed\"\n        countUnit   = \"days\"\n        countNumber = 7\n      }\n      action = { type = \"expire\" }\n    }]\n  })\n}",
        cloudformation: "Type: AWS::ECR::Repository\nProperties:\n  RepositoryName: app\n  LifecyclePolicy:\n    LifecyclePolicyText: |\n      {\"rules\": [{\"rulePriority\": 1, \"selection\": {\"tagStatus\": \"untagged\", \"countType\": \"sinceImagePushed\", \"countUnit\": \"days\", \"countNumber\": 7}, \"action\": {\"type\": \"expire\"}}]}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-3",
    ],
    peers: &["SecurityHub ECR.3", "Prowler ecr_repositories_lifecycle_policy_enabled"],
    check: ecr_repository_lifecycle_policy_missing,
};

fn ecr_repository_lifecycle_policy_missing(snap: &Snapshot, out: &mut Findings) {
    for r in &snap.ecr.repositories {
        if r.lifecycle_policy.as_deref().is_some_and(|p| !p.trim().is_empty()) {
            continue;
        }
        out.report(repository_ref(r), format!("ECR repository `{}` has no lifecycle policy", r.repository_name))
            .evidence("lifecyclePolicy", "(none)");
    }
}

// ---------------------------------------------------------------------------------------
// ecr-repository-cmk-missing
// ---------------------------------------------------------------------------------------

pub static ECR_REPOSITORY_CMK_MISSING: Rule = Rule {
    id: "ecr-repository-cmk-missing",
    title: "ECR repository is not encrypted with a customer-managed KMS key",
    severity: Severity::Medium,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::EcrRepositories,
    requires: &[DataSource::EcrRepositories],
    confidence: Confidence::High,
    rationale: "By default ECR encrypts with AES256 keys that AWS manages entirely: no key policy limits who can decrypt image layers, key use is not logged in CloudTrail, and access cannot be revoked by disabling the key. KMS with the AWS-managed `aws/ecr` key logs use but still cannot be restricted (reported at Low).",
    remediation: Remediation {
        summary: "Store images in a repository encrypted with a customer-managed KMS key (encryption is fixed at creation, so create a new repository and move the images).",
        steps: &[
            "Create a KMS key whose policy allows the pipeline's role to encrypt and the task execution roles to decrypt.",
            "Create a new repository with `encryptionType=KMS` and that key (or a repository creation template so new repositories get it).",
            "Push the images to the new repository, point the task definitions at it and deploy.",
            "Delete the old repository once nothing pulls from it.",
        ],
        cli: "aws ecr create-repository --repository-name <repository> --image-tag-mutability IMMUTABLE --encryption-configuration encryptionType=KMS,kmsKey=<kms-key-arn>",
        terraform: "resource \"aws_ecr_repository\" \"app\" {\n  name = \"app\"\n  encryption_configuration {\n    encryption_type = \"KMS\"\n    kms_key         = aws_kms_key.ecr.arn\n  }\n}",
        cloudformation: "Type: AWS::ECR::Repository\nProperties:\n  RepositoryName: app\n  EncryptionConfiguration:\n    EncryptionType: KMS\n    KmsKey: !GetAtt EcrKey.Arn",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-5",
    ],
    peers: &["SecurityHub ECR.5", "Checkov CKV_AWS_136", "Trivy AVD-AWS-0033"],
    check: ecr_repository_cmk_missing,
};

fn ecr_repository_cmk_missing(snap: &Snapshot, out: &mut Findings) {
    for r in &snap.ecr.repositories {
        let enc = r.encryption_configuration.as_ref();
        let set = enc.and_then(|e| e.encryption_type.as_deref()).map(str::trim);
        let kind = set.unwrap_or("AES256").to_ascii_uppercase();
        let key = enc.and_then(|e| e.kms_key.as_deref()).map(str::trim).filter(|k| !k.is_empty());
        let aws_managed_key = key.is_none_or(|k| k.ends_with("alias/aws/ecr"));
        let kms = kind.starts_with("KMS");
        if kms && !aws_managed_key {
            continue;
        }
        let message = if kms {
            format!(
                "ECR repository `{}` is encrypted with the AWS-managed aws/ecr key, not a customer-managed key",
                r.repository_name
            )
        } else {
            format!(
                "ECR repository `{}` uses {kind} encryption instead of a customer-managed KMS key",
                r.repository_name
            )
        };
        let f = out.report(repository_ref(r), message);
        f.evidence(
            "encryptionType",
            if set.is_some() { kind.clone() } else { "(not set: AES256 by default)".to_owned() },
        )
        .evidence("kmsKey", key.unwrap_or("(AWS managed)"));
        if kms {
            f.severity(Severity::Low);
        }
    }
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
        cli: "aws ecr start-image-scan --repository-name <repository> --image-id imageDigest=<digest>",
        terraform: "resource \"aws_ecr_registry_scanning_configuration\" \"this\" {\n  scan_type = \"ENHANCED\"\n  rule {\n    scan_frequency = \"CONTINUOUS_SCAN\"\n    repository_filter {\n      filter      = \"*\"\n      filter_type = \"WILDCARD\"\n    }\n  }\n}",
        cloudformation: "Type: AWS::ECR::RegistryScanningConfiguration\nProperties:\n  ScanType: ENHANCED\n  Rules:\n    - ScanFrequency: CONTINUOUS_SCAN\n      RepositoryFilters:\n        - Filter: \"*\"\n          FilterType: WILDCARD",
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
        cli: "aws ecr start-image-scan --repository-name <repository> --image-id imageDigest=<digest>",
        terraform: "resource \"aws_ecr_registry_scanning_configuration\" \"this\" {\n  scan_type = \"ENHANCED\"\n  rule {\n    scan_frequency = \"CONTINUOUS_SCAN\"\n    repository_filter {\n      filter      = \"*\"\n      filter_type = \"WILDCARD\"\n    }\n  }\n}",
        cloudformation: "Type: AWS::ECR::RegistryScanningConfiguration\nProperties:\n  ScanType: ENHANCED\n  Rules:\n    - ScanFrequency: CONTINUOUS_SCAN\n      RepositoryFilters:\n        - Filter: \"*\"\n          FilterType: WILDCARD",
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
        terraform: "container_definitions = jsonencode([{\n  name  = \"app\"\n  image = \"${aws_ecr_repository.app.repository_url}@${var.rebuilt_image_digest}\"\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    Image: !Sub \"${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app@${RebuiltImageDigest}\"",
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
        terraform: "container_definitions = jsonencode([{\n  name  = \"app\"\n  image = \"${aws_ecr_repository.app.repository_url}@${var.rebuilt_image_digest}\"\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    Image: !Sub \"${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app@${RebuiltImageDigest}\"",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_filters() {
        assert!(filter_matches("*", "payments/api"));
        assert!(filter_matches("payments/*", "payments/api"));
        assert!(!filter_matches("payments/*", "ledger/worker"));
        assert!(filter_matches("*api", "payments/api"));
        assert!(filter_matches("pay*/a*i", "payments/api"));
        assert!(!filter_matches("pay*/x*", "payments/api"));
        assert!(!filter_matches("a*a", "a"));
        // Without a wildcard a filter matches names that contain it.
        assert!(filter_matches("pay", "team/payments"));
        assert!(!filter_matches("ledger", "payments/api"));
        assert!(!filter_matches("", "payments/api"));
    }

    #[test]
    fn public_policies() {
        let p = |s: &str| public_statements(s).map(|v| v.len());
        assert_eq!(p(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}"#), Ok(1));
        assert_eq!(
            p(
                r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","*"]},"Action":"ecr:*"}}"#
            ),
            Ok(1)
        );
        assert_eq!(
            p(
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]}"#
            ),
            Ok(0)
        );
        // Negated, IfExists and wildcard-valued conditions do not restrict.
        assert_eq!(
            p(
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]}"#
            ),
            Ok(1)
        );
        assert_eq!(
            p(
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Condition":{"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"}}}]}"#
            ),
            Ok(1)
        );
        assert_eq!(
            p(
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Condition":{"StringLike":{"aws:PrincipalArn":"*"}}}]}"#
            ),
            Ok(1)
        );
        assert_eq!(
            p(
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}}]}"#
            ),
            Ok(1)
        );
        assert_eq!(
            p(
                r#"{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:*"}]}"#
            ),
            Ok(1)
        );
        assert_eq!(p(r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"ecr:*"}]}"#), Ok(0));
        assert_eq!(
            p(
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:*"}]}"#
            ),
            Ok(0)
        );
        assert_eq!(
            p(
                r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:*"}]}"#
            ),
            Ok(0)
        );
        assert!(public_statements("{not json").is_err());
        assert!(public_statements(r#"{"Version":"2012-10-17"}"#).is_err());
    }

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

    #[test]
    fn short_names() {
        let img = ImageRef::parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/payments/api:1.4@sha256:abc").unwrap();
        assert_eq!(short_reference(&img), "payments/api:1.4@sha256:abc");
        assert_eq!(short_digest("sha256:9b2f0c4e1a7d3b6c8e0f2a4c6e8b0d2f"), "sha256:9b2f0c4e1a7d");
        assert_eq!(short_digest("sha256:abc"), "sha256:abc");
        assert_eq!(
            arn_region_account("arn:aws:ecr:us-east-1:123456789012:repository/payments/api"),
            (Some("us-east-1"), Some("123456789012"))
        );
        assert_eq!(arn_region_account(""), (None, None));
    }
}
