//! The conditions of Security Hub controls that are narrower than the rules evidencing them,
//! shared by the Security Hub standards we model (FSBP and NIST SP 800-53). Source: the
//! control pages, as recorded in docs/research/securityhub-controls.md §2.

use super::{Condition, evidence, from_anywhere, open_ports};
use crate::rules::Finding;

/// EC2.19's `blockedPorts` (not customisable).
pub(super) const EC2_19_PORTS: &[i64] = &[
    20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088,
    8888, 9200, 9300,
];

/// EC2.18's default `authorizedTcpPorts`.
const EC2_18_AUTHORIZED: &[&str] = &["tcp 80", "tcp 443"];

/// ECS.8's `secretKeys` (not customisable).
const ECS_8_NAMES: &[&str] = &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"];

const ALL_TRAFFIC_RULE: &str = "security-group-all-traffic-open";

fn ec2_13(f: &Finding) -> bool {
    from_anywhere(f) && (f.rule.id == ALL_TRAFFIC_RULE || open_ports(f).contains(&22))
}

fn ec2_18(f: &Finding) -> bool {
    let Some(rules) = evidence(f, "ingress_rules") else {
        return false;
    };
    rules.split(';').any(|entry| {
        let exact = entry.split([',', ' ']).any(|w| w == "0.0.0.0/0" || w == "::/0");
        let authorized = EC2_18_AUTHORIZED.iter().any(|p| entry.contains(&format!("{p} from")));
        exact && !authorized
    })
}

fn ec2_19(f: &Finding) -> bool {
    from_anywhere(f) && (f.rule.id == ALL_TRAFFIC_RULE || open_ports(f).iter().any(|p| EC2_19_PORTS.contains(p)))
}

fn ecs_8(f: &Finding) -> bool {
    evidence(f, "variable").is_some_and(|v| ECS_8_NAMES.contains(&v))
}

fn elb_5(f: &Finding) -> bool {
    evidence(f, "load_balancer_type") != Some("network")
}

pub(super) const EC2_13: Condition = Condition { summary: "ingress from 0.0.0.0/0 or ::/0 to port 22", counts: ec2_13 };
pub(super) const EC2_18: Condition = Condition {
    summary: "unrestricted ingress (0.0.0.0/0 or ::/0) to any TCP port other than 80 and 443, on any security group",
    counts: ec2_18,
};
pub(super) const EC2_19: Condition = Condition {
    summary: "unrestricted ingress (0.0.0.0/0 or ::/0) to one of Security Hub's 24 high-risk ports",
    counts: ec2_19,
};
pub(super) const ECS_8: Condition = Condition {
    summary: "an environment variable named AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or ECS_ENGINE_AUTH_DATA, whatever its value",
    counts: ecs_8,
};
pub(super) const ELB_5: Condition = Condition {
    summary: "Application (and Classic) Load Balancers only; Network Load Balancers are out of scope",
    counts: elb_5,
};
