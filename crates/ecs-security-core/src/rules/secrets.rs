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
    rationale: "Environment values are stored in the task definition in plain text: anyone with ecs:DescribeTaskDefinition, the console, CloudTrail, CI logs or a crash dump can read them, and they cannot be rotated without a new revision. A templated value (`${db_password}`, `<YOUR_API_KEY>`, `{{ .Values.key }}`) in a credential-like name is reported too, at the severity of a name-based match: the template is rendered into the same plain-text field at deploy time. `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `ECS_ENGINE_AUTH_DATA` are reported whatever their value (Low when the value is not credential-like), as Security Hub ECS.8 does.",
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

/// The variable names Security Hub ECS.8 fails whatever their value.
const ECS_8_NAMES: &[&str] = &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"];

/// What a detection says about a value, for messages: a literal, or a template that will be
/// rendered into the same plain-text field at deploy time.
fn what_it_holds(d: &Detection) -> String {
    if d.detector.id == secrets::TEMPLATED.id {
        "a templated secret: whatever the template renders at deploy time is stored in plain text".to_owned()
    } else {
        format!("a literal {}", d.detector.label)
    }
}

fn container_environment_secrets(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        for var in &c.container.environment {
            if let Some(d) = classify(&var.name, &var.value) {
                out.report(
                    c.resource(),
                    format!(
                        "environment variable `{}` of container `{}` holds {}",
                        var.name,
                        c.container.name,
                        what_it_holds(&d)
                    ),
                )
                .evidence("variable", &var.name)
                .evidence("detector", d.detector.id)
                .evidence("value", d.redacted_description())
                .severity(severity_of(&d, Severity::High))
                .confidence(d.detector.confidence);
            } else if ECS_8_NAMES.contains(&var.name.as_str()) {
                // Nothing credential-like in the value (empty, a switch, a path), but the name
                // is an AWS credential variable: Security Hub ECS.8 fails it by name alone.
                let shown = if var.value.trim().is_empty() { "(empty)" } else { "(not credential-like)" };
                out.report(
                    c.resource(),
                    format!(
                        "environment variable `{}` of container `{}` is an AWS credential variable set in plain text (its value is not credential-like, but Security Hub ECS.8 fails the name)",
                        var.name, c.container.name
                    ),
                )
                .evidence("variable", &var.name)
                .evidence("detector", "security-hub-ecs-8-name")
                .evidence("value", shown)
                .severity(Severity::Low)
                .confidence(Confidence::High);
            }
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
                format!("{place} of container `{}` contains {}", c.container.name, what_it_holds(&d)),
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
    rationale: "Parameter Store has no built-in rotation, and a `String` parameter is not encrypted at all; the type cannot be seen from the task definition. Secrets Manager encrypts every value with KMS, rotates on a schedule and supports resource policies. Only secret-like entries are listed: configuration injected from Parameter Store (`DB_HOST`, `CW_CONFIG_CONTENT`, a user name) is fine there, and `/aws/reference/secretsmanager/…` parameters are Secrets Manager secrets.",
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

/// The Parameter Store path through which SSM serves Secrets Manager secrets.
const SECRETS_MANAGER_REFERENCE: &str = "/aws/reference/secretsmanager/";

/// Whether a `valueFrom` refers to SSM Parameter Store: an ARN of the `ssm` service in any
/// partition, or a bare parameter name (Secrets Manager references are always ARNs). A
/// `/aws/reference/secretsmanager/…` parameter is a Secrets Manager secret, and a
/// `valueFrom` that is only a template (`${db_arn}`) names no store yet.
fn is_parameter_store(value_from: &str) -> bool {
    let v = value_from.trim();
    if v.is_empty() || secrets::is_placeholder(v) {
        return false;
    }
    let (ssm, path) = match v.strip_prefix("arn:") {
        Some(rest) => {
            let mut parts = rest.splitn(5, ':');
            let service = parts.nth(1);
            let resource = parts.nth(2).unwrap_or("");
            (service == Some("ssm"), resource.strip_prefix("parameter").unwrap_or(resource))
        }
        None => (true, v),
    };
    let path = if path.starts_with('/') { path.to_owned() } else { format!("/{path}") };
    ssm && !path.to_ascii_lowercase().starts_with(SECRETS_MANAGER_REFERENCE)
}

/// Last words of a name that make an injected value configuration rather than a secret
/// (`DB_HOST`, `CW_CONFIG_CONTENT`, `DATABASE_USERNAME`).
const CONFIGURATION_WORDS: &[&str] = &[
    "host",
    "hostname",
    "port",
    "endpoint",
    "region",
    "name",
    "id",
    "arn",
    "user",
    "username",
    "level",
    "mode",
    "config",
    "configuration",
    "content",
    "settings",
    "bucket",
    "queue",
    "topic",
    "table",
    "path",
    "dir",
    "version",
    "enabled",
    "timeout",
    "domain",
    "email",
];

/// Whether an injected value is secret-like, judged by its variable name and the parameter's
/// own name: credential-like names are; names that read as configuration are not; anything
/// else put under `secrets` is presumed to be one.
fn is_secret_like(name: &str, value_from: &str) -> bool {
    let parameter = value_from.rsplit(['/', ':']).next().unwrap_or("");
    if secrets::is_sensitive_name(name) || secrets::is_sensitive_name(parameter) {
        return true;
    }
    let words = secrets::name_words(name);
    !words.last().is_some_and(|w| CONFIGURATION_WORDS.contains(&w.as_str()))
}

fn secrets_from_parameter_store(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        let listed =
            |s: &&crate::model::Secret| is_parameter_store(&s.value_from) && is_secret_like(&s.name, &s.value_from);
        let mut names: Vec<&str> = c.container.secrets.iter().filter(listed).map(|s| s.name.as_str()).collect();
        if let Some(l) = &c.container.log_configuration {
            names.extend(l.secret_options.iter().filter(listed).map(|s| s.name.as_str()));
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
        assert!(!super::is_parameter_store("/aws/reference/secretsmanager/prod/db"));
        assert!(!super::is_parameter_store(
            "arn:aws:ssm:us-east-1:123456789012:parameter/aws/reference/secretsmanager/prod/db"
        ));
        assert!(!super::is_parameter_store("${DB_URL_ARN}"));
        assert!(super::is_parameter_store(
            "arn:aws:ssm:ap-northeast-1:{{must_env `AWS_ACCOUNT_ID`}}:parameter/app/bar"
        ));
    }

    #[test]
    fn only_secret_like_parameters_are_listed() {
        assert!(super::is_secret_like("DB_PASSWORD", "/app/db"));
        assert!(super::is_secret_like("FOO", "/ecspresso-test/foo"));
        assert!(super::is_secret_like("DB_HOST", "/app/db/password"));
        assert!(!super::is_secret_like("DB_HOST", "/app/db/host"));
        assert!(!super::is_secret_like("CW_CONFIG_CONTENT", "ecs-cwagent"));
        assert!(!super::is_secret_like("DATABASE_USERNAME", "/app/db/user"));
    }
}
