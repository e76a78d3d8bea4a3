//! Service mesh and Envoy: App Mesh end of support and Envoy proxy images.

use super::Rule;

pub(super) const RULES: &[&Rule] = &[];
