//! Secrets management: credentials in plain text where they do not belong, and how the
//! secrets that are injected properly are stored. Evidence names the variable and the
//! detector, never the value.

use super::snippets::REGISTER_TD_CLI;
use super::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};
use crate::knowledge::secrets::{self, Detection};
use crate::model::{DataSource, ResourceKind, ResourcePath, ResourceRef, Snapshot, Tag};

pub(super) const RULES: &[&Rule] = &[
    &CONTAINER_ENVIRONMENT_SECRETS,
    &CONTAINER_COMMAND_SECRETS,
    &SECRETS_FROM_PARAMETER_STORE,
    &RESOURCE_TAGS_CONTAIN_SECRETS,
];

const TD: &[DataSource] = &[DataSource::Services, DataSource::TaskDefinitions, DataSource::Tasks];

/// [`secrets::classify`], except that a URL is judged by its parts. A whole URL such as
/// `https://splunk.example.com:8088` scores as a high-entropy string although nothing in it
/// is random; only a random-looking word inside it (a webhook token in the path) counts.
fn classify(name: &str, value: &str) -> Option<Detection> {
    let d = secrets::classify(name, value)?;
    if d.detector.id != secrets::HIGH_ENTROPY.id || !value.contains("://") {
        return Some(d);
    }
    secrets::scan_text(value).into_iter().find(|w| w.detector.id == secrets::HIGH_ENTROPY.id)
}

/// The severity a detection warrants: verified credential formats are critical.
fn severity_of(d: &Detection, base: Severity) -> Severity {
    if d.detector.verified_format && d.detector.confidence == Confidence::High {
        Severity::Critical
    } else if d.detector.confidence == Confidence::Low {
        Severity::Medium
    } else {
        base
    }
}

pub static CONTAINER_ENVIRONMENT_SECRETS: Rule = Rule {
    id: "container-environment-secrets",
    title: "Secret in a plain-text environment variable",
    severity: Severity::High,
    category: Category::Secrets,
    domain: Domain::Secrets,
    scope: Scope::Containers,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Environment values are stored in the task definition in plain text: anyone with ecs:DescribeTaskDefinition, the console, CloudTrail, CI logs or a crash dump can read them, and they cannot be rotated without a new revision.",
    remediation: Remediation {
        summary: "Move the value to AWS Secrets Manager and reference it under `secrets` with `valueFrom`; rotate the exposed credential.",
        steps: &[
            "Treat the value as compromised: rotate it at its source now.",
            "Store the new value in Secrets Manager (`aws secretsmanager create-secret`).",
            "Replace the `environment` entry with a `secrets` entry whose `valueFrom` is the secret ARN; grant the execution role `secretsmanager:GetSecretValue` on it.",
            "Register the revision, deploy, and deregister old revisions that contain the value.",
        ],
        cli: "aws secretsmanager create-secret --name <app>/<VARIABLE> --secret-string file://value.txt && aws ecs register-task-definition --cli-input-json file://task-definition.json",
        terraform: "container_definitions = jsonencode([{\n  name    = \"app\"\n  secrets = [{ name = \"DB_PASSWORD\", valueFrom = aws_secretsmanager_secret.db.arn }]\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    Secrets:\n      - Name: DB_PASSWORD\n        ValueFrom: !Ref DbPasswordSecret",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-8",
    ],
    peers: &[
        "SecurityHub ECS.8",
        "Prowler ecs_task_definitions_no_environment_secrets",
        "CIS AWS Compute 3.6",
        "Trivy AVD-AWS-0036",
    ],
    check: container_environment_secrets,
};

fn container_environment_secrets(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        for var in &c.container.environment {
            let Some(d) = classify(&var.name, &var.value) else {
                continue;
            };
            out.report(
                c.resource(),
                format!(
                    "environment variable `{}` of container `{}` holds a literal {}",
                    var.name, c.container.name, d.detector.label
                ),
            )
            .evidence("variable", &var.name)
            .evidence("detector", d.detector.id)
            .evidence("value", d.redacted_description())
            .severity(severity_of(&d, Severity::High))
            .confidence(d.detector.confidence);
        }
    }
}

