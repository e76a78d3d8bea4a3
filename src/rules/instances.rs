//! Container instances and capacity providers: the ECS agent, instance types, scaling.

use super::Rule;

pub(super) const RULES: &[&Rule] = &[];
