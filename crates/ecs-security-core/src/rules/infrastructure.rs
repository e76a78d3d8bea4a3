//! Network infrastructure: VPCs, subnets, route tables, internet gateways, flow logs and
//! security groups.
//!
//! The snapshot's network data is scoped to the cluster. Security groups are attributed to
//! their users: the services' and task sets' awsvpc groups (or the VPC's default group when
//! a configuration lists none), the load balancers' groups and the container instances'
//! groups. A non-default group nobody in the snapshot references is still examined (the
//! collector only fetched it for the cluster), at Medium confidence; an unused default group
//! is left to `security-group-default-allows-traffic`.

use super::network::{assigns_public_ip, service_network_uses, service_ref};
use super::snippets::SERVICE_NET_CLI;
use super::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};
use crate::knowledge::ports::{self, KnownPort};
use crate::model::{
    DataSource, IpPermission, ResourceKind, ResourcePath, ResourceRef, RouteTable, SecurityGroup, Service, Snapshot,
    Subnet,
};

pub(super) const RULES: &[&Rule] = &[
    &VPC_FLOW_LOGS_DISABLED,
    &VPC_DEFAULT_USED,
    &SUBNET_AUTO_ASSIGNS_PUBLIC_IP,
    &WORKLOAD_IN_PUBLIC_SUBNET,
    &SECURITY_GROUP_ADMIN_PORTS_OPEN,
    &SECURITY_GROUP_DATABASE_PORTS_OPEN,
    &SECURITY_GROUP_HIGH_RISK_PORTS_OPEN,
    &SECURITY_GROUP_ALL_TRAFFIC_OPEN,
    &SECURITY_GROUP_UNRESTRICTED_EGRESS,
    &SECURITY_GROUP_DEFAULT_ALLOWS_TRAFFIC,
    &SERVICE_SECURITY_GROUP_INTERNET_INGRESS,
    &ROUTE_TABLE_DEFAULT_ROUTE_TO_PEERING,
    &ROUTE_TABLE_BLACKHOLE_ROUTE,
    &VPC_DNS_RESOLUTION_DISABLED,
];

// ---------------------------------------------------------------------------------------
// Resource naming and attribution helpers
// ---------------------------------------------------------------------------------------

fn cluster_path(snap: &Snapshot) -> ResourcePath {
    ResourcePath { cluster: Some(snap.cluster.cluster_name.clone()), ..ResourcePath::default() }
}

fn ec2_ref(snap: &Snapshot, kind: ResourceKind, id: &str) -> ResourceRef {
    ResourceRef::new(kind, id).with_arn(id).with_path(cluster_path(snap))
}

/// Who uses a security group.
struct GroupUse<'a> {
    group: &'a SecurityGroup,
    /// `service payments-api`, `load balancer web-alb`, `container instance i-…`.
    users: Vec<String>,
    /// Services whose tasks have this group on their ENI.
    task_services: Vec<&'a Service>,
    /// Whether every user is a load balancer (only listener ports are reachable then).
    lb_only: bool,
    /// The listener ports of the load balancers using it.
    lb_ports: Vec<i64>,
    /// Whether any resource in the snapshot references it.
    attributed: bool,
}

impl GroupUse<'_> {
    fn users_text(&self) -> String {
        if self.users.is_empty() {
            "not referenced by any service, task set, load balancer or container instance in the snapshot".to_owned()
        } else {
            self.users.join(", ")
        }
    }

    fn confidence(&self) -> Confidence {
        if self.attributed { Confidence::High } else { Confidence::Medium }
    }
}

/// The VPC's default security group, if the snapshot holds it.
fn default_group_of_vpc<'a>(snap: &'a Snapshot, vpc_id: &str) -> Option<&'a SecurityGroup> {
    snap.network.security_groups.iter().find(|g| g.is_default() && g.vpc_id.as_deref() == Some(vpc_id))
}

/// The VPC of the first known subnet in a list.
fn vpc_of_subnets<'a>(snap: &'a Snapshot, subnets: &[String]) -> Option<&'a str> {
    subnets.iter().find_map(|id| snap.network.subnet(id)).map(|s| s.vpc_id.as_str())
}

/// Every security group the cluster uses, with its users; plus unreferenced non-default
/// groups (attributed: false).
fn used_groups(snap: &Snapshot) -> Vec<GroupUse<'_>> {
    let mut uses: Vec<GroupUse<'_>> = snap
        .network
        .security_groups
        .iter()
        .map(|group| GroupUse {
            group,
            users: Vec::new(),
            task_services: Vec::new(),
            lb_only: false,
            lb_ports: Vec::new(),
            attributed: false,
        })
        .collect();
    let mut lb_users: Vec<(String, Vec<i64>)> = Vec::new();
    fn add<'a>(uses: &mut [GroupUse<'a>], id: &str, user: String, service: Option<&'a Service>) {
        if let Some(u) = uses.iter_mut().find(|u| u.group.group_id == id) {
            if !u.users.contains(&user) {
                u.users.push(user);
            }
            if let Some(s) = service
                && !u.task_services.iter().any(|x| std::ptr::eq(*x, s))
            {
                u.task_services.push(s);
            }
        }
    }
    for s in &snap.services {
        for net in service_network_uses(s, true) {
            if net.config.security_groups.is_empty() {
                let fallback =
                    vpc_of_subnets(snap, &net.config.subnets).and_then(|vpc| default_group_of_vpc(snap, vpc));
                if let Some(g) = fallback {
                    let user = format!("service {} (default-group fallback)", s.service_name);
                    add(&mut uses, &g.group_id, user, Some(s));
                }
            }
            for id in &net.config.security_groups {
                add(&mut uses, id, format!("service {}", s.service_name), Some(s));
            }
        }
    }
    for lb in &snap.load_balancing.load_balancers {
        let user = format!("load balancer {}", lb.load_balancer_name);
        let ports: Vec<i64> = lb.listeners.iter().filter_map(|l| l.port).collect();
        for id in &lb.security_groups {
            add(&mut uses, id, user.clone(), None);
        }
        lb_users.push((user, ports));
    }
    for ci in &snap.container_instances {
        let Some(ec2) = ci.ec2.as_ref() else {
            continue;
        };
        for id in &ec2.security_groups {
            add(&mut uses, id, format!("container instance {}", ci.display_name()), None);
        }
    }
    // The groups ECS Managed Instances capacity providers give the instances they launch.
    for cp in &snap.capacity_providers {
        let template = cp.managed_instances_provider.as_ref().and_then(|p| p.instance_launch_template.as_ref());
        for id in template
            .and_then(|t| t.network_configuration.as_ref())
            .map(|n| n.security_groups.as_slice())
            .unwrap_or_default()
        {
            add(&mut uses, id, format!("Managed Instances capacity provider {}", cp.name), None);
        }
    }
    for u in &mut uses {
        u.attributed = !u.users.is_empty();
        u.lb_only = u.attributed && u.users.iter().all(|x| x.starts_with("load balancer "));
        for (user, ports) in &lb_users {
            if u.users.contains(user) {
                u.lb_ports.extend(ports.iter().copied());
            }
        }
    }
    uses.retain(|u| u.attributed || !u.group.is_default());
    uses
}

/// Whether a rule covers every TCP or UDP port (or all traffic).
fn is_all_ports(p: &IpPermission) -> bool {
    if p.all_traffic() {
        return true;
    }
    if !matches!(p.ip_protocol.as_str(), "tcp" | "udp" | "6" | "17") {
        return false;
    }
    match (p.from_port, p.to_port) {
        (Some(from), Some(to)) => from <= 1 && to >= 65535,
        _ => true,
    }
}

fn sources(p: &IpPermission) -> String {
    p.internet_sources().join(", ")
}

