//! Container instances and capacity providers: the ECS agent (version, connection, updates),
//! instance types, capacity-provider scaling and termination, and hosts shared between a
//! privileged tenant and other workloads.

use std::collections::BTreeMap;

use super::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};
use crate::knowledge::{agent, instances};
use crate::model::{
    AutoScalingGroupProvider, CapacityProvider, ContainerInstance, DataSource, InstanceLaunchTemplate, ResourceKind,
    ResourcePath, ResourceRef, Snapshot, Task, TaskDefinition, arn_tail,
};

pub(super) const RULES: &[&Rule] = &[
    &CONTAINER_INSTANCE_AGENT_VULNERABLE,
    &CONTAINER_INSTANCE_AGENT_DISCONNECTED,
    &CONTAINER_INSTANCE_AGENT_UPDATE_FAILED,
    &CONTAINER_INSTANCE_PREVIOUS_GENERATION,
    &CONTAINER_INSTANCE_SHARED_WITH_PRIVILEGED_TASK,
    &CONTAINER_INSTANCE_IMDSV2_NOT_REQUIRED,
    &CONTAINER_INSTANCE_PUBLIC_IP,
    &CAPACITY_PROVIDER_TERMINATION_PROTECTION_DISABLED,
    &CAPACITY_PROVIDER_MANAGED_SCALING_DISABLED,
    &MANAGED_INSTANCES_PUBLIC_SUBNET,
];

const AMI_CLI: &str = "aws ec2 create-launch-template-version --launch-template-id <launch-template-id> --source-version <version> --launch-template-data '{\"ImageId\":\"resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id\"}' && aws autoscaling start-instance-refresh --auto-scaling-group-name <asg-name>";

const AMI_TERRAFORM: &str = "data \"aws_ssm_parameter\" \"ecs_ami\" {\n  name = \"/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id\"\n}\n\nresource \"aws_launch_template\" \"ecs\" {\n  image_id = data.aws_ssm_parameter.ecs_ami.value\n}";

const AMI_CLOUDFORMATION: &str = "Type: AWS::EC2::LaunchTemplate\nProperties:\n  LaunchTemplateData:\n    ImageId: '{{resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id}}'";

/// `Container Instance: i-0123…` in this cluster.
fn instance_ref(snap: &Snapshot, ci: &ContainerInstance) -> ResourceRef {
    ResourceRef::new(ResourceKind::ContainerInstance, ci.display_name())
        .with_arn(&ci.container_instance_arn)
        .with_path(ResourcePath { cluster: Some(snap.cluster.cluster_name.clone()), ..ResourcePath::default() })
}

fn capacity_provider_ref(cp: &CapacityProvider) -> ResourceRef {
    ResourceRef::new(ResourceKind::CapacityProvider, &cp.name).with_arn(&cp.capacity_provider_arn)
}

fn status_is(status: Option<&str>, wanted: &[&str]) -> bool {
    status.is_some_and(|s| wanted.iter().any(|w| s.eq_ignore_ascii_case(w)))
}

/// Instances that are (or are becoming) part of the cluster: not deregistered or failed.
fn registered(snap: &Snapshot) -> impl Iterator<Item = &ContainerInstance> {
    snap.container_instances
        .iter()
        .filter(|ci| !status_is(ci.status.as_deref(), &["INACTIVE", "DEREGISTERING", "REGISTRATION_FAILED"]))
}

/// Capacity providers backed by an Auto Scaling group that still exist.
fn asg_providers(snap: &Snapshot) -> impl Iterator<Item = (&CapacityProvider, &AutoScalingGroupProvider)> {
    snap.capacity_providers.iter().filter_map(|cp| {
        if status_is(cp.status.as_deref(), &["INACTIVE"]) {
            return None;
        }
        cp.auto_scaling_group_provider.as_ref().map(|asg| (cp, asg))
    })
}

