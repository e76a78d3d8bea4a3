//! Stable finding ids: the same problem on the same resource keeps its id across runs,
//! re-orderings, a new task-definition revision with the same problem and a redeploy.
//!
//! An id is `<rule-id>:<12 hex digits>`, the digits from a SHA-256 over the account, the
//! region, the resource's kind and stable identity (cluster, service, task-definition
//! family and container: never a revision, a task id or an image tag) and the finding's
//! message with its digits folded (so `app:3` and `app:4` read the same). The message
//! names the field a finding is about (a variable, a port, a path), which keeps two findings
//! of one rule on one resource apart. Rewording a rule's message changes its ids.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::model::{ResourceKind, ResourceRef};

use super::Finding;

/// Gives every finding its id; findings that would share one get `-2`, `-3`… in order.
pub(crate) fn assign(findings: &mut [Finding], account: Option<&str>, region: &str) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for f in findings {
        let base = id(f.rule.id, &f.resource, &f.message, account, region);
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        f.id = if *n == 1 { base } else { format!("{base}-{n}") };
    }
}

/// The id of a finding of `rule` on `resource` with `message`.
pub fn id(rule: &str, resource: &ResourceRef, message: &str, account: Option<&str>, region: &str) -> String {
    let p = &resource.path;
    let family = p.task_definition.as_deref().map(without_revision);
    // Containers and images are named by their container; tasks by their family; the rest
    // by their own name or id.
    let name = match resource.kind {
        ResourceKind::Container | ResourceKind::ContainerImage => p.container.as_deref().unwrap_or(&resource.name),
        ResourceKind::TaskDefinition | ResourceKind::Task => family.unwrap_or(without_revision(&resource.name)),
        _ => &resource.name,
    };
    let parts = [
        account.unwrap_or(""),
        region,
        resource.kind.label(),
        p.cluster.as_deref().unwrap_or(""),
        p.service.as_deref().unwrap_or(""),
        family.unwrap_or(""),
        p.container.as_deref().unwrap_or(""),
        name,
        &fold_digits(message),
    ];
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part.as_bytes());
        hash.update([0x1f]);
    }
    let digest = hash.finalize();
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("{rule}:{hex}")
}

/// `family:12` → `family`; anything else unchanged.
fn without_revision(s: &str) -> &str {
    match s.rsplit_once(':') {
        Some((family, rev)) if !rev.is_empty() && rev.bytes().all(|b| b.is_ascii_digit()) => family,
        _ => s,
    }
}

/// Every run of digits becomes one `#`.
fn fold_digits(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_digits = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ResourcePath;

    fn container(td: &str, image: &str) -> ResourceRef {
        ResourceRef::new(ResourceKind::Container, "web")
            .with_arn(format!("arn:aws:ecs:eu-west-1:111122223333:task-definition/{td}"))
            .with_path(ResourcePath {
                cluster: Some("prod".into()),
                service: Some("api".into()),
                task_definition: Some(td.into()),
                container: Some("web".into()),
            })
            .with_qualifier(image)
    }

    #[test]
    fn a_new_revision_keeps_the_id() {
        let a = id("container-privileged", &container("app:3", "x"), "container `web` in app:3", None, "eu-west-1");
        let b = id("container-privileged", &container("app:4", "y"), "container `web` in app:4", None, "eu-west-1");
        assert_eq!(a, b);
        assert!(a.starts_with("container-privileged:") && a.len() == "container-privileged:".len() + 12);
    }

    #[test]
    fn another_resource_field_or_region_changes_it() {
        let r = container("app:3", "x");
        let base = id("r", &r, "variable `DB_PASSWORD`", None, "eu-west-1");
        assert_ne!(base, id("r", &r, "variable `API_TOKEN`", None, "eu-west-1"));
        assert_ne!(base, id("r", &r, "variable `DB_PASSWORD`", None, "us-east-1"));
        assert_ne!(base, id("r", &r, "variable `DB_PASSWORD`", Some("444455556666"), "eu-west-1"));
        assert_ne!(base, id("other", &r, "variable `DB_PASSWORD`", None, "eu-west-1"));
        let mut other = r.clone();
        other.path.service = Some("worker".into());
        assert_ne!(base, id("r", &other, "variable `DB_PASSWORD`", None, "eu-west-1"));
    }

    #[test]
    fn folding() {
        assert_eq!(fold_digits("app:12 pushed 200 days ago"), "app:# pushed # days ago");
        assert_eq!(without_revision("app:12"), "app");
        assert_eq!(without_revision("sg-0abc"), "sg-0abc");
    }
}
