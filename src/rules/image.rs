//! Images and ECR: what runs, where it comes from, how it is scanned and stored.

use super::Rule;

pub(super) const RULES: &[&Rule] = &[];