pub static CONTAINER_INSTANCE_AGENT_VULNERABLE: Rule = Rule {
    id: "container-instance-agent-vulnerable",
    title: "Container instance runs an ECS agent with known vulnerabilities",
    severity: Severity::High,
    category: Category::Security,
    domain: Domain::ContainerInstance,
    scope: Scope::ContainerInstances,
    requires: &[DataSource::ContainerInstances],
    confidence: Confidence::High,
    rationale: "The ECS agent runs as root on every EC2 container instance, holds the credentials of every task's IAM role and talks to the ECS control plane. Agent releases below the fixed versions carry published advisories, among them an introspection-API information disclosure (CVE-2025-9039) and Go standard-library TLS and X.509 flaws.",
    remediation: Remediation {
        summary: "Update the ECS agent to the minimum safe version or later, preferably by replacing the instances with the latest ECS-optimized AMI.",
        steps: &[
            "Look up the latest ECS-optimized AMI for the instance OS (SSM parameter `/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id`).",
            "Point the Auto Scaling group's launch template at that AMI.",
            "Roll the fleet with an instance refresh (with managed draining or draining the instances first) so tasks move to the new hosts.",
            "For a single Amazon Linux instance that cannot be replaced now, run `aws ecs update-container-agent` (or update the `ecs-init` package on Amazon Linux 2 and 2023).",
            "Check `versionInfo.agentVersion` with `aws ecs describe-container-instances` afterwards.",
        ],
        cli: AMI_CLI,
        terraform: AMI_TERRAFORM,
        cloudformation: AMI_CLOUDFORMATION,
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-update.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/retrieve-ecs-optimized_AMI.html",
        "https://github.com/aws/amazon-ecs-agent/security/advisories/GHSA-wm7x-ww72-r77q",
    ],
    peers: &[],
    check: container_instance_agent_vulnerable,
};

fn container_instance_agent_vulnerable(snap: &Snapshot, out: &mut Findings) {
    let safe = agent::minimum_safe_version();
    for ci in registered(snap) {
        let raw = ci.agent_version().map(str::trim).filter(|v| !v.is_empty());
        let Some(version) = raw.and_then(agent::AgentVersion::parse) else {
            out.report(
                instance_ref(snap, ci),
                format!(
                    "the ECS agent version of container instance `{}` is unknown, so known agent advisories cannot be ruled out",
                    ci.display_name()
                ),
            )
            .evidence("agentVersion", raw.unwrap_or("(not reported)"))
            .evidence("minimum_safe_version", safe)
            .severity(Severity::Low)
            .confidence(Confidence::Low);
            continue;
        };
        let applicable = agent::advisories_for(version);
        if applicable.is_empty() {
            continue;
        }
        let ids: Vec<&str> = applicable.iter().map(|a| a.ids).collect();
        // The message names the CVEs; the evidence carries every identifier.
        let mut cves: Vec<&str> = Vec::new();
        for a in &applicable {
            let primary: Vec<&str> = a.ids.split(" / ").filter(|id| id.starts_with("CVE-")).collect();
            if primary.is_empty() {
                cves.push("an unnumbered credential-logging fix");
            } else {
                cves.extend(primary);
            }
        }
        out.report(
            instance_ref(snap, ci),
            format!(
                "container instance `{}` runs ECS agent {version}, affected by {}; minimum safe version {safe}",
                ci.display_name(),
                cves.join(", ")
            ),
        )
        .evidence("agentVersion", version)
        .evidence("advisories", ids.join("; "))
        .evidence("minimum_safe_version", safe)
        .evidence("latest_known_version", agent::LATEST);
    }
}

pub static CONTAINER_INSTANCE_AGENT_DISCONNECTED: Rule = Rule {
    id: "container-instance-agent-disconnected",
    title: "ECS agent on a container instance is disconnected",
    severity: Severity::High,
    category: Category::Security,
    domain: Domain::ContainerInstance,
    scope: Scope::ContainerInstances,
    requires: &[DataSource::ContainerInstances],
    confidence: Confidence::Medium,
    rationale: "Only instances with a connected agent accept task placements. While the agent is disconnected, ECS cannot deliver stop or start instructions or refreshed task role credentials to the instance, and its tasks run unmanaged: a compromised task cannot be stopped through ECS and the host drops out of monitoring and agent updates. The agent also reconnects briefly several times an hour as normal operation, so a single observation can be transient: confirm before acting.",
    remediation: Remediation {
        summary: "Find out why the agent lost its connection, restore it or replace the instance.",
        steps: &[
            "Connect to the instance (Session Manager) and check `systemctl status ecs` and `/var/log/ecs/ecs-agent.log`.",
            "Check the network path to the ECS endpoints (`ecs`, `ecs-agent`, `ecs-telemetry`): NAT, proxy settings or interface VPC endpoints, and the instance role's `ecs:Poll`/`ecs:StartTelemetrySession` permissions.",
            "Restart the agent (`sudo systemctl restart ecs`); if it does not reconnect, drain the instance and let the Auto Scaling group replace it.",
        ],
        cli: "aws ecs update-container-instances-state --cluster <cluster> --container-instances <container-instance-id> --status DRAINING",
        terraform: "resource \"aws_vpc_endpoint\" \"ecs_agent\" {\n  vpc_id              = aws_vpc.main.id\n  service_name        = \"com.amazonaws.<region>.ecs-agent\"\n  vpc_endpoint_type   = \"Interface\"\n  subnet_ids          = aws_subnet.private[*].id\n  security_group_ids  = [aws_security_group.endpoints.id]\n  private_dns_enabled = true\n}",
        cloudformation: "Type: AWS::EC2::VPCEndpoint\nProperties:\n  VpcId: !Ref Vpc\n  ServiceName: !Sub com.amazonaws.${AWS::Region}.ecs-agent\n  VpcEndpointType: Interface\n  SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]\n  SecurityGroupIds: [!Ref EndpointSecurityGroup]\n  PrivateDnsEnabled: true",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerInstance.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_container_instance_events.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html",
    ],
    peers: &["Powerpipe ecs_cluster_container_instance_agent_connected"],
    check: container_instance_agent_disconnected,
};

