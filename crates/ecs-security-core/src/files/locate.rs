//! Where a finding is in its file: the key that causes it, or the object that lacks it.
//!
//! Each rule names the fields it is about, relative to the resource it reports on (a
//! container, a task definition or a service). A segment `name[key=@evidence]` picks the
//! list element whose `key` equals the finding's evidence `evidence`, or the first item of
//! it when the evidence is a list (`[key=TEXT]` a literal); `a|b` is whichever of the two
//! comes later in the file. The first path found in the file wins; when none is, the deepest object on the
//! first path is the place (a missing key is reported on its parent).

use serde::Serialize;

use super::read::{ServiceUnit, Unit};
use super::tree::{Kind, Node, Pos, escape};
use crate::model::ResourceKind;
use crate::rules::Finding;

/// One finding's place in its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Located {
    /// The index of the finding in [`crate::rules::Analysis::findings`].
    pub finding: usize,
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// RFC 6901 pointer into the file (into the embedded JSON for Terraform's
    /// `container_definitions` string, whose positions are the string's).
    pub pointer: String,
}

/// Rule id (or id prefix ending in `-`) → the fields it is about, most specific first.
const FIELDS: &[(&str, &[&str])] = &[
    ("container-privileged", &["privileged"]),
    ("container-logging-missing", &["logConfiguration"]),
    ("container-health-check", &["healthCheck"]),
    ("container-runs-as-root", &["user"]),
    ("container-windows-admin-user", &["user"]),
    ("task-host-network-root-user", &["user"]),
    ("container-root-filesystem-writable", &["readonlyRootFilesystem"]),
    ("container-environment-secrets", &["environment[name=@variable]", "environment"]),
    ("container-command-secrets", &["command", "entryPoint", "healthCheck/command"]),
    (
        "secrets-",
        &[
            "secrets[name=@variable]/valueFrom",
            "secrets[name=@secrets]/valueFrom",
            "logConfiguration/secretOptions[name=@variable]/valueFrom",
            "secrets",
        ],
    ),
    (
        "container-dangerous-capabilities",
        &["linuxParameters/capabilities/add[=@capabilities.add]", "linuxParameters/capabilities/add"],
    ),
    ("container-capabilities-not-dropped", &["linuxParameters/capabilities/drop"]),
    (
        "container-host-devices",
        &[
            "linuxParameters/devices[hostPath=@exposes_host]",
            "linuxParameters/devices[hostPath=@devices]",
            "linuxParameters/devices",
        ],
    ),
    ("container-init-process", &["linuxParameters/initProcessEnabled"]),
    ("container-tmpfs", &["linuxParameters/tmpfs"]),
    (
        "container-sensitive-host-path",
        &["mountPoints[containerPath=@containerPath]", "mountPoints[sourceVolume=@volume]"],
    ),
    ("container-docker-socket", &["mountPoints[containerPath=@containerPath]", "mountPoints[sourceVolume=@volume]"]),
    (
        "container-writable-host-mount",
        &["mountPoints[containerPath=@containerPath]", "mountPoints[sourceVolume=@volume]"],
    ),
    ("container-custom-dns", &["dnsServers"]),
    ("container-dns-search", &["dnsSearchDomains"]),
    ("container-extra-hosts", &["extraHosts"]),
    ("container-no-new-privileges", &["dockerSecurityOptions"]),
    ("container-security-profile", &["dockerSecurityOptions"]),
    ("container-memory-limit", &["memory", "memoryReservation"]),
    ("container-version-consistency", &["versionConsistency"]),
    ("container-image-missing", &["image"]),
    ("container-image-", &["image"]),
    ("envoy-debug-logging", &["environment[name=ENVOY_LOG_LEVEL]/value", "command"]),
    ("envoy-", &["image"]),
    ("image-", &["image"]),
    ("appmesh-", &["proxyConfiguration/type", "proxyConfiguration"]),
    ("task-host-network-mode", &["networkMode"]),
    ("workload-network-mode", &["networkMode"]),
    ("task-host-pid", &["pidMode"]),
    ("task-fault-injection", &["enableFaultInjection"]),
    ("task-host-ipc", &["ipcMode"]),
    // The later of the two equal roles.
    ("task-role-same-as-execution-role", &["taskRoleArn|executionRoleArn"]),
    ("task-role-", &["taskRoleArn"]),
    ("task-execution-role", &["executionRoleArn"]),
    ("efs-transit-encryption", &["volumes[name=@volume]/efsVolumeConfiguration/transitEncryption"]),
    ("efs-iam-authorization", &["volumes[name=@volume]/efsVolumeConfiguration/authorizationConfig/iam"]),
    (
        "efs-access-point",
        &[
            "volumes[name=@volume]/efsVolumeConfiguration/authorizationConfig/accessPointId",
            "volumes[name=@volume]/efsVolumeConfiguration",
        ],
    ),
    ("docker-volume-", &["volumes[name=@volume]/dockerVolumeConfiguration/scope"]),
    ("host-volume", &["volumes[name=@volume]/host/sourcePath"]),
    ("fargate-task-cpu", &["cpu"]),
    ("fargate-task-memory", &["memory"]),
    ("task-definition-untagged", &["tags"]),
    ("service-assigns-public-ip", &["networkConfiguration/awsvpcConfiguration/assignPublicIp"]),
    ("service-security-group", &["networkConfiguration/awsvpcConfiguration/securityGroups"]),
    ("service-deployment-circuit-breaker", &["deploymentConfiguration/deploymentCircuitBreaker"]),
    ("service-untagged", &["tags"]),
    ("service-exec", &["enableExecuteCommand"]),
];

