//! From a file's text to task definitions (and services) in the model: format detection,
//! then one reader per kind of file.

use std::cell::RefCell;

use serde::Serialize;

use super::lenient::{Skipped, from_node};
use super::tree::{Entry, Kind, Node, Pos, escape};
use super::{FileError, intrinsics, json, template, yaml};
use crate::model::{Service, TaskDefinition};

/// What kind of file a task definition was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// `register-task-definition --cli-input-json` input.
    RegisterInput,
    /// A bare `containerDefinitions` array, or one container definition.
    ContainerDefinitions,
    /// `describe-task-definition` output, wrapped in `taskDefinition` or not.
    Describe,
    CloudFormation,
    TerraformPlan,
}

/// One task definition of a file and where it sits.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    /// A name for messages: the family, the CloudFormation logical id or the Terraform address.
    pub name: String,
    pub pointer: String,
    /// The task definition's object (built around the containers for a bare array).
    pub root: Node,
    /// The pointer of each container definition, in order.
    pub containers: Vec<String>,
    pub task_definition: TaskDefinition,
}

/// A service of a template, with the logical id of the task definition it runs.
#[derive(Debug, Clone)]
pub(crate) struct ServiceUnit {
    pub pointer: String,
    pub root: Node,
    pub service: Service,
    pub task_definition_ref: Option<String>,
}

pub(crate) struct Read {
    pub kind: FileKind,
    pub units: Vec<Unit>,
    pub services: Vec<ServiceUnit>,
    pub skipped: Vec<Skipped>,
    /// The EC2 hosts a template declares for its cluster, with the OS their launch data names.
    pub hosts: Vec<Host>,
}

/// An EC2 launch configuration, launch template or instance of a CloudFormation template
/// whose user data or image names Windows: the container instances its tasks will run on.
#[derive(Debug, Clone)]
pub(crate) struct Host {
    pub pointer: String,
    /// What says Windows, e.g. `<powershell> user data`.
    pub why: &'static str,
}

const HOST_TYPES: &[&str] =
    &["AWS::AutoScaling::LaunchConfiguration", "AWS::EC2::LaunchTemplate", "AWS::EC2::Instance"];

/// Whether a text of a host's launch data names Windows: PowerShell user data (what EC2
/// Windows runs at launch), or a Windows AMI's public SSM parameter or name.
fn windows_launch_text(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    if lower.contains("<powershell>") {
        Some("<powershell> user data")
    } else if lower.contains("/aws/service/ami-windows-latest/") || lower.contains("windows_server-") {
        Some("a Windows AMI")
    } else {
        None
    }
}

fn strings_of(node: &Node, out: &mut Vec<String>) {
    match &node.kind {
        Kind::Str(s) => out.push(s.clone()),
        Kind::Seq(items) => items.iter().for_each(|n| strings_of(n, out)),
        Kind::Map(entries) => entries.iter().for_each(|e| strings_of(&e.value, out)),
        _ => {}
    }
}

/// The template's Windows hosts, read before intrinsics hide their user data.
fn windows_hosts(root: &Node) -> Vec<Host> {
    let mut hosts = Vec::new();
    for r in root.get("Resources").map(Node::entries).unwrap_or_default() {
        let ty = r.value.get("Type").and_then(Node::str).unwrap_or("");
        if !HOST_TYPES.contains(&ty) {
            continue;
        }
        let mut texts = Vec::new();
        strings_of(&r.value, &mut texts);
        if let Some(why) = texts.iter().find_map(|t| windows_launch_text(t)) {
            hosts.push(Host { pointer: format!("/Resources/{}", escape(&r.key)), why });
        }
    }
    hosts
}

const START: Pos = Pos { line: 1, column: 1 };