/// The known ports of `table` an internet-open rule of `u` reaches. For groups used only by
/// load balancers only listener ports count.
fn exposed_ports(u: &GroupUse<'_>, table: &'static [KnownPort]) -> Vec<(&'static KnownPort, String)> {
    let mut found: Vec<(&'static KnownPort, String)> = Vec::new();
    for p in u.group.ip_permissions.iter().filter(|p| p.open_to_internet()) {
        for k in table {
            if !p.covers_tcp_port(k.port) || (u.lb_only && !u.lb_ports.contains(&k.port)) {
                continue;
            }
            if !found.iter().any(|(x, _)| x.port == k.port) {
                found.push((k, format!("{} from {}", p.describe_ports(), sources(p))));
            }
        }
    }
    found
}

fn port_list(found: &[(&KnownPort, String)]) -> String {
    found.iter().map(|(k, _)| format!("{} ({})", k.service, k.port)).collect::<Vec<_>>().join(", ")
}

/// At most four ports, then a count: for messages.
fn short_port_list(found: &[(&KnownPort, String)]) -> String {
    const SHOWN: usize = 4;
    if found.len() <= SHOWN + 1 {
        return port_list(found);
    }
    format!("{} and {} more", port_list(&found[..SHOWN]), found.len() - SHOWN)
}

fn rule_list(found: &[(&KnownPort, String)]) -> String {
    let mut rules: Vec<&str> = Vec::new();
    for (_, r) in found {
        if !rules.contains(&r.as_str()) {
            rules.push(r);
        }
    }
    rules.join("; ")
}

/// Every known port of a table some rule of the group covers, reported as one finding.
fn report_open_ports(snap: &Snapshot, out: &mut Findings, table: &'static [KnownPort], what: &str) {
    for u in used_groups(snap) {
        let found = exposed_ports(&u, table);
        if found.is_empty() {
            continue;
        }
        out.report(
            ec2_ref(snap, ResourceKind::SecurityGroup, &u.group.group_id),
            format!(
                "security group `{}` (`{}`) admits the internet to {what} {}",
                u.group.group_id,
                u.group.group_name,
                short_port_list(&found)
            ),
        )
        .evidence("ports", port_list(&found))
        .evidence("ingress_rules", rule_list(&found))
        .evidence("used_by", u.users_text())
        .confidence(u.confidence());
    }
}

const SG_ATTRIBUTION: &[DataSource] = &[
    DataSource::SecurityGroups,
    DataSource::Services,
    DataSource::TaskSets,
    DataSource::Subnets,
    DataSource::LoadBalancers,
    DataSource::Listeners,
    DataSource::ContainerInstances,
    DataSource::Ec2Instances,
];

const REVOKE_CLI: &str = "aws ec2 revoke-security-group-ingress --group-id <sg-id> --ip-permissions 'IpProtocol=tcp,FromPort=<port>,ToPort=<port>,IpRanges=[{CidrIp=0.0.0.0/0}],Ipv6Ranges=[{CidrIpv6=::/0}]'";

const RESTRICTED_INGRESS_TF: &str = "resource \"aws_vpc_security_group_ingress_rule\" \"from_bastion\" {\n  security_group_id            = aws_security_group.app.id\n  referenced_security_group_id = aws_security_group.bastion.id\n  ip_protocol                  = \"tcp\"\n  from_port                    = 22\n  to_port                      = 22\n}";

const RESTRICTED_INGRESS_CFN: &str = "Type: AWS::EC2::SecurityGroupIngress\nProperties:\n  GroupId: !Ref AppSecurityGroup\n  IpProtocol: tcp\n  FromPort: 22\n  ToPort: 22\n  SourceSecurityGroupId: !Ref BastionSecurityGroup";

// ---------------------------------------------------------------------------------------
// VPCs
// ---------------------------------------------------------------------------------------

pub static VPC_FLOW_LOGS_DISABLED: Rule = Rule {
    id: "vpc-flow-logs-disabled",
    title: "VPC has no working flow log",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    domain: Domain::NetworkInfrastructure,
    scope: Scope::Vpcs,
    requires: &[DataSource::Vpcs, DataSource::Subnets, DataSource::FlowLogs],
    confidence: Confidence::High,
    rationale: "VPC flow logs are the only record of which addresses the tasks talked to; without them, data exfiltration, scanning and lateral movement leave no network trace for detection or forensics. VPCs have no flow log by default, and a flow log whose delivery has FAILED (for example a deleted delivery role or bucket) records nothing.",
    remediation: Remediation {
        summary: "Create an ACTIVE flow log (traffic type ALL, or at least REJECT) on each VPC the cluster uses and make sure it delivers.",
        steps: &[
            "Create a CloudWatch Logs group (with retention and KMS) or an S3 bucket for the logs.",
            "Create an IAM role that VPC Flow Logs can assume to write to CloudWatch Logs (not needed for S3).",
            "Create the flow log on the VPC with traffic type ALL.",
            "Check `aws ec2 describe-flow-logs` shows deliverLogsStatus SUCCESS; fix the role or bucket policy if it says FAILED.",
        ],
        cli: "aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc-id> --traffic-type ALL --log-destination-type cloud-watch-logs --log-group-name <log-group> --deliver-logs-permission-arn <flow-logs-role-arn>",
        terraform: "resource \"aws_flow_log\" \"vpc\" {\n  vpc_id               = aws_vpc.main.id\n  traffic_type         = \"ALL\"\n  log_destination_type = \"cloud-watch-logs\"\n  log_destination      = aws_cloudwatch_log_group.flow.arn\n  iam_role_arn         = aws_iam_role.flow_logs.arn\n}",
        cloudformation: "Type: AWS::EC2::FlowLog\nProperties:\n  ResourceId: !Ref VPC\n  ResourceType: VPC\n  TrafficType: ALL\n  LogDestinationType: cloud-watch-logs\n  LogGroupName: /vpc/flow-logs\n  DeliverLogsPermissionArn: !GetAtt FlowLogsRole.Arn",
    },
    references: &[
        "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-6",
    ],
    peers: &["SecurityHub EC2.6", "Prowler vpc_flow_logs_enabled", "Trivy AVD-AWS-0178"],
    check: vpc_flow_logs_disabled,
};

fn flow_log_active(f: &crate::model::FlowLog) -> bool {
    f.flow_log_status.as_deref().is_none_or(|s| s.eq_ignore_ascii_case("ACTIVE"))
}

fn flow_log_failed(f: &crate::model::FlowLog) -> bool {
    f.deliver_logs_status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("FAILED"))
}

fn vpc_flow_logs_disabled(snap: &Snapshot, out: &mut Findings) {
    let working = |resource: &str| {
        snap.network.flow_logs.iter().any(|f| f.resource_id == resource && flow_log_active(f) && !flow_log_failed(f))
    };
    for vpc in &snap.network.vpcs {
        if working(&vpc.vpc_id) {
            continue;
        }
        // Flow logs on every subnet of the VPC the cluster uses also cover its tasks.
        let subnets: Vec<&Subnet> = snap.network.subnets.iter().filter(|s| s.vpc_id == vpc.vpc_id).collect();
        if !subnets.is_empty() && subnets.iter().all(|s| working(&s.subnet_id)) {
            continue;
        }
        let failed: Vec<&str> = snap
            .network
            .flow_logs
            .iter()
            .filter(|f| f.resource_id == vpc.vpc_id && flow_log_failed(f))
            .map(|f| f.flow_log_id.as_str())
            .collect();
        let inactive: Vec<&str> = snap
            .network
            .flow_logs
            .iter()
            .filter(|f| f.resource_id == vpc.vpc_id && !flow_log_active(f))
            .map(|f| f.flow_log_id.as_str())
            .collect();
        let (message, state) = if !failed.is_empty() {
            (
                format!(
                    "VPC `{}` has flow log(s) {} whose delivery FAILED, so no traffic is recorded",
                    vpc.vpc_id,
                    failed.join(", ")
                ),
                "deliverLogsStatus FAILED",
            )
        } else if !inactive.is_empty() {
            (format!("VPC `{}` has flow log(s) {} that are not ACTIVE", vpc.vpc_id, inactive.join(", ")), "not ACTIVE")
        } else {
            (format!("VPC `{}` has no flow log", vpc.vpc_id), "no flow log")
        };
        let f = out.report(ec2_ref(snap, ResourceKind::Vpc, &vpc.vpc_id), message);
        f.evidence("flow_logs", state);
        if !failed.is_empty() {
            f.evidence("failed_flow_logs", failed.join(", "));
        }
    }
}

