//! Load balancers reached through the services' target groups, with their listeners and
//! attributes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct LoadBalancing {
    pub load_balancers: Vec<LoadBalancer>,
    pub target_groups: Vec<TargetGroup>,
    /// Classic Load Balancers named by the services (`loadBalancerName`).
    pub classic_load_balancers: Vec<super::ClassicLoadBalancer>,
}

impl LoadBalancing {
    pub fn target_group(&self, arn: &str) -> Option<&TargetGroup> {
        self.target_groups.iter().find(|t| t.target_group_arn == arn)
    }

    pub fn load_balancer(&self, arn: &str) -> Option<&LoadBalancer> {
        self.load_balancers.iter().find(|l| l.load_balancer_arn == arn)
    }

    pub fn classic_load_balancer(&self, name: &str) -> Option<&super::ClassicLoadBalancer> {
        self.classic_load_balancers.iter().find(|l| l.load_balancer_name == name)
    }
}

/// A load balancer (DescribeLoadBalancers), with DescribeListeners and
/// DescribeLoadBalancerAttributes folded in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct LoadBalancer {
    pub load_balancer_arn: String,
    pub load_balancer_name: String,
    pub dns_name: Option<String>,
    /// application, network or gateway.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// internet-facing or internal.
    pub scheme: Option<String>,
    pub vpc_id: Option<String>,
    pub state: Option<String>,
    pub security_groups: Vec<String>,
    pub availability_zones: Vec<AvailabilityZone>,
    /// Attribute key → value, e.g. `deletion_protection.enabled` → `true`.
    pub attributes: BTreeMap<String, String>,
    pub listeners: Vec<Listener>,
}

impl LoadBalancer {
    pub fn is_internet_facing(&self) -> bool {
        self.scheme.as_deref() == Some("internet-facing")
    }

    pub fn is_application(&self) -> bool {
        self.kind.as_deref() == Some("application")
    }

    pub fn is_network(&self) -> bool {
        self.kind.as_deref() == Some("network")
    }

    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).map(String::as_str)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct AvailabilityZone {
    pub zone_name: Option<String>,
    pub subnet_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Listener {
    pub listener_arn: String,
    pub port: Option<i64>,
    /// HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP or GENEVE.
    pub protocol: Option<String>,
    /// Only meaningful on HTTPS and TLS listeners.
    pub ssl_policy: Option<String>,
    pub certificates: Vec<Certificate>,
    pub default_actions: Vec<ListenerAction>,
    pub alpn_policy: Vec<String>,
}

impl Listener {
    pub fn protocol(&self) -> &str {
        self.protocol.as_deref().unwrap_or("")
    }

    pub fn is_encrypted(&self) -> bool {
        matches!(self.protocol(), "HTTPS" | "TLS")
    }

    /// Whether every default action redirects to HTTPS.
    pub fn redirects_to_https(&self) -> bool {
        !self.default_actions.is_empty()
            && self.default_actions.iter().all(|a| {
                a.kind.as_deref() == Some("redirect")
                    && a.redirect_config.as_ref().and_then(|r| r.protocol.as_deref()).is_some_and(|p| p == "HTTPS")
            })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Certificate {
    pub certificate_arn: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ListenerAction {
    /// forward, redirect, fixed-response, authenticate-oidc or authenticate-cognito.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub target_group_arn: Option<String>,
    pub redirect_config: Option<RedirectConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RedirectConfig {
    pub protocol: Option<String>,
    pub port: Option<String>,
    pub status_code: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct TargetGroup {
    pub target_group_arn: String,
    pub target_group_name: String,
    pub protocol: Option<String>,
    pub port: Option<i64>,
    /// instance, ip, lambda or alb.
    pub target_type: Option<String>,
    pub vpc_id: Option<String>,
    pub load_balancer_arns: Vec<String>,
    pub health_check_enabled: Option<bool>,
    pub health_check_path: Option<String>,
    pub health_check_protocol: Option<String>,
}