/// Parses `text` (named `path`) and reads every task definition in it.
pub(crate) fn read(path: &str, text: &str) -> Result<Read, FileError> {
    let err =
        |pos: Pos, pointer: Option<String>, message: String| FileError { path: path.to_owned(), pos, pointer, message };
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".tf") || lower.ends_with(".hcl") {
        return Err(err(
            START,
            None,
            "Terraform HCL is not read: lint the plan instead (`terraform show -json plan.out > plan.json`)".into(),
        ));
    }
    let yaml_name = lower.ends_with(".yaml") || lower.ends_with(".yml");
    let json_like = text.trim_start_matches('\u{feff}').trim_start().starts_with(['{', '[']);
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let templated = json_like && template::is_template(path);
    let (body, interpolations) = match templated {
        true => template::neutralise(body).map_err(|(pos, m)| err(pos, None, m))?,
        false => (body.to_owned(), Vec::new()),
    };
    let mut root = if json_like && !yaml_name { json::parse(&body) } else { yaml::parse(&body) }.map_err(|e| {
        let what = match (json_like && !yaml_name, templated) {
            (true, true) => "JSON (a Terraform template, read with its `${…}` as unknown values)",
            (true, false) => "JSON",
            _ => "YAML",
        };
        err(e.pos, None, format!("not valid {what}: {}", e.message))
    })?;
    template::mark_unknown(&mut root, &interpolations);
    let skipped = RefCell::new(Vec::new());
    let de = |e: super::lenient::DeError| err(e.pos.unwrap_or(START), e.pointer, e.message);

    let mut services = Vec::new();
    let mut hosts = Vec::new();
    let (kind, units) = if root.get("Resources").is_some() || root.get("AWSTemplateFormatVersion").is_some() {
        hosts = windows_hosts(&root);
        intrinsics::resolve(&mut root);
        let (units, svcs) = cloudformation(&root, &skipped).map_err(de)?;
        services = svcs;
        if units.is_empty() {
            return Err(err(root.pos, None, "the CloudFormation template has no AWS::ECS::TaskDefinition".into()));
        }
        (FileKind::CloudFormation, units)
    } else if root.get("planned_values").is_some() || root.get("terraform_version").is_some() {
        let units = terraform(&root, &skipped).map_err(|e| match e {
            Bad::De(e) => de(e),
            Bad::Syntax(pos, ptr, m) => err(pos, Some(ptr), m),
        })?;
        if units.is_empty() {
            return Err(err(root.pos, None, "the Terraform plan has no aws_ecs_task_definition".into()));
        }
        (FileKind::TerraformPlan, units)
    } else if let Some(inner) = root.get("taskDefinition").filter(|n| matches!(n.kind, Kind::Map(_))) {
        (FileKind::Describe, vec![task_definition(inner, "/taskDefinition", "", &skipped).map_err(de)?])
    } else if root.get("containerDefinitions").is_some() {
        let describe = root.get("taskDefinitionArn").is_some() || root.get("revision").is_some();
        let kind = if describe { FileKind::Describe } else { FileKind::RegisterInput };
        (kind, vec![task_definition(&root, "", "", &skipped).map_err(de)?])
    } else if is_container(&root) || root.items().first().is_some_and(is_container) {
        (FileKind::ContainerDefinitions, vec![containers_only(&root, &skipped).map_err(de)?])
    } else {
        return Err(err(
            root.pos,
            None,
            "not a task definition: expected register-task-definition input, describe-task-definition output, a containerDefinitions array, a CloudFormation template or a Terraform plan (terraform show -json)".into(),
        ));
    };
    Ok(Read { kind, units, services, skipped: skipped.into_inner(), hosts })
}

fn is_container(n: &Node) -> bool {
    n.get("image").is_some() || (n.get("name").is_some() && n.get("essential").is_some())
}

fn task_definition(
    node: &Node,
    pointer: &str,
    name: &str,
    skipped: &RefCell<Vec<Skipped>>,
) -> Result<Unit, super::lenient::DeError> {
    let task_definition: TaskDefinition = from_node(node, pointer, skipped)?;
    let containers = match node.entry("containerDefinitions") {
        Some(e) => {
            let base = format!("{pointer}/{}", escape(&e.key));
            (0..e.value.items().len()).map(|i| format!("{base}/{i}")).collect()
        }
        None => Vec::new(),
    };
    let name = if task_definition.family.is_empty() { name.to_owned() } else { task_definition.family.clone() };
    Ok(Unit { name, pointer: pointer.to_owned(), root: node.clone(), containers, task_definition })
}