fn container_instance_agent_disconnected(snap: &Snapshot, out: &mut Findings) {
    for ci in &snap.container_instances {
        let status = ci.status.as_deref().unwrap_or("");
        if ci.agent_connected || !status_is(Some(status), &["ACTIVE", "DRAINING"]) {
            continue;
        }
        let load = match ci.running_tasks_count {
            0 => "no running tasks".to_owned(),
            n => format!("{n} running task(s)"),
        };
        out.report(
            instance_ref(snap, ci),
            format!("the ECS agent on {status} container instance `{}` is disconnected ({load})", ci.display_name()),
        )
        .evidence("agentConnected", false)
        .evidence("status", status)
        .evidence("runningTasksCount", ci.running_tasks_count)
        .evidence("agentVersion", ci.agent_version().unwrap_or("(not reported)"));
    }
}

pub static CONTAINER_INSTANCE_AGENT_UPDATE_FAILED: Rule = Rule {
    id: "container-instance-agent-update-failed",
    title: "ECS agent update failed on a container instance",
    severity: Severity::Medium,
    category: Category::Security,
    domain: Domain::ContainerInstance,
    scope: Scope::ContainerInstances,
    requires: &[DataSource::ContainerInstances],
    confidence: Confidence::High,
    rationale: "`agentUpdateStatus` FAILED means the last agent update did not complete, so the instance keeps the old agent and any fixes the update carried. Updates fail when the instance cannot download the new agent or its OS does not support in-place updates.",
    remediation: Remediation {
        summary: "Retry the update once the cause is fixed, or replace the instance with one built from the latest ECS-optimized AMI.",
        steps: &[
            "Read `/var/log/ecs/ecs-agent.log` and `/var/log/ecs/ecs-init.log` on the instance for the update error.",
            "Make sure the instance can reach S3 and the ECS endpoints (NAT, proxy or VPC endpoints).",
            "Retry with `aws ecs update-container-agent` (Amazon Linux ECS-optimized AMI), or update `ecs-init` with the package manager on Amazon Linux 2 and 2023.",
            "If the update keeps failing, drain the instance and replace it from the latest ECS-optimized AMI.",
        ],
        cli: "aws ecs update-container-agent --cluster <cluster> --container-instance <container-instance-id>",
        terraform: AMI_TERRAFORM,
        cloudformation: AMI_CLOUDFORMATION,
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-update.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateContainerAgent.html",
    ],
    peers: &[],
    check: container_instance_agent_update_failed,
};

fn container_instance_agent_update_failed(snap: &Snapshot, out: &mut Findings) {
    for ci in registered(snap) {
        if !status_is(ci.agent_update_status.as_deref(), &["FAILED"]) {
            continue;
        }
        out.report(
            instance_ref(snap, ci),
            format!(
                "the last ECS agent update on container instance `{}` failed; it still runs agent {}",
                ci.display_name(),
                ci.agent_version().unwrap_or("(unknown version)")
            ),
        )
        .evidence("agentUpdateStatus", "FAILED")
        .evidence("agentVersion", ci.agent_version().unwrap_or("(not reported)"));
    }
}

