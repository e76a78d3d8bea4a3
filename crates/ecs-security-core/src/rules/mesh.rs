//! Service mesh and Envoy: App Mesh end of support and Envoy proxy images.

use chrono::{DateTime, NaiveDate};

use super::snippets::TD_CLI;
use super::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};
use crate::knowledge::envoy::{self, EnvoyStatus};
use crate::model::{ContainerCtx, DataSource, ImageRef, Snapshot, Workload};

pub(super) const RULES: &[&Rule] = &[&APPMESH_END_OF_SUPPORT, &ENVOY_IMAGE_OUTDATED, &ENVOY_DEBUG_LOGGING];

const TD: &[DataSource] = &[DataSource::Services, DataSource::TaskDefinitions, DataSource::Tasks];

/// What ties a workload to App Mesh.
fn app_mesh_signals(w: &Workload<'_>) -> Vec<String> {
    let mut signals = Vec::new();
    if let Some(p) = &w.task_definition.proxy_configuration {
        // APPMESH is the only proxy type ECS supports, and the default.
        let kind = p.kind.as_deref().unwrap_or("APPMESH");
        if kind.eq_ignore_ascii_case("APPMESH") {
            signals.push(format!("proxyConfiguration type APPMESH (container `{}`)", p.container_name));
        }
    }
    for c in &w.task_definition.container_definitions {
        let image = c.image.as_deref().and_then(ImageRef::parse);
        if image.as_ref().is_some_and(|i| i.name().eq_ignore_ascii_case("aws-appmesh-envoy")) {
            signals.push(format!("App Mesh Envoy image in container `{}`", c.name));
        }
        for kv in &c.environment {
            if envoy::APP_MESH_ENV_VARS.iter().any(|v| kv.name.eq_ignore_ascii_case(v)) {
                signals.push(format!("{} in container `{}`", kv.name, c.name));
            }
        }
    }
    signals
}

// ---------------------------------------------------------------------------------------
// appmesh-end-of-support
// ---------------------------------------------------------------------------------------

pub static APPMESH_END_OF_SUPPORT: Rule = Rule {
    id: "appmesh-end-of-support",
    title: "Workload still uses AWS App Mesh, which reached end of support",
    severity: Severity::High,
    category: Category::ServiceMeshSecurity,
    domain: Domain::ServiceMesh,
    scope: Scope::Workloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "AWS discontinued App Mesh on 2026-09-30: the console and App Mesh resources are no longer accessible, the Envoy images and the control plane get no more security fixes, and mesh-enforced TLS and routing can stop working without notice. Workloads that still carry the App Mesh proxy configuration or Envoy sidecar depend on a retired service. Before that date the finding is Medium.",
    remediation: Remediation {
        summary: "Migrate the service from App Mesh to Amazon ECS Service Connect and remove the App Mesh proxy and Envoy sidecar.",
        steps: &[
            "Create (or reuse) an AWS Cloud Map namespace and set it as the cluster's Service Connect default.",
            "Name the application's port mappings (`portMappings[].name`) and register a task definition revision without `proxyConfiguration`, the `aws-appmesh-envoy` container and the APPMESH_* variables.",
            "Update the service with a Service Connect configuration (client aliases replace the App Mesh virtual service names; add TLS with an AWS Private CA).",
            "Move callers to the Service Connect names, verify traffic, then delete the mesh's virtual nodes, routers and services.",
        ],
        cli: "aws ecs update-service --cluster <cluster> --service <service> --task-definition <family-without-envoy> --service-connect-configuration '{\"enabled\":true,\"namespace\":\"<namespace>\",\"services\":[{\"portName\":\"<port-name>\",\"clientAliases\":[{\"port\":<port>}]}]}'",
        terraform: "resource \"aws_ecs_service\" \"app\" {\n  service_connect_configuration {\n    enabled   = true\n    namespace = aws_service_discovery_http_namespace.this.arn\n    service {\n      port_name = \"http\"\n      client_alias {\n        port = 8080\n      }\n    }\n  }\n}",
        cloudformation: "Type: AWS::ECS::Service\nProperties:\n  ServiceConnectConfiguration:\n    Enabled: true\n    Namespace: !GetAtt Namespace.Arn\n    Services:\n      - PortName: http\n        ClientAliases:\n          - Port: 8080",
    },
    references: &[
        "https://docs.aws.amazon.com/app-mesh/latest/userguide/what-is-app-mesh.html",
        "https://aws.amazon.com/blogs/containers/migrating-from-aws-app-mesh-to-amazon-ecs-service-connect",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect.html",
    ],
    peers: &[],
    check: appmesh_end_of_support,
};