/// CloudFormation: a VPC with DNS support and DNS hostnames on.
const VPC_CFN: &str =
    "Type: AWS::EC2::VPC\nProperties:\n  CidrBlock: 10.40.0.0/16\n  EnableDnsSupport: true\n  EnableDnsHostnames: true";

pub static VPC_DEFAULT_USED: Rule = Rule {
    id: "vpc-default-used",
    title: "Cluster runs in the account's default VPC",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    domain: Domain::NetworkInfrastructure,
    scope: Scope::Vpcs,
    requires: &[
        DataSource::Vpcs,
        DataSource::Subnets,
        DataSource::Services,
        DataSource::TaskSets,
        DataSource::Tasks,
        DataSource::LoadBalancers,
        DataSource::ContainerInstances,
    ],
    confidence: Confidence::High,
    rationale: "The default VPC is built for quick starts: every subnet is public (routed to an internet gateway, auto-assigning public IPs), it is shared by whatever anyone in the account launches without choosing a VPC, and it was not designed with the cluster's segmentation in mind. Production workloads belong in a purpose-built VPC with private subnets.",
    remediation: Remediation {
        summary: "Move the cluster's services, instances and load balancers to a dedicated VPC with private subnets.",
        steps: &[
            "Create a VPC with private subnets in at least two AZs, NAT gateways or VPC endpoints for egress, and flow logs.",
            "Create new security groups and load balancers in it; recreate the capacity providers' Auto Scaling groups in its private subnets.",
            "Update each service's network configuration (and target groups) to the new VPC, cut traffic over, then delete the old resources.",
        ],
        cli: "aws ec2 create-vpc --cidr-block <cidr> --tag-specifications 'ResourceType=vpc,Tags=[{Key=Name,Value=<name>}]'",
        terraform: "resource \"aws_vpc\" \"app\" {\n  cidr_block           = \"10.40.0.0/16\"\n  enable_dns_support   = true\n  enable_dns_hostnames = true\n}",
        cloudformation: VPC_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/networking-outbound.html",
    ],
    peers: &["Trivy AVD-AWS-0101"],
    check: vpc_default_used,
};

/// What in the snapshot lives in a VPC.
fn vpc_users(snap: &Snapshot, vpc_id: &str) -> Vec<String> {
    let in_vpc = |subnet: &str| snap.network.subnet(subnet).is_some_and(|s| s.vpc_id == vpc_id);
    let mut users: Vec<String> = Vec::new();
    for s in &snap.services {
        if service_network_uses(s, true).iter().any(|u| u.config.subnets.iter().any(|id| in_vpc(id))) {
            users.push(format!("service {}", s.service_name));
        }
    }
    let tasks = snap.tasks.iter().filter(|t| t.eni_detail("subnetId").is_some_and(in_vpc)).count();
    if tasks > 0 {
        users.push(format!("{tasks} task(s)"));
    }
    for ci in &snap.container_instances {
        if ci
            .ec2
            .as_ref()
            .is_some_and(|e| e.vpc_id.as_deref() == Some(vpc_id) || e.subnet_id.as_deref().is_some_and(in_vpc))
        {
            users.push(format!("container instance {}", ci.display_name()));
        }
    }
    for lb in &snap.load_balancing.load_balancers {
        if lb.vpc_id.as_deref() == Some(vpc_id) {
            users.push(format!("load balancer {}", lb.load_balancer_name));
        }
    }
    users
}

