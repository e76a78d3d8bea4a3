//! Corrected fragments: for a finding on a container, the container object as the file
//! writes it (its own key casing: `privileged` or CloudFormation's `Privileged`) with the fix
//! applied, for an assistant to write back. Secret values flagged in the container are
//! never echoed: they read `<redacted>`.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::tree::{Kind, Node, same_key};
use super::{json as json_reader, yaml};
use crate::rules::Finding;

/// The container with one fix applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fragment {
    /// The JSON pointer of the object `value` replaces (for a Terraform plan, into the
    /// embedded `container_definitions` JSON).
    pub pointer: String,
    pub value: Value,
    /// What to check before using it (placeholders to fill).
    pub note: &'static str,
}

/// The rules [`corrected`] writes a fragment for.
pub const FIXABLE: &[&str] = &[
    "container-privileged",
    "container-runs-as-root",
    "container-root-filesystem-writable",
    "container-no-new-privileges-missing",
    "container-environment-secrets",
    "container-image-not-pinned",
    "container-capabilities-not-dropped",
    "container-init-process-disabled",
];

/// Parses a file's text (JSON or YAML, as [`super::read`] does) into its tree.
fn parse(path: &str, text: &str) -> Option<Node> {
    let lower = path.to_ascii_lowercase();
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let yaml_name = lower.ends_with(".yaml") || lower.ends_with(".yml");
    let json_like = body.trim_start().starts_with(['{', '[']);
    if json_like && !yaml_name { json_reader::parse(body).ok() } else { yaml::parse(body).ok() }
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// The node at `pointer`, entering JSON embedded in a string (Terraform's
/// `container_definitions`) when the pointer goes on past it.
fn at(root: Node, pointer: &str) -> Option<Node> {
    let mut node = root;
    for seg in pointer.split('/').skip(1).map(unescape) {
        if let Kind::Str(s) = &node.kind {
            node = json_reader::parse(s).ok()?;
        }
        node = match node.kind {
            Kind::Map(entries) => entries.into_iter().find(|e| e.key == seg)?.value,
            Kind::Seq(items) => items.into_iter().nth(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

fn to_value(node: &Node) -> Value {
    match &node.kind {
        Kind::Null => Value::Null,
        Kind::Bool(b) => Value::Bool(*b),
        Kind::Number(n) => serde_json::from_str::<serde_json::Number>(n).map_or_else(|_| json!(n), Value::Number),
        Kind::Str(s) => json!(s),
        Kind::Seq(items) => Value::Array(items.iter().map(to_value).collect()),
        Kind::Map(entries) => Value::Object(entries.iter().map(|e| (e.key.clone(), to_value(&e.value))).collect()),
        // A value known only at deploy time stays a visible placeholder.
        Kind::Unknown(what) => json!(format!("<{what}>")),
    }
}

/// The value at `pointer` in the file, as JSON (YAML and intrinsics converted).
pub fn value_at(path: &str, text: &str, pointer: &str) -> Option<Value> {
    at(parse(path, text)?, pointer).map(|n| to_value(&n))
}

/// The pointer of the container a finding's pointer is in: the element of a
/// `containerDefinitions` list, of a bare array, or the root for one bare container.
pub fn container_pointer(pointer: &str) -> String {
    let segs: Vec<&str> = pointer.split('/').skip(1).collect();
    for (i, s) in segs.iter().enumerate().rev() {
        if same_key(s, "containerDefinitions") && segs.get(i + 1).is_some_and(|n| n.parse::<usize>().is_ok()) {
            return segs[..i + 2].iter().map(|s| format!("/{s}")).collect();
        }
    }
    match segs.first() {
        Some(first) if first.parse::<usize>().is_ok() => format!("/{first}"),
        _ => String::new(),
    }
}

/// The key the container uses for `name` (same_key match), else `name` in its casing
/// (PascalCase when its keys are).
fn key_for(obj: &Map<String, Value>, name: &str) -> String {
    if let Some(k) = obj.keys().find(|k| same_key(k, name)) {
        return k.clone();
    }
    let pascal = obj.keys().any(|k| k.starts_with(|c: char| c.is_ascii_uppercase()));
    if pascal {
        let mut c = name.chars();
        c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
    } else {
        name.to_owned()
    }
}

fn child<'a>(obj: &'a mut Map<String, Value>, name: &str) -> &'a mut Map<String, Value> {
    let key = key_for(obj, name);
    let slot = obj.entry(key).or_insert_with(|| json!({}));
    if !slot.is_object() {
        *slot = json!({});
    }
    match slot {
        Value::Object(m) => m,
        _ => unreachable!("just made an object"),
    }
}

fn evidence<'a>(f: &'a Finding, key: &str) -> Option<&'a str> {
    f.evidence.iter().find(|e| e.key == key).map(|e| e.value.as_str())
}

/// Replaces the values of the `environment` entries named in `secret_names` with `<redacted>`.
fn redact(obj: &mut Map<String, Value>, secret_names: &[String]) {
    let env_key = key_for(obj, "environment");
    let Some(Value::Array(env)) = obj.get_mut(&env_key) else { return };
    for entry in env.iter_mut().filter_map(Value::as_object_mut) {
        let named = entry
            .iter()
            .any(|(k, v)| same_key(k, "name") && v.as_str().is_some_and(|n| secret_names.iter().any(|s| s == n)));
        if named {
            for (k, v) in entry.iter_mut() {
                if same_key(k, "value") {
                    *v = json!("<redacted>");
                }
            }
        }
    }
}

/// The corrected container for `finding` placed at `pointer` in the file `path` with `text`,
/// or None when the rule has no fragment (see [`FIXABLE`]) or the container cannot be
/// found. `secret_names`: environment variables flagged as secrets in the file (redacted).
pub fn corrected(
    path: &str,
    text: &str,
    finding: &Finding,
    pointer: &str,
    secret_names: &[String],
) -> Option<Fragment> {
    let id = finding.rule.id;
    if !FIXABLE.contains(&id) {
        return None;
    }
    let container = container_pointer(pointer);
    let mut value = value_at(path, text, &container)?;
    let obj = value.as_object_mut()?;
    redact(obj, secret_names);
    let note = match id {
        "container-privileged" => {
            obj.insert(key_for(obj, "privileged"), json!(false));
            "privileged set to false; if the container needs one host capability, add only that one under linuxParameters.capabilities.add"
        }
        "container-runs-as-root" => {
            obj.insert(key_for(obj, "user"), json!("1000:1000"));
            "user set to a non-root UID:GID; use one the image has (its USER), and make files it writes owned by it"
        }
        "container-root-filesystem-writable" => {
            obj.insert(key_for(obj, "readonlyRootFilesystem"), json!(true));
            "root filesystem read-only; mount the paths the process writes (e.g. /tmp) as volumes or tmpfs"
        }
        "container-no-new-privileges-missing" => {
            let key = key_for(obj, "dockerSecurityOptions");
            let list = obj.entry(key).or_insert_with(|| json!([]));
            if !list.is_array() {
                *list = json!([]);
            }
            if let Value::Array(items) = list
                && !items.iter().any(|v| v.as_str() == Some("no-new-privileges"))
            {
                items.push(json!("no-new-privileges"));
            }
            "no-new-privileges added to dockerSecurityOptions (EC2 and external instances; Fargate ignores it)"
        }
        "container-capabilities-not-dropped" => {
            let lp = child(obj, "linuxParameters");
            let caps = child(lp, "capabilities");
            caps.insert(key_for(caps, "drop"), json!(["ALL"]));
            "drop ALL capabilities; add back under capabilities.add only what the process needs"
        }
        "container-init-process-disabled" => {
            let lp = child(obj, "linuxParameters");
            lp.insert(key_for(lp, "initProcessEnabled"), json!(true));
            "an init process reaps zombies and forwards signals"
        }
        "container-environment-secrets" => {
            let name = evidence(finding, "variable")?.to_owned();
            let env_key = key_for(obj, "environment");
            if let Some(Value::Array(env)) = obj.get_mut(&env_key) {
                env.retain(|e| {
                    !e.as_object().is_some_and(|m| {
                        m.iter().any(|(k, v)| same_key(k, "name") && v.as_str() == Some(name.as_str()))
                    })
                });
            }
            let pascal = key_for(obj, "secrets") != "secrets";
            let (n, vf) = if pascal { ("Name", "ValueFrom") } else { ("name", "valueFrom") };
            let secrets_key = key_for(obj, "secrets");
            let list = obj.entry(secrets_key).or_insert_with(|| json!([]));
            if !list.is_array() {
                *list = json!([]);
            }
            if let Value::Array(items) = list {
                items.push(json!({ n: name, vf: format!("arn:aws:secretsmanager:<region>:<account-id>:secret:<secret-name>") }));
            }
            "the variable moves to secrets: store the value in Secrets Manager (or SSM Parameter Store), put its ARN in valueFrom, and grant the execution role secretsmanager:GetSecretValue on it"
        }
        "container-image-not-pinned" => {
            let key = key_for(obj, "image");
            let image = obj.get(&key)?.as_str()?.to_owned();
            let repo = match image.rsplit_once(':') {
                Some((repo, tag)) if !tag.contains('/') => repo.to_owned(),
                _ => image.split('@').next().unwrap_or(&image).to_owned(),
            };
            obj.insert(key, json!(format!("{repo}@sha256:<digest>")));
            "the image pinned by digest: put the sha256 digest of the image you tested (docker buildx imagetools inspect, or the ECR console)"
        }
        _ => return None,
    };
    Some(Fragment { pointer: container, value, note })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_pointers() {
        assert_eq!(container_pointer("/containerDefinitions/2/privileged"), "/containerDefinitions/2");
        assert_eq!(
            container_pointer("/Resources/T/Properties/ContainerDefinitions/0/Environment/1"),
            "/Resources/T/Properties/ContainerDefinitions/0"
        );
        assert_eq!(container_pointer("/1/user"), "/1");
        assert_eq!(container_pointer("/privileged"), "");
    }

    #[test]
    fn values_are_read_from_yaml_and_embedded_json() {
        let yaml = "Resources:\n  T:\n    Properties:\n      ContainerDefinitions:\n        - Name: app\n          Privileged: true\n";
        assert_eq!(
            value_at("t.yaml", yaml, "/Resources/T/Properties/ContainerDefinitions/0"),
            Some(json!({"Name": "app", "Privileged": true}))
        );
        let plan = r#"{"v": {"container_definitions": "[{\"name\":\"web\",\"privileged\":true}]"}}"#;
        assert_eq!(
            value_at("p.json", plan, "/v/container_definitions/0"),
            Some(json!({"name": "web", "privileged": true}))
        );
    }
}
