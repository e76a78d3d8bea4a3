//! DNS: container resolvers and host-name overrides of the revisions that run.

use super::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};
use crate::knowledge::dns::{self, Resolver};
use crate::knowledge::platform;
use crate::model::{ContainerCtx, DataSource, Snapshot};

pub(super) const RULES: &[&Rule] = &[&CONTAINER_CUSTOM_DNS_SERVERS, &CONTAINER_EXTRA_HOSTS];

const TD: &[DataSource] = &[DataSource::Services, DataSource::TaskDefinitions, DataSource::Tasks];

/// `dnsServers` and `extraHosts` apply only to Linux containers in bridge or host mode; ECS
/// rejects them for awsvpc (and so Fargate) and Windows.
fn takes_dns_settings(snap: &Snapshot, c: &ContainerCtx<'_>) -> bool {
    !platform::is_windows(snap, &c.workload) && matches!(c.workload.network_mode(), "bridge" | "host")
}

pub static CONTAINER_CUSTOM_DNS_SERVERS: Rule = Rule {
    id: "container-custom-dns-servers",
    title: "Container uses custom DNS servers",
    severity: Severity::Low,
    category: Category::DnsSecurity,
    domain: Domain::Dns,
    scope: Scope::Ec2Workloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "By default a container resolves names through the instance's resolver, the VPC's Route 53 Resolver, where DNS Firewall rules, Resolver query logging and private hosted zones apply. `dnsServers` replaces it: a public resolver (Medium) sends every lookup over the internet, out of reach of DNS Firewall and query logs, which also makes it an exfiltration channel; a private resolver (Low) is only as well-controlled as that server. Amazon's own resolver addresses are not flagged. The setting applies only to bridge and host network modes on Linux.",
    remediation: Remediation {
        summary: "Remove `dnsServers` so the container uses the VPC resolver; handle custom zones with Route 53 Resolver rules instead.",
        steps: &[
            "Find why the container needed its own resolver (on-premises names, split horizon, a workaround).",
            "Serve those names through the VPC: Route 53 private hosted zones, or Resolver outbound endpoints with forwarding rules for on-premises domains.",
            "Remove `dnsServers` from the container definition, register the revision and deploy it.",
            "Attach Route 53 Resolver DNS Firewall rule groups and query logging to the VPC.",
        ],
        cli: "aws route53resolver create-resolver-rule --creator-request-id <unique-id> --rule-type FORWARD --domain-name <corp.example.com> --target-ips Ip=<10.0.0.53> --resolver-endpoint-id <rslvr-out-id>",
        terraform: "container_definitions = jsonencode([{\n  name = \"app\"\n  # no dnsServers: the VPC resolver (Route 53 Resolver) applies\n}])\n\nresource \"aws_route53_resolver_firewall_rule_group_association\" \"vpc\" {\n  name                   = \"dns-firewall\"\n  firewall_rule_group_id = aws_route53_resolver_firewall_rule_group.main.id\n  vpc_id                 = \"<vpc-id>\"\n  priority               = 101\n}",
        cloudformation: "Type: AWS::Route53Resolver::FirewallRuleGroupAssociation\nProperties:\n  FirewallRuleGroupId: !Ref DnsFirewallRuleGroup\n  VpcId: <vpc-id>\n  Priority: 101",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_network",
        "https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html",
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-dns-firewall.html",
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-query-logs.html",
    ],
    peers: &[],
    check: container_custom_dns_servers,
};

fn container_custom_dns_servers(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if c.container.dns_servers.is_empty() || !takes_dns_settings(snap, &c) {
            continue;
        }
        let mut public: Vec<String> = Vec::new();
        let mut private: Vec<&str> = Vec::new();
        let mut unparseable: Vec<&str> = Vec::new();
        for server in &c.container.dns_servers {
            let s = server.trim();
            match dns::classify(s) {
                Resolver::Amazon => {}
                Resolver::KnownPublic(provider) => public.push(format!("{s} ({provider})")),
                Resolver::Public => public.push(format!("{s} (internet address)")),
                Resolver::Private => private.push(s),
                Resolver::Unparseable => unparseable.push(s),
            }
        }
        let name = &c.container.name;
        let f = if !public.is_empty() {
            let f = out.report(
                c.resource(),
                format!(
                    "container `{name}` resolves names through public DNS server(s) {}, bypassing the VPC resolver",
                    public.join(", ")
                ),
            );
            f.severity(Severity::Medium);
            f
        } else if !private.is_empty() {
            out.report(
                c.resource(),
                format!(
                    "container `{name}` resolves names through custom DNS server(s) {} instead of the VPC resolver",
                    private.join(", ")
                ),
            )
        } else if !unparseable.is_empty() {
            let f = out.report(
                c.resource(),
                format!("container `{name}` sets DNS server(s) that are not IP addresses: {}", unparseable.join(", ")),
            );
            f.confidence(Confidence::Low);
            f
        } else {
            continue;
        };
        f.evidence("dnsServers", c.container.dns_servers.join(", ")).evidence("networkMode", c.workload.network_mode());
        if !c.container.dns_search_domains.is_empty() {
            f.evidence("dnsSearchDomains", c.container.dns_search_domains.join(", "));
        }
    }
}

pub static CONTAINER_EXTRA_HOSTS: Rule = Rule {
    id: "container-extra-hosts",
    title: "Container overrides name resolution with extraHosts",
    severity: Severity::Low,
    category: Category::DnsSecurity,
    domain: Domain::Dns,
    scope: Scope::Ec2Workloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "`extraHosts` writes fixed entries into the container's /etc/hosts, which win over DNS: the names no longer follow the VPC resolver, private hosted zones or failover records, and a stale or malicious entry silently redirects traffic (including to AWS endpoints) where DNS Firewall and query logs never see it. The setting applies only to bridge and host network modes on Linux.",
    remediation: Remediation {
        summary: "Remove `extraHosts` and publish the names in DNS (a Route 53 private hosted zone or Cloud Map).",
        steps: &[
            "List the overridden names and why each is pinned.",
            "Create the records in a Route 53 private hosted zone associated with the VPC, or register the services in Cloud Map / Service Connect.",
            "Remove `extraHosts` from the container definition, register the revision and deploy it.",
        ],
        cli: "aws route53 change-resource-record-sets --hosted-zone-id <private-zone-id> --change-batch file://records.json",
        terraform: "resource \"aws_route53_record\" \"internal\" {\n  zone_id = aws_route53_zone.private.zone_id\n  name    = \"<name>.internal.example.com\"\n  type    = \"A\"\n  ttl     = 60\n  records = [\"<ip-address>\"]\n}",
        cloudformation: "Type: AWS::Route53::RecordSet\nProperties:\n  HostedZoneId: !Ref PrivateZone\n  Name: <name>.internal.example.com\n  Type: A\n  TTL: \"60\"\n  ResourceRecords:\n    - <ip-address>",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HostEntry.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_network",
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zones-private.html",
    ],
    peers: &[],
    check: container_extra_hosts,
};

fn container_extra_hosts(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if c.container.extra_hosts.is_empty() || !takes_dns_settings(snap, &c) {
            continue;
        }
        let entries: Vec<String> =
            c.container.extra_hosts.iter().map(|h| format!("{}={}", h.hostname.trim(), h.ip_address.trim())).collect();
        out.report(
            c.resource(),
            format!(
                "container `{}` pins {} host name(s) in /etc/hosts: {}",
                c.container.name,
                entries.len(),
                entries.join(", ")
            ),
        )
        .evidence("extraHosts", entries.join(", "))
        .evidence("networkMode", c.workload.network_mode());
    }
}
