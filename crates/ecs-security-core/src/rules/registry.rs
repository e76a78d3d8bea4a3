//! The explicit list of rules. A rule exists for the engine only when it is listed here.

use std::sync::LazyLock;

use super::{
    Rule, classic_load_balancer, cluster, container, dns, iam, image, infrastructure, instances, load_balancer, mesh,
    network, resources, secrets, storage,
};

static ALL: LazyLock<Vec<&'static Rule>> = LazyLock::new(|| {
    [
        cluster::RULES,
        instances::RULES,
        network::RULES,
        iam::RULES,
        container::RULES,
        resources::RULES,
        image::RULES,
        secrets::RULES,
        infrastructure::RULES,
        load_balancer::RULES,
        classic_load_balancer::RULES,
        mesh::RULES,
        storage::RULES,
        dns::RULES,
    ]
    .concat()
});

/// Every rule, in domain order.
pub fn all() -> &'static [&'static Rule] {
    &ALL
}

/// The rule with this id.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    all().iter().copied().find(|r| r.id == id)
}