fn vpc_default_used(snap: &Snapshot, out: &mut Findings) {
    for vpc in snap.network.vpcs.iter().filter(|v| v.is_default) {
        let users = vpc_users(snap, &vpc.vpc_id);
        let f = out.report(
            ec2_ref(snap, ResourceKind::Vpc, &vpc.vpc_id),
            format!("the cluster runs in `{}`, the account's default VPC", vpc.vpc_id),
        );
        f.evidence("isDefault", true);
        if users.is_empty() {
            f.evidence("used_by", "(nothing in the snapshot maps to it)").confidence(Confidence::Medium);
        } else {
            f.evidence("used_by", users.join(", "));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Subnets and routes
// ---------------------------------------------------------------------------------------

/// Subnet id → what uses it (services, tasks, container instances).
fn subnet_users(snap: &Snapshot) -> Vec<(String, Vec<String>)> {
    let mut map: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |id: &str, user: String| match map.iter_mut().find(|(s, _)| s == id) {
        Some((_, users)) => {
            if !users.contains(&user) {
                users.push(user);
            }
        }
        None => map.push((id.to_owned(), vec![user])),
    };
    for s in &snap.services {
        for u in service_network_uses(s, true) {
            for id in &u.config.subnets {
                add(id, format!("service {}", s.service_name));
            }
        }
    }
    for t in &snap.tasks {
        if let Some(id) = t.eni_detail("subnetId") {
            let who = match t.service_name() {
                Some(s) => format!("tasks of service {s}"),
                None => "standalone tasks".to_owned(),
            };
            add(id, who);
        }
    }
    for ci in &snap.container_instances {
        if let Some(id) = ci.ec2.as_ref().and_then(|e| e.subnet_id.as_deref()) {
            add(id, format!("container instance {}", ci.display_name()));
        }
    }
    for (cp, id) in managed_instances_subnets(snap) {
        add(id, format!("Managed Instances capacity provider {}", cp.name));
    }
    map
}

/// The subnets ECS Managed Instances capacity providers launch instances into.
fn managed_instances_subnets(snap: &Snapshot) -> impl Iterator<Item = (&crate::model::CapacityProvider, &str)> {
    snap.capacity_providers.iter().flat_map(|cp| {
        let template = cp.managed_instances_provider.as_ref().and_then(|p| p.instance_launch_template.as_ref());
        let subnets = template.and_then(|t| t.network_configuration.as_ref()).map(|n| n.subnets.as_slice());
        subnets.unwrap_or_default().iter().map(move |id| (cp, id.as_str()))
    })
}

pub static SUBNET_AUTO_ASSIGNS_PUBLIC_IP: Rule = Rule {
    id: "subnet-auto-assigns-public-ip",
    title: "Cluster subnet auto-assigns public IPv4 addresses",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    domain: Domain::NetworkInfrastructure,
    scope: Scope::Subnets,
    requires: &[
        DataSource::Subnets,
        DataSource::Services,
        DataSource::TaskSets,
        DataSource::Tasks,
        DataSource::LoadBalancers,
        DataSource::ContainerInstances,
        DataSource::Ec2Instances,
    ],
    confidence: Confidence::High,
    rationale: "With `MapPublicIpOnLaunch` every network interface launched in the subnet without an explicit choice, including container instances from an Auto Scaling group, gets a public IPv4 address, so a host can become internet-reachable without anyone deciding it should. It is off by default for non-default subnets and on in default subnets. Subnets used only by load balancers are not examined; a subnet used only by awsvpc tasks is Low, because ECS gives their interfaces a public IP only when `assignPublicIp` is ENABLED (reported by the service rules), whatever the subnet says.",
    remediation: Remediation {
        summary: "Turn off auto-assign public IPv4 on the subnets the cluster's tasks and instances use.",
        steps: &[
            "Confirm nothing in the subnet relies on an automatic public IP (instances that need one should use an Elastic IP or a load balancer).",
            "Run `aws ec2 modify-subnet-attribute --no-map-public-ip-on-launch` on the subnet.",
            "Set `associate_public_ip_address = false` in the container instances' launch template as well.",
        ],
        cli: "aws ec2 modify-subnet-attribute --subnet-id <subnet-id> --no-map-public-ip-on-launch",
        terraform: "resource \"aws_subnet\" \"private_a\" {\n  vpc_id                  = aws_vpc.main.id\n  cidr_block              = \"10.40.1.0/24\"\n  map_public_ip_on_launch = false\n}",
        cloudformation: "Type: AWS::EC2::Subnet\nProperties:\n  VpcId: !Ref VPC\n  CidrBlock: 10.40.1.0/24\n  MapPublicIpOnLaunch: false",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-15",
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html",
    ],
    peers: &["SecurityHub EC2.15", "Prowler vpc_subnet_no_public_ip_by_default", "Trivy AVD-AWS-0164"],
    check: subnet_auto_assigns_public_ip,
};

/// Subnets that a container instance (or anything else that takes the subnet's default)
/// launches into; awsvpc task interfaces get their public IP from `assignPublicIp` instead.
fn subnets_taking_the_default(snap: &Snapshot) -> Vec<&str> {
    let instances =
        snap.container_instances.iter().filter_map(|ci| ci.ec2.as_ref().and_then(|e| e.subnet_id.as_deref()));
    instances.chain(managed_instances_subnets(snap).map(|(_, id)| id)).collect()
}

fn subnet_auto_assigns_public_ip(snap: &Snapshot, out: &mut Findings) {
    let users = subnet_users(snap);
    let take_default = subnets_taking_the_default(snap);
    let lb_subnets: Vec<&str> = snap
        .load_balancing
        .load_balancers
        .iter()
        .flat_map(|lb| lb.availability_zones.iter())
        .filter_map(|az| az.subnet_id.as_deref())
        .collect();
    for subnet in snap.network.subnets.iter().filter(|s| s.map_public_ip_on_launch) {
        let used_by = users.iter().find(|(id, _)| *id == subnet.subnet_id).map(|(_, u)| u.join(", "));
        if used_by.is_none() && lb_subnets.contains(&subnet.subnet_id.as_str()) {
            continue;
        }
        let f = out.report(
            ec2_ref(snap, ResourceKind::Subnet, &subnet.subnet_id),
            format!(
                "subnet `{}` auto-assigns a public IPv4 address to every interface launched in it",
                subnet.subnet_id
            ),
        );
        f.evidence("mapPublicIpOnLaunch", true).evidence("vpc", &subnet.vpc_id);
        match used_by {
            Some(u) if !take_default.contains(&subnet.subnet_id.as_str()) => {
                // Only awsvpc tasks: ECS sets their interface's public IP from assignPublicIp.
                f.evidence("used_by", u)
                    .evidence("awsvpc_only", "true: task interfaces get a public IP only with assignPublicIp=ENABLED")
                    .severity(Severity::Low);
            }
            Some(u) => {
                f.evidence("used_by", u);
            }
            None => {
                f.evidence("used_by", "not referenced by any service, task or container instance in the snapshot")
                    .confidence(Confidence::Medium);
            }
        }
    }
}

/// CloudFormation: a default route from the private route table to a NAT gateway.
const PRIVATE_DEFAULT_ROUTE_CFN: &str = "Type: AWS::EC2::Route\nProperties:\n  RouteTableId: !Ref PrivateRouteTable\n  DestinationCidrBlock: 0.0.0.0/0\n  NatGatewayId: !Ref NatGateway";

pub static WORKLOAD_IN_PUBLIC_SUBNET: Rule = Rule {
    id: "workload-in-public-subnet",
    title: "Service tasks run in a public subnet",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    domain: Domain::NetworkInfrastructure,
    scope: Scope::Services,
    requires: &[DataSource::Services, DataSource::TaskSets, DataSource::Subnets, DataSource::RouteTables],
    confidence: Confidence::High,
    rationale: "A subnet whose route table (its explicit association, else the VPC's main table) sends 0.0.0.0/0 or ::/0 to an internet gateway is public: any task there with a public address is directly reachable from, and talks directly to, the internet, outside NAT and egress controls. With public IPs assigned this is direct exposure (High); without them the tasks have no internet path at all, which is still a placement error (Medium).",
    remediation: Remediation {
        summary: "Run the service's tasks in private subnets (default route to a NAT gateway or none) and keep only load balancers in public subnets.",
        steps: &[
            "Create private subnets in each AZ with a route table whose default route targets a NAT gateway, or use VPC endpoints.",
            "Update the service's network configuration to the private subnets with `assignPublicIp=DISABLED`.",
            "Keep the internet-facing load balancer in the public subnets; it reaches the tasks by private IP.",
        ],
        cli: SERVICE_NET_CLI,
        terraform: "resource \"aws_route_table\" \"private\" {\n  vpc_id = aws_vpc.main.id\n  route {\n    cidr_block     = \"0.0.0.0/0\"\n    nat_gateway_id = aws_nat_gateway.main.id\n  }\n}\n\nresource \"aws_ecs_service\" \"app\" {\n  network_configuration {\n    subnets          = [aws_subnet.private_a.id, aws_subnet.private_b.id]\n    assign_public_ip = false\n  }\n}",
        cloudformation: PRIVATE_DEFAULT_ROUTE_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/networking-outbound.html",
    ],
    peers: &[],
    check: workload_in_public_subnet,
};

fn workload_in_public_subnet(snap: &Snapshot, out: &mut Findings) {
    for s in &snap.services {
        let uses = service_network_uses(s, true);
        let public_ip = uses.iter().any(|u| assigns_public_ip(u.config));
        let mut public: Vec<(&str, &RouteTable, String)> = Vec::new();
        for u in &uses {
            for id in &u.config.subnets {
                if public.iter().any(|(x, _, _)| *x == id.as_str()) {
                    continue;
                }
                if let Some((_, rt, gw)) = snap.network.public_route(id) {
                    public.push((id.as_str(), rt, gw));
                }
            }
        }
        let Some((subnet, rt, gw)) = public.first() else {
            continue;
        };
        let all: Vec<&str> = public.iter().map(|(id, _, _)| *id).collect();
        let f = out.report(
            service_ref(snap, s),
            format!(
                "service `{}` runs tasks in public subnet `{subnet}` (route table `{}` sends the default route to `{gw}`){}",
                s.service_name,
                rt.route_table_id,
                if public_ip { " with public IPs" } else { "" }
            ),
        );
        f.evidence("subnet", subnet)
            .evidence("route_table", &rt.route_table_id)
            .evidence("gateway", gw)
            .evidence("public_subnets", all.join(", "))
            .evidence("assignPublicIp", if public_ip { "ENABLED" } else { "DISABLED" });
        if public_ip {
            f.severity(Severity::High);
        }
    }
}

/// The route tables of the cluster's subnets, each once.
fn cluster_route_tables(snap: &Snapshot) -> Vec<(&RouteTable, Vec<&str>)> {
    let mut tables: Vec<(&RouteTable, Vec<&str>)> = Vec::new();
    for subnet in &snap.network.subnets {
        let Some(rt) = snap.network.route_table_for_subnet(subnet) else {
            continue;
        };
        match tables.iter_mut().find(|(t, _)| std::ptr::eq(*t, rt)) {
            Some((_, subnets)) => subnets.push(&subnet.subnet_id),
            None => tables.push((rt, vec![subnet.subnet_id.as_str()])),
        }
    }
    tables
}

/// The prefix length of an IPv4 or IPv6 CIDR.
fn prefix_len(cidr: &str) -> Option<u32> {
    cidr.split_once('/')?.1.trim().parse().ok()
}

pub static ROUTE_TABLE_DEFAULT_ROUTE_TO_PEERING: Rule = Rule {
    id: "route-table-default-route-to-peering",
    title: "Route table sends a default or very broad route to a VPC peering connection",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    domain: Domain::NetworkInfrastructure,
    scope: Scope::Subnets,
    requires: &[DataSource::Subnets, DataSource::RouteTables],
    confidence: Confidence::High,
    rationale: "A peering route should cover only the peer VPC's CIDR (or the specific subnets that need to talk). Sending 0.0.0.0/0, ::/0 or a /8-or-wider block to a peering connection makes the peer VPC the path for far more traffic than intended and widens which peer hosts the tasks can reach and be reached from.",
    remediation: Remediation {
        summary: "Replace the broad route with routes for only the peer VPC's CIDR blocks (or the specific subnets that need access).",
        steps: &[
            "Look up the peer VPC's CIDR blocks (`aws ec2 describe-vpc-peering-connections`).",
            "Add routes for just those CIDRs through the peering connection.",
            "Delete the default or /8-wide route, then check the tasks still reach what they need.",
        ],
        cli: "aws ec2 create-route --route-table-id <rtb-id> --destination-cidr-block <peer-vpc-cidr> --vpc-peering-connection-id <pcx-id> && aws ec2 delete-route --route-table-id <rtb-id> --destination-cidr-block <broad-cidr>",
        terraform: "resource \"aws_route\" \"to_peer\" {\n  route_table_id            = aws_route_table.private.id\n  destination_cidr_block    = \"10.50.0.0/16\"\n  vpc_peering_connection_id = aws_vpc_peering_connection.peer.id\n}",
        cloudformation: "Type: AWS::EC2::Route\nProperties:\n  RouteTableId: !Ref PrivateRouteTable\n  DestinationCidrBlock: 10.50.0.0/16\n  VpcPeeringConnectionId: !Ref PeeringConnection",
    },
    references: &[
        "https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-partial-access.html",
        "https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html",
    ],
    peers: &["Prowler vpc_peering_routing_tables_with_least_privilege"],
    check: route_table_default_route_to_peering,
};

/// Routes at least this wide (prefix length at most this) count as broad.
const BROAD_PREFIX: u32 = 8;

fn route_table_default_route_to_peering(snap: &Snapshot, out: &mut Findings) {
    for (rt, subnets) in cluster_route_tables(snap) {
        let broad: Vec<String> = rt
            .routes
            .iter()
            .filter(|r| r.state.as_deref() != Some("blackhole"))
            .filter_map(|r| {
                let pcx = r.vpc_peering_connection_id.as_deref().filter(|p| !p.is_empty())?;
                let wide = r.is_default_route()
                    || r.destination_cidr_block
                        .as_deref()
                        .or(r.destination_ipv6_cidr_block.as_deref())
                        .and_then(prefix_len)
                        .is_some_and(|p| p <= BROAD_PREFIX);
                wide.then(|| format!("{} to peering connection `{pcx}`", r.destination()))
            })
            .collect();
        if broad.is_empty() {
            continue;
        }
        out.report(
            ec2_ref(snap, ResourceKind::RouteTable, &rt.route_table_id),
            format!("route table `{}` sends {}", rt.route_table_id, broad.join(", ")),
        )
        .evidence("routes", broad.join("; "))
        .evidence("subnets", subnets.join(", "));
    }
}

pub static ROUTE_TABLE_BLACKHOLE_ROUTE: Rule = Rule {
    id: "route-table-blackhole-route",
    title: "Route table has blackhole routes",
    severity: Severity::Low,
    category: Category::NetworkSecurity,
    domain: Domain::NetworkInfrastructure,
    scope: Scope::Subnets,
    requires: &[DataSource::Subnets, DataSource::RouteTables],
    confidence: Confidence::High,
    rationale: "A route in state `blackhole` points at a target that no longer exists (a deleted NAT gateway, peering connection, instance or ENI). Traffic to that destination is silently dropped, which breaks egress paths such as patching and logging, and the stale route shows the routing no longer matches the intended design.",
    remediation: Remediation {
        summary: "Delete the blackhole routes, or point them at the replacement target.",
        steps: &[
            "Find what the route used to target and whether traffic to that destination is still needed.",
            "Replace the route with a live target (`aws ec2 replace-route`) or delete it (`aws ec2 delete-route`).",
        ],
        cli: "aws ec2 delete-route --route-table-id <rtb-id> --destination-cidr-block <destination-cidr>",
        terraform: "resource \"aws_route\" \"egress\" {\n  route_table_id         = aws_route_table.private.id\n  destination_cidr_block = \"0.0.0.0/0\"\n  nat_gateway_id         = aws_nat_gateway.main.id\n}",
        cloudformation: PRIVATE_DEFAULT_ROUTE_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html",
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Route.html",
    ],
    peers: &[],
    check: route_table_blackhole_route,
};

fn route_target(r: &crate::model::Route) -> &str {
    [
        r.gateway_id.as_deref(),
        r.nat_gateway_id.as_deref(),
        r.transit_gateway_id.as_deref(),
        r.vpc_peering_connection_id.as_deref(),
        r.egress_only_internet_gateway_id.as_deref(),
        r.instance_id.as_deref(),
        r.network_interface_id.as_deref(),
    ]
    .into_iter()
    .flatten()
    .find(|t| !t.is_empty())
    .unwrap_or("(unknown target)")
}

fn route_table_blackhole_route(snap: &Snapshot, out: &mut Findings) {
    for (rt, subnets) in cluster_route_tables(snap) {
        let dead: Vec<String> = rt
            .routes
            .iter()
            .filter(|r| r.state.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("blackhole")))
            .map(|r| format!("{} -> {}", r.destination(), route_target(r)))
            .collect();
        if dead.is_empty() {
            continue;
        }
        out.report(
            ec2_ref(snap, ResourceKind::RouteTable, &rt.route_table_id),
            format!("route table `{}` has blackhole route(s) {}", rt.route_table_id, dead.join(", ")),
        )
        .evidence("blackhole_routes", dead.join("; "))
        .evidence("subnets", subnets.join(", "));
    }
}

// ---------------------------------------------------------------------------------------
// Security groups
// ---------------------------------------------------------------------------------------

pub static SECURITY_GROUP_ADMIN_PORTS_OPEN: Rule = Rule {
    id: "security-group-admin-ports-open",
    title: "Security group opens administration ports to the internet",
    severity: Severity::High,
    category: Category::NetworkSecurity,
    domain: Domain::NetworkInfrastructure,
    scope: Scope::SecurityGroups,
    requires: SG_ATTRIBUTION,
    confidence: Confidence::High,
    rationale: "SSH, RDP, WinRM, Telnet, the Docker API and similar administration ports open to 0.0.0.0/0 or ::/0 are found by internet-wide scanners within minutes and attacked with credential stuffing and exploits; a successful login controls the host or container. Port ranges and all-traffic rules that cover these ports count. For groups used only by load balancers, only listener ports count.",
    remediation: Remediation {
        summary: "Remove the internet-wide rule on administration ports; use SSM Session Manager or ECS Exec, or allow only a bastion's security group or a known CIDR.",
        steps: &[
            "Switch remote access to SSM Session Manager (container instances) or ECS Exec (tasks), which need no inbound ports.",
            "Revoke the 0.0.0.0/0 and ::/0 rules on the administration ports (and narrow any range or all-traffic rule that covers them).",
            "If direct access is unavoidable, allow only a bastion's security group or a corporate CIDR.",
        ],
        cli: REVOKE_CLI,
        terraform: RESTRICTED_INGRESS_TF,
        cloudformation: RESTRICTED_INGRESS_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-53",
        "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
    ],
    peers: &[
        "SecurityHub EC2.13",
        "SecurityHub EC2.14 (CIS 1.2.0 and PCI DSS 4.0.1 standards, not modelled)",
        "SecurityHub EC2.18",
        "SecurityHub EC2.19",
        "SecurityHub EC2.53 (CIS and PCI DSS standards, not modelled)",
        "SecurityHub EC2.54 (CIS and PCI DSS standards, not modelled)",
        "Prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
        "Prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389",
        "CIS AWS Foundations 5.2",
        "CIS AWS Foundations 5.3",
        "Trivy AVD-AWS-0107",
    ],
    check: security_group_admin_ports_open,
};

fn security_group_admin_ports_open(snap: &Snapshot, out: &mut Findings) {
    report_open_ports(snap, out, ports::ADMIN_PORTS, "administration port(s)");
}

pub static SECURITY_GROUP_DATABASE_PORTS_OPEN: Rule = Rule {
    id: "security-group-database-ports-open",
    title: "Security group opens database ports to the internet",
    severity: Severity::High,
    category: Category::NetworkSecurity,
    domain: Domain::NetworkInfrastructure,
    scope: Scope::SecurityGroups,
    requires: SG_ATTRIBUTION,
    confidence: Confidence::High,
    rationale: "Database, cache and search ports (MySQL, PostgreSQL, SQL Server, Oracle, MongoDB, Redis, Memcached, Elasticsearch/OpenSearch, Cassandra, etcd, …) open to 0.0.0.0/0 or ::/0 are scanned continuously; many of these services ship without authentication and are harvested or ransomed within hours. Port ranges and all-traffic rules that cover these ports count.",
    remediation: Remediation {
        summary: "Remove the internet-wide rule and allow the data store's port only from the application's security group.",
        steps: &[
            "Identify which services really connect to the data store.",
            "Add an ingress rule on the data store's port that references those services' security groups.",
            "Revoke the 0.0.0.0/0 and ::/0 rules (and narrow any range or all-traffic rule covering the port).",
        ],
        cli: "aws ec2 authorize-security-group-ingress --group-id <db-sg-id> --protocol tcp --port <db-port> --source-group <app-sg-id> && aws ec2 revoke-security-group-ingress --group-id <db-sg-id> --ip-permissions 'IpProtocol=tcp,FromPort=<db-port>,ToPort=<db-port>,IpRanges=[{CidrIp=0.0.0.0/0}]'",
        terraform: "resource \"aws_vpc_security_group_ingress_rule\" \"db_from_app\" {\n  security_group_id            = aws_security_group.db.id\n  referenced_security_group_id = aws_security_group.app_tasks.id\n  ip_protocol                  = \"tcp\"\n  from_port                    = 5432\n  to_port                      = 5432\n}",
        cloudformation: "Type: AWS::EC2::SecurityGroupIngress\nProperties:\n  GroupId: !Ref DatabaseSecurityGroup\n  IpProtocol: tcp\n  FromPort: 5432\n  ToPort: 5432\n  SourceSecurityGroupId: !Ref AppTaskSecurityGroup",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-19",
        "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
    ],
    peers: &[
        "SecurityHub EC2.18",
        "SecurityHub EC2.19",
        "Prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mysql_3306",
        "Prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_postgres_5432",
    ],
    check: security_group_database_ports_open,
};

fn security_group_database_ports_open(snap: &Snapshot, out: &mut Findings) {
    report_open_ports(snap, out, ports::DATABASE_PORTS, "database port(s)");
}

pub static SECURITY_GROUP_HIGH_RISK_PORTS_OPEN: Rule = Rule {
    id: "security-group-high-risk-ports-open",
    title: "Security group opens other high-risk ports to the internet",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    domain: Domain::NetworkInfrastructure,
    scope: Scope::SecurityGroups,
    requires: SG_ATTRIBUTION,
    confidence: Confidence::High,
    rationale: "Security Hub EC2.19 treats more ports than administration and database ports as high risk: FTP (20, 21), SMTP (25), POP3 (110), IMAP (143), SQL Server Browser (1434), and the default ports of development servers and web consoles (3000, 4333, 5000, 5500, 8080, 8088, 8888). Plaintext mail and file transfer leak credentials, and a development server or console reachable from anywhere is rarely meant to be. Port ranges and all-traffic rules that cover these ports count; for groups used only by load balancers, only listener ports count.",
    remediation: Remediation {
        summary: "Remove the internet-wide rule on the port, or serve the application through a load balancer on 443.",
        steps: &[
            "Check whether the port must be public at all; most of these serve internal tools.",
            "Put public web traffic behind an HTTPS listener on 443 and allow the task port only from the load balancer's security group.",
            "Revoke the 0.0.0.0/0 and ::/0 rules on the port (and narrow any range covering it).",
        ],
        cli: REVOKE_CLI,
        terraform: RESTRICTED_INGRESS_TF,
        cloudformation: RESTRICTED_INGRESS_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-19",
        "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
    ],
    peers: &["SecurityHub EC2.18", "SecurityHub EC2.19"],
    check: security_group_high_risk_ports_open,
};

fn security_group_high_risk_ports_open(snap: &Snapshot, out: &mut Findings) {
    report_open_ports(snap, out, ports::OTHER_HIGH_RISK_PORTS, "high-risk port(s)");
}

pub static SECURITY_GROUP_ALL_TRAFFIC_OPEN: Rule = Rule {
    id: "security-group-all-traffic-open",
    title: "Security group admits all traffic from the internet",
    severity: Severity::Critical,
    category: Category::NetworkSecurity,
    domain: Domain::NetworkInfrastructure,
    scope: Scope::SecurityGroups,
    requires: SG_ATTRIBUTION,
    confidence: Confidence::High,
    rationale: "An ingress rule for all protocols (-1) or every TCP/UDP port (0-65535) from 0.0.0.0/0 or ::/0 turns the security group off: every listening process on the tasks or hosts behind it, including debug endpoints, agents and metadata proxies, is reachable from anywhere. On a group used only by load balancers just the listener ports are reachable, so it is rated High there.",
    remediation: Remediation {
        summary: "Replace the all-traffic rule with rules for the specific ports the resource serves, from the specific sources that need them.",
        steps: &[
            "List the ports the tasks, instances or load balancer actually serve.",
            "Add one rule per port, sourced from the load balancer's security group or known CIDRs.",
            "Revoke the all-traffic (or 0-65535) rule for 0.0.0.0/0 and ::/0.",
        ],
        cli: "aws ec2 revoke-security-group-ingress --group-id <sg-id> --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}],Ipv6Ranges=[{CidrIpv6=::/0}]'",
        terraform: "resource \"aws_vpc_security_group_ingress_rule\" \"https_only\" {\n  security_group_id = aws_security_group.alb.id\n  cidr_ipv4         = \"0.0.0.0/0\"\n  ip_protocol       = \"tcp\"\n  from_port         = 443\n  to_port           = 443\n}",
        cloudformation: "Type: AWS::EC2::SecurityGroupIngress\nProperties:\n  GroupId: !Ref LoadBalancerSecurityGroup\n  IpProtocol: tcp\n  FromPort: 443\n  ToPort: 443\n  CidrIp: 0.0.0.0/0",
    },
    references: &[
        "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-18",
    ],
    peers: &[
        "Prowler ec2_securitygroup_allow_ingress_from_internet_to_all_ports",
        "SecurityHub EC2.13",
        "SecurityHub EC2.18",
        "SecurityHub EC2.19",
    ],
    check: security_group_all_traffic_open,
};

fn security_group_all_traffic_open(snap: &Snapshot, out: &mut Findings) {
    for u in used_groups(snap) {
        let open: Vec<String> = u
            .group
            .ip_permissions
            .iter()
            .filter(|p| p.open_to_internet() && is_all_ports(p))
            .map(|p| format!("{} from {}", p.describe_ports(), sources(p)))
            .collect();
        if open.is_empty() {
            continue;
        }
        let f = out.report(
            ec2_ref(snap, ResourceKind::SecurityGroup, &u.group.group_id),
            format!(
                "security group `{}` (`{}`) admits the internet on every port: {}",
                u.group.group_id,
                u.group.group_name,
                open.join("; ")
            ),
        );
        f.evidence("ingress_rules", open.join("; ")).evidence("used_by", u.users_text()).confidence(u.confidence());
        if u.lb_only {
            f.severity(Severity::High)
                .evidence("note", "used only by load balancers: only listener ports are reachable");
        }
    }
}

pub static SECURITY_GROUP_UNRESTRICTED_EGRESS: Rule = Rule {
    id: "security-group-unrestricted-egress",
    title: "Task security group allows all outbound traffic to the internet",
    severity: Severity::Low,
    category: Category::NetworkSecurity,
    domain: Domain::NetworkInfrastructure,
    scope: Scope::SecurityGroups,
    requires: &[DataSource::SecurityGroups, DataSource::Services, DataSource::TaskSets, DataSource::Subnets],
    confidence: Confidence::High,
    rationale: "Security groups allow all outbound traffic by default, so a compromised container can download tooling, reach command-and-control servers and exfiltrate data on any port. Restricting egress to the ports and destinations the task needs (HTTPS to AWS endpoints, its database) contains that. Only groups on task ENIs are examined.",
    remediation: Remediation {
        summary: "Replace the allow-all egress rule with rules for the specific ports and destinations the tasks need.",
        steps: &[
            "List what the tasks call: AWS APIs (HTTPS via VPC endpoints or NAT), databases, other services.",
            "Add egress rules for those ports, referencing security groups or prefix lists where possible.",
            "Revoke the all-traffic egress rule to 0.0.0.0/0 and ::/0 and watch the service for failed connections.",
        ],
        cli: "aws ec2 authorize-security-group-egress --group-id <task-sg-id> --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}]' && aws ec2 revoke-security-group-egress --group-id <task-sg-id> --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]'",
        terraform: "resource \"aws_vpc_security_group_egress_rule\" \"https\" {\n  security_group_id = aws_security_group.app_tasks.id\n  cidr_ipv4         = \"0.0.0.0/0\"\n  ip_protocol       = \"tcp\"\n  from_port         = 443\n  to_port           = 443\n}",
        cloudformation: "Type: AWS::EC2::SecurityGroupEgress\nProperties:\n  GroupId: !Ref AppTaskSecurityGroup\n  IpProtocol: tcp\n  FromPort: 443\n  ToPort: 443\n  CidrIp: 0.0.0.0/0",
    },
    references: &[
        "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-network.html",
    ],
    peers: &["Trivy AVD-AWS-0104"],
    check: security_group_unrestricted_egress,
};

fn security_group_unrestricted_egress(snap: &Snapshot, out: &mut Findings) {
    for u in used_groups(snap).into_iter().filter(|u| !u.task_services.is_empty()) {
        let open: Vec<String> = u
            .group
            .ip_permissions_egress
            .iter()
            .filter(|p| p.open_to_internet() && is_all_ports(p))
            .map(|p| format!("{} to {}", p.describe_ports(), sources(p)))
            .collect();
        if open.is_empty() {
            continue;
        }
        let services: Vec<&str> = u.task_services.iter().map(|s| s.service_name.as_str()).collect();
        out.report(
            ec2_ref(snap, ResourceKind::SecurityGroup, &u.group.group_id),
            format!(
                "task security group `{}` (`{}`) allows all outbound traffic to the internet",
                u.group.group_id, u.group.group_name
            ),
        )
        .evidence("egress_rules", open.join("; "))
        .evidence("services", services.join(", "));
    }
}

pub static SECURITY_GROUP_DEFAULT_ALLOWS_TRAFFIC: Rule = Rule {
    id: "security-group-default-allows-traffic",
    title: "VPC default security group has rules",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    domain: Domain::NetworkInfrastructure,
    scope: Scope::SecurityGroups,
    requires: SG_ATTRIBUTION,
    confidence: Confidence::High,
    rationale: "Anything launched without an explicit security group, including an awsvpc task whose configuration lists none, lands in the VPC's default group, which by default admits all traffic from its other members and allows all egress. Emptying it means a forgotten group fails closed instead of quietly joining a shared, open segment. It is High when a cluster workload already uses the default group.",
    remediation: Remediation {
        summary: "Remove every inbound and outbound rule from the default security group and give each resource its own group.",
        steps: &[
            "Find what uses the default group (`aws ec2 describe-network-interfaces --filters Name=group-id,Values=<default-sg-id>`).",
            "Move those resources (for ECS: the service's awsvpc configuration) to dedicated security groups.",
            "Revoke all inbound and outbound rules of the default group.",
        ],
        cli: "aws ec2 revoke-security-group-ingress --group-id <default-sg-id> --ip-permissions 'IpProtocol=-1,UserIdGroupPairs=[{GroupId=<default-sg-id>}]' && aws ec2 revoke-security-group-egress --group-id <default-sg-id> --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]'",
        terraform: "# No ingress or egress blocks: Terraform removes every rule from the default group.\nresource \"aws_default_security_group\" \"default\" {\n  vpc_id = aws_vpc.main.id\n}",
        cloudformation: "# CloudFormation cannot strip the default group; give each resource its own group instead.\nType: AWS::EC2::SecurityGroup\nProperties:\n  GroupDescription: app tasks\n  VpcId: !Ref VPC\n  SecurityGroupEgress:\n    - IpProtocol: tcp\n      FromPort: 443\n      ToPort: 443\n      CidrIp: 0.0.0.0/0",
    },
    references: &[
        "https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-2",
    ],
    peers: &[
        "SecurityHub EC2.2",
        "Prowler ec2_securitygroup_default_restrict_traffic",
        "CIS AWS Foundations 5.4",
        "Trivy AVD-AWS-0173",
    ],
    check: security_group_default_allows_traffic,
};

fn security_group_default_allows_traffic(snap: &Snapshot, out: &mut Findings) {
    let uses = used_groups(snap);
    let cluster_vpc =
        |vpc: Option<&str>| snap.network.vpcs.is_empty() || vpc.is_some_and(|v| snap.network.vpc(v).is_some());
    for g in snap.network.security_groups.iter().filter(|g| g.is_default()) {
        if !cluster_vpc(g.vpc_id.as_deref()) {
            continue;
        }
        let (inbound, outbound) = (g.ip_permissions.len(), g.ip_permissions_egress.len());
        if inbound == 0 && outbound == 0 {
            continue;
        }
        let users = uses.iter().find(|u| std::ptr::eq(u.group, g)).map(|u| u.users.clone()).unwrap_or_default();
        let f = out.report(
            ec2_ref(snap, ResourceKind::SecurityGroup, &g.group_id),
            format!(
                "default security group `{}` of VPC `{}` has {inbound} inbound and {outbound} outbound rule(s)",
                g.group_id,
                g.vpc_id.as_deref().unwrap_or("?")
            ),
        );
        f.evidence("inbound_rules", inbound).evidence("outbound_rules", outbound);
        if users.is_empty() {
            f.evidence("used_by", "(no cluster resource in the snapshot)");
        } else {
            f.evidence("used_by", users.join(", ")).severity(Severity::High);
        }
    }
}

pub static SERVICE_SECURITY_GROUP_INTERNET_INGRESS: Rule = Rule {
    id: "service-security-group-internet-ingress",
    title: "Service's task security group admits traffic from the internet",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    domain: Domain::NetworkInfrastructure,
    scope: Scope::Services,
    requires: &[DataSource::SecurityGroups, DataSource::Services, DataSource::TaskSets, DataSource::Subnets],
    confidence: Confidence::High,
    rationale: "Tasks behind a load balancer should accept traffic only from the load balancer's security group; an internet-wide rule on the task group lets clients bypass the load balancer's TLS, WAF and access logs whenever the task has a public address or sits behind another path. Without a load balancer it means the service is meant to be public, which deserves review (Medium). Administration, database and all-traffic rules are reported by their own rules and not repeated here.",
    remediation: Remediation {
        summary: "Replace the 0.0.0.0/0 (and ::/0) rule on the task group with a rule that references the load balancer's security group.",
        steps: &[
            "Add an ingress rule on the container port whose source is the load balancer's security group.",
            "Revoke the internet-wide rules on the task security group.",
            "If the service has no load balancer but must be public, put one in front of it rather than exposing tasks directly.",
        ],
        cli: "aws ec2 authorize-security-group-ingress --group-id <task-sg-id> --protocol tcp --port <container-port> --source-group <lb-sg-id> && aws ec2 revoke-security-group-ingress --group-id <task-sg-id> --ip-permissions 'IpProtocol=tcp,FromPort=<container-port>,ToPort=<container-port>,IpRanges=[{CidrIp=0.0.0.0/0}]'",
        terraform: "resource \"aws_vpc_security_group_ingress_rule\" \"from_alb\" {\n  security_group_id            = aws_security_group.app_tasks.id\n  referenced_security_group_id = aws_security_group.alb.id\n  ip_protocol                  = \"tcp\"\n  from_port                    = 8080\n  to_port                      = 8080\n}",
        cloudformation: "Type: AWS::EC2::SecurityGroupIngress\nProperties:\n  GroupId: !Ref AppTaskSecurityGroup\n  IpProtocol: tcp\n  FromPort: 8080\n  ToPort: 8080\n  SourceSecurityGroupId: !Ref LoadBalancerSecurityGroup",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-network.html",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html",
    ],
    peers: &["Prowler ec2_securitygroup_allow_ingress_from_internet_to_any_port", "SecurityHub EC2.18"],
    check: service_security_group_internet_ingress,
};

/// Whether another security-group rule already reports this permission.
/// (`security-group-high-risk-ports-open` is not counted: ports such as 8080 are ordinary
/// task ports, and a task group open on them is this rule's finding too.)
fn reported_elsewhere(p: &IpPermission) -> bool {
    is_all_ports(p) || ports::ADMIN_PORTS.iter().chain(ports::DATABASE_PORTS).any(|k| p.covers_tcp_port(k.port))
}

fn service_security_group_internet_ingress(snap: &Snapshot, out: &mut Findings) {
    for s in &snap.services {
        let mut groups: Vec<&SecurityGroup> = Vec::new();
        for u in service_network_uses(s, true) {
            let ids: Vec<&str> = if u.config.security_groups.is_empty() {
                vpc_of_subnets(snap, &u.config.subnets)
                    .and_then(|v| default_group_of_vpc(snap, v))
                    .map(|g| vec![g.group_id.as_str()])
                    .unwrap_or_default()
            } else {
                u.config.security_groups.iter().map(String::as_str).collect()
            };
            for g in ids.into_iter().filter_map(|id| snap.network.security_group(id)) {
                if !groups.iter().any(|x| std::ptr::eq(*x, g)) {
                    groups.push(g);
                }
            }
        }
        let mut open: Vec<String> = Vec::new();
        for g in &groups {
            for p in g.ip_permissions.iter().filter(|p| p.open_to_internet() && !reported_elsewhere(p)) {
                open.push(format!("{}: {} from {}", g.group_id, p.describe_ports(), sources(p)));
            }
        }
        if open.is_empty() {
            continue;
        }
        let behind_lb = !s.load_balancers.is_empty();
        let f = out.report(
            service_ref(snap, s),
            format!(
                "service `{}` admits the internet directly to its tasks ({}){}",
                s.service_name,
                open.join("; "),
                if behind_lb { " although it sits behind a load balancer" } else { "" }
            ),
        );
        f.evidence("ingress_rules", open.join("; ")).evidence("behind_load_balancer", behind_lb);
        if behind_lb {
            f.severity(Severity::High);
        }
    }
}

// ---------------------------------------------------------------------------------------
// DNS
// ---------------------------------------------------------------------------------------

pub static VPC_DNS_RESOLUTION_DISABLED: Rule = Rule {
    id: "vpc-dns-resolution-disabled",
    title: "VPC DNS resolution or DNS hostnames are disabled",
    severity: Severity::Low,
    category: Category::DnsSecurity,
    domain: Domain::Dns,
    scope: Scope::Vpcs,
    requires: &[DataSource::Vpcs],
    confidence: Confidence::High,
    rationale: "Interface VPC endpoints with private DNS (which keep ECR pulls, Secrets Manager and CloudWatch Logs traffic inside the VPC) need both `enableDnsSupport` and `enableDnsHostnames`, and Service Connect and Cloud Map discovery need the Amazon-provided resolver; with either off, tasks go to public endpoints through NAT or fail to resolve. DNS support is on by default, DNS hostnames are off by default in non-default VPCs. Attributes that were not collected are skipped.",
    remediation: Remediation {
        summary: "Enable both DNS support and DNS hostnames on the VPC.",
        steps: &[
            "Check nothing depends on a custom resolver replacing the Amazon-provided DNS (DHCP options set).",
            "Run `aws ec2 modify-vpc-attribute` once with `--enable-dns-support` and once with `--enable-dns-hostnames` (one attribute per call).",
            "Turn on private DNS for the VPC's interface endpoints.",
        ],
        cli: "aws ec2 modify-vpc-attribute --vpc-id <vpc-id> --enable-dns-support '{\"Value\":true}' && aws ec2 modify-vpc-attribute --vpc-id <vpc-id> --enable-dns-hostnames '{\"Value\":true}'",
        terraform: "resource \"aws_vpc\" \"main\" {\n  cidr_block           = \"10.40.0.0/16\"\n  enable_dns_support   = true\n  enable_dns_hostnames = true\n}",
        cloudformation: VPC_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
    ],
    peers: &[],
    check: vpc_dns_resolution_disabled,
};

fn vpc_dns_resolution_disabled(snap: &Snapshot, out: &mut Findings) {
    for vpc in &snap.network.vpcs {
        let mut off: Vec<&str> = Vec::new();
        if vpc.enable_dns_support == Some(false) {
            off.push("enableDnsSupport");
        }
        if vpc.enable_dns_hostnames == Some(false) {
            off.push("enableDnsHostnames");
        }
        if off.is_empty() {
            continue;
        }
        let f = out.report(
            ec2_ref(snap, ResourceKind::Vpc, &vpc.vpc_id),
            format!("VPC `{}` has {} turned off", vpc.vpc_id, off.join(" and ")),
        );
        for attr in &off {
            f.evidence(attr, false);
        }
    }
}