pub static CONTAINER_COMMAND_SECRETS: Rule = Rule {
    id: "container-command-secrets",
    title: "Secret in a container command, label or log option",
    severity: Severity::High,
    category: Category::Secrets,
    domain: Domain::Secrets,
    scope: Scope::Containers,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Commands, entry points, health-check commands, Docker labels and log-driver options are stored in plain text in the task definition and are visible to `docker inspect` and process listings on the host.",
    remediation: Remediation {
        summary: "Pass the value through `secrets` (or the log driver's `secretOptions`) instead of embedding it.",
        steps: &[
            "Rotate the exposed credential.",
            "Store it in Secrets Manager and inject it with `secrets` (for commands) or `logConfiguration.secretOptions` (for log drivers).",
            "Read it from the environment inside the process instead of the command line.",
            "Register the revision and deploy.",
        ],
        cli: REGISTER_TD_CLI,
        terraform: "logConfiguration = {\n  logDriver     = \"splunk\"\n  secretOptions = [{ name = \"splunk-token\", valueFrom = aws_secretsmanager_secret.splunk.arn }]\n}",
        cloudformation: "LogConfiguration:\n  LogDriver: splunk\n  SecretOptions:\n    - Name: splunk-token\n      ValueFrom: !Ref SplunkTokenSecret",
    },
    references: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-logconfig.html"],
    peers: &["Trivy DS-0031 (Dockerfile analog)"],
    check: container_command_secrets,
};

fn container_command_secrets(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        let mut found: Vec<(String, Detection)> = Vec::new();
        found.extend(secrets::scan_args(&c.container.command).into_iter().map(|d| ("command".to_owned(), d)));
        found.extend(secrets::scan_args(&c.container.entry_point).into_iter().map(|d| ("entryPoint".to_owned(), d)));
        if let Some(h) = &c.container.health_check {
            found.extend(secrets::scan_args(&h.command).into_iter().map(|d| ("healthCheck.command".to_owned(), d)));
        }
        for (k, v) in &c.container.docker_labels {
            found.extend(classify(k, v).map(|d| (format!("dockerLabels.{k}"), d)));
        }
        if let Some(l) = &c.container.log_configuration {
            for (k, v) in &l.options {
                found.extend(classify(k, v).map(|d| (format!("logConfiguration.options.{k}"), d)));
            }
        }
        for (place, d) in found {
            out.report(
                c.resource(),
                format!("{place} of container `{}` contains a literal {}", c.container.name, d.detector.label),
            )
            .evidence("location", &place)
            .evidence("detector", d.detector.id)
            .evidence("value", d.redacted_description())
            .severity(severity_of(&d, Severity::High))
            .confidence(d.detector.confidence);
        }
    }
}

pub static SECRETS_FROM_PARAMETER_STORE: Rule = Rule {
    id: "secrets-from-parameter-store",
    title: "Secret injected from SSM Parameter Store instead of Secrets Manager",
    severity: Severity::Medium,
    category: Category::Secrets,
    domain: Domain::Secrets,
    scope: Scope::Containers,
    requires: TD,
    confidence: Confidence::Medium,
    rationale: "Parameter Store has no built-in rotation, and a `String` parameter is not encrypted at all; the type cannot be seen from the task definition. Secrets Manager encrypts every value with KMS, rotates on a schedule and supports resource policies.",
    remediation: Remediation {
        summary: "Move credentials to Secrets Manager (or make sure the parameter is a SecureString with a customer-managed key and rotate it yourself).",
        steps: &[
            "Check the parameter type: `aws ssm describe-parameters --parameter-filters Key=Name,Values=<name>`.",
            "Create a Secrets Manager secret with the value and turn on rotation where supported.",
            "Point `valueFrom` at the secret ARN, grant the execution role access, register and deploy.",
        ],
        cli: "aws ssm describe-parameters --parameter-filters Key=Name,Values=<parameter-name>",
        terraform: "secrets = [{ name = \"DB_PASSWORD\", valueFrom = aws_secretsmanager_secret.db.arn }]",
        cloudformation: "Secrets:\n  - Name: DB_PASSWORD\n    ValueFrom: !Ref DbPasswordSecret",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-ssm-paramstore.html",
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html",
    ],
    peers: &[],
    check: secrets_from_parameter_store,
};

/// Whether a `valueFrom` refers to SSM Parameter Store: an ARN of the `ssm` service in any
/// partition, or a bare parameter name (Secrets Manager references are always ARNs).
fn is_parameter_store(value_from: &str) -> bool {
    let v = value_from.trim();
    if v.is_empty() {
        return false;
    }
    match v.strip_prefix("arn:") {
        Some(rest) => rest.split(':').nth(1) == Some("ssm"),
        None => true,
    }
}

fn secrets_from_parameter_store(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        let mut names: Vec<&str> =
            c.container.secrets.iter().filter(|s| is_parameter_store(&s.value_from)).map(|s| s.name.as_str()).collect();
        if let Some(l) = &c.container.log_configuration {
            names
                .extend(l.secret_options.iter().filter(|s| is_parameter_store(&s.value_from)).map(|s| s.name.as_str()));
        }
        if names.is_empty() {
            continue;
        }
        let shown = match names.len() {
            1..=3 => names.join(", "),
            n => format!("{} and {} more", names[..3].join(", "), n - 3),
        };
        out.report(
            c.resource(),
            format!(
                "container `{}` takes {} secret(s) from SSM Parameter Store: {shown}",
                c.container.name,
                names.len()
            ),
        )
        .evidence("secrets", names.join(", "));
    }
}