fn appmesh_end_of_support(snap: &Snapshot, out: &mut Findings) {
    let eos = NaiveDate::parse_from_str(envoy::APP_MESH_END_OF_SUPPORT, "%Y-%m-%d").ok();
    let now = DateTime::parse_from_rfc3339(snap.collected_at.trim()).ok().map(|d| d.date_naive());
    // Unknown collection time: assume the snapshot is current, i.e. past the date.
    let before_eos = matches!((now, eos), (Some(n), Some(e)) if n < e);
    for w in snap.workloads() {
        let signals = app_mesh_signals(&w);
        if signals.is_empty() {
            continue;
        }
        let f = out.report(
            w.task_definition_ref(),
            format!(
                "task definition `{}` uses AWS App Mesh, which {} end of support on {}; migrate to Amazon ECS Service Connect",
                w.task_definition.family_revision(),
                if before_eos { "reaches" } else { "reached" },
                envoy::APP_MESH_END_OF_SUPPORT
            ),
        );
        f.evidence("app_mesh", signals.join("; "))
            .evidence("end_of_support", envoy::APP_MESH_END_OF_SUPPORT)
            .evidence("source", envoy::APP_MESH_END_OF_SUPPORT_SOURCE.source);
        if before_eos {
            f.severity(Severity::Medium);
        }
    }
}

// ---------------------------------------------------------------------------------------
// envoy-image-outdated
// ---------------------------------------------------------------------------------------

pub static ENVOY_IMAGE_OUTDATED: Rule = Rule {
    id: "envoy-image-outdated",
    title: "Envoy sidecar image is outdated",
    severity: Severity::High,
    category: Category::EnvoySecurity,
    domain: Domain::Envoy,
    scope: Scope::MeshWorkloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Envoy terminates and routes every request of the task, so its CVEs (HTTP/2 floods, header smuggling, TLS bugs) are directly reachable. Envoy patches each minor line for one year and App Mesh patched only its newest image line: a sidecar on an older line gets no fixes at all (High), and one behind the newest patch of its line misses published fixes (Medium). Tags without a version, such as `latest`, are left to the image pinning rule.",
    remediation: Remediation {
        summary: "Update the Envoy sidecar to the newest patch of a supported line, pinned by digest.",
        steps: &[
            "Look up the current image: the newest `envoyproxy/envoy` release of a supported minor line, or for App Mesh the last `aws-appmesh-envoy` release (and plan the move to Service Connect).",
            "Change the sidecar's image to that version, pinned by digest.",
            "Register the revision and deploy; watch Envoy's admin `/ready` health check during the rollout.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name  = \"envoy\"\n  image = \"envoyproxy/envoy:v1.40.2@sha256:<digest>\"\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: envoy\n    Image: envoyproxy/envoy:v1.40.2@sha256:<digest>",
    },
    references: &[
        "https://docs.aws.amazon.com/app-mesh/latest/userguide/envoy.html",
        "https://www.envoyproxy.io/docs/envoy/latest/version_history/version_history",
        "https://github.com/envoyproxy/envoy/blob/main/RELEASES.md",
    ],
    peers: &[],
    check: envoy_image_outdated,
};

fn envoy_image_outdated(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        let Some(img) = c.container.image.as_deref().and_then(ImageRef::parse) else {
            continue;
        };
        let Some((line, by_name_only)) = envoy::envoy_line(&img) else {
            continue;
        };
        let Some(version) = img.tag.as_deref().and_then(envoy::tag_version) else {
            continue;
        };
        let shown: Vec<String> = version.iter().map(u64::to_string).collect();
        let shown = shown.join(".");
        let (problem, severity) = match envoy::status(line, &version) {
            EnvoyStatus::Current => continue,
            EnvoyStatus::Unsupported => (
                format!(
                    "is on the {}.{} line, older than {}.{}, {}",
                    version.first().copied().unwrap_or(0),
                    version.get(1).copied().unwrap_or(0),
                    line.oldest_supported_minor.0,
                    line.oldest_supported_minor.1,
                    line.oldest_supported_label
                ),
                Severity::High,
            ),
            EnvoyStatus::Behind { latest } => {
                (format!("is behind {latest}, the newest patch of its line"), Severity::Medium)
            }
        };
        let f = out.report(
            c.resource(),
            format!("container `{}` runs {} {shown}, which {problem}", c.container.name, line.label),
        );
        f.evidence("image", c.container.image.as_deref().unwrap_or(""))
            .evidence("version", &shown)
            .evidence("latest_known", line.latest_patches.first().copied().unwrap_or(""))
            .evidence("source", line.provenance.source)
            .severity(severity);
        if by_name_only {
            f.confidence(Confidence::Medium);
        }
    }
}

