//! Resource management: memory and CPU limits, Fargate task sizes.

use super::Rule;

pub(super) const RULES: &[&Rule] = &[];