pub static RESOURCE_TAGS_CONTAIN_SECRETS: Rule = Rule {
    id: "resource-tags-contain-secrets",
    title: "Sensitive data in resource tags",
    severity: Severity::Medium,
    category: Category::Secrets,
    domain: Domain::Secrets,
    scope: Scope::TaggedResources,
    requires: &[
        DataSource::Cluster,
        DataSource::CapacityProviders,
        DataSource::Services,
        DataSource::TaskDefinitions,
        DataSource::Tasks,
        DataSource::EcrRepositories,
        DataSource::EcrRepositoryTags,
    ],
    confidence: Confidence::High,
    rationale: "Tags are readable by anyone with list or describe permissions across many services, show up in billing reports and are copied to tasks by tag propagation. They are never a place for credentials.",
    remediation: Remediation {
        summary: "Remove the tag, rotate the value, and keep it in Secrets Manager.",
        steps: &[
            "Rotate the exposed credential.",
            "Remove the tag (`aws ecs untag-resource`) and from the IaC that sets it.",
            "Store the value in Secrets Manager if the workload needs it.",
        ],
        cli: "aws ecs untag-resource --resource-arn <resource-arn> --tag-keys <key>",
        terraform: "tags = {\n  team = \"payments\" # no credentials in tags\n}",
        cloudformation: "Tags:\n  - Key: team\n    Value: payments",
    },
    references: &["https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html"],
    peers: &[],
    check: resource_tags_contain_secrets,
};

/// `a` or `an` before a detector label.
fn article(label: &str) -> &'static str {
    match label.chars().next() {
        Some(c) if "aeiouAEIOU".contains(c) => "an",
        _ => "a",
    }
}

fn check_tags(out: &mut Findings, resource: &ResourceRef, tags: &[Tag]) {
    for t in tags {
        let detection = classify(&t.key, &t.value)
            .or_else(|| secrets::scan_text(&t.key).into_iter().find(|d| d.detector.verified_format));
        let Some(d) = detection else { continue };
        let sev = if d.detector.verified_format { Severity::High } else { Severity::Medium };
        out.report(
            resource.clone(),
            format!(
                "tag `{}` on {} `{}` holds {} {}",
                t.key,
                resource.kind.label(),
                resource.name,
                article(d.detector.label),
                d.detector.label
            ),
        )
        .evidence("tag", &t.key)
        .evidence("detector", d.detector.id)
        .evidence("value", d.redacted_description())
        .severity(sev)
        .confidence(d.detector.confidence);
    }
}

fn resource_tags_contain_secrets(snap: &Snapshot, out: &mut Findings) {
    let cluster =
        ResourceRef::new(ResourceKind::Cluster, &snap.cluster.cluster_name).with_arn(&snap.cluster.cluster_arn);
    check_tags(out, &cluster, &snap.cluster.tags);
    for s in &snap.services {
        let r =
            ResourceRef::new(ResourceKind::Service, &s.service_name).with_arn(&s.service_arn).with_path(ResourcePath {
                cluster: Some(snap.cluster.cluster_name.clone()),
                service: Some(s.service_name.clone()),
                ..ResourcePath::default()
            });
        check_tags(out, &r, &s.tags);
    }
    for w in snap.workloads() {
        check_tags(out, &w.task_definition_ref(), &w.task_definition.tags);
    }
    for cp in &snap.capacity_providers {
        let r = ResourceRef::new(ResourceKind::CapacityProvider, &cp.name).with_arn(&cp.capacity_provider_arn);
        check_tags(out, &r, &cp.tags);
    }
    for repo in &snap.ecr.repositories {
        let r = ResourceRef::new(ResourceKind::EcrRepository, &repo.repository_name).with_arn(&repo.repository_arn);
        check_tags(out, &r, &repo.tags);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_urls_are_not_high_entropy_secrets() {
        assert!(super::classify("SPLUNK_URL", "https://splunk.example.com:8088").is_none());
        assert!(super::classify("API_ENDPOINT", "https://api.payments.example.com:8443/v2").is_none());
        assert!(super::classify("DB_PASSWORD", "hunter2").is_some());
        assert!(super::classify("DB_URL", "postgres://admin:Sup3rS3cret@db.internal:5432/app").is_some());
    }

    #[test]
    fn parameter_store_references() {
        assert!(super::is_parameter_store("arn:aws:ssm:us-east-1:123456789012:parameter/db/password"));
        assert!(super::is_parameter_store("/db/password"));
        assert!(super::is_parameter_store("arn:aws-iso:ssm:us-iso-east-1:123456789012:parameter/db"));
        assert!(super::is_parameter_store("db-password"));
        assert!(!super::is_parameter_store("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"));
        assert!(!super::is_parameter_store("arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db-AbCdEf"));
        assert!(!super::is_parameter_store(""));
    }
}
