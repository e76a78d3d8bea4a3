//! The network the cluster uses: its VPCs, subnets, route tables, internet gateways, flow
//! logs and security groups. Only what the cluster's services, tasks and instances touch.

use serde::{Deserialize, Serialize};

use super::Tag;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Network {
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub flow_logs: Vec<FlowLog>,
    pub security_groups: Vec<SecurityGroup>,
}

impl Network {
    pub fn vpc(&self, id: &str) -> Option<&Vpc> {
        self.vpcs.iter().find(|v| v.vpc_id == id)
    }

    pub fn subnet(&self, id: &str) -> Option<&Subnet> {
        self.subnets.iter().find(|s| s.subnet_id == id)
    }

    pub fn security_group(&self, id: &str) -> Option<&SecurityGroup> {
        self.security_groups.iter().find(|g| g.group_id == id)
    }

    /// The route table that applies to a subnet: its explicit association, else the VPC's
    /// main table.
    pub fn route_table_for_subnet(&self, subnet: &Subnet) -> Option<&RouteTable> {
        self.route_tables
            .iter()
            .find(|t| t.associations.iter().any(|a| a.subnet_id.as_deref() == Some(subnet.subnet_id.as_str())))
            .or_else(|| {
                self.route_tables.iter().find(|t| {
                    t.vpc_id.as_deref() == Some(subnet.vpc_id.as_str()) && t.associations.iter().any(|a| a.main)
                })
            })
    }

