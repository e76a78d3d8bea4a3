//! Load balancers: listeners, TLS policies and attributes of the load balancers in front of services.

use super::Rule;

pub(super) const RULES: &[&Rule] = &[];
