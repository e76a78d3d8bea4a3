//! Network infrastructure: VPCs, subnets, route tables, internet gateways, flow logs and security groups.

use super::Rule;

pub(super) const RULES: &[&Rule] = &[];
