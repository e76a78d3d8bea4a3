//! Service networking: public IPs, task security groups, Service Connect, Fargate platform
//! versions, network modes and deployment safety.

use chrono::NaiveDate;

use super::snippets::{AWSVPC_TD_CFN, SERVICE_NET_CLI};
use super::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};
use crate::knowledge::platform::{self, PlatformOs};
use crate::model::{
    AwsVpcConfiguration, DataSource, LaunchKind, ResourceKind, ResourcePath, ResourceRef, Service, Snapshot, Task,
    TaskSet, arn_tail,
};

pub(super) const RULES: &[&Rule] = &[
    &SERVICE_ASSIGNS_PUBLIC_IP,
    &TASK_SET_ASSIGNS_PUBLIC_IP,
    &SERVICE_SECURITY_GROUP_MISSING,
    &SERVICE_SECURITY_GROUPS_EXCESSIVE,
    &SERVICE_CONNECT_NAMESPACE_MISSING,
    &SERVICE_CONNECT_TLS_DISABLED,
    &SERVICE_CONNECT_LOGGING_MISSING,
    &FARGATE_PLATFORM_VERSION_LATEST_ALIAS,
    &FARGATE_PLATFORM_VERSION_OUTDATED,
    &WORKLOAD_NETWORK_MODE_NOT_AWSVPC,
    &SERVICE_DEPLOYMENT_CIRCUIT_BREAKER_DISABLED,
];

// ---------------------------------------------------------------------------------------
// Shared helpers (also used by the network-infrastructure rules).
// ---------------------------------------------------------------------------------------

/// `Service: name`, with its ARN and cluster path.
pub(super) fn service_ref(snap: &Snapshot, s: &Service) -> ResourceRef {
    ResourceRef::new(ResourceKind::Service, &s.service_name).with_arn(&s.service_arn).with_path(ResourcePath {
        cluster: Some(snap.cluster.cluster_name.clone()),
        service: Some(s.service_name.clone()),
        ..ResourcePath::default()
    })
}

/// The task set's id (`ecs-svc/123…`), else the last part of its ARN.
fn task_set_name(ts: &TaskSet) -> &str {
    ts.id.as_deref().filter(|id| !id.is_empty()).unwrap_or_else(|| arn_tail(&ts.task_set_arn))
}

/// `Task Set: id | Service: svc`.
fn task_set_ref(snap: &Snapshot, s: &Service, ts: &TaskSet) -> ResourceRef {
    ResourceRef::new(ResourceKind::TaskSet, task_set_name(ts)).with_arn(&ts.task_set_arn).with_path(ResourcePath {
        cluster: Some(snap.cluster.cluster_name.clone()),
        service: Some(s.service_name.clone()),
        ..ResourcePath::default()
    })
}

/// `Task: id | Task Definition: family:rev` for a standalone task.
fn task_ref(snap: &Snapshot, t: &Task) -> ResourceRef {
    ResourceRef::new(ResourceKind::Task, arn_tail(&t.task_arn)).with_arn(&t.task_arn).with_path(ResourcePath {
        cluster: Some(snap.cluster.cluster_name.clone()),
        service: t.service_name().map(str::to_owned),
        task_definition: t.task_definition_arn.rsplit('/').next().map(str::to_owned),
        container: None,
    })
}

/// One awsvpc configuration a service deploys with, and where it is set.
pub(super) struct NetUse<'a> {
    /// `service`, `deployment ecs-svc/1`, `task set ecs-svc/2`.
    pub origin: String,
    pub config: &'a AwsVpcConfiguration,
}

/// The awsvpc configurations of a service: its own, its live deployments' and (when asked)
/// its task sets'.
pub(super) fn service_network_uses(s: &Service, with_task_sets: bool) -> Vec<NetUse<'_>> {
    let mut uses = Vec::new();
    if let Some(c) = s.network_configuration.as_ref().and_then(|n| n.awsvpc()) {
        uses.push(NetUse { origin: "service".into(), config: c });
    }
    for d in s.deployments.iter().filter(|d| !is_inactive(d.status.as_deref())) {
        if let Some(c) = d.network_configuration.as_ref().and_then(|n| n.awsvpc()) {
            uses.push(NetUse { origin: format!("deployment {}", d.id.as_deref().unwrap_or("(no id)")), config: c });
        }
    }
    if with_task_sets {
        for ts in &s.task_sets {
            if let Some(c) = ts.network_configuration.as_ref().and_then(|n| n.awsvpc()) {
                uses.push(NetUse { origin: format!("task set {}", task_set_name(ts)), config: c });
            }
        }
    }
    uses
}

fn is_inactive(status: Option<&str>) -> bool {
    status.is_some_and(|s| s.eq_ignore_ascii_case("INACTIVE"))
}

pub(super) fn assigns_public_ip(c: &AwsVpcConfiguration) -> bool {
    c.assign_public_ip.as_deref().is_some_and(|v| v.trim().eq_ignore_ascii_case("ENABLED"))
}

fn is_fargate_provider(name: &str) -> bool {
    matches!(name, "FARGATE" | "FARGATE_SPOT")
}

/// Whether a service launches on Fargate: its launch type, else its capacity provider
/// strategy, else the cluster's default strategy.
fn service_is_fargate(snap: &Snapshot, s: &Service) -> bool {
    if let Some(lt) = s.launch_type.as_deref() {
        return lt.eq_ignore_ascii_case("FARGATE");
    }
    let strategy = if s.capacity_provider_strategy.is_empty() {
        &snap.cluster.default_capacity_provider_strategy
    } else {
        &s.capacity_provider_strategy
    };
    strategy.iter().any(|i| is_fargate_provider(&i.capacity_provider))
}

fn task_is_fargate(t: &Task) -> bool {
    match t.launch_type.as_deref() {
        Some(lt) => lt.eq_ignore_ascii_case("FARGATE"),
        None => t.capacity_provider_name.as_deref().is_some_and(is_fargate_provider),
    }
}