/// The fields a rule is about (empty when the table does not know the rule).
pub(crate) fn fields(rule_id: &str) -> &'static [&'static str] {
    FIELDS
        .iter()
        .find(|(id, _)| {
            *id == rule_id || (id.ends_with('-') && rule_id.starts_with(id)) || rule_id.starts_with(&format!("{id}-"))
        })
        .map_or(&[], |(_, f)| f)
}

/// Places `finding` in the file's units.
pub(crate) fn locate(finding: &Finding, units: &[Unit], services: &[ServiceUnit]) -> Option<(String, Pos)> {
    let arn = finding.resource.arn.as_deref()?;
    let evidence = |key: &str| finding.evidence.iter().find(|e| e.key == key).map(|e| e.value.as_str());
    let candidates = fields(finding.rule.id);
    if let Some(s) = services.iter().find(|s| s.service.service_arn == arn) {
        if let Some(hit) = first_found(&s.root, &s.pointer, candidates, &evidence) {
            return Some(hit);
        }
        let td = s.service.task_definition.as_deref();
        if let Some(u) = units.iter().find(|u| Some(u.task_definition.task_definition_arn.as_str()) == td)
            && let Some(hit) = first_found(&u.root, &u.pointer, candidates, &evidence)
        {
            return Some(hit);
        }
        return Some(deepest(&s.root, &s.pointer, candidates.first().copied().unwrap_or(""), &evidence));
    }
    let unit = units.iter().find(|u| u.task_definition.task_definition_arn == arn)?;
    let (node, pointer) = match finding.resource.kind {
        ResourceKind::Container | ResourceKind::ContainerImage => {
            let name = finding.resource.path.container.as_deref()?;
            let i = unit.task_definition.container_definitions.iter().position(|c| c.name == name)?;
            (unit.root.get("containerDefinitions")?.items().get(i)?, unit.containers.get(i)?.as_str())
        }
        _ => (&unit.root, unit.pointer.as_str()),
    };
    if let Some(hit) = first_found(node, pointer, candidates, &evidence) {
        return Some(hit);
    }
    // Rules the table does not know: an evidence key that is a field of the resource.
    if candidates.is_empty() {
        for e in &finding.evidence {
            if let Some(entry) = node.entry(&e.key).filter(|e| e.value.kind != Kind::Null) {
                return Some((format!("{pointer}/{}", escape(&entry.key)), entry.key_pos));
            }
        }
    }
    Some(deepest(node, pointer, candidates.first().copied().unwrap_or(""), &evidence))
}

fn first_found<'e>(
    node: &Node,
    pointer: &str,
    candidates: &[&str],
    evidence: &dyn Fn(&str) -> Option<&'e str>,
) -> Option<(String, Pos)> {
    candidates.iter().find_map(|path| {
        path.split('|')
            .filter_map(|p| {
                let (ptr, pos, complete) = walk(node, pointer, p, evidence);
                complete.then_some((ptr, pos))
            })
            .max_by_key(|(_, pos)| *pos)
    })
}

fn deepest<'e>(node: &Node, pointer: &str, path: &str, evidence: &dyn Fn(&str) -> Option<&'e str>) -> (String, Pos) {
    let (ptr, pos, _) = walk(node, pointer, path.split('|').next().unwrap_or(""), evidence);
    (ptr, pos)
}

