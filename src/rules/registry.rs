//! The explicit list of rules. A rule exists for the engine only when it is listed here.

use std::sync::LazyLock;

use super::{Rule, cluster, container, iam, secrets};

static ALL: LazyLock<Vec<&'static Rule>> =
    LazyLock::new(|| [cluster::RULES, container::RULES, iam::RULES, secrets::RULES].concat());

/// Every rule, in domain order.
pub fn all() -> &'static [&'static Rule] {
    &ALL
}

/// The rule with this id.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    all().iter().copied().find(|r| r.id == id)
}
