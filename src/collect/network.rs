//! EC2: the instances behind container instances and the network the cluster uses (its
//! subnets, security groups, VPCs, route tables, internet gateways and flow logs), scoped to
//! what its services, tasks, instances and load balancers touch.

use std::collections::BTreeSet;

use aws_sdk_ec2::types::{Filter, VpcAttributeName};
use futures::future::join_all;

use super::calls::Ctx;
use super::from_ec2;
use crate::model as m;

/// What the cluster's resources point at.
#[derive(Debug, Default)]
pub struct Scope {
    pub subnets: BTreeSet<String>,
    pub security_groups: BTreeSet<String>,
    pub vpcs: BTreeSet<String>,
}

impl Scope {
    pub fn of(
        services: &[m::Service],
        tasks: &[m::Task],
        instances: &[m::ContainerInstance],
        lbs: &m::LoadBalancing,
        capacity_providers: &[m::CapacityProvider],
    ) -> Scope {
        let mut s = Scope::default();
        for svc in services {
            let configs = svc
                .network_configuration
                .iter()
                .chain(svc.deployments.iter().filter_map(|d| d.network_configuration.as_ref()))
                .chain(svc.task_sets.iter().filter_map(|t| t.network_configuration.as_ref()))
                .filter_map(|n| n.awsvpc());
            for c in configs {
                s.subnets.extend(c.subnets.iter().cloned());
                s.security_groups.extend(c.security_groups.iter().cloned());
            }
        }
        for t in tasks {
            if let Some(subnet) = t.eni_detail("subnetId") {
                s.subnets.insert(subnet.to_owned());
            }
        }
        for i in instances.iter().filter_map(|i| i.ec2.as_ref()) {
            s.subnets.extend(i.subnet_id.iter().cloned());
            s.security_groups.extend(i.security_groups.iter().cloned());
            s.vpcs.extend(i.vpc_id.iter().cloned());
        }
        for lb in &lbs.load_balancers {
            s.security_groups.extend(lb.security_groups.iter().cloned());
            s.subnets.extend(lb.availability_zones.iter().filter_map(|z| z.subnet_id.clone()));
            s.vpcs.extend(lb.vpc_id.iter().cloned());
        }
        for clb in &lbs.classic_load_balancers {
            s.security_groups.extend(clb.security_groups.iter().cloned());
            s.subnets.extend(clb.subnets.iter().cloned());
            s.vpcs.extend(clb.vpc_id.iter().cloned());
        }
        // Where ECS Managed Instances launch their instances.
        let templates = capacity_providers.iter().filter_map(|c| c.managed_instances_provider.as_ref());
        for net in templates.filter_map(|p| p.instance_launch_template.as_ref()?.network_configuration.as_ref()) {
            s.subnets.extend(net.subnets.iter().cloned());
            s.security_groups.extend(net.security_groups.iter().cloned());
        }
        s.subnets.retain(|x| !x.is_empty());
        s.security_groups.retain(|x| !x.is_empty());
        s
    }
}

fn filter(name: &str, values: impl IntoIterator<Item = String>) -> Filter {
    Filter::builder().name(name).set_values(Some(values.into_iter().collect())).build()
}