pub static CONTAINER_INSTANCE_PREVIOUS_GENERATION: Rule = Rule {
    id: "container-instance-previous-generation",
    title: "Container instance uses a previous-generation instance type",
    severity: Severity::Medium,
    category: Category::Security,
    domain: Domain::ContainerInstance,
    scope: Scope::ContainerInstances,
    requires: &[DataSource::ContainerInstances],
    confidence: Confidence::High,
    rationale: "AWS keeps previous-generation instance families only for customers who have not migrated. Most run on the older Xen hypervisor rather than the Nitro System, lack current security features (NitroTPM, Nitro Enclaves, newer ECS-optimized AMI and kernel support) and can be retired, forcing an unplanned move.",
    remediation: Remediation {
        summary: "Move the Auto Scaling group to a current-generation instance type and replace the instances.",
        steps: &[
            "Pick a current family with the same shape (see the finding's suggestion, e.g. m4 → m7i or m7g).",
            "Create a launch template version with the new instance type (Graviton types need arm64 images).",
            "Update the Auto Scaling group and run an instance refresh so tasks drain onto the new hosts.",
        ],
        cli: "aws ec2 create-launch-template-version --launch-template-id <launch-template-id> --source-version <version> --launch-template-data '{\"InstanceType\":\"m7i.large\"}' && aws autoscaling start-instance-refresh --auto-scaling-group-name <asg-name>",
        terraform: "resource \"aws_launch_template\" \"ecs\" {\n  instance_type = \"m7i.large\"\n}",
        cloudformation: "Type: AWS::EC2::LaunchTemplate\nProperties:\n  LaunchTemplateData:\n    InstanceType: m7i.large",
    },
    references: &[
        "https://aws.amazon.com/ec2/previous-generation/",
        "https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-types.html",
    ],
    peers: &[],
    check: container_instance_previous_generation,
};

fn container_instance_previous_generation(snap: &Snapshot, out: &mut Findings) {
    for ci in registered(snap) {
        let Some(instance_type) = ci.instance_type().map(str::trim).filter(|t| !t.is_empty()) else {
            continue;
        };
        let Some(family) = instances::previous_generation(instance_type) else {
            continue;
        };
        let f = out.report(
            instance_ref(snap, ci),
            format!(
                "container instance `{}` runs on `{instance_type}`, a previous-generation {} instance type; move to {}",
                ci.display_name(),
                family.family,
                family.upgrade
            ),
        );
        f.evidence("instanceType", instance_type)
            .evidence("family", family.family)
            .evidence("suggested_families", family.upgrade);
        if family.retired {
            f.evidence("retired", true);
        }
    }
}

pub static CONTAINER_INSTANCE_SHARED_WITH_PRIVILEGED_TASK: Rule = Rule {
    id: "container-instance-shared-with-privileged-task",
    title: "Container instance shares its host between a privileged task and other workloads",
    severity: Severity::Medium,
    category: Category::Security,
    domain: Domain::ContainerInstance,
    scope: Scope::ContainerInstances,
    requires: &[DataSource::Tasks, DataSource::TaskDefinitions, DataSource::ContainerInstances],
    confidence: Confidence::Medium,
    rationale: "On EC2 the instance is the isolation boundary. A task that is privileged, uses host network mode or shares the host PID namespace can reach the agent, the instance role and the credential endpoints of every other task on the host (the ECScape class of issue), so co-located services inherit the weakest tenant's exposure.",
    remediation: Remediation {
        summary: "Run privileged or host-namespace tasks on dedicated instances (or remove the privilege), and keep other services off those hosts.",
        steps: &[
            "Check whether the privilege is needed; remove `privileged`, host network or host PID where it is not.",
            "Otherwise give the privileged workload its own capacity provider or mark dedicated instances with a custom attribute.",
            "Add placement constraints so the privileged workload runs only there and the other services never do.",
            "Keep task roles least-privilege and block task access to instance metadata on shared hosts.",
        ],
        cli: "aws ecs put-attributes --cluster <cluster> --attributes name=tier,value=privileged,targetType=container-instance,targetId=<container-instance-id>",
        terraform: "resource \"aws_ecs_service\" \"privileged\" {\n  placement_constraints {\n    type       = \"memberOf\"\n    expression = \"attribute:tier == privileged\"\n  }\n}",
        cloudformation: "Type: AWS::ECS::Service\nProperties:\n  PlacementConstraints:\n    - Type: memberOf\n      Expression: attribute:tier == privileged",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-iam-roles.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-constraints.html",
    ],
    peers: &[],
    check: container_instance_shared_with_privileged_task,
};

/// What in a task definition lets a task reach beyond its own containers on the host.
fn host_level_privileges(td: &TaskDefinition) -> Vec<String> {
    let mut why: Vec<String> = td
        .container_definitions
        .iter()
        .filter(|c| c.is_privileged())
        .map(|c| format!("privileged container `{}`", c.name))
        .collect();
    if td.network_mode.as_deref().is_some_and(|m| m.eq_ignore_ascii_case("host")) {
        why.push("host network mode".to_owned());
    }
    if td.pid_mode.as_deref().is_some_and(|m| m.eq_ignore_ascii_case("host")) {
        why.push("host PID namespace".to_owned());
    }
    why
}

