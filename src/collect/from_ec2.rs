//! Conversions from EC2 SDK types to our snapshot model.

use aws_sdk_ec2::types as sdk;

use super::from_ecs::s;
use crate::model::{self as m, Tag};

fn tags(v: &[sdk::Tag]) -> Vec<Tag> {
    v.iter()
        .map(|t| Tag { key: t.key().unwrap_or_default().to_owned(), value: t.value().unwrap_or_default().to_owned() })
        .collect()
}

fn permission(p: &sdk::IpPermission) -> m::IpPermission {
    m::IpPermission {
        ip_protocol: p.ip_protocol().unwrap_or("-1").to_owned(),
        from_port: p.from_port().map(i64::from),
        to_port: p.to_port().map(i64::from),
        ip_ranges: p
            .ip_ranges()
            .iter()
            .map(|r| m::IpRange {
                cidr_ip: r.cidr_ip().unwrap_or_default().to_owned(),
                description: s(r.description()),
            })
            .collect(),
        ipv6_ranges: p
            .ipv6_ranges()
            .iter()
            .map(|r| m::Ipv6Range {
                cidr_ipv6: r.cidr_ipv6().unwrap_or_default().to_owned(),
                description: s(r.description()),
            })
            .collect(),
        user_id_group_pairs: p
            .user_id_group_pairs()
            .iter()
            .map(|g| m::UserIdGroupPair {
                group_id: s(g.group_id()),
                user_id: s(g.user_id()),
                description: s(g.description()),
            })
            .collect(),
        prefix_list_ids: p
            .prefix_list_ids()
            .iter()
            .map(|l| m::PrefixListId {
                prefix_list_id: l.prefix_list_id().unwrap_or_default().to_owned(),
                description: s(l.description()),
            })
            .collect(),
    }
}

pub(super) fn security_group(g: &sdk::SecurityGroup) -> m::SecurityGroup {
    m::SecurityGroup {
        group_id: g.group_id().unwrap_or_default().to_owned(),
        group_name: g.group_name().unwrap_or_default().to_owned(),
        vpc_id: s(g.vpc_id()),
        description: s(g.description()),
        ip_permissions: g.ip_permissions().iter().map(permission).collect(),
        ip_permissions_egress: g.ip_permissions_egress().iter().map(permission).collect(),
        tags: tags(g.tags()),
    }
}

pub(super) fn subnet(x: &sdk::Subnet) -> m::Subnet {
    m::Subnet {
        subnet_id: x.subnet_id().unwrap_or_default().to_owned(),
        vpc_id: x.vpc_id().unwrap_or_default().to_owned(),
        availability_zone: s(x.availability_zone()),
        cidr_block: s(x.cidr_block()),
        map_public_ip_on_launch: x.map_public_ip_on_launch().unwrap_or(false),
        tags: tags(x.tags()),
    }
}

pub(super) fn vpc(v: &sdk::Vpc) -> m::Vpc {
    m::Vpc {
        vpc_id: v.vpc_id().unwrap_or_default().to_owned(),
        cidr_block: s(v.cidr_block()),
        is_default: v.is_default().unwrap_or(false),
        enable_dns_support: None,
        enable_dns_hostnames: None,
        tags: tags(v.tags()),
    }
}

pub(super) fn route_table(t: &sdk::RouteTable) -> m::RouteTable {
    m::RouteTable {
        route_table_id: t.route_table_id().unwrap_or_default().to_owned(),
        vpc_id: s(t.vpc_id()),
        associations: t
            .associations()
            .iter()
            .map(|a| m::RouteTableAssociation {
                subnet_id: s(a.subnet_id()),
                gateway_id: s(a.gateway_id()),
                main: a.main().unwrap_or(false),
            })
            .collect(),
        routes: t
            .routes()
            .iter()
            .map(|r| m::Route {
                destination_cidr_block: s(r.destination_cidr_block()),
                destination_ipv6_cidr_block: s(r.destination_ipv6_cidr_block()),
                destination_prefix_list_id: s(r.destination_prefix_list_id()),
                gateway_id: s(r.gateway_id()),
                nat_gateway_id: s(r.nat_gateway_id()),
                transit_gateway_id: s(r.transit_gateway_id()),
                vpc_peering_connection_id: s(r.vpc_peering_connection_id()),
                egress_only_internet_gateway_id: s(r.egress_only_internet_gateway_id()),
                instance_id: s(r.instance_id()),
                network_interface_id: s(r.network_interface_id()),
                state: r.state().map(|x| x.as_str().to_owned()),
            })
            .collect(),
        tags: tags(t.tags()),
    }
}

pub(super) fn flow_log(f: &sdk::FlowLog) -> m::FlowLog {
    m::FlowLog {
        flow_log_id: f.flow_log_id().unwrap_or_default().to_owned(),
        resource_id: f.resource_id().unwrap_or_default().to_owned(),
        traffic_type: f.traffic_type().map(|x| x.as_str().to_owned()),
        flow_log_status: s(f.flow_log_status()),
        deliver_logs_status: s(f.deliver_logs_status()),
        log_destination_type: f.log_destination_type().map(|x| x.as_str().to_owned()),
        log_destination: s(f.log_destination()).or_else(|| s(f.log_group_name())),
    }
}
