//! Classic Load Balancers that services register with by name (`loadBalancerName`), with
//! their listeners, attributes and SSL negotiation policies.
//!
//! Classic and v2 load balancers share the `elasticloadbalancing` IAM actions
//! (`DescribeLoadBalancers`, `DescribeLoadBalancerAttributes`); the collector tells their
//! gaps apart by giving every Classic gap a resource that starts with
//! [`CLASSIC_GAP_PREFIX`].

use serde::{Deserialize, Serialize};

/// The start of the `resource` of every gap of a Classic Load Balancer call.
pub const CLASSIC_GAP_PREFIX: &str = "classic-load-balancer/";

/// The gap resource for calls about these Classic Load Balancers.
pub fn classic_gap_resource(names: &[String]) -> String {
    format!("{CLASSIC_GAP_PREFIX}{}", names.join(","))
}

/// A Classic Load Balancer (DescribeLoadBalancers of the 2012-06-01 API), with
/// DescribeLoadBalancerAttributes and DescribeLoadBalancerPolicies folded in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ClassicLoadBalancer {
    pub load_balancer_name: String,
    pub dns_name: Option<String>,
    /// internet-facing or internal.
    pub scheme: Option<String>,
    pub vpc_id: Option<String>,
    pub availability_zones: Vec<String>,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub listeners: Vec<ClassicListener>,
    /// DescribeLoadBalancerAttributes; `None` when not collected (see gaps).
    pub attributes: Option<ClassicAttributes>,
    /// The policies the HTTPS and SSL listeners name (DescribeLoadBalancerPolicies); `None`
    /// when not collected (see gaps).
    pub policies: Option<Vec<ClassicPolicy>>,
}

impl ClassicLoadBalancer {
    pub fn is_internet_facing(&self) -> bool {
        self.scheme.as_deref() == Some("internet-facing")
    }

    pub fn policy(&self, name: &str) -> Option<&ClassicPolicy> {
        self.policies.iter().flatten().find(|p| p.policy_name == name)
    }

    /// The SSL negotiation policy a listener uses, among those collected.
    pub fn negotiation_policy(&self, l: &ClassicListener) -> Option<&ClassicPolicy> {
        l.policy_names.iter().filter_map(|n| self.policy(n)).find(|p| p.is_ssl_negotiation())
    }
}

/// A listener: the front-end protocol and port, and the back-end (instance) ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ClassicListener {
    /// HTTP, HTTPS, TCP or SSL.
    pub protocol: Option<String>,
    pub load_balancer_port: Option<i64>,
    pub instance_protocol: Option<String>,
    pub instance_port: Option<i64>,
    /// An ACM certificate or IAM server certificate ARN (HTTPS and SSL listeners).
    pub ssl_certificate_id: Option<String>,
    pub policy_names: Vec<String>,
}

impl ClassicListener {
    pub fn protocol(&self) -> &str {
        self.protocol.as_deref().unwrap_or("")
    }

    /// HTTPS and SSL front ends terminate TLS at the load balancer.
    pub fn is_encrypted(&self) -> bool {
        self.protocol().eq_ignore_ascii_case("HTTPS") || self.protocol().eq_ignore_ascii_case("SSL")
    }

    /// `HTTPS:443`.
    pub fn label(&self) -> String {
        match self.load_balancer_port {
            Some(p) => format!("{}:{p}", self.protocol()),
            None => self.protocol().to_owned(),
        }
    }
}

/// The attributes the rules read. A field is `None` when the answer did not include it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ClassicAttributes {
    pub access_log_enabled: Option<bool>,
    pub access_log_s3_bucket_name: Option<String>,
    pub cross_zone_load_balancing_enabled: Option<bool>,
    pub connection_draining_enabled: Option<bool>,
    pub connection_draining_timeout: Option<i64>,
    /// `elb.http.desyncmitigationmode` of the additional attributes: monitor, defensive or
    /// strictest.
    pub desync_mitigation_mode: Option<String>,
}

/// A policy of the load balancer (DescribeLoadBalancerPolicies).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ClassicPolicy {
    pub policy_name: String,
    /// `SSLNegotiationPolicyType` for the TLS settings of HTTPS and SSL listeners.
    pub policy_type_name: Option<String>,
    /// The predefined policy it was made from (`Reference-Security-Policy`), if any.
    pub reference_security_policy: Option<String>,
    /// The boolean attributes set to true: protocols (`Protocol-TLSv1.2`), ciphers and
    /// `Server-Defined-Cipher-Order`.
    pub enabled: Vec<String>,
}

impl ClassicPolicy {
    pub fn is_ssl_negotiation(&self) -> bool {
        self.policy_type_name.as_deref() == Some("SSLNegotiationPolicyType")
    }

    /// The protocols it enables (`SSLv3`, `TLSv1`, `TLSv1.1`, `TLSv1.2`), if it lists any.
    pub fn protocols(&self) -> Vec<&str> {
        self.enabled.iter().filter_map(|a| a.strip_prefix("Protocol-")).collect()
    }
}
