//! Resource management: memory and CPU limits on EC2, and Fargate task sizes.

use super::snippets::TD_CLI;
use super::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};
use crate::knowledge::{fargate, platform, secrets};
use crate::model::{DataSource, Snapshot, Workload};

pub(super) const RULES: &[&Rule] = &[
    &CONTAINER_MEMORY_LIMIT_MISSING,
    &CONTAINER_CPU_LIMIT_MISSING,
    &FARGATE_TASK_CPU_INVALID,
    &FARGATE_TASK_MEMORY_INVALID,
];

const TD: &[DataSource] = &[DataSource::Services, DataSource::TaskDefinitions, DataSource::Tasks];

/// A task-level size that applies to this workload's containers. ECS ignores task-level
/// CPU and memory for Windows containers on EC2, so only container values count there.
fn task_level<'a>(snap: &Snapshot, w: &Workload<'a>, value: Option<&'a str>) -> Option<&'a str> {
    if platform::is_windows(snap, w) {
        return None;
    }
    value.map(str::trim).filter(|v| !v.is_empty() && *v != "0")
}

pub static CONTAINER_MEMORY_LIMIT_MISSING: Rule = Rule {
    id: "container-memory-limit-missing",
    title: "Container on EC2 has no hard memory limit",
    severity: Severity::High,
    category: Category::ResourceManagement,
    domain: Domain::ResourceManagement,
    scope: Scope::Ec2Workloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "On EC2, a container without `memory` and without a task-level `memory` has no hard limit: it can use all of the instance's memory and push the kernel's OOM killer onto other tasks and the ECS agent, so one leaking or attacked container takes down its neighbours. `memoryReservation` is only a soft reservation used for placement. (On Fargate the task size is the limit, so Fargate tasks are not flagged; on Windows, ECS ignores task-level memory, so only the container value counts.)",
    remediation: Remediation {
        summary: "Set a hard `memory` limit on each container, or a task-level `memory` that bounds the whole task.",
        steps: &[
            "Measure the container's peak memory (Container Insights `MemoryUtilized`, or `docker stats` on the instance).",
            "Set `memory` (hard limit, MiB) on the container with headroom above that peak; keep `memoryReservation` as the soft value for placement.",
            "Alternatively set task-level `memory` so the whole task is bounded (Linux only).",
            "Register the revision and deploy it; watch for OOM-killed containers (exit code 137).",
        ],
        cli: TD_CLI,
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  memory = \"1024\"\n  container_definitions = jsonencode([{\n    name              = \"app\"\n    memory            = 768\n    memoryReservation = 512\n  }])\n}",
        cloudformation: "Type: AWS::ECS::TaskDefinition\nProperties:\n  Memory: \"1024\"\n  ContainerDefinitions:\n    - Name: app\n      Memory: 768\n      MemoryReservation: 512",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_memory",
        "https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-memory-hard-limit.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-tasks-containers.html",
    ],
    peers: &["AWS Config ecs-task-definition-memory-hard-limit", "Control Tower CT.ECS.PR.7"],
    check: container_memory_limit_missing,
};

fn container_memory_limit_missing(snap: &Snapshot, out: &mut Findings) {
    for w in snap.workloads() {
        if !w.runs_on_ec2() || task_level(snap, &w, w.task_definition.memory.as_deref()).is_some() {
            continue;
        }
        for c in w.containers() {
            if c.container.memory.is_some_and(|m| m > 0) {
                continue;
            }
            let why = if platform::is_windows(snap, &w) {
                "no container memory; task-level memory is ignored for Windows containers"
            } else {
                "no container or task memory"
            };
            out.report(
                c.resource(),
                format!("container `{}` on {} has no hard memory limit ({why})", c.container.name, w.launch.label()),
            )
            .evidence("memory", "(not set)")
            .evidence(
                "memoryReservation",
                c.container.memory_reservation.map_or_else(|| "(not set)".to_owned(), |m| format!("{m} MiB (soft)")),
            )
            .evidence(
                "task_memory",
                if platform::is_windows(snap, &w) { "(ignored for Windows containers)" } else { "(not set)" },
            );
        }
    }
}