    /// A subnet with a route to an internet gateway: the subnet, its route table and the
    /// gateway id. `None` when the subnet or its table was not collected, or has no such route.
    pub fn public_route(&self, subnet_id: &str) -> Option<(&Subnet, &RouteTable, String)> {
        let subnet = self.subnet(subnet_id)?;
        let rt = self.route_table_for_subnet(subnet)?;
        let route = rt.internet_gateway_route()?;
        Some((subnet, rt, route.gateway_id.clone().unwrap_or_default()))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Vpc {
    pub vpc_id: String,
    pub cidr_block: Option<String>,
    pub is_default: bool,
    /// DescribeVpcAttribute enableDnsSupport; `None` when not collected.
    pub enable_dns_support: Option<bool>,
    /// DescribeVpcAttribute enableDnsHostnames; `None` when not collected.
    pub enable_dns_hostnames: Option<bool>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Subnet {
    pub subnet_id: String,
    pub vpc_id: String,
    pub availability_zone: Option<String>,
    pub cidr_block: Option<String>,
    pub map_public_ip_on_launch: bool,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RouteTable {
    pub route_table_id: String,
    pub vpc_id: Option<String>,
    pub associations: Vec<RouteTableAssociation>,
    pub routes: Vec<Route>,
    pub tags: Vec<Tag>,
}

impl RouteTable {
    /// The active route for 0.0.0.0/0 or ::/0 through an internet gateway, if any.
    pub fn internet_gateway_route(&self) -> Option<&Route> {
        self.routes.iter().find(|r| {
            r.is_default_route()
                && r.gateway_id.as_deref().is_some_and(|g| g.starts_with("igw-"))
                && r.state.as_deref() != Some("blackhole")
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RouteTableAssociation {
    pub subnet_id: Option<String>,
    pub gateway_id: Option<String>,
    pub main: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Route {
    pub destination_cidr_block: Option<String>,
    pub destination_ipv6_cidr_block: Option<String>,
    pub destination_prefix_list_id: Option<String>,
    pub gateway_id: Option<String>,
    pub nat_gateway_id: Option<String>,
    pub transit_gateway_id: Option<String>,
    pub vpc_peering_connection_id: Option<String>,
    pub egress_only_internet_gateway_id: Option<String>,
    pub instance_id: Option<String>,
    pub network_interface_id: Option<String>,
    /// active or blackhole.
    pub state: Option<String>,
}

impl Route {
    /// Whether the route covers all addresses (0.0.0.0/0 or ::/0).
    pub fn is_default_route(&self) -> bool {
        self.destination_cidr_block.as_deref() == Some("0.0.0.0/0")
            || self.destination_ipv6_cidr_block.as_deref() == Some("::/0")
    }

    pub fn destination(&self) -> &str {
        self.destination_cidr_block
            .as_deref()
            .or(self.destination_ipv6_cidr_block.as_deref())
            .or(self.destination_prefix_list_id.as_deref())
            .unwrap_or("?")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct FlowLog {
    pub flow_log_id: String,
    pub resource_id: String,
    /// ACCEPT, REJECT or ALL.
    pub traffic_type: Option<String>,
    /// ACTIVE.
    pub flow_log_status: Option<String>,
    /// SUCCESS or FAILED.
    pub deliver_logs_status: Option<String>,
    pub log_destination_type: Option<String>,
    pub log_destination: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct SecurityGroup {
    pub group_id: String,
    pub group_name: String,
    pub vpc_id: Option<String>,
    pub description: Option<String>,
    pub ip_permissions: Vec<IpPermission>,
    pub ip_permissions_egress: Vec<IpPermission>,
    pub tags: Vec<Tag>,
}

impl SecurityGroup {
    pub fn is_default(&self) -> bool {
        self.group_name == "default"
    }
}

/// One security-group rule set: a protocol and port range with its sources.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct IpPermission {
    /// tcp, udp, icmp, icmpv6, a protocol number, or -1 for all traffic.
    pub ip_protocol: String,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    pub ip_ranges: Vec<IpRange>,
    pub ipv6_ranges: Vec<Ipv6Range>,
    pub user_id_group_pairs: Vec<UserIdGroupPair>,
    pub prefix_list_ids: Vec<PrefixListId>,
}

impl IpPermission {
    /// Whether this rule covers every protocol.
    pub fn all_traffic(&self) -> bool {
        self.ip_protocol == "-1" || self.ip_protocol.eq_ignore_ascii_case("all")
    }

    /// Whether the rule admits TCP (or all traffic) on `port`.
    pub fn covers_tcp_port(&self, port: i64) -> bool {
        if self.all_traffic() {
            return true;
        }
        if self.ip_protocol != "tcp" && self.ip_protocol != "6" {
            return false;
        }
        match (self.from_port, self.to_port) {
            (Some(from), Some(to)) if from <= to => (from..=to).contains(&port),
            (Some(from), Some(_)) => from == port,
            // No range on a tcp rule means all ports.
            _ => true,
        }
    }

    /// Whether any source is the internet: 0.0.0.0/0, ::/0, or a prefix so wide (shorter
    /// than /8, such as 0.0.0.0/1) that it is the internet in practice.
    pub fn open_to_internet(&self) -> bool {
        !self.internet_sources().is_empty()
    }

    /// The internet-wide sources of this rule, for evidence.
    pub fn internet_sources(&self) -> Vec<&str> {
        let v4 = self.ip_ranges.iter().map(|r| r.cidr_ip.as_str());
        let v6 = self.ipv6_ranges.iter().map(|r| r.cidr_ipv6.as_str());
        v4.chain(v6).filter(|c| is_internet_wide(c)).collect()
    }

    /// `tcp 22`, `tcp 0-65535`, `all traffic`: a readable port description.
    pub fn describe_ports(&self) -> String {
        if self.all_traffic() {
            return "all traffic".to_owned();
        }
        match (self.from_port, self.to_port) {
            (Some(f), Some(t)) if f == t => format!("{} {f}", self.ip_protocol),
            (Some(f), Some(t)) => format!("{} {f}-{t}", self.ip_protocol),
            _ => format!("{} (all ports)", self.ip_protocol),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct IpRange {
    pub cidr_ip: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Ipv6Range {
    pub cidr_ipv6: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct UserIdGroupPair {
    pub group_id: Option<String>,
    pub user_id: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PrefixListId {
    pub prefix_list_id: String,
    pub description: Option<String>,
}

/// Whether a CIDR block is the internet in practice: a prefix shorter than /8 (`0.0.0.0/0`,
/// `0.0.0.0/1`, `::/0`, `2000::/3`).
pub fn is_internet_wide(cidr: &str) -> bool {
    cidr.trim().rsplit_once('/').and_then(|(_, len)| len.parse::<u32>().ok()).is_some_and(|len| len < 8)
}

#[cfg(test)]
mod wide_prefix_tests {
    #[test]
    fn very_wide_prefixes_are_the_internet() {
        for c in ["0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1", "0.0.0.0/7", "::/0", "2000::/3"] {
            assert!(super::is_internet_wide(c), "{c}");
        }
        for c in ["10.0.0.0/8", "172.16.0.0/12", "203.0.113.7/32", "fd00::/8", "garbage"] {
            assert!(!super::is_internet_wide(c), "{c}");
        }
    }
}