// ---------------------------------------------------------------------------------------
// envoy-debug-logging
// ---------------------------------------------------------------------------------------

/// Whether a container is an Envoy proxy: an Envoy image, or the task's App Mesh proxy.
fn is_envoy_container(c: &ContainerCtx<'_>) -> bool {
    let image = c.container.image.as_deref().and_then(ImageRef::parse);
    image.as_ref().is_some_and(envoy::is_envoy_image)
        || c.workload.task_definition.proxy_configuration.as_ref().is_some_and(|p| p.container_name == c.container.name)
}

fn verbose_level(level: &str) -> bool {
    let l = level.trim().to_ascii_lowercase();
    l == "debug" || l == "trace"
}

/// The verbose log level a container sets, and where.
fn debug_setting(c: &ContainerCtx<'_>) -> Option<(String, String)> {
    if let Some(kv) = c
        .container
        .environment
        .iter()
        .find(|kv| kv.name.eq_ignore_ascii_case("ENVOY_LOG_LEVEL") && verbose_level(&kv.value))
    {
        return Some(("ENVOY_LOG_LEVEL".to_owned(), kv.value.trim().to_owned()));
    }
    // Words of the entry point and command, also inside `sh -c "envoy -l debug"` strings.
    let args: Vec<&str> =
        c.container.entry_point.iter().chain(&c.container.command).flat_map(|a| a.split_whitespace()).collect();
    for (i, arg) in args.iter().enumerate() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f, Some(v)),
            None => (*arg, None),
        };
        let value = inline.or_else(|| args.get(i + 1).copied());
        let Some(value) = value else {
            continue;
        };
        let verbose = match flag {
            "-l" | "--log-level" => verbose_level(value),
            "--component-log-level" => value.split(',').any(|p| p.rsplit(':').next().is_some_and(verbose_level)),
            _ => false,
        };
        if verbose {
            return Some((flag.to_owned(), value.trim().to_owned()));
        }
    }
    None
}

pub static ENVOY_DEBUG_LOGGING: Rule = Rule {
    id: "envoy-debug-logging",
    title: "Envoy sidecar logs at debug or trace level",
    severity: Severity::Low,
    category: Category::EnvoySecurity,
    domain: Domain::Envoy,
    scope: Scope::MeshWorkloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "At debug and trace level Envoy writes request and response headers, including Authorization headers, cookies and tokens, to its log, which then sits in CloudWatch Logs for anyone with read access. It also multiplies log volume and cost. The App Mesh image defaults to `info`.",
    remediation: Remediation {
        summary: "Set the Envoy log level back to `info` (or `warning`) and raise it only temporarily while debugging.",
        steps: &[
            "Set `ENVOY_LOG_LEVEL` to `info` (App Mesh image) or remove `-l debug` / `--log-level trace` from the command.",
            "Register the revision and deploy.",
            "Check the log group for credentials already written and rotate any that leaked; shorten its retention.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name        = \"envoy\"\n  environment = [{ name = \"ENVOY_LOG_LEVEL\", value = \"info\" }]\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: envoy\n    Environment:\n      - Name: ENVOY_LOG_LEVEL\n        Value: info",
    },
    references: &[
        "https://docs.aws.amazon.com/app-mesh/latest/userguide/envoy-config.html",
        "https://www.envoyproxy.io/docs/envoy/latest/operations/cli",
    ],
    peers: &[],
    check: envoy_debug_logging,
};

fn envoy_debug_logging(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if !is_envoy_container(&c) {
            continue;
        }
        let Some((setting, level)) = debug_setting(&c) else {
            continue;
        };
        out.report(
            c.resource(),
            format!(
                "Envoy container `{}` logs at `{level}` level ({setting}), which writes request headers and tokens to its logs",
                c.container.name
            ),
        )
        .evidence("setting", setting)
        .evidence("level", level);
    }
}