pub static CONTAINER_CPU_LIMIT_MISSING: Rule = Rule {
    id: "container-cpu-limit-missing",
    title: "Container on EC2 has no CPU allocation",
    severity: Severity::Low,
    category: Category::ResourceManagement,
    domain: Domain::ResourceManagement,
    scope: Scope::Ec2Workloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "On EC2, a container with neither a container `cpu` nor a task-level `cpu` reserves no CPU and gets the minimum weight, so it is placed without regard to CPU and competes with its neighbours unbounded by any quota: a busy or compromised container can starve other tasks. Task-level `cpu` is a hard limit (CFS quota) for the task on Linux; container `cpu` is a relative share. (Fargate tasks always have a task size; on Windows, ECS ignores task-level CPU.)",
    remediation: Remediation {
        summary: "Set task-level `cpu` (a hard limit on Linux) and a container `cpu` share for each container.",
        steps: &[
            "Measure the service's CPU use (Container Insights `CpuUtilized`).",
            "Set task-level `cpu` (CPU units, 1024 = 1 vCPU) to cap the task, and `cpu` on each container to divide it.",
            "Register the revision and deploy it; check that placement still finds capacity.",
        ],
        cli: TD_CLI,
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  cpu = \"512\"\n  container_definitions = jsonencode([{\n    name = \"app\"\n    cpu  = 512\n  }])\n}",
        cloudformation: "Type: AWS::ECS::TaskDefinition\nProperties:\n  Cpu: \"512\"\n  ContainerDefinitions:\n    - Name: app\n      Cpu: 512",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_size",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_environment",
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-tasks-containers.html",
    ],
    peers: &["ECS best-practices guide: CPU and memory limits (EC2)"],
    check: container_cpu_limit_missing,
};

fn container_cpu_limit_missing(snap: &Snapshot, out: &mut Findings) {
    for w in snap.workloads() {
        if !w.runs_on_ec2() || task_level(snap, &w, w.task_definition.cpu.as_deref()).is_some() {
            continue;
        }
        for c in w.containers() {
            if c.container.cpu.is_some_and(|cpu| cpu > 0) {
                continue;
            }
            let why = if platform::is_windows(snap, &w) {
                "no container cpu; task-level cpu is ignored for Windows containers"
            } else {
                "no container or task cpu"
            };
            out.report(
                c.resource(),
                format!("container `{}` on {} has no CPU allocation ({why})", c.container.name, w.launch.label()),
            )
            .evidence("cpu", c.container.cpu.map_or_else(|| "(not set)".to_owned(), |v| v.to_string()))
            .evidence(
                "task_cpu",
                if platform::is_windows(snap, &w) { "(ignored for Windows containers)" } else { "(not set)" },
            );
        }
    }
}

fn os_label(windows: bool) -> &'static str {
    if windows { "Windows" } else { "Linux" }
}

