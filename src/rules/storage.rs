//! Storage: EFS, host and Docker volumes, tmpfs.

use super::Rule;

pub(super) const RULES: &[&Rule] = &[];