/// `service svc` or `task family fam`: who a task belongs to.
fn tenant_of(task: &Task, td: Option<&TaskDefinition>) -> String {
    if let Some(service) = task.service_name() {
        return format!("service {service}");
    }
    if let Some(family) = task.group.as_deref().and_then(|g| g.strip_prefix("family:")) {
        return format!("task family {family}");
    }
    match td {
        Some(td) => format!("task family {}", td.family),
        None => {
            let arn = &task.task_definition_arn;
            let name = arn.rsplit_once('/').map_or(arn.as_str(), |(_, n)| n);
            format!("task family {}", name.split(':').next().unwrap_or(name))
        }
    }
}

fn container_instance_shared_with_privileged_task(snap: &Snapshot, out: &mut Findings) {
    for ci in registered(snap) {
        // tenant → what makes it privileged (empty when it is not).
        let mut tenants: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let on_host = snap.tasks.iter().filter(|t| {
            !status_is(t.last_status.as_deref(), &["STOPPED", "DELETED"])
                && t.container_instance_arn.as_deref().is_some_and(|a| {
                    !a.is_empty()
                        && (a == ci.container_instance_arn || arn_tail(a) == arn_tail(&ci.container_instance_arn))
                })
        });
        for task in on_host {
            let td = snap.task_definition(&task.task_definition_arn);
            let why = td.map(host_level_privileges).unwrap_or_default();
            let entry = tenants.entry(tenant_of(task, td)).or_default();
            for w in why {
                if !entry.contains(&w) {
                    entry.push(w);
                }
            }
        }
        if tenants.len() < 2 {
            continue;
        }
        let privileged: Vec<String> = tenants
            .iter()
            .filter(|(_, why)| !why.is_empty())
            .map(|(t, why)| format!("{t} ({})", why.join(", ")))
            .collect();
        let Some(first) = privileged.first() else {
            continue;
        };
        let all: Vec<&str> = tenants.keys().map(String::as_str).collect();
        let more = match privileged.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        out.report(
            instance_ref(snap, ci),
            format!(
                "container instance `{}` runs {} workloads, and {}{more} can reach the others' credentials",
                ci.display_name(),
                all.len(),
                first
            ),
        )
        .evidence("workloads_on_instance", all.join(", "))
        .evidence("privileged_workloads", privileged.join("; "));
    }
}

pub static CONTAINER_INSTANCE_IMDSV2_NOT_REQUIRED: Rule = Rule {
    id: "container-instance-imdsv2-not-required",
    title: "Container instance allows IMDSv1",
    severity: Severity::High,
    category: Category::Security,
    domain: Domain::ContainerInstance,
    scope: Scope::ContainerInstances,
    requires: &[DataSource::ContainerInstances, DataSource::Ec2Instances],
    confidence: Confidence::High,
    rationale: "With HttpTokens optional, the instance metadata service answers unauthenticated IMDSv1 GETs, so a server-side request forgery in any container, or a container in bridge or host mode, can read the instance role's credentials. IMDSv2 requires a session token from a PUT, and a hop limit of 1 keeps it out of reach of bridge-mode containers.",
    remediation: Remediation {
        summary: "Require IMDSv2 (HttpTokens required) on the container instances and their launch template, with a hop limit of 1 unless awsvpc tasks need the metadata service.",
        steps: &[
            "Check that the ECS agent and applications use current SDKs (all recent ones support IMDSv2).",
            "Set MetadataOptions HttpTokens=required (and HttpPutResponseHopLimit=1) on the launch template, then refresh the Auto Scaling group.",
            "For running instances, apply the same with `aws ec2 modify-instance-metadata-options`.",
            "Block task access to the metadata service on awsvpc hosts with ECS_AWSVPC_BLOCK_IMDS=true in /etc/ecs/ecs.config.",
        ],
        cli: "aws ec2 modify-instance-metadata-options --instance-id <instance-id> --http-tokens required --http-put-response-hop-limit 1 --http-endpoint enabled",
        terraform: "resource \"aws_launch_template\" \"ecs\" {\n  metadata_options {\n    http_tokens                 = \"required\"\n    http_put_response_hop_limit = 1\n    http_endpoint               = \"enabled\"\n  }\n}",
        cloudformation: "Type: AWS::EC2::LaunchTemplate\nProperties:\n  LaunchTemplateData:\n    MetadataOptions:\n      HttpTokens: required\n      HttpPutResponseHopLimit: 1\n      HttpEndpoint: enabled",
    },
    references: &[
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-iam-roles.html",
    ],
    peers: &[
        "SecurityHub EC2.8",
        "Prowler ec2_instance_imdsv2_enabled",
        "Trivy AVD-AWS-0028",
        "CIS AWS Foundations 5.7",
    ],
    check: container_instance_imdsv2_not_required,
};

