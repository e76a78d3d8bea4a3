//! The synthetic snapshot of one file: its task definitions, each run by the template's
//! service that references it or else by one standalone task (so the rules see a workload
//! whose launch type comes from `requiresCompatibilities`), and, for a template whose EC2
//! launch data names Windows, one container instance per such host with the `ecs.os-type`
//! the ECS agent would register (only the OS inference reads it: rules about instances are
//! not applicable to files).

use super::read::{Host, ServiceUnit, Unit};
use crate::model::{Attribute, Cluster, ContainerInstance, SCHEMA_VERSION, Snapshot, Task, TaskDefinition};

/// How ECS launches a task definition when the file says nothing else: `EC2` (the default
/// launch type without a capacity provider strategy) unless it requires Fargate; `None`
/// (undecided) when it is compatible with both.
fn default_launch(td: &TaskDefinition) -> Option<&'static str> {
    let has = |t: &str| td.requires_compatibilities.iter().any(|c| c.eq_ignore_ascii_case(t));
    match (has("FARGATE"), has("EC2") || has("EXTERNAL")) {
        (true, true) => None,
        (true, false) => Some("FARGATE"),
        (false, _) if has("EC2") || td.requires_compatibilities.is_empty() => Some("EC2"),
        (false, _) => Some("EXTERNAL"),
    }
}

/// The identity of a value of the file: `path#pointer`.
fn arn(path: &str, pointer: &str) -> String {
    format!("{path}#{pointer}")
}

pub(crate) fn build(
    path: &str,
    mut units: Vec<Unit>,
    mut services: Vec<ServiceUnit>,
    hosts: &[Host],
) -> (Snapshot, Vec<Unit>, Vec<ServiceUnit>) {
    let stem = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let stem = stem.split('.').next().unwrap_or(stem);
    for u in &mut units {
        let td = &mut u.task_definition;
        td.task_definition_arn = arn(path, &u.pointer);
        if td.family.is_empty() || td.family.starts_with("${") {
            td.family = if u.name.is_empty() { stem.to_owned() } else { u.name.clone() };
        }
    }
    for s in &mut services {
        s.service.service_arn = arn(path, &s.pointer);
        s.service.task_definition = s
            .task_definition_ref
            .as_ref()
            .and_then(|id| {
                units.iter().find(|u| {
                    u.pointer.starts_with(&format!("/Resources/{id}/")) || u.pointer == format!("/Resources/{id}")
                })
            })
            .map(|u| u.task_definition.task_definition_arn.clone());
    }
    for s in &mut services {
        if s.service.launch_type.is_none() && s.service.capacity_provider_strategy.is_empty() {
            let td = units
                .iter()
                .find(|u| Some(&u.task_definition.task_definition_arn) == s.service.task_definition.as_ref());
            s.service.launch_type = td.and_then(|u| default_launch(&u.task_definition)).map(str::to_owned);
        }
    }
    let tasks = units
        .iter()
        .filter(|u| {
            !services.iter().any(|s| s.service.task_definition.as_ref() == Some(&u.task_definition.task_definition_arn))
        })
        .map(|u| Task {
            task_arn: format!("{}/task", u.task_definition.task_definition_arn),
            task_definition_arn: u.task_definition.task_definition_arn.clone(),
            launch_type: default_launch(&u.task_definition).map(str::to_owned),
            ..Task::default()
        })
        .collect();
    let snapshot = Snapshot {
        schema_version: SCHEMA_VERSION,
        cluster: Cluster { cluster_name: path.to_owned(), ..Cluster::default() },
        services: services.iter().map(|s| s.service.clone()).collect(),
        task_definitions: units.iter().map(|u| u.task_definition.clone()).collect(),
        tasks,
        container_instances: hosts
            .iter()
            .map(|h| ContainerInstance {
                container_instance_arn: arn(path, &h.pointer),
                status: Some(format!("declared by the template ({})", h.why)),
                attributes: vec![Attribute { name: "ecs.os-type".into(), value: Some("windows".into()) }],
                ..ContainerInstance::default()
            })
            .collect(),
        ..Snapshot::default()
    };
    (snapshot, units, services)
}