/// A bare array of container definitions, or a single one, as a task definition.
fn containers_only(node: &Node, skipped: &RefCell<Vec<Skipped>>) -> Result<Unit, super::lenient::DeError> {
    let (items, containers) = match &node.kind {
        Kind::Seq(items) => (items.clone(), (0..items.len()).map(|i| format!("/{i}")).collect()),
        _ => (vec![node.clone()], vec![String::new()]),
    };
    let root = Node::new(
        node.pos,
        Kind::Map(vec![Entry {
            key: "containerDefinitions".into(),
            key_pos: node.pos,
            value: Node::new(node.pos, Kind::Seq(items)),
        }]),
    );
    let mut unit = task_definition(&root, "", "", skipped)?;
    unit.containers = containers;
    // Pointers found while reading are relative to the synthetic wrapper.
    for s in skipped.borrow_mut().iter_mut() {
        s.pointer = strip_wrapper(&s.pointer, node);
    }
    Ok(unit)
}

pub(crate) fn strip_wrapper(pointer: &str, node: &Node) -> String {
    let rest = pointer.strip_prefix("/containerDefinitions").unwrap_or(pointer);
    match node.kind {
        Kind::Seq(_) => rest.to_owned(),
        _ => rest.strip_prefix("/0").unwrap_or(rest).to_owned(),
    }
}

type Units = (Vec<Unit>, Vec<ServiceUnit>);

fn cloudformation(root: &Node, skipped: &RefCell<Vec<Skipped>>) -> Result<Units, super::lenient::DeError> {
    let mut units = Vec::new();
    let mut services = Vec::new();
    let empty = Node::new(root.pos, Kind::Map(Vec::new()));
    for r in root.get("Resources").map(Node::entries).unwrap_or_default() {
        let ty = r.value.get("Type").and_then(Node::str).unwrap_or("");
        let base = format!("/Resources/{}", escape(&r.key));
        let (pointer, props) = match r.value.entry("Properties") {
            Some(e) => (format!("{base}/{}", escape(&e.key)), &e.value),
            None => (base, &empty),
        };
        // A missing key is placed on `Properties:` (or the resource when there is none).
        let props = &Node { pos: r.value.entry("Properties").map_or(r.key_pos, |e| e.key_pos), ..props.clone() };
        match ty {
            "AWS::ECS::TaskDefinition" => {
                let mut unit = task_definition(props, &pointer, &r.key, skipped)?;
                unit.name = r.key.clone();
                if unit.task_definition.family.is_empty() {
                    unit.task_definition.family = r.key.clone();
                }
                units.push(unit);
            }
            "AWS::ECS::Service" => {
                let mut service: Service = from_node(props, &pointer, skipped)?;
                let task_definition_ref = match props.get("TaskDefinition").map(|n| &n.kind) {
                    Some(Kind::Unknown(u)) => u.strip_prefix("Ref:").map(str::to_owned),
                    _ => None,
                };
                if service.service_name.is_empty() || service.service_name.starts_with("${") {
                    service.service_name = r.key.clone();
                }
                services.push(ServiceUnit { pointer, root: props.clone(), service, task_definition_ref });
            }
            _ => {}
        }
    }
    Ok((units, services))
}

enum Bad {
    De(super::lenient::DeError),
    Syntax(Pos, String, String),
}