pub static FARGATE_TASK_CPU_INVALID: Rule = Rule {
    id: "fargate-task-cpu-invalid",
    title: "Fargate task has a missing or unsupported CPU size",
    severity: Severity::High,
    category: Category::Configuration,
    domain: Domain::ResourceManagement,
    scope: Scope::FargateWorkloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Fargate sizes each task from its task-level `cpu`, which must be one of the supported sizes (256 to 16384 CPU units; at least 1024 for Windows). A revision without it, or with another value, cannot be placed on Fargate: the service fails to start or scale, and the revision that runs is not the one reviewed.",
    remediation: Remediation {
        summary: "Set task-level `cpu` to a supported Fargate size that fits the workload.",
        steps: &[
            "Pick the smallest size that fits: 256 (.25 vCPU), 512, 1024, 2048, 4096, 8192 or 16384 CPU units (Windows: 1024 to 4096).",
            "Set `cpu` on the task definition and a `memory` value valid for that size.",
            "Register the revision and update the service; confirm the deployment completes.",
        ],
        cli: "aws ecs register-task-definition --family <family> --requires-compatibilities FARGATE --network-mode awsvpc --cpu 512 --memory 1024 --container-definitions file://containers.json",
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  requires_compatibilities = [\"FARGATE\"]\n  network_mode             = \"awsvpc\"\n  cpu                      = \"512\"\n  memory                   = \"1024\"\n}",
        cloudformation: "Type: AWS::ECS::TaskDefinition\nProperties:\n  RequiresCompatibilities: [FARGATE]\n  NetworkMode: awsvpc\n  Cpu: \"512\"\n  Memory: \"1024\"",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html",
    ],
    peers: &[],
    check: fargate_task_cpu_invalid,
};

fn fargate_task_cpu_invalid(snap: &Snapshot, out: &mut Findings) {
    for w in snap.workloads() {
        if !w.is_fargate() {
            continue;
        }
        let td = w.task_definition;
        let windows = td.is_windows();
        let valid = fargate::cpu_label(windows);
        let raw = td.cpu.as_deref().map(str::trim).filter(|v| !v.is_empty());
        if raw.is_some_and(secrets::is_placeholder) {
            continue; // filled in at deploy time
        }
        let Some(raw) = raw else {
            out.report(
                w.task_definition_ref(),
                format!("Fargate task definition `{}` sets no task-level cpu", td.family_revision()),
            )
            .evidence("cpu", "(not set)")
            .evidence("valid_cpu", valid);
            continue;
        };
        match fargate::parse_cpu(raw) {
            Some(units) if fargate::size_for_cpu(units, windows).is_some() => {}
            Some(units) => {
                out.report(
                    w.task_definition_ref(),
                    format!(
                        "Fargate task definition `{}` sets cpu `{raw}` ({units} units), which is not a Fargate size for {}",
                        td.family_revision(),
                        os_label(windows)
                    ),
                )
                .evidence("cpu", raw)
                .evidence("valid_cpu", valid);
            }
            None => {
                out.report(
                    w.task_definition_ref(),
                    format!(
                        "Fargate task definition `{}` sets cpu `{raw}`, which is not a CPU value",
                        td.family_revision()
                    ),
                )
                .evidence("cpu", raw)
                .evidence("valid_cpu", valid)
                .confidence(Confidence::Low);
            }
        }
    }
}

pub static FARGATE_TASK_MEMORY_INVALID: Rule = Rule {
    id: "fargate-task-memory-invalid",
    title: "Fargate task has a missing or unsupported memory size",
    severity: Severity::High,
    category: Category::Configuration,
    domain: Domain::ResourceManagement,
    scope: Scope::FargateWorkloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Fargate accepts only specific task-level `memory` values for each CPU size (e.g. 512 to 2048 MiB for 256 CPU units, 2 to 8 GB for 1 vCPU). A revision without task memory, or with a value its CPU size does not allow, cannot be placed on Fargate, so deployments and scaling fail.",
    remediation: Remediation {
        summary: "Set task-level `memory` to a value the task's CPU size supports.",
        steps: &[
            "Look up the memory range for the task's `cpu` in the Fargate task size table.",
            "Set `memory` (MiB, or e.g. `2 GB`) within that range and step; raise `cpu` if the workload needs more memory than the size allows.",
            "Register the revision and update the service; confirm the deployment completes.",
        ],
        cli: "aws ecs register-task-definition --family <family> --requires-compatibilities FARGATE --network-mode awsvpc --cpu 1024 --memory 2048 --container-definitions file://containers.json",
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  requires_compatibilities = [\"FARGATE\"]\n  network_mode             = \"awsvpc\"\n  cpu                      = \"1024\"\n  memory                   = \"2048\"\n}",
        cloudformation: "Type: AWS::ECS::TaskDefinition\nProperties:\n  RequiresCompatibilities: [FARGATE]\n  NetworkMode: awsvpc\n  Cpu: \"1024\"\n  Memory: \"2048\"",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html",
    ],
    peers: &[],
    check: fargate_task_memory_invalid,
};

fn fargate_task_memory_invalid(snap: &Snapshot, out: &mut Findings) {
    for w in snap.workloads() {
        if !w.is_fargate() {
            continue;
        }
        let td = w.task_definition;
        let windows = td.is_windows();
        let size = td.cpu.as_deref().and_then(fargate::parse_cpu).and_then(|cpu| fargate::size_for_cpu(cpu, windows));
        let raw = td.memory.as_deref().map(str::trim).filter(|v| !v.is_empty());
        if raw.is_some_and(secrets::is_placeholder) {
            continue; // filled in at deploy time
        }
        let Some(raw) = raw else {
            let f = out.report(
                w.task_definition_ref(),
                format!("Fargate task definition `{}` sets no task-level memory", td.family_revision()),
            );
            f.evidence("memory", "(not set)");
            if let Some(s) = size {
                f.evidence("valid_memory_for_cpu", s.memory_label());
            }
            continue;
        };
        let Some(mib) = fargate::parse_memory(raw) else {
            out.report(
                w.task_definition_ref(),
                format!(
                    "Fargate task definition `{}` sets memory `{raw}`, which is not a memory value",
                    td.family_revision()
                ),
            )
            .evidence("memory", raw)
            .confidence(Confidence::Low);
            continue;
        };
        match size {
            Some(s) if s.allows_memory(mib) => {}
            Some(s) => {
                out.report(
                    w.task_definition_ref(),
                    format!(
                        "Fargate task definition `{}` sets memory `{raw}` ({mib} MiB), which {} CPU units do not support",
                        td.family_revision(),
                        s.cpu
                    ),
                )
                .evidence("cpu", s.cpu)
                .evidence("memory", raw)
                .evidence("valid_memory_for_cpu", s.memory_label());
            }
            // The CPU value itself is invalid (fargate-task-cpu-invalid reports it): only
            // flag memory that no Fargate size accepts.
            None if fargate::memory_valid_for_some_cpu(mib, windows) => {}
            None => {
                out.report(
                    w.task_definition_ref(),
                    format!(
                        "Fargate task definition `{}` sets memory `{raw}` ({mib} MiB), which no Fargate size for {} supports",
                        td.family_revision(),
                        os_label(windows)
                    ),
                )
                .evidence("memory", raw)
                .evidence("cpu", td.cpu.as_deref().unwrap_or("(not set)"));
            }
        }
    }
}