/// DescribeInstances for the container instances' EC2 instances, folded into them.
pub async fn instances(ctx: &Ctx, instances: &mut [m::ContainerInstance]) {
    let ids: Vec<String> = instances.iter().filter_map(|i| i.ec2_instance_id.clone()).collect();
    if ids.is_empty() {
        return;
    }
    let mut found = Vec::new();
    for chunk in ids.chunks(100) {
        let req = ctx.clients.ec2.describe_instances().set_instance_ids(Some(chunk.to_vec())).send();
        if let Some(out) = ctx.call("ec2", "DescribeInstances", None, req).await {
            found.extend(out.reservations().iter().flat_map(|r| r.instances().to_vec()));
        }
    }
    for ci in instances.iter_mut() {
        let Some(id) = ci.ec2_instance_id.as_deref() else {
            continue;
        };
        let Some(i) = found.iter().find(|i| i.instance_id() == Some(id)) else {
            continue;
        };
        let md = i.metadata_options();
        ci.ec2 = Some(m::Ec2InstanceInfo {
            instance_type: i.instance_type().map(|t| t.as_str().to_owned()),
            subnet_id: i.subnet_id().map(str::to_owned),
            vpc_id: i.vpc_id().map(str::to_owned),
            security_groups: i.security_groups().iter().filter_map(|g| g.group_id().map(str::to_owned)).collect(),
            public_ip_address: i.public_ip_address().map(str::to_owned),
            image_id: i.image_id().map(str::to_owned),
            http_tokens: md.and_then(|m| m.http_tokens()).map(|t| t.as_str().to_owned()),
            http_put_response_hop_limit: md.and_then(|m| m.http_put_response_hop_limit()).map(i64::from),
            http_endpoint: md.and_then(|m| m.http_endpoint()).map(|e| e.as_str().to_owned()),
            iam_instance_profile_arn: i.iam_instance_profile().and_then(|p| p.arn()).map(str::to_owned),
        });
    }
}

async fn subnets(ctx: &Ctx, ids: &BTreeSet<String>) -> Vec<m::Subnet> {
    if ids.is_empty() {
        return Vec::new();
    }
    let all: Vec<String> = ids.iter().cloned().collect();
    let req = ctx.clients.ec2.describe_subnets().set_subnet_ids(Some(all.clone())).send();
    match ctx.try_call("ec2", "DescribeSubnets", req).await {
        Ok(out) => out.subnets().iter().map(from_ec2::subnet).collect(),
        // One deleted subnet fails the whole batch: fall back to one call per subnet.
        Err(e) if e.is_not_found() && all.len() > 1 => {
            let calls = all.iter().map(|id| async move {
                let req = ctx.clients.ec2.describe_subnets().subnet_ids(id).send();
                ctx.call("ec2", "DescribeSubnets", Some(id), req).await
            });
            join_all(calls)
                .await
                .into_iter()
                .flatten()
                .flat_map(|o| o.subnets().iter().map(from_ec2::subnet).collect::<Vec<_>>())
                .collect()
        }
        Err(e) => {
            ctx.gap("ec2", "DescribeSubnets", None, e);
            Vec::new()
        }
    }
}

async fn security_groups(ctx: &Ctx, ids: &BTreeSet<String>, vpcs: &BTreeSet<String>) -> Vec<m::SecurityGroup> {
    let mut out: Vec<m::SecurityGroup> = Vec::new();
    if !ids.is_empty() {
        let all: Vec<String> = ids.iter().cloned().collect();
        let req = ctx.clients.ec2.describe_security_groups().set_group_ids(Some(all.clone())).send();
        match ctx.try_call("ec2", "DescribeSecurityGroups", req).await {
            Ok(o) => out.extend(o.security_groups().iter().map(from_ec2::security_group)),
            Err(e) if e.is_not_found() && all.len() > 1 => {
                let calls = all.iter().map(|id| async move {
                    let req = ctx.clients.ec2.describe_security_groups().group_ids(id).send();
                    ctx.call("ec2", "DescribeSecurityGroups", Some(id), req).await
                });
                for o in join_all(calls).await.into_iter().flatten() {
                    out.extend(o.security_groups().iter().map(from_ec2::security_group));
                }
            }
            Err(e) => ctx.gap("ec2", "DescribeSecurityGroups", None, e),
        }
    }
    // The default group of each VPC: workloads without explicit groups fall back to it.
    if !vpcs.is_empty() {
        let req = ctx
            .clients
            .ec2
            .describe_security_groups()
            .filters(filter("vpc-id", vpcs.iter().cloned()))
            .filters(filter("group-name", ["default".to_owned()]))
            .send();
        if let Some(o) = ctx.call("ec2", "DescribeSecurityGroups", None, req).await {
            for g in o.security_groups().iter().map(from_ec2::security_group) {
                if !out.iter().any(|x| x.group_id == g.group_id) {
                    out.push(g);
                }
            }
        }
    }
    out.sort_by(|a, b| a.group_id.cmp(&b.group_id));
    out
}