fn container_instance_imdsv2_not_required(snap: &Snapshot, out: &mut Findings) {
    for ci in registered(snap) {
        let Some(ec2) = &ci.ec2 else { continue };
        if ec2.http_endpoint.as_deref().is_some_and(|e| e.eq_ignore_ascii_case("disabled")) {
            continue;
        }
        let tokens = ec2.http_tokens.as_deref().unwrap_or("optional");
        if tokens.eq_ignore_ascii_case("required") {
            continue;
        }
        let f = out.report(
            instance_ref(snap, ci),
            format!("container instance `{}` accepts IMDSv1 requests (HttpTokens {tokens})", ci.display_name()),
        );
        f.evidence("httpTokens", tokens);
        if let Some(hops) = ec2.http_put_response_hop_limit {
            f.evidence("httpPutResponseHopLimit", hops);
        }
    }
}

pub static CONTAINER_INSTANCE_PUBLIC_IP: Rule = Rule {
    id: "container-instance-public-ip",
    title: "Container instance has a public IP address",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    domain: Domain::ContainerInstance,
    scope: Scope::ContainerInstances,
    requires: &[DataSource::ContainerInstances, DataSource::Ec2Instances],
    confidence: Confidence::High,
    rationale: "A container instance with a public IPv4 address is directly addressable from the internet: its security groups are the only barrier in front of the host, the ECS agent and every bridge- or host-mode task on it.",
    remediation: Remediation {
        summary: "Run container instances in private subnets without public IPs; reach the internet through a NAT gateway and AWS services through VPC endpoints.",
        steps: &[
            "Move the Auto Scaling group to private subnets (route 0.0.0.0/0 to a NAT gateway).",
            "Set AssociatePublicIpAddress=false in the launch template's network interface.",
            "Add VPC endpoints for ECS, ECR, CloudWatch Logs and Secrets Manager if the instances must not reach the internet at all.",
            "Refresh the instances so new ones start without public addresses.",
        ],
        cli: "aws autoscaling update-auto-scaling-group --auto-scaling-group-name <asg-name> --vpc-zone-identifier <private-subnet-1>,<private-subnet-2> && aws autoscaling start-instance-refresh --auto-scaling-group-name <asg-name>",
        terraform: "resource \"aws_launch_template\" \"ecs\" {\n  network_interfaces {\n    associate_public_ip_address = false\n  }\n}",
        cloudformation: "Type: AWS::EC2::LaunchTemplate\nProperties:\n  LaunchTemplateData:\n    NetworkInterfaces:\n      - DeviceIndex: 0\n        AssociatePublicIpAddress: false",
    },
    references: &["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html"],
    peers: &["SecurityHub EC2.9", "Prowler ec2_instance_public_ip"],
    check: container_instance_public_ip,
};

fn container_instance_public_ip(snap: &Snapshot, out: &mut Findings) {
    for ci in registered(snap) {
        let Some(ip) = ci.ec2.as_ref().and_then(|e| e.public_ip_address.as_deref()).filter(|ip| !ip.is_empty()) else {
            continue;
        };
        out.report(
            instance_ref(snap, ci),
            format!("container instance `{}` has the public IP address {ip}", ci.display_name()),
        )
        .evidence("publicIpAddress", ip);
    }
}

pub static CAPACITY_PROVIDER_TERMINATION_PROTECTION_DISABLED: Rule = Rule {
    id: "capacity-provider-termination-protection-disabled",
    title: "Capacity provider has managed termination protection disabled",
    severity: Severity::Medium,
    category: Category::Security,
    domain: Domain::ContainerInstance,
    scope: Scope::CapacityProviders,
    requires: &[DataSource::Cluster, DataSource::CapacityProviders],
    confidence: Confidence::High,
    rationale: "Without managed termination protection (DISABLED is the default), Auto Scaling can terminate instances that still run tasks during scale-in, killing workloads uncontrolled. It only works together with managed scaling.",
    remediation: Remediation {
        summary: "Enable managed scaling and managed termination protection on the capacity provider (and scale-in protection on the ASG).",
        steps: &[
            "Turn on scale-in protection for new instances on the Auto Scaling group.",
            "Update the capacity provider with managedScaling ENABLED and managedTerminationProtection ENABLED.",
            "Keep managed draining ENABLED so instances that are terminated anyway are drained first.",
        ],
        cli: "aws autoscaling update-auto-scaling-group --auto-scaling-group-name <asg-name> --new-instances-protected-from-scale-in && aws ecs update-capacity-provider --name <capacity-provider> --auto-scaling-group-provider 'managedScaling={status=ENABLED},managedTerminationProtection=ENABLED'",
        terraform: "resource \"aws_ecs_capacity_provider\" \"this\" {\n  auto_scaling_group_provider {\n    auto_scaling_group_arn         = aws_autoscaling_group.ecs.arn\n    managed_termination_protection = \"ENABLED\"\n    managed_scaling {\n      status = \"ENABLED\"\n    }\n  }\n}",
        cloudformation: "Type: AWS::ECS::CapacityProvider\nProperties:\n  AutoScalingGroupProvider:\n    AutoScalingGroupArn: !Ref EcsAsg\n    ManagedTerminationProtection: ENABLED\n    ManagedScaling:\n      Status: ENABLED",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-termination-protection.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-19",
    ],
    peers: &["SecurityHub ECS.19", "AWS Config ecs-capacity-provider-termination-check"],
    check: capacity_provider_termination_protection_disabled,
};