/// Follows `path` from `node`: the pointer and position reached, and whether all of it was.
fn walk<'e>(
    mut node: &Node,
    pointer: &str,
    path: &str,
    evidence: &dyn Fn(&str) -> Option<&'e str>,
) -> (String, Pos, bool) {
    let mut ptr = pointer.to_owned();
    let mut pos = node.pos;
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let (name, select) = match segment.split_once('[') {
            Some((n, rest)) => (n, rest.strip_suffix(']').and_then(|s| s.split_once('='))),
            None => (segment, None),
        };
        // An explicit null stays a place: it is the line to change.
        let Some(entry) = node.entry(name) else {
            return (ptr, pos, false);
        };
        ptr = format!("{ptr}/{}", escape(&entry.key));
        pos = entry.key_pos;
        node = &entry.value;
        if let Some((key, wanted)) = select {
            let wanted = match wanted.strip_prefix('@') {
                Some(ev) => evidence(ev),
                None => Some(wanted),
            };
            let found = wanted.and_then(|w| {
                let heads = heads(w);
                node.items().iter().enumerate().find(|(_, item)| {
                    // `[=…]` selects a string item itself (a capability in `add`).
                    let v = if key.is_empty() { item.str() } else { item.get(key).and_then(Node::str) };
                    v.is_some_and(|v| heads.iter().any(|h| v == *h || key.is_empty() && same_capability(v, h)))
                })
            });
            let Some((i, item)) = found else {
                return (ptr, pos, false);
            };
            ptr = format!("{ptr}/{i}");
            pos = if key.is_empty() { item.pos } else { item.entry(key).map_or(item.pos, |e| e.key_pos) };
            node = item;
        }
    }
    (ptr, pos, true)
}

/// What an evidence value may name a list item by: the whole value, its first element
/// (`SYS_ADMIN, NET_RAW` → `SYS_ADMIN`; `a; b` → `a`) and that element's subject
/// (`/dev/xvda -> /dev/sda (read)` and `/dev/xvda: why` → `/dev/xvda`).
fn heads(evidence: &str) -> Vec<&str> {
    let first = evidence.split("; ").next().unwrap_or(evidence);
    let first = first.split(", ").next().unwrap_or(first);
    let subject = first.split(" -> ").next().unwrap_or(first);
    let subject = subject.split(": ").next().unwrap_or(subject);
    vec![evidence, first, subject.trim()]
}

/// Whether two capability names are the same, ignoring case and a `CAP_` prefix (the file
/// may say `sys_admin` or `CAP_SYS_ADMIN` where the evidence says `SYS_ADMIN`).
fn same_capability(item: &str, head: &str) -> bool {
    let norm = |s: &str| {
        let upper = s.trim().to_ascii_uppercase();
        upper.strip_prefix("CAP_").map_or(upper.clone(), str::to_owned)
    };
    norm(item) == norm(head)
}

/// Whether `a` is `b` or inside it, as JSON pointers.
pub(crate) fn within(a: &str, b: &str) -> bool {
    a == b || a.strip_prefix(b).is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_map_to_fields() {
        assert_eq!(fields("container-privileged"), &["privileged"]);
        assert_eq!(fields("container-image-not-pinned"), &["image"]);
        assert_eq!(fields("secrets-from-parameter-store")[0], "secrets[name=@variable]/valueFrom");
        assert_eq!(fields("task-role-same-as-execution-role"), &["taskRoleArn|executionRoleArn"]);
        assert_eq!(fields("task-role-missing"), &["taskRoleArn"]);
        assert!(fields("no-such-rule").is_empty());
        assert!(within("/a/b/0", "/a/b") && !within("/a/bc", "/a/b"));
    }

    #[test]
    fn walks_to_the_selected_element_or_the_deepest_parent() {
        let node = crate::files::json::parse(
            "{\n\"environment\": [\n {\"name\": \"A\", \"value\": \"1\"},\n {\"name\": \"PASSWORD\", \"value\": \"x\"}\n]}",
        )
        .unwrap();
        let ev = |k: &str| (k == "variable").then_some("PASSWORD");
        let (ptr, pos, ok) = walk(&node, "/c/0", "environment[name=@variable]", &ev);
        assert!(ok);
        assert_eq!((ptr.as_str(), pos.line), ("/c/0/environment/1", 4));
        let caps = crate::files::json::parse(
            "{\"add\": [\n\"NET_RAW\",\n\"cap_sys_admin\"],\n\"devices\": [{\"hostPath\": \"/dev/a\"},\n{\"hostPath\": \"/dev/xvda\"}]}",
        )
        .unwrap();
        let ev = |k: &str| match k {
            "capabilities.add" => Some("SYS_ADMIN, NET_RAW"),
            _ => Some("/dev/xvda -> /dev/sda (read); /dev/a -> /dev/a (read)"),
        };
        assert_eq!(walk(&caps, "", "add[=@capabilities.add]", &ev).1.line, 3);
        assert_eq!(walk(&caps, "", "devices[hostPath=@devices]", &ev).0, "/devices/1");
        let ev = |k: &str| (k == "variable").then_some("PASSWORD");
        let (ptr, pos, ok) = walk(&node, "", "logConfiguration", &ev);
        assert!(!ok);
        assert_eq!((ptr.as_str(), pos.line), ("", 1));
    }
}