async fn vpcs(ctx: &Ctx, ids: &BTreeSet<String>) -> Vec<m::Vpc> {
    if ids.is_empty() {
        return Vec::new();
    }
    let req = ctx.clients.ec2.describe_vpcs().set_vpc_ids(Some(ids.iter().cloned().collect())).send();
    let Some(out) = ctx.call("ec2", "DescribeVpcs", None, req).await else {
        return Vec::new();
    };
    let mut vpcs: Vec<m::Vpc> = out.vpcs().iter().map(from_ec2::vpc).collect();
    if ctx.quick() {
        ctx.skipped("ec2", "DescribeVpcAttribute");
        return vpcs;
    }
    for v in &mut vpcs {
        let id = v.vpc_id.clone();
        let support =
            ctx.clients.ec2.describe_vpc_attribute().vpc_id(&id).attribute(VpcAttributeName::EnableDnsSupport).send();
        let hostnames =
            ctx.clients.ec2.describe_vpc_attribute().vpc_id(&id).attribute(VpcAttributeName::EnableDnsHostnames).send();
        let (support, hostnames) = tokio::join!(
            ctx.call("ec2", "DescribeVpcAttribute", Some(&id), support),
            ctx.call("ec2", "DescribeVpcAttribute", Some(&id), hostnames)
        );
        v.enable_dns_support = support.and_then(|o| o.enable_dns_support().and_then(|a| a.value()));
        v.enable_dns_hostnames = hostnames.and_then(|o| o.enable_dns_hostnames().and_then(|a| a.value()));
    }
    vpcs
}

async fn route_tables(ctx: &Ctx, vpcs: &BTreeSet<String>) -> Vec<m::RouteTable> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let req = ctx
            .clients
            .ec2
            .describe_route_tables()
            .filters(filter("vpc-id", vpcs.iter().cloned()))
            .set_next_token(token.clone())
            .send();
        let Some(page) = ctx.call("ec2", "DescribeRouteTables", None, req).await else {
            break;
        };
        out.extend(page.route_tables().iter().map(from_ec2::route_table));
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    out
}

async fn flow_logs(ctx: &Ctx, vpcs: &BTreeSet<String>) -> Vec<m::FlowLog> {
    if ctx.quick() {
        ctx.skipped("ec2", "DescribeFlowLogs");
        return Vec::new();
    }
    let req = ctx.clients.ec2.describe_flow_logs().filter(filter("resource-id", vpcs.iter().cloned())).send();
    ctx.call("ec2", "DescribeFlowLogs", None, req)
        .await
        .map(|o| o.flow_logs().iter().map(from_ec2::flow_log).collect())
        .unwrap_or_default()
}

/// Collects the network the scope points at.
pub async fn network(ctx: &Ctx, scope: Scope) -> m::Network {
    let subnets = subnets(ctx, &scope.subnets).await;
    let mut vpc_ids = scope.vpcs.clone();
    vpc_ids.extend(subnets.iter().map(|s| s.vpc_id.clone()));
    vpc_ids.retain(|v| !v.is_empty());
    if vpc_ids.is_empty() && scope.security_groups.is_empty() {
        return m::Network { subnets, ..m::Network::default() };
    }
    // Whether a subnet is public is read from its route table (a route to an `igw-`
    // gateway), so the internet gateways themselves are not collected. Everything here
    // needs only the subnets' VPCs, so it all starts at once.
    let some_vpcs = !vpc_ids.is_empty();
    let (security_groups, vpcs, route_tables, flow_logs) = tokio::join!(
        security_groups(ctx, &scope.security_groups, &vpc_ids),
        vpcs(ctx, &vpc_ids),
        async { if some_vpcs { route_tables(ctx, &vpc_ids).await } else { Vec::new() } },
        async { if some_vpcs { flow_logs(ctx, &vpc_ids).await } else { Vec::new() } },
    );
    m::Network { vpcs, subnets, route_tables, flow_logs, security_groups }
}