fn capacity_provider_termination_protection_disabled(snap: &Snapshot, out: &mut Findings) {
    for (cp, asg) in asg_providers(snap) {
        let set = asg.managed_termination_protection.as_deref();
        if set.is_some_and(|v| v.eq_ignore_ascii_case("ENABLED")) {
            continue;
        }
        let value = set.unwrap_or("DISABLED");
        out.report(
            capacity_provider_ref(cp),
            format!("capacity provider `{}` has managed termination protection {value}", cp.name),
        )
        .evidence("managedTerminationProtection", set.unwrap_or("(not set: defaults to DISABLED)"))
        .evidence("managedDraining", asg.managed_draining.as_deref().unwrap_or("(not set)"));
    }
}

pub static CAPACITY_PROVIDER_MANAGED_SCALING_DISABLED: Rule = Rule {
    id: "capacity-provider-managed-scaling-disabled",
    title: "Capacity provider has managed scaling disabled",
    severity: Severity::Low,
    category: Category::Availability,
    domain: Domain::ContainerInstance,
    scope: Scope::CapacityProviders,
    requires: &[DataSource::Cluster, DataSource::CapacityProviders],
    confidence: Confidence::High,
    rationale: "Without managed scaling the Auto Scaling group's size does not follow the tasks' demand: tasks wait in PROVISIONING when capacity runs out, and managed termination protection cannot be enabled because it depends on managed scaling.",
    remediation: Remediation {
        summary: "Enable managed scaling on the capacity provider with a target capacity that leaves headroom.",
        steps: &[
            "Remove other scaling policies on the Auto Scaling group that would fight the ECS-managed one.",
            "Update the capacity provider with managedScaling status ENABLED and a targetCapacity (100 for bin-packing, lower for spare capacity).",
            "Then enable managed termination protection (with scale-in protection on the ASG).",
        ],
        cli: "aws ecs update-capacity-provider --name <capacity-provider> --auto-scaling-group-provider 'managedScaling={status=ENABLED,targetCapacity=100}'",
        terraform: "resource \"aws_ecs_capacity_provider\" \"this\" {\n  auto_scaling_group_provider {\n    auto_scaling_group_arn = aws_autoscaling_group.ecs.arn\n    managed_scaling {\n      status          = \"ENABLED\"\n      target_capacity = 100\n    }\n  }\n}",
        cloudformation: "Type: AWS::ECS::CapacityProvider\nProperties:\n  AutoScalingGroupProvider:\n    AutoScalingGroupArn: !Ref EcsAsg\n    ManagedScaling:\n      Status: ENABLED\n      TargetCapacity: 100",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ManagedScaling.html",
    ],
    peers: &[],
    check: capacity_provider_managed_scaling_disabled,
};

fn capacity_provider_managed_scaling_disabled(snap: &Snapshot, out: &mut Findings) {
    for (cp, asg) in asg_providers(snap) {
        let status = asg.managed_scaling.as_ref().and_then(|m| m.status.as_deref());
        match status {
            Some(s) if s.eq_ignore_ascii_case("ENABLED") => {}
            Some(s) => {
                out.report(
                    capacity_provider_ref(cp),
                    format!("capacity provider `{}` has managed scaling {s}", cp.name),
                )
                .evidence("managedScaling.status", s);
            }
            None => {
                out.report(
                    capacity_provider_ref(cp),
                    format!(
                        "capacity provider `{}` reports no managed scaling status, so managed scaling is off",
                        cp.name
                    ),
                )
                .evidence("managedScaling.status", "(not set)")
                .confidence(Confidence::Medium);
            }
        }
    }
}

/// The active ECS Managed Instances capacity providers and their launch templates.
fn managed_instances_providers(snap: &Snapshot) -> impl Iterator<Item = (&CapacityProvider, &InstanceLaunchTemplate)> {
    snap.capacity_providers.iter().filter_map(|cp| {
        if status_is(cp.status.as_deref(), &["INACTIVE"]) {
            return None;
        }
        cp.managed_instances_provider.as_ref()?.instance_launch_template.as_ref().map(|t| (cp, t))
    })
}