/// Whether a task is (or was until recently) running rather than stopped.
fn task_is_live(t: &Task) -> bool {
    !t.last_status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("STOPPED") || s.eq_ignore_ascii_case("DELETED"))
}

/// Whether Service Connect is on for a deployment.
fn service_connect_on(d: &crate::model::Deployment) -> Option<&crate::model::ServiceConnectConfiguration> {
    d.service_connect_configuration.as_ref().filter(|c| c.enabled).filter(|_| !is_inactive(d.status.as_deref()))
}

fn deployment_id(d: &crate::model::Deployment) -> &str {
    d.id.as_deref().unwrap_or("(no id)")
}

fn non_empty(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

const SERVICE_NET_TF: &str = "resource \"aws_ecs_service\" \"app\" {\n  network_configuration {\n    subnets          = [aws_subnet.private_a.id, aws_subnet.private_b.id]\n    security_groups  = [aws_security_group.app_tasks.id]\n    assign_public_ip = false\n  }\n}";

const SERVICE_NET_CFN: &str = "Type: AWS::ECS::Service\nProperties:\n  NetworkConfiguration:\n    AwsvpcConfiguration:\n      AssignPublicIp: DISABLED\n      Subnets: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]\n      SecurityGroups: [!Ref AppTaskSecurityGroup]";

// ---------------------------------------------------------------------------------------
// Public IPs
// ---------------------------------------------------------------------------------------

pub static SERVICE_ASSIGNS_PUBLIC_IP: Rule = Rule {
    id: "service-assigns-public-ip",
    title: "Service assigns public IP addresses to its tasks",
    severity: Severity::High,
    category: Category::NetworkSecurity,
    domain: Domain::Network,
    scope: Scope::Services,
    requires: &[DataSource::Services],
    confidence: Confidence::High,
    rationale: "With `assignPublicIp: ENABLED` every task ENI gets a public IPv4 address, so the task is reachable from the internet on whatever its security groups allow and bypasses any load balancer, WAF or NAT egress control. The default is DISABLED; tasks in private subnets reach AWS APIs through a NAT gateway or VPC endpoints.",
    remediation: Remediation {
        summary: "Set `assignPublicIp` to DISABLED and run the tasks in private subnets behind a load balancer, with NAT or VPC endpoints for egress.",
        steps: &[
            "Make sure the service's subnets have a route to a NAT gateway or VPC endpoints for ECR, CloudWatch Logs, Secrets Manager and S3, so tasks can still pull images and ship logs.",
            "Put a load balancer in public subnets in front of the service if clients on the internet must reach it.",
            "Update the service's network configuration with private subnets and `assignPublicIp=DISABLED`; ECS starts a new deployment.",
            "Confirm the new tasks have no public IP (`aws ecs describe-tasks`, ENI details) and the old ones are drained.",
        ],
        cli: SERVICE_NET_CLI,
        terraform: SERVICE_NET_TF,
        cloudformation: SERVICE_NET_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-2",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html",
    ],
    peers: &[
        "SecurityHub ECS.2",
        "Prowler ecs_service_no_assign_public_ip",
        "CIS AWS Compute 3.2",
        "Checkov CKV_AWS_333",
        "Control Tower CT.ECS.PR.9",
    ],
    check: service_assigns_public_ip,
};

fn service_assigns_public_ip(snap: &Snapshot, out: &mut Findings) {
    for s in &snap.services {
        let public: Vec<NetUse<'_>> =
            service_network_uses(s, false).into_iter().filter(|u| assigns_public_ip(u.config)).collect();
        let Some(first) = public.first() else {
            continue;
        };
        let origins: Vec<&str> = public.iter().map(|u| u.origin.as_str()).collect();
        out.report(
            service_ref(snap, s),
            format!("service `{}` gives its tasks public IP addresses (assignPublicIp: ENABLED)", s.service_name),
        )
        .evidence("assignPublicIp", "ENABLED")
        .evidence("set_in", origins.join(", "))
        .evidence("subnets", first.config.subnets.join(", "));
    }
}

pub static TASK_SET_ASSIGNS_PUBLIC_IP: Rule = Rule {
    id: "task-set-assigns-public-ip",
    title: "Task set assigns public IP addresses to its tasks",
    severity: Severity::High,
    category: Category::NetworkSecurity,
    domain: Domain::Network,
    scope: Scope::TaskSets,
    requires: &[DataSource::Services, DataSource::TaskSets],
    confidence: Confidence::High,
    rationale: "Services with the CODE_DEPLOY or EXTERNAL deployment controller run their tasks in task sets, each with its own network configuration. A task set with `assignPublicIp: ENABLED` puts every task on the internet even when the service-level configuration is private. The default is DISABLED.",
    remediation: Remediation {
        summary: "Replace the task set with one whose network configuration sets `assignPublicIp` to DISABLED in private subnets.",
        steps: &[
            "Create a new task set with the same task definition, private subnets and `assignPublicIp=DISABLED` (a task set's network configuration cannot be changed in place).",
            "Shift traffic to it (CodeDeploy deployment or `update-service-primary-task-set`).",
            "Delete the old task set once it is drained, and fix the deployment pipeline (appspec or external controller) so new task sets are private.",
        ],
        cli: "aws ecs create-task-set --cluster <cluster> --service <service> --task-definition <family:revision> --network-configuration 'awsvpcConfiguration={subnets=[<private-subnet>],securityGroups=[<task-sg>],assignPublicIp=DISABLED}' && aws ecs update-service-primary-task-set --cluster <cluster> --service <service> --primary-task-set <new-task-set-id> && aws ecs delete-task-set --cluster <cluster> --service <service> --task-set <old-task-set-id>",
        terraform: "resource \"aws_ecs_task_set\" \"app\" {\n  cluster         = aws_ecs_cluster.this.id\n  service         = aws_ecs_service.app.id\n  task_definition = aws_ecs_task_definition.app.arn\n  network_configuration {\n    subnets          = [aws_subnet.private_a.id]\n    security_groups  = [aws_security_group.app_tasks.id]\n    assign_public_ip = false\n  }\n}",
        cloudformation: "Type: AWS::ECS::TaskSet\nProperties:\n  Cluster: !Ref Cluster\n  Service: !Ref Service\n  TaskDefinition: !Ref TaskDefinition\n  NetworkConfiguration:\n    AwsVpcConfiguration:\n      AssignPublicIp: DISABLED\n      Subnets: [!Ref PrivateSubnetA]\n      SecurityGroups: [!Ref AppTaskSecurityGroup]",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-16",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskSet.html",
    ],
    peers: &["SecurityHub ECS.16", "Prowler ecs_task_set_no_assign_public_ip", "CIS AWS Compute 3.14"],
    check: task_set_assigns_public_ip,
};

fn task_set_assigns_public_ip(snap: &Snapshot, out: &mut Findings) {
    for s in &snap.services {
        for ts in &s.task_sets {
            let Some(c) = ts.network_configuration.as_ref().and_then(|n| n.awsvpc()) else {
                continue;
            };
            if !assigns_public_ip(c) {
                continue;
            }
            out.report(
                task_set_ref(snap, s, ts),
                format!(
                    "task set `{}` of service `{}` gives its tasks public IP addresses (assignPublicIp: ENABLED)",
                    task_set_name(ts),
                    s.service_name
                ),
            )
            .evidence("assignPublicIp", "ENABLED")
            .evidence("status", ts.status.as_deref().unwrap_or("(unknown)"))
            .evidence("subnets", c.subnets.join(", "));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Task security groups
// ---------------------------------------------------------------------------------------

/// Whether every known revision the service runs uses a non-awsvpc network mode (bridge or
/// host services have no task ENI, so no task security group to check).
fn service_known_not_awsvpc(snap: &Snapshot, s: &Service) -> bool {
    let modes: Vec<&str> = snap
        .workloads()
        .into_iter()
        .filter(|w| w.service.is_some_and(|x| x.service_arn == s.service_arn && x.service_name == s.service_name))
        .map(|w| w.network_mode())
        .collect();
    !modes.is_empty() && !modes.contains(&"awsvpc")
}

pub static SERVICE_SECURITY_GROUP_MISSING: Rule = Rule {
    id: "service-security-group-missing",
    title: "awsvpc service has no security group of its own",
    severity: Severity::High,
    category: Category::NetworkSecurity,
    domain: Domain::Network,
    scope: Scope::Services,
    requires: &[DataSource::Services, DataSource::TaskSets, DataSource::TaskDefinitions],
    confidence: Confidence::High,
    rationale: "When an awsvpc configuration lists no security groups, ECS attaches the VPC's default security group to every task ENI. The default group is shared by everything else that falls back to it and usually admits all traffic from its other members, so the service gets no least-privilege boundary. Bridge- and host-mode services have no task ENI and are not examined.",
    remediation: Remediation {
        summary: "Create a dedicated security group for the service's tasks and list it in the awsvpc configuration.",
        steps: &[
            "Create a security group for the service that admits only the load balancer's security group (or the callers' groups) on the container port.",
            "Restrict its egress to what the tasks need (HTTPS to AWS endpoints, the database's security group).",
            "Update the service's network configuration with the new group; ECS starts a new deployment.",
            "Remove all rules from the VPC's default security group so nothing depends on it.",
        ],
        cli: SERVICE_NET_CLI,
        terraform: SERVICE_NET_TF,
        cloudformation: SERVICE_NET_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-network.html",
    ],
    peers: &[],
    check: service_security_group_missing,
};

fn service_security_group_missing(snap: &Snapshot, out: &mut Findings) {
    for s in &snap.services {
        let empty: Vec<NetUse<'_>> =
            service_network_uses(s, true).into_iter().filter(|u| u.config.security_groups.is_empty()).collect();
        if empty.is_empty() || service_known_not_awsvpc(snap, s) {
            continue;
        }
        let origins: Vec<&str> = empty.iter().map(|u| u.origin.as_str()).collect();
        let default_group = empty[0].config.subnets.iter().filter_map(|id| snap.network.subnet(id)).find_map(|sub| {
            snap.network
                .security_groups
                .iter()
                .find(|g| g.is_default() && g.vpc_id.as_deref() == Some(sub.vpc_id.as_str()))
        });
        let f = out.report(
            service_ref(snap, s),
            format!(
                "service `{}` lists no security groups, so its tasks fall back to the VPC's default security group",
                s.service_name
            ),
        );
        f.evidence("securityGroups", "(none)").evidence("set_in", origins.join(", "));
        if let Some(g) = default_group {
            f.evidence("default_security_group", &g.group_id);
        }
    }
}

/// More groups than this on one task ENI is reported (ECS accepts at most 5).
const EXCESSIVE_SECURITY_GROUPS: usize = 3;

pub static SERVICE_SECURITY_GROUPS_EXCESSIVE: Rule = Rule {
    id: "service-security-groups-excessive",
    title: "Service attaches many security groups to its tasks",
    severity: Severity::Low,
    category: Category::NetworkSecurity,
    domain: Domain::Network,
    scope: Scope::Services,
    requires: &[DataSource::Services, DataSource::TaskSets, DataSource::TaskDefinitions],
    confidence: Confidence::Medium,
    rationale: "A task's effective firewall is the union of every attached group, so each extra group widens what reaches the task and makes the rule set hard to review. ECS accepts at most 5 groups per awsvpc configuration; a service using 4 or 5 is usually layering shared groups instead of one purpose-built group. This is a review prompt, not proof of exposure.",
    remediation: Remediation {
        summary: "Consolidate the service's security groups into one dedicated group (plus at most one or two shared ones) with only the rules the tasks need.",
        steps: &[
            "List the rules of every attached group and mark which ones the service actually needs.",
            "Create one service-specific group with those rules, referencing other groups by id instead of CIDR where possible.",
            "Update the service's network configuration to use the consolidated group(s).",
        ],
        cli: SERVICE_NET_CLI,
        terraform: SERVICE_NET_TF,
        cloudformation: SERVICE_NET_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html",
    ],
    peers: &[],
    check: service_security_groups_excessive,
};

fn service_security_groups_excessive(snap: &Snapshot, out: &mut Findings) {
    for s in &snap.services {
        let uses = service_network_uses(s, true);
        let Some(widest) = uses.iter().max_by_key(|u| u.config.security_groups.len()) else {
            continue;
        };
        let count = widest.config.security_groups.len();
        if count <= EXCESSIVE_SECURITY_GROUPS || service_known_not_awsvpc(snap, s) {
            continue;
        }
        out.report(
            service_ref(snap, s),
            format!(
                "service `{}` attaches {count} security groups to each task (ECS allows at most 5)",
                s.service_name
            ),
        )
        .evidence("security_group_count", count)
        .evidence("securityGroups", widest.config.security_groups.join(", "))
        .evidence("set_in", &widest.origin);
    }
}

// ---------------------------------------------------------------------------------------
// Service Connect
// ---------------------------------------------------------------------------------------

const SC_CLI: &str = "aws ecs update-service --cluster <cluster> --service <service> --service-connect-configuration file://service-connect.json";

pub static SERVICE_CONNECT_NAMESPACE_MISSING: Rule = Rule {
    id: "service-connect-namespace-missing",
    title: "Service Connect is enabled without a namespace",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    domain: Domain::Network,
    scope: Scope::ServiceConnect,
    requires: &[DataSource::Services, DataSource::Cluster],
    confidence: Confidence::High,
    rationale: "Service Connect registers and discovers endpoints in a Cloud Map namespace. When neither the deployment nor the cluster's `serviceConnectDefaults` names one, there is no defined boundary for which services may discover and call each other, and the configuration cannot take effect as intended.",
    remediation: Remediation {
        summary: "Give the service (or the cluster's Service Connect defaults) an explicit Cloud Map namespace.",
        steps: &[
            "Create or choose an HTTP Cloud Map namespace for the application boundary (`aws servicediscovery create-http-namespace`).",
            "Set it as the cluster default with `aws ecs update-cluster --service-connect-defaults namespace=<namespace>`, or per service.",
            "Update the service's Service Connect configuration with the namespace and redeploy.",
        ],
        cli: "aws ecs update-service --cluster <cluster> --service <service> --service-connect-configuration 'enabled=true,namespace=<namespace-arn>'",
        terraform: "resource \"aws_ecs_service\" \"app\" {\n  service_connect_configuration {\n    enabled   = true\n    namespace = aws_service_discovery_http_namespace.app.arn\n  }\n}",
        cloudformation: "Type: AWS::ECS::Service\nProperties:\n  ServiceConnectConfiguration:\n    Enabled: true\n    Namespace: !GetAtt AppNamespace.Arn",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectConfiguration.html",
    ],
    peers: &[],
    check: service_connect_namespace_missing,
};

fn service_connect_namespace_missing(snap: &Snapshot, out: &mut Findings) {
    let cluster_default =
        non_empty(snap.cluster.service_connect_defaults.as_ref().and_then(|d| d.namespace.as_deref()));
    if cluster_default.is_some() {
        return;
    }
    for s in &snap.services {
        let missing: Vec<&str> = s
            .deployments
            .iter()
            .filter(|d| service_connect_on(d).is_some_and(|c| non_empty(c.namespace.as_deref()).is_none()))
            .map(deployment_id)
            .collect();
        if missing.is_empty() {
            continue;
        }
        out.report(
            service_ref(snap, s),
            format!(
                "service `{}` enables Service Connect without a namespace, and the cluster has no default namespace",
                s.service_name
            ),
        )
        .evidence("deployments", missing.join(", "))
        .evidence("namespace", "(not set)")
        .evidence("cluster serviceConnectDefaults.namespace", "(not set)");
    }
}

pub static SERVICE_CONNECT_TLS_DISABLED: Rule = Rule {
    id: "service-connect-tls-disabled",
    title: "Service Connect traffic is not encrypted with TLS",
    severity: Severity::Medium,
    category: Category::ServiceMeshSecurity,
    domain: Domain::ServiceMesh,
    scope: Scope::ServiceConnect,
    requires: &[DataSource::Services],
    confidence: Confidence::High,
    rationale: "Without a `tls` block naming an AWS Private CA (`issuerCertificateAuthority.awsPcaAuthorityArn`), the Service Connect proxies talk to each other in plaintext, so anyone who can observe the VPC traffic or run in a neighbouring task can read and tamper with service-to-service requests. TLS is off by default.",
    remediation: Remediation {
        summary: "Enable Service Connect TLS with an AWS Private CA, a KMS key and an infrastructure role on each exposed port.",
        steps: &[
            "Create (or reuse) an AWS Private CA in short-lived certificate mode and tag it for ECS Service Connect.",
            "Create an ECS infrastructure role with the `AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity` managed policy.",
            "Add `tls` with `issuerCertificateAuthority.awsPcaAuthorityArn`, `kmsKey` and `roleArn` to each entry of `services` in the Service Connect configuration.",
            "Update the service and check the proxies negotiate TLS (Service Connect metrics and logs).",
        ],
        cli: SC_CLI,
        terraform: "resource \"aws_ecs_service\" \"app\" {\n  service_connect_configuration {\n    enabled   = true\n    namespace = aws_service_discovery_http_namespace.app.arn\n    service {\n      port_name = \"http\"\n      tls {\n        issuer_cert_authority {\n          aws_pca_authority_arn = aws_acmpca_certificate_authority.mesh.arn\n        }\n        kms_key  = aws_kms_key.mesh.arn\n        role_arn = aws_iam_role.service_connect_tls.arn\n      }\n    }\n  }\n}",
        cloudformation: "Type: AWS::ECS::Service\nProperties:\n  ServiceConnectConfiguration:\n    Enabled: true\n    Namespace: !GetAtt AppNamespace.Arn\n    Services:\n      - PortName: http\n        Tls:\n          IssuerCertificateAuthority:\n            AwsPcaAuthorityArn: !Ref MeshCA\n          KmsKey: !GetAtt MeshKey.Arn\n          RoleArn: !GetAtt ServiceConnectTlsRole.Arn",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-tls.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectTlsConfiguration.html",
    ],
    peers: &[],
    check: service_connect_tls_disabled,
};

fn service_connect_tls_disabled(snap: &Snapshot, out: &mut Findings) {
    for s in &snap.services {
        let mut plaintext: Vec<&str> = Vec::new();
        for d in &s.deployments {
            let Some(sc) = service_connect_on(d) else {
                continue;
            };
            for svc in &sc.services {
                let has_ca = svc
                    .tls
                    .as_ref()
                    .and_then(|t| t.issuer_certificate_authority.as_ref())
                    .and_then(|i| non_empty(i.aws_pca_authority_arn.as_deref()))
                    .is_some();
                if !has_ca && !plaintext.contains(&svc.port_name.as_str()) {
                    plaintext.push(&svc.port_name);
                }
            }
        }
        if plaintext.is_empty() {
            continue;
        }
        out.report(
            service_ref(snap, s),
            format!(
                "service `{}` exposes Service Connect port(s) {} without TLS",
                s.service_name,
                plaintext.join(", ")
            ),
        )
        .evidence("ports_without_tls", plaintext.join(", "))
        .evidence("tls.issuerCertificateAuthority", "(not set)");
    }
}

pub static SERVICE_CONNECT_LOGGING_MISSING: Rule = Rule {
    id: "service-connect-logging-missing",
    title: "Service Connect proxy has no log configuration",
    severity: Severity::Low,
    category: Category::Monitoring,
    domain: Domain::Network,
    scope: Scope::ServiceConnect,
    requires: &[DataSource::Services],
    confidence: Confidence::High,
    rationale: "The Service Connect proxy sees every request between services. Without a `logConfiguration` its access and error logs are discarded, so failed calls, retries and unexpected callers leave no trace for troubleshooting or incident response.",
    remediation: Remediation {
        summary: "Add a `logConfiguration` (for example awslogs in non-blocking mode) to the Service Connect configuration.",
        steps: &[
            "Create a CloudWatch log group for the proxy logs, with retention and KMS encryption.",
            "Add `logConfiguration` with `logDriver: awslogs` and the group, region and stream prefix to the service's Service Connect configuration; add `accessLogConfiguration` too if you want per-request access logs.",
            "Grant the task execution role `logs:CreateLogStream` and `logs:PutLogEvents` on the group, then redeploy.",
        ],
        cli: SC_CLI,
        terraform: "resource \"aws_ecs_service\" \"app\" {\n  service_connect_configuration {\n    enabled   = true\n    namespace = aws_service_discovery_http_namespace.app.arn\n    log_configuration {\n      log_driver = \"awslogs\"\n      options = {\n        awslogs-group         = \"/ecs/service-connect\"\n        awslogs-region        = \"eu-west-1\"\n        awslogs-stream-prefix = \"proxy\"\n        mode                  = \"non-blocking\"\n      }\n    }\n  }\n}",
        cloudformation: "Type: AWS::ECS::Service\nProperties:\n  ServiceConnectConfiguration:\n    Enabled: true\n    Namespace: !GetAtt AppNamespace.Arn\n    LogConfiguration:\n      LogDriver: awslogs\n      Options:\n        awslogs-group: /ecs/service-connect\n        awslogs-region: !Ref AWS::Region\n        awslogs-stream-prefix: proxy\n        mode: non-blocking",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-envoy-access-logs.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectConfiguration.html",
    ],
    peers: &[],
    check: service_connect_logging_missing,
};

fn service_connect_logging_missing(snap: &Snapshot, out: &mut Findings) {
    for s in &snap.services {
        let missing: Vec<&str> = s
            .deployments
            .iter()
            .filter(|d| {
                service_connect_on(d).is_some_and(|c| {
                    c.log_configuration.as_ref().and_then(|l| non_empty(l.log_driver.as_deref())).is_none()
                })
            })
            .map(deployment_id)
            .collect();
        if missing.is_empty() {
            continue;
        }
        out.report(
            service_ref(snap, s),
            format!("service `{}` enables Service Connect without a proxy log configuration", s.service_name),
        )
        .evidence("deployments", missing.join(", "))
        .evidence("logConfiguration", "(not set)");
    }
}

// ---------------------------------------------------------------------------------------
// Fargate platform versions
// ---------------------------------------------------------------------------------------

/// Terraform: a Fargate service pinned to platform version 1.4.0.
const FARGATE_PINNED_SERVICE_TF: &str =
    "resource \"aws_ecs_service\" \"app\" {\n  launch_type      = \"FARGATE\"\n  platform_version = \"1.4.0\"\n}";

/// CloudFormation: a Fargate service pinned to platform version 1.4.0.
const FARGATE_PINNED_SERVICE_CFN: &str =
    "Type: AWS::ECS::Service\nProperties:\n  LaunchType: FARGATE\n  PlatformVersion: 1.4.0";

pub static FARGATE_PLATFORM_VERSION_LATEST_ALIAS: Rule = Rule {
    id: "fargate-platform-version-latest-alias",
    title: "Fargate service follows the LATEST platform version alias",
    severity: Severity::Low,
    category: Category::Security,
    domain: Domain::Network,
    scope: Scope::FargateWorkloads,
    requires: &[DataSource::Services, DataSource::Cluster, DataSource::TaskDefinitions],
    confidence: Confidence::High,
    rationale: "`LATEST` (also what an unset platformVersion means) is resolved when a deployment starts, so a routine scale-out or redeploy can move tasks to a new platform version with a different kernel, runtime and networking behaviour without review. It is Low, not higher, because LATEST always gives the newest version, which is exactly what Security Hub ECS.10 asks for; pinning only buys predictable, reviewed upgrades and must be paired with a process to move the pin.",
    remediation: Remediation {
        summary: "Pin `platformVersion` to the current version (1.4.0 on Linux, 1.0.0 on Windows) and move the pin deliberately when AWS publishes a new one.",
        steps: &[
            "Check the current Fargate platform version for the service's OS family in the ECS documentation.",
            "Update the service with `--platform-version 1.4.0` (Linux) or `1.0.0` (Windows).",
            "Subscribe to the ECS platform version announcements and add a review step that bumps the pin.",
        ],
        cli: "aws ecs update-service --cluster <cluster> --service <service> --platform-version 1.4.0",
        terraform: FARGATE_PINNED_SERVICE_TF,
        cloudformation: FARGATE_PINNED_SERVICE_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-fargate.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-linux-fargate.html",
    ],
    peers: &[],
    check: fargate_platform_version_latest_alias,
};

fn fargate_platform_version_latest_alias(snap: &Snapshot, out: &mut Findings) {
    for s in &snap.services {
        if !service_is_fargate(snap, s) {
            continue;
        }
        let shown = match non_empty(s.platform_version.as_deref()) {
            None => "(not set, so LATEST)",
            Some(v) if platform::is_latest_alias(v) => v,
            Some(_) => continue,
        };
        let resolved: Vec<&str> = s
            .deployments
            .iter()
            .filter(|d| !is_inactive(d.status.as_deref()))
            .filter_map(|d| non_empty(d.platform_version.as_deref()))
            .filter(|v| !platform::is_latest_alias(v))
            .collect();
        let f = out.report(
            service_ref(snap, s),
            format!("Fargate service `{}` does not pin a platform version (platformVersion: {shown})", s.service_name),
        );
        f.evidence("platformVersion", shown);
        if !resolved.is_empty() {
            f.evidence("resolved_by_deployments", resolved.join(", "));
        }
    }
}

pub static FARGATE_PLATFORM_VERSION_OUTDATED: Rule = Rule {
    id: "fargate-platform-version-outdated",
    title: "Fargate tasks run on an outdated platform version",
    severity: Severity::High,
    category: Category::Security,
    domain: Domain::Network,
    scope: Scope::FargateWorkloads,
    requires: &[
        DataSource::Services,
        DataSource::TaskSets,
        DataSource::Tasks,
        DataSource::TaskDefinitions,
        DataSource::Cluster,
    ],
    confidence: Confidence::High,
    rationale: "A Fargate platform version fixes the kernel, container runtime and agent a task runs on; versions other than the current one (Linux 1.4.0, Windows 1.0.0) get no security patches and are retired on a published schedule, after which new tasks fail to start and running ones are stopped. `LATEST` always resolves to the current version and is not outdated, and the version a running task reports is what actually runs. A version string this tool cannot parse is reported at Low severity and Low confidence.",
    remediation: Remediation {
        summary: "Redeploy the service, task set or task on the current platform version (or LATEST).",
        steps: &[
            "Review the migration notes for the current version (for Linux 1.4.0: one task ENI for all traffic, new VPC endpoint needs, EFS and ephemeral storage changes).",
            "Update the service with `--platform-version 1.4.0` (or LATEST) and `--force-new-deployment` so every task is replaced.",
            "For CODE_DEPLOY/EXTERNAL services create a new task set on the current version; for standalone tasks change the `run-task` or EventBridge schedule definition.",
            "Confirm `aws ecs describe-tasks` reports the current platformVersion on every task.",
        ],
        cli: "aws ecs update-service --cluster <cluster> --service <service> --platform-version 1.4.0 --force-new-deployment",
        terraform: FARGATE_PINNED_SERVICE_TF,
        cloudformation: FARGATE_PINNED_SERVICE_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-10",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-versions-retired.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-linux-fargate.html",
    ],
    peers: &[
        "SecurityHub ECS.10",
        "Prowler ecs_service_fargate_latest_platform_version",
        "CIS AWS Compute 3.8",
        "Checkov CKV_AWS_332",
        "Control Tower CT.ECS.PR.1",
        "AWS Config ecs-fargate-latest-platform-version",
    ],
    check: fargate_platform_version_outdated,
};

/// How a platform version value rates.
enum VersionVerdict {
    Current,
    /// Not current; the message fragment says why.
    Outdated(String),
    /// Unparseable or unknown: reported at Low confidence.
    Unknown,
}

fn collected_on(snap: &Snapshot) -> Option<NaiveDate> {
    chrono::DateTime::parse_from_rfc3339(snap.collected_at.trim()).ok().map(|d| d.date_naive())
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn judge_version(snap: &Snapshot, os: PlatformOs, version: &str) -> VersionVerdict {
    if platform::is_latest_alias(version) {
        return VersionVerdict::Current;
    }
    let current = platform::current(os);
    if let Some(known) = platform::lookup(os, version) {
        if known.current {
            return VersionVerdict::Current;
        }
        let (retired, stopped) = known.schedule(&snap.region);
        let today = collected_on(snap);
        let status = match (retired, stopped, today) {
            (None, _, _) => "is retired".to_owned(),
            (Some(r), Some(st), Some(t)) if date(st).is_some_and(|d| t >= d) => {
                format!("was retired on {r}; its remaining tasks were stopped from {st}")
            }
            (Some(r), Some(st), Some(t)) if date(r).is_some_and(|d| t >= d) => {
                format!("was retired on {r} (no new tasks; running tasks are stopped on {st})")
            }
            (Some(r), _, Some(_)) => format!("is deprecated and scheduled for retirement on {r}"),
            (Some(r), _, None) => format!("is retired as of {r}"),
        };
        return VersionVerdict::Outdated(format!(
            "{} platform version {version}, which {status} (current: {current})",
            os.label()
        ));
    }
    match (platform::parse_version(version), platform::parse_version(current)) {
        (Some(v), Some(c)) if v < c => VersionVerdict::Outdated(format!(
            "{} platform version {version}, which is older than the current {current}",
            os.label()
        )),
        // Newer than our table knows: not outdated.
        (Some(_), Some(_)) => VersionVerdict::Current,
        _ => VersionVerdict::Unknown,
    }
}

/// The OS family of a service, deployment or task: its platformFamily, else the task
/// definition's runtime platform, else Linux.
fn os_of(snap: &Snapshot, family: Option<&str>, task_definition: Option<&str>) -> PlatformOs {
    if let Some(f) = non_empty(family) {
        return PlatformOs::from_family(f);
    }
    match task_definition.and_then(|arn| snap.task_definition(arn)) {
        Some(td) if td.is_windows() => PlatformOs::Windows,
        _ => PlatformOs::Linux,
    }
}

fn fargate_platform_version_outdated(snap: &Snapshot, out: &mut Findings) {
    for s in &snap.services {
        let service_fargate = service_is_fargate(snap, s);
        let mut outdated: Vec<(String, String)> = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        let mut judge = |origin: String, os: PlatformOs, v: &str| match judge_version(snap, os, v) {
            VersionVerdict::Current => {}
            VersionVerdict::Outdated(why) => outdated.push((origin, why)),
            VersionVerdict::Unknown => unknown.push(format!("{origin}: {v}")),
        };
        if service_fargate && let Some(v) = non_empty(s.platform_version.as_deref()) {
            let os = os_of(snap, s.platform_family.as_deref(), s.task_definition.as_deref());
            judge("service".into(), os, v);
        }
        for d in s.deployments.iter().filter(|d| !is_inactive(d.status.as_deref())) {
            let fargate = match d.launch_type.as_deref() {
                Some(lt) => lt.eq_ignore_ascii_case("FARGATE"),
                None if !d.capacity_provider_strategy.is_empty() => {
                    d.capacity_provider_strategy.iter().any(|i| is_fargate_provider(&i.capacity_provider))
                }
                None => service_fargate,
            };
            if let (true, Some(v)) = (fargate, non_empty(d.platform_version.as_deref())) {
                let os = os_of(snap, d.platform_family.as_deref(), d.task_definition.as_deref());
                judge(format!("deployment {}", deployment_id(d)), os, v);
            }
        }
        let mut task_versions: Vec<(String, usize)> = Vec::new();
        for t in snap
            .tasks
            .iter()
            .filter(|t| t.service_name() == Some(s.service_name.as_str()) && task_is_fargate(t) && task_is_live(t))
        {
            let Some(v) = non_empty(t.platform_version.as_deref()) else {
                continue;
            };
            let os = os_of(snap, t.platform_family.as_deref(), Some(&t.task_definition_arn));
            if !matches!(judge_version(snap, os, v), VersionVerdict::Current) {
                match task_versions.iter_mut().find(|(x, _)| x == v) {
                    Some((_, n)) => *n += 1,
                    None => task_versions.push((v.to_owned(), 1)),
                }
            }
        }
        for (v, n) in &task_versions {
            let os = snap
                .tasks
                .iter()
                .find(|t| t.platform_version.as_deref().map(str::trim) == Some(v.as_str()))
                .map(|t| os_of(snap, t.platform_family.as_deref(), Some(&t.task_definition_arn)))
                .unwrap_or(PlatformOs::Linux);
            judge(format!("running tasks ({n})"), os, v);
        }
        report_outdated(out, service_ref(snap, s), &format!("service `{}`", s.service_name), &outdated, &unknown);

        for ts in &s.task_sets {
            let fargate = match ts.launch_type.as_deref() {
                Some(lt) => lt.eq_ignore_ascii_case("FARGATE"),
                None if !ts.capacity_provider_strategy.is_empty() => {
                    ts.capacity_provider_strategy.iter().any(|i| is_fargate_provider(&i.capacity_provider))
                }
                None => service_fargate,
            };
            let Some(v) = non_empty(ts.platform_version.as_deref()).filter(|_| fargate) else {
                continue;
            };
            let os = os_of(snap, None, ts.task_definition.as_deref());
            let (mut o, mut u) = (Vec::new(), Vec::new());
            match judge_version(snap, os, v) {
                VersionVerdict::Current => continue,
                VersionVerdict::Outdated(why) => o.push(("task set".to_owned(), why)),
                VersionVerdict::Unknown => u.push(format!("task set: {v}")),
            }
            report_outdated(
                out,
                task_set_ref(snap, s, ts),
                &format!("task set `{}` of service `{}`", task_set_name(ts), s.service_name),
                &o,
                &u,
            );
        }
    }
    // Standalone tasks (not started by a service in the snapshot).
    for t in &snap.tasks {
        if t.service_name().is_some_and(|n| snap.service(n).is_some()) || !task_is_fargate(t) || !task_is_live(t) {
            continue;
        }
        let Some(v) = non_empty(t.platform_version.as_deref()) else {
            continue;
        };
        let os = os_of(snap, t.platform_family.as_deref(), Some(&t.task_definition_arn));
        let (mut o, mut u) = (Vec::new(), Vec::new());
        match judge_version(snap, os, v) {
            VersionVerdict::Current => continue,
            VersionVerdict::Outdated(why) => o.push(("task".to_owned(), why)),
            VersionVerdict::Unknown => u.push(format!("task: {v}")),
        }
        report_outdated(out, task_ref(snap, t), &format!("task `{}`", arn_tail(&t.task_arn)), &o, &u);
    }
}

fn report_outdated(
    out: &mut Findings,
    resource: ResourceRef,
    what: &str,
    outdated: &[(String, String)],
    unknown: &[String],
) {
    if let Some((_, why)) = outdated.first() {
        let f = out.report(resource, format!("{what} runs on Fargate {why}"));
        for (origin, why) in outdated {
            f.evidence(origin, why);
        }
        for u in unknown {
            f.evidence("unrecognised_platform_version", u);
        }
    } else if !unknown.is_empty() {
        out.report(
            resource,
            format!(
                "{what} reports a platform version this tool does not recognise ({}); check it is current",
                unknown.join("; ")
            ),
        )
        .evidence("unrecognised_platform_version", unknown.join("; "))
        .severity(Severity::Low)
        .confidence(Confidence::Low);
    }
}

// ---------------------------------------------------------------------------------------
// Network mode and deployments
// ---------------------------------------------------------------------------------------

pub static WORKLOAD_NETWORK_MODE_NOT_AWSVPC: Rule = Rule {
    id: "workload-network-mode-not-awsvpc",
    title: "EC2 workload does not use awsvpc network mode",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    domain: Domain::Network,
    scope: Scope::Ec2Workloads,
    requires: &[DataSource::Services, DataSource::TaskDefinitions, DataSource::Tasks],
    confidence: Confidence::High,
    rationale: "In bridge mode (the EC2 Linux default when networkMode is unset), host mode and Windows NAT mode, tasks share the instance's network interface and security groups: there is no per-task firewall, every task on the host is reachable on the instance's rules, and flow logs cannot tell tasks apart. awsvpc gives each task its own ENI and security group; `none` mode has no network at all and is reported at Low only because Control Tower and AWS Config require awsvpc. ECS Anywhere (EXTERNAL) does not support awsvpc and is not examined.",
    remediation: Remediation {
        summary: "Register the task definition with `networkMode: awsvpc` and give the service subnets and a dedicated security group.",
        steps: &[
            "Check the instance type's ENI limits (or enable ENI trunking with `awsvpcTrunking`) so enough tasks fit per instance.",
            "Set `networkMode` to `awsvpc`, drop `hostPort` values (the host port equals the container port), and register a new revision.",
            "Update the service with the new revision and a network configuration (private subnets, dedicated security group); switch load balancer target groups to target type `ip`.",
        ],
        cli: "aws ecs register-task-definition --cli-input-json file://task-definition.json && aws ecs update-service --cluster <cluster> --service <service> --task-definition <family> --network-configuration 'awsvpcConfiguration={subnets=[<private-subnet>],securityGroups=[<task-sg>],assignPublicIp=DISABLED}'",
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  network_mode = \"awsvpc\"\n}\n\nresource \"aws_ecs_service\" \"app\" {\n  network_configuration {\n    subnets         = [aws_subnet.private_a.id]\n    security_groups = [aws_security_group.app_tasks.id]\n  }\n}",
        cloudformation: AWSVPC_TD_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/networking-networkmode.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html",
        "https://docs.aws.amazon.com/config/latest/developerguide/ecs-awsvpc-networking-enabled.html",
    ],
    peers: &["Control Tower CT.ECS.PR.4", "AWS Config ecs-awsvpc-networking-enabled"],
    check: workload_network_mode_not_awsvpc,
};

fn workload_network_mode_not_awsvpc(snap: &Snapshot, out: &mut Findings) {
    for w in snap.workloads() {
        // ECS Anywhere supports only bridge, host and none.
        if w.launch != LaunchKind::Ec2 {
            continue;
        }
        let mode = w.network_mode();
        // Host mode has its own, stronger rule (task-host-network-mode): report it once.
        if mode == "awsvpc" || mode == "host" {
            continue;
        }
        let declared = w.task_definition.network_mode.as_deref().unwrap_or("(not set)");
        let owner = match w.service_name() {
            Some(s) => format!("service `{s}`"),
            None => "standalone tasks".to_owned(),
        };
        let f = out.report(
            w.task_definition_ref(),
            format!(
                "task definition `{}` run by {owner} uses {mode} network mode, so its tasks have no security group of their own",
                w.task_definition.family_revision()
            ),
        );
        f.evidence("networkMode", declared).evidence("effective_mode", mode).evidence("launch_type", w.launch.label());
        if mode == "none" {
            f.severity(Severity::Low);
        }
    }
}

pub static SERVICE_DEPLOYMENT_CIRCUIT_BREAKER_DISABLED: Rule = Rule {
    id: "service-deployment-circuit-breaker-disabled",
    title: "Service deploys without the deployment circuit breaker",
    severity: Severity::Low,
    category: Category::Availability,
    domain: Domain::Network,
    scope: Scope::Services,
    requires: &[DataSource::Services],
    confidence: Confidence::High,
    rationale: "Without the circuit breaker (off by default), a rolling deployment whose tasks keep failing to start or to pass health checks retries indefinitely, leaving the service degraded and blocking urgent fixes, including security patches, until someone intervenes. With rollback enabled ECS returns to the last good revision automatically. CODE_DEPLOY and EXTERNAL controllers have their own rollback and are not examined.",
    remediation: Remediation {
        summary: "Enable `deploymentCircuitBreaker` with `rollback: true` on services using the ECS deployment controller.",
        steps: &[
            "Make sure the service has health checks (container or load balancer) that fail when the application is broken.",
            "Update the service's deployment configuration with `deploymentCircuitBreaker={enable=true,rollback=true}`.",
            "Alarm on the SERVICE_DEPLOYMENT_FAILED event in EventBridge so failed rollouts are seen.",
        ],
        cli: "aws ecs update-service --cluster <cluster> --service <service> --deployment-configuration 'deploymentCircuitBreaker={enable=true,rollback=true}'",
        terraform: "resource \"aws_ecs_service\" \"app\" {\n  deployment_circuit_breaker {\n    enable   = true\n    rollback = true\n  }\n}",
        cloudformation: "Type: AWS::ECS::Service\nProperties:\n  DeploymentConfiguration:\n    DeploymentCircuitBreaker:\n      Enable: true\n      Rollback: true",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html",
    ],
    peers: &[],
    check: service_deployment_circuit_breaker_disabled,
};

fn service_deployment_circuit_breaker_disabled(snap: &Snapshot, out: &mut Findings) {
    for s in &snap.services {
        let controller = s.deployment_controller.as_ref().and_then(|c| non_empty(c.kind.as_deref())).unwrap_or("ECS");
        if !controller.eq_ignore_ascii_case("ECS") {
            continue;
        }
        let breaker = s.deployment_configuration.as_ref().and_then(|c| c.deployment_circuit_breaker.as_ref());
        if breaker.is_some_and(|b| b.enable) {
            continue;
        }
        out.report(
            service_ref(snap, s),
            format!("service `{}` deploys without the deployment circuit breaker", s.service_name),
        )
        .evidence("deploymentCircuitBreaker.enable", if breaker.is_some() { "false" } else { "(not set)" })
        .evidence("deploymentController", controller);
    }
}
