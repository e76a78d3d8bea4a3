//! Image references in container definitions: missing, not pinned by digest, or pulled
//! from outside Amazon ECR.

use super::{TD, image_of, image_resource, repository_of};
use crate::knowledge::secrets;
use crate::model::{DataSource, ImageRef, Snapshot};
use crate::rules::snippets::TD_CLI;
use crate::rules::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};

/// Terraform: reference the image by digest in its ECR repository.
const DIGEST_IMAGE_TF: &str = "container_definitions = jsonencode([{\n  name  = \"app\"\n  image = \"${aws_ecr_repository.app.repository_url}@${var.image_digest}\"\n}])";

/// CloudFormation: reference the image by digest in its ECR repository.
const DIGEST_IMAGE_CFN: &str = "ContainerDefinitions:\n  - Name: app\n    Image: !Sub \"${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app@${ImageDigest}\"";

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
        terraform: DIGEST_IMAGE_TF,
        cloudformation: DIGEST_IMAGE_CFN,
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
        terraform: DIGEST_IMAGE_TF,
        cloudformation: DIGEST_IMAGE_CFN,
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
        if img.is_pinned() || tag_is_templated(c.container.image.as_deref().unwrap_or(""), &img) {
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
// container-version-consistency-disabled
// ---------------------------------------------------------------------------------------

pub static CONTAINER_VERSION_CONSISTENCY_DISABLED: Rule = Rule {
    id: "container-version-consistency-disabled",
    title: "Container image tag is not resolved to one digest per deployment",
    severity: Severity::Medium,
    category: Category::ImageSecurity,
    domain: Domain::Image,
    scope: Scope::Containers,
    requires: TD,
    confidence: Confidence::High,
    rationale: "By default (`versionConsistency: enabled`) ECS resolves a container's image tag to a digest when a deployment starts, and every task of that deployment runs exactly that image, the one that was reviewed and scanned. With `disabled`, each task pulls the tag when it starts, so a push to the tag (or a compromised registry) changes what new and replacement tasks run in the middle of a deployment, tasks of one service run different images, and the digest ECS records is not what runs. An image referenced by digest is unaffected and not reported.",
    remediation: Remediation {
        summary: "Remove `versionConsistency: disabled` (the default, `enabled`, pins the digest per deployment), or reference the image by digest.",
        steps: &[
            "Remove `versionConsistency` from the container definition, or set it to `enabled`.",
            "Better still, reference the image by digest (`repo@sha256:…`) so the task definition itself says what runs.",
            "Register the revision and deploy it.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name               = \"app\"\n  image              = \"${aws_ecr_repository.app.repository_url}:1.4.2\"\n  versionConsistency = \"enabled\"\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    Image: !Sub '${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app:1.4.2'\n    VersionConsistency: enabled",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html#deployment-container-image-stability",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html",
    ],
    peers: &[],
    check: container_version_consistency_disabled,
};

fn container_version_consistency_disabled(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        let Some(setting) = c.container.version_consistency.as_deref() else {
            continue;
        };
        if !setting.trim().eq_ignore_ascii_case("disabled") {
            continue;
        }
        let Some(img) = image_of(&c) else {
            continue;
        };
        if img.is_pinned() {
            continue;
        }
        let image = c.container.image.as_deref().unwrap_or("");
        out.report(
            image_resource(&c, &img),
            format!(
                "container `{}` sets versionConsistency: disabled, so each task pulls tag `{}` anew instead of the digest the deployment resolved",
                c.container.name,
                img.effective_tag().unwrap_or("latest")
            ),
        )
        .evidence("versionConsistency", setting)
        .evidence("image", image);
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
        if img.is_private_ecr() || img.is_ecr_public() || registry_is_templated(&img) {
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

/// A tag filled in at deploy time (`app:${TAG}`, or a whole `${IMAGE}` that may carry one)
/// cannot be judged: the image is neither untagged nor `latest`.
fn tag_is_templated(image: &str, img: &ImageRef) -> bool {
    if secrets::is_placeholder(image) {
        return true;
    }
    match &img.tag {
        // A `}` without its `{`: the tag split a placeholder such as `${Ref:Image}`.
        Some(tag) => secrets::contains_placeholder(tag) || tag.contains('}') && !tag.contains('{'),
        None => {
            secrets::contains_placeholder(&img.repository)
                || img.registry.as_deref().is_some_and(secrets::contains_placeholder)
        }
    }
}

/// A registry filled in at deploy time (`<ACCOUNT_ID>.dkr.ecr…`, `${REPO}/app`) may be ECR,
/// and so is an ECR host whose account is a placeholder word (`AWS_ACCOUNT_ID.dkr.ecr…`).
fn registry_is_templated(img: &ImageRef) -> bool {
    match &img.registry {
        Some(r) => {
            let host = r.to_ascii_lowercase();
            secrets::contains_placeholder(r)
                || host.contains(".dkr.ecr.")
                    && (host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn"))
        }
        None => secrets::contains_placeholder(img.repository.split('/').next().unwrap_or("")),
    }
}