pub static MANAGED_INSTANCES_PUBLIC_SUBNET: Rule = Rule {
    id: "managed-instances-public-subnet",
    title: "ECS Managed Instances launch into a public subnet",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    domain: Domain::ContainerInstance,
    scope: Scope::ManagedInstancesProviders,
    requires: &[DataSource::Cluster, DataSource::CapacityProviders, DataSource::Subnets, DataSource::RouteTables],
    confidence: Confidence::High,
    rationale: "An ECS Managed Instances capacity provider launches EC2 instances into the subnets of its instance launch template, and ECS places tasks on them. A subnet whose route table sends the default route to an internet gateway is public: an instance there that has a public IPv4 address (the subnet's `MapPublicIpOnLaunch` gives one to every interface launched without an explicit choice) is reachable from the internet and reaches it outside NAT and egress controls, with the instance profile's credentials on board. With auto-assigned public IPs this is direct exposure (High); without them it is a placement error that one subnet change turns into exposure (Medium).",
    remediation: Remediation {
        summary: "Give the capacity provider's launch template private subnets (default route to a NAT gateway, or VPC endpoints) and keep public subnets for load balancers.",
        steps: &[
            "Create private subnets in each Availability Zone whose route table sends the default route to a NAT gateway (or use VPC endpoints for ECR, ECS, CloudWatch Logs and Secrets Manager).",
            "Update the capacity provider's `instanceLaunchTemplate.networkConfiguration.subnets` to the private subnets.",
            "Turn off `MapPublicIpOnLaunch` on the public subnets that stay in use.",
        ],
        cli: "aws ecs update-capacity-provider --name <capacity-provider> --managed-instances-provider 'instanceLaunchTemplate={networkConfiguration={subnets=[<private-subnet-a>,<private-subnet-b>],securityGroups=[<sg>]}}'",
        terraform: "resource \"aws_ecs_capacity_provider\" \"managed\" {\n  name    = \"managed\"\n  cluster = aws_ecs_cluster.main.name\n  managed_instances_provider {\n    infrastructure_role_arn = aws_iam_role.ecs_infrastructure.arn\n    instance_launch_template {\n      ec2_instance_profile_arn = aws_iam_instance_profile.ecs_instance.arn\n      network_configuration {\n        subnets         = [aws_subnet.private_a.id, aws_subnet.private_b.id]\n        security_groups = [aws_security_group.instances.id]\n      }\n    }\n  }\n}",
        cloudformation: "Type: AWS::ECS::CapacityProvider\nProperties:\n  ClusterName: !Ref Cluster\n  ManagedInstancesProvider:\n    InfrastructureRoleArn: !GetAtt EcsInfrastructureRole.Arn\n    InstanceLaunchTemplate:\n      Ec2InstanceProfileArn: !GetAtt EcsInstanceProfile.Arn\n      NetworkConfiguration:\n        Subnets: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]\n        SecurityGroups: [!Ref InstanceSecurityGroup]",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ManagedInstances.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_InstanceLaunchTemplate.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html",
    ],
    peers: &[],
    check: managed_instances_public_subnet,
};

fn managed_instances_public_subnet(snap: &Snapshot, out: &mut Findings) {
    for (cp, template) in managed_instances_providers(snap) {
        let Some(net) = template.network_configuration.as_ref() else {
            continue;
        };
        let mut public: Vec<(&str, &str, String, bool)> = Vec::new();
        for id in &net.subnets {
            if let Some((subnet, rt, gw)) = snap.network.public_route(id) {
                public.push((id.as_str(), rt.route_table_id.as_str(), gw, subnet.map_public_ip_on_launch));
            }
        }
        let Some((subnet, rt, gw, _)) = public.first() else {
            continue;
        };
        let auto_ip = public.iter().any(|(_, _, _, ip)| *ip);
        let all: Vec<&str> = public.iter().map(|(id, _, _, _)| *id).collect();
        let f = out.report(
            capacity_provider_ref(cp),
            format!(
                "Managed Instances capacity provider `{}` launches instances into public subnet `{subnet}` (route table `{rt}` sends the default route to `{gw}`){}",
                cp.name,
                if auto_ip { ", and a subnet auto-assigns public IPv4 addresses" } else { "" }
            ),
        );
        f.evidence("subnet", subnet)
            .evidence("route_table", rt)
            .evidence("gateway", gw)
            .evidence("public_subnets", all.join(", "))
            .evidence("mapPublicIpOnLaunch", auto_ip);
        if auto_ip {
            f.severity(Severity::High);
        }
    }
}
