//! Service networking: public IPs, task security groups, Service Connect, Fargate platform versions, network modes.

use super::Rule;

pub(super) const RULES: &[&Rule] = &[];