fn terraform(root: &Node, skipped: &RefCell<Vec<Skipped>>) -> Result<Vec<Unit>, Bad> {
    let mut units = Vec::new();
    let unknown_after: Vec<(&str, &Node)> = root
        .get("resource_changes")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|c| Some((c.get("address")?.str()?, c.get("change")?.get("after_unknown")?)))
        .collect();
    let mut stack: Vec<(String, &Node)> = Vec::new();
    if let Some(e) = root.entry("planned_values").and_then(|p| p.value.entry("root_module")) {
        stack.push((format!("/planned_values/{}", escape(&e.key)), &e.value));
    }
    while let Some((ptr, module)) = stack.pop() {
        for (i, r) in module.get("resources").map(Node::items).unwrap_or_default().iter().enumerate() {
            if r.get("type").and_then(Node::str) != Some("aws_ecs_task_definition") {
                continue;
            }
            let address = r.get("address").and_then(Node::str).unwrap_or("aws_ecs_task_definition").to_owned();
            let unknown = unknown_after.iter().find(|(a, _)| *a == address).map(|(_, n)| *n);
            let Some(values) = r.entry("values") else { continue };
            let pointer = format!("{ptr}/resources/{i}/{}", escape(&values.key));
            let node = terraform_values(&values.value, unknown, &pointer)?;
            let mut unit = task_definition(&node, &pointer, &address, skipped).map_err(Bad::De)?;
            unit.name = address;
            units.push(unit);
        }
        for (i, child) in module.get("child_modules").map(Node::items).unwrap_or_default().iter().enumerate() {
            stack.push((format!("{ptr}/child_modules/{i}"), child));
        }
    }
    Ok(units)
}

/// A Terraform resource's values in the model's shape: `container_definitions` parsed from
/// its JSON string, `volume` blocks as `volumes`, the tag map as a list, and what is known
/// only after apply as unknown.
fn terraform_values(values: &Node, unknown: Option<&Node>, pointer: &str) -> Result<Node, Bad> {
    let mut entries = Vec::new();
    for e in values.entries() {
        let later = unknown.and_then(|u| u.get(&e.key)).is_some_and(|n| n.kind == Kind::Bool(true));
        let mut value =
            if later { Node::new(e.value.pos, Kind::Unknown("known after apply".into())) } else { e.value.clone() };
        let key = match e.key.as_str() {
            "container_definitions" => {
                if let Kind::Str(s) = &value.kind {
                    let at = format!("{pointer}/container_definitions");
                    let mut inner = json::parse(s).map_err(|x| {
                        Bad::Syntax(
                            e.value.pos,
                            at.clone(),
                            format!("container_definitions is not valid JSON: {}", x.message),
                        )
                    })?;
                    // The definitions sit inside one string: every position is the string's.
                    place_all(&mut inner, e.value.pos);
                    value = inner;
                }
                e.key.clone()
            }
            "volume" => {
                if let Kind::Seq(items) = &mut value.kind {
                    for v in items.iter_mut() {
                        host_path_to_host(v);
                    }
                }
                "volumes".to_owned()
            }
            "tags" => {
                if let Kind::Map(tags) = &value.kind {
                    let list = tags
                        .iter()
                        .map(|t| {
                            let pair = vec![
                                Entry {
                                    key: "key".into(),
                                    key_pos: t.key_pos,
                                    value: Node::new(t.key_pos, Kind::Str(t.key.clone())),
                                },
                                Entry { key: "value".into(), key_pos: t.key_pos, value: t.value.clone() },
                            ];
                            Node::new(t.key_pos, Kind::Map(pair))
                        })
                        .collect();
                    value = Node::new(value.pos, Kind::Seq(list));
                }
                e.key.clone()
            }
            _ => e.key.clone(),
        };
        entries.push(Entry { key, key_pos: e.key_pos, value });
    }
    Ok(Node::new(values.pos, Kind::Map(entries)))
}

fn host_path_to_host(volume: &mut Node) {
    if let Kind::Map(entries) = &mut volume.kind {
        for e in entries.iter_mut().filter(|e| e.key == "host_path") {
            e.key = "host".into();
            let path = std::mem::replace(&mut e.value, Node::new(e.key_pos, Kind::Null));
            let pos = path.pos;
            e.value = Node::new(pos, Kind::Map(vec![Entry { key: "sourcePath".into(), key_pos: pos, value: path }]));
        }
    }
}

fn place_all(node: &mut Node, pos: Pos) {
    node.pos = pos;
    match &mut node.kind {
        Kind::Seq(items) => items.iter_mut().for_each(|n| place_all(n, pos)),
        Kind::Map(entries) => entries.iter_mut().for_each(|e| {
            e.key_pos = pos;
            place_all(&mut e.value, pos);
        }),
        _ => {}
    }
}
