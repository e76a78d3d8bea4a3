//! DNS: container resolvers and host overrides.

use super::Rule;

pub(super) const RULES: &[&Rule] = &[];
