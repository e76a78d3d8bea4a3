//! Container security: users, privileges, namespaces, capabilities, filesystems and the
//! runtime security options of the containers that run.

use super::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};
use crate::knowledge::capabilities;
use crate::model::{DataSource, Snapshot};

pub(super) const RULES: &[&Rule] = &[
    &CONTAINER_PRIVILEGED,
    &CONTAINER_RUNS_AS_ROOT,
    &CONTAINER_WINDOWS_ADMIN_USER,
    &CONTAINER_ROOT_FILESYSTEM_WRITABLE,
    &CONTAINER_HEALTH_CHECK_MISSING,
    &CONTAINER_SECURITY_PROFILE_DISABLED,
    &CONTAINER_NO_NEW_PRIVILEGES_MISSING,
    &CONTAINER_DANGEROUS_CAPABILITIES,
    &CONTAINER_CAPABILITIES_NOT_DROPPED,
    &CONTAINER_INIT_PROCESS_DISABLED,
    &TASK_HOST_PID_NAMESPACE,
    &TASK_HOST_IPC_NAMESPACE,
    &TASK_HOST_NETWORK_MODE,
    &TASK_HOST_NETWORK_ROOT_USER,
];

const TD: &[DataSource] = &[
    DataSource::Services,
    DataSource::TaskDefinitions,
    DataSource::Tasks,
];

const TD_CLI: &str = "aws ecs register-task-definition --cli-input-json file://task-definition.json && aws ecs update-service --cluster <cluster> --service <service> --task-definition <family>";

/// Whether a container `user` value means UID 0.
pub fn is_root_user(user: &str) -> bool {
    let uid = user.split(':').next().unwrap_or("").trim();
    uid.eq_ignore_ascii_case("root") || uid == "0"
}

pub static CONTAINER_PRIVILEGED: Rule = Rule {
    id: "container-privileged",
    title: "Container runs in privileged mode",
    severity: Severity::Critical,
    category: Category::ContainerSecurity,
    domain: Domain::Container,
    scope: Scope::Containers,
    requires: TD,
    confidence: Confidence::High,
    rationale: "A privileged container gets every capability and every host device, with seccomp and AppArmor off. Anyone who runs code in it controls the EC2 host, the other tasks on it and the instance role's credentials.",
    remediation: Remediation {
        summary: "Remove `privileged: true` and add only the specific capabilities the workload needs.",
        steps: &[
            "Find out why the container was made privileged (device access, sysctls, mounts).",
            "Replace it with the narrow setting: a single `linuxParameters.devices` entry, one added capability, or `systemControls`.",
            "Register a new task definition revision without `privileged` and deploy it to the service.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name       = \"app\"\n  privileged = false\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    Privileged: false",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_security",
    ],
    peers: &[
        "SecurityHub ECS.4",
        "Prowler ecs_task_definitions_no_privileged_containers",
        "CIS AWS Compute 3.4",
        "Checkov CKV_AWS_334",
    ],
    check: container_privileged,
};

fn container_privileged(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if c.container.is_privileged() {
            out.report(
                c.resource(),
                format!("container `{}` sets privileged: true", c.container.name),
            )
            .evidence("privileged", true)
            .evidence("launch_type", c.workload.launch.label());
        }
    }
}

pub static CONTAINER_RUNS_AS_ROOT: Rule = Rule {
    id: "container-runs-as-root",
    title: "Linux container runs as root",
    severity: Severity::High,
    category: Category::ContainerSecurity,
    domain: Domain::Container,
    scope: Scope::Containers,
    requires: TD,
    confidence: Confidence::High,
    rationale: "A process running as UID 0 turns any container escape, writable host mount or kernel bug into root on the host. When `user` is not set, the image's USER applies, which is root for most images.",
    remediation: Remediation {
        summary: "Set `user` to a non-root UID:GID in the container definition (and create that user in the image).",
        steps: &[
            "Add a dedicated user to the image (`RUN useradd -u 10001 app` and `USER 10001`).",
            "Set `user` to `10001:10001` in the container definition so the task never falls back to root.",
            "Make files the process writes owned by that user; mount writable paths as volumes.",
            "Register the new revision and deploy it.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name = \"app\"\n  user = \"10001:10001\"\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    User: \"10001:10001\"",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_security",
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-tasks-containers.html",
    ],
    peers: &[
        "SecurityHub ECS.20",
        "Control Tower CT.ECS.PR.3",
        "AWS Config ecs-task-definition-nonroot-user",
    ],
    check: container_runs_as_root,
};

fn container_runs_as_root(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if c.workload.task_definition.is_windows() {
            continue;
        }
        match c
            .container
            .user
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            None => {
                out.report(
                    c.resource(),
                    format!("container `{}` sets no user, so it runs as the image's USER (root unless the image changes it)", c.container.name),
                )
                .evidence("user", "(not set)")
                .confidence(Confidence::Medium);
            }
            Some(user) if is_root_user(user) => {
                out.report(
                    c.resource(),
                    format!("container `{}` runs as `{user}`", c.container.name),
                )
                .evidence("user", user);
            }
            Some(_) => {}
        }
    }
}

pub static CONTAINER_WINDOWS_ADMIN_USER: Rule = Rule {
    id: "container-windows-admin-user",
    title: "Windows container runs as ContainerAdministrator",
    severity: Severity::Medium,
    category: Category::ContainerSecurity,
    domain: Domain::Container,
    scope: Scope::Containers,
    requires: TD,
    confidence: Confidence::High,
    rationale: "ContainerAdministrator is the Windows equivalent of root inside the container; a compromise of the process has full control of the container and a wider path to the host.",
    remediation: Remediation {
        summary: "Set `user` to `ContainerUser` or another non-administrator account.",
        steps: &[
            "Check that the application runs as ContainerUser (file and registry permissions).",
            "Set `user` to `ContainerUser` in the container definition, register and deploy.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name = \"app\"\n  user = \"ContainerUser\"\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    User: ContainerUser",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-21",
    ],
    peers: &["SecurityHub ECS.21"],
    check: container_windows_admin_user,
};

fn container_windows_admin_user(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if !c.workload.task_definition.is_windows() {
            continue;
        }
        let user = c.container.user.as_deref().map(str::trim).unwrap_or("");
        if user.is_empty() || user.eq_ignore_ascii_case("containeradministrator") {
            let shown = if user.is_empty() { "(not set)" } else { user };
            out.report(
                c.resource(),
                format!(
                    "Windows container `{}` runs as ContainerAdministrator (user: {shown})",
                    c.container.name
                ),
            )
            .evidence("user", shown);
        }
    }
}

pub static CONTAINER_ROOT_FILESYSTEM_WRITABLE: Rule = Rule {
    id: "container-root-filesystem-writable",
    title: "Container root filesystem is writable",
    severity: Severity::Medium,
    category: Category::ContainerSecurity,
    domain: Domain::Container,
    scope: Scope::Containers,
    requires: TD,
    confidence: Confidence::High,
    rationale: "A writable root filesystem lets an attacker who gets code execution drop tools, modify binaries and persist inside the container. A read-only root confines writes to declared volumes.",
    remediation: Remediation {
        summary: "Set `readonlyRootFilesystem: true` and give the application explicit volumes for the paths it writes.",
        steps: &[
            "List the paths the application writes (temp files, caches, PID files).",
            "Add a volume (bind mount or ephemeral) for each and mount it at that path.",
            "Set `readonlyRootFilesystem` to true, register and deploy; watch the logs for write errors.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name                   = \"app\"\n  readonlyRootFilesystem = true\n  mountPoints            = [{ sourceVolume = \"tmp\", containerPath = \"/tmp\" }]\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    ReadonlyRootFilesystem: true\n    MountPoints:\n      - SourceVolume: tmp\n        ContainerPath: /tmp",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-5",
    ],
    peers: &[
        "SecurityHub ECS.5",
        "Prowler ecs_task_definitions_containers_readonly_access",
        "CIS AWS Compute 3.5",
        "Checkov CKV_AWS_336",
    ],
    check: container_root_filesystem_writable,
};

fn container_root_filesystem_writable(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        // Windows containers do not support a read-only root filesystem.
        if c.workload.task_definition.is_windows()
            || c.container.readonly_root_filesystem == Some(true)
        {
            continue;
        }
        let value = match c.container.readonly_root_filesystem {
            Some(false) => "false",
            _ => "(not set)",
        };
        out.report(
            c.resource(),
            format!(
                "container `{}` has a writable root filesystem",
                c.container.name
            ),
        )
        .evidence("readonlyRootFilesystem", value);
    }
}

pub static CONTAINER_HEALTH_CHECK_MISSING: Rule = Rule {
    id: "container-health-check-missing",
    title: "Essential container has no health check",
    severity: Severity::Medium,
    category: Category::Monitoring,
    domain: Domain::Container,
    scope: Scope::Containers,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Without a container health check ECS only notices a process that exits. A hung or compromised process keeps receiving traffic and is never replaced.",
    remediation: Remediation {
        summary: "Add a `healthCheck` that exercises the application, with sensible interval, retries and start period.",
        steps: &[
            "Add a cheap health endpoint or command to the application.",
            "Set `healthCheck.command` (e.g. `[\"CMD-SHELL\", \"curl -f http://localhost:8080/health || exit 1\"]`) with interval 30, timeout 5, retries 3.",
            "Register the revision and deploy.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name        = \"app\"\n  healthCheck = {\n    command     = [\"CMD-SHELL\", \"curl -f http://localhost:8080/health || exit 1\"]\n    interval    = 30\n    timeout     = 5\n    retries     = 3\n    startPeriod = 10\n  }\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    HealthCheck:\n      Command: [\"CMD-SHELL\", \"curl -f http://localhost:8080/health || exit 1\"]\n      Interval: 30\n      Timeout: 5\n      Retries: 3",
    },
    references: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/healthcheck.html"],
    peers: &[
        "Checkov CKV_DOCKER_2 (image analog)",
        "Trivy DS-0026 (image analog)",
    ],
    check: container_health_check_missing,
};

fn container_health_check_missing(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if !c.container.is_essential() {
            continue;
        }
        let has_check = c
            .container
            .health_check
            .as_ref()
            .is_some_and(|h| !h.command.is_empty());
        if !has_check {
            out.report(
                c.resource(),
                format!(
                    "essential container `{}` has no health check",
                    c.container.name
                ),
            )
            .evidence("healthCheck", "(not set)");
        }
    }
}

pub static CONTAINER_SECURITY_PROFILE_DISABLED: Rule = Rule {
    id: "container-security-profile-disabled",
    title: "Container disables its AppArmor, SELinux or seccomp confinement",
    severity: Severity::High,
    category: Category::RuntimeSecurity,
    domain: Domain::Container,
    scope: Scope::Ec2Workloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "On EC2, Docker confines each container with its default seccomp filter and the host's AppArmor or SELinux policy. `dockerSecurityOptions` such as `apparmor:unconfined` or `label:disable` switch that off and reopen kernel attack surface. Fargate does not accept these options and always applies its own confinement.",
    remediation: Remediation {
        summary: "Remove the `unconfined`/`disable` entries from `dockerSecurityOptions`; use a custom profile if the default is too strict.",
        steps: &[
            "Find which syscall or access the default profile blocked.",
            "Write a narrower profile (AppArmor profile or SELinux label) that allows only that, install it on the instances.",
            "Reference it as `apparmor:<profile>` or `label:<label>` instead of disabling confinement, register and deploy.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name                  = \"app\"\n  dockerSecurityOptions = [\"no-new-privileges\"]\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    DockerSecurityOptions:\n      - no-new-privileges",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html#ECS-Type-ContainerDefinition-dockerSecurityOptions",
        "https://docs.docker.com/engine/security/seccomp/",
    ],
    peers: &["CIS Docker Benchmark 5.1 and 5.21"],
    check: container_security_profile_disabled,
};

/// `dockerSecurityOptions` values that remove a confinement layer.
fn disables_confinement(option: &str) -> bool {
    let o = option.trim().to_ascii_lowercase().replace('=', ":");
    matches!(
        o.as_str(),
        "apparmor:unconfined"
            | "seccomp:unconfined"
            | "label:disable"
            | "label:type:spc_t"
            | "systempaths:unconfined"
    )
}

fn container_security_profile_disabled(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if !c.workload.runs_on_ec2() {
            continue;
        }
        let disabled: Vec<&str> = c
            .container
            .docker_security_options
            .iter()
            .map(String::as_str)
            .filter(|o| disables_confinement(o))
            .collect();
        if !disabled.is_empty() {
            out.report(
                c.resource(),
                format!(
                    "container `{}` disables confinement with {}",
                    c.container.name,
                    disabled.join(", ")
                ),
            )
            .evidence("dockerSecurityOptions", disabled.join(", "));
        }
    }
}

pub static CONTAINER_NO_NEW_PRIVILEGES_MISSING: Rule = Rule {
    id: "container-no-new-privileges-missing",
    title: "Container allows privilege escalation (no-new-privileges not set)",
    severity: Severity::Medium,
    category: Category::RuntimeSecurity,
    domain: Domain::Container,
    scope: Scope::Ec2Workloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Without `no-new-privileges`, a process can gain privileges through setuid binaries or file capabilities in the image. On EC2 the option is set through `dockerSecurityOptions`; Fargate does not accept it.",
    remediation: Remediation {
        summary: "Add `no-new-privileges` to `dockerSecurityOptions` of Linux containers on EC2.",
        steps: &[
            "Add `\"dockerSecurityOptions\": [\"no-new-privileges\"]` to the container definition.",
            "Register the revision and deploy; applications that rely on setuid helpers (e.g. sudo) must drop them.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name                  = \"app\"\n  dockerSecurityOptions = [\"no-new-privileges\"]\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    DockerSecurityOptions:\n      - no-new-privileges",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html#ECS-Type-ContainerDefinition-dockerSecurityOptions",
        "https://docs.docker.com/reference/cli/docker/container/run/#security-opt",
    ],
    peers: &["CIS Docker Benchmark 5.25"],
    check: container_no_new_privileges_missing,
};

fn container_no_new_privileges_missing(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if !c.workload.runs_on_ec2() || c.workload.task_definition.is_windows() {
            continue;
        }
        let set = c.container.docker_security_options.iter().any(|o| {
            o.trim().eq_ignore_ascii_case("no-new-privileges")
                || o.trim().eq_ignore_ascii_case("no-new-privileges:true")
        });
        if !set {
            out.report(
                c.resource(),
                format!(
                    "container `{}` on {} does not set no-new-privileges",
                    c.container.name,
                    c.workload.launch.label()
                ),
            )
            .evidence(
                "dockerSecurityOptions",
                format!("{:?}", c.container.docker_security_options),
            );
        }
    }
}

pub static CONTAINER_DANGEROUS_CAPABILITIES: Rule = Rule {
    id: "container-dangerous-capabilities",
    title: "Container adds dangerous Linux capabilities",
    severity: Severity::High,
    category: Category::RuntimeSecurity,
    domain: Domain::Container,
    scope: Scope::Containers,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Capabilities such as SYS_ADMIN, SYS_MODULE or DAC_READ_SEARCH give a container powers over the host kernel that lead to container escape; NET_ADMIN and NET_RAW let it tamper with the network of neighbouring tasks.",
    remediation: Remediation {
        summary: "Remove the capability from `linuxParameters.capabilities.add`; grant the narrowest one that works, if any.",
        steps: &[
            "Find the operation that needed the capability (often a startup script that could run at build time).",
            "Remove it from `capabilities.add` and add `capabilities.drop: [\"ALL\"]` plus only what is required (e.g. NET_BIND_SERVICE).",
            "Register the revision and deploy.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name            = \"app\"\n  linuxParameters = { capabilities = { add = [], drop = [\"ALL\"] } }\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    LinuxParameters:\n      Capabilities:\n        Drop: [ALL]",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_KernelCapabilities.html",
        "https://man7.org/linux/man-pages/man7/capabilities.7.html",
    ],
    peers: &[
        "ECS best-practices guide: remove unnecessary capabilities",
        "CIS Docker Benchmark 5.3",
    ],
    check: container_dangerous_capabilities,
};

fn container_dangerous_capabilities(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        let found: Vec<&capabilities::DangerousCapability> = c
            .container
            .added_capabilities()
            .iter()
            .filter_map(|cap| capabilities::dangerous(cap))
            .collect();
        if found.is_empty() {
            continue;
        }
        let names: Vec<&str> = found.iter().map(|d| d.name).collect();
        let f = out.report(
            c.resource(),
            format!(
                "container `{}` adds {}: {}",
                c.container.name,
                names.join(", "),
                found[0].why
            ),
        );
        f.evidence("capabilities.add", names.join(", "));
        if found.iter().any(|d| d.escape_grade) {
            f.severity(Severity::Critical);
        }
    }
}

pub static CONTAINER_CAPABILITIES_NOT_DROPPED: Rule = Rule {
    id: "container-capabilities-not-dropped",
    title: "Container keeps Docker's default capabilities",
    severity: Severity::Low,
    category: Category::RuntimeSecurity,
    domain: Domain::Container,
    scope: Scope::Containers,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Docker's default set includes CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW and more, which most applications never use. Dropping ALL and adding back only what is needed shrinks what a compromised process can do.",
    remediation: Remediation {
        summary: "Add `linuxParameters.capabilities.drop: [\"ALL\"]` and re-add only required capabilities.",
        steps: &[
            "Set `capabilities.drop` to `[\"ALL\"]`.",
            "Test the service; if something fails, add back the single capability it needs (e.g. NET_BIND_SERVICE for ports below 1024).",
            "Register the revision and deploy.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name            = \"app\"\n  linuxParameters = { capabilities = { drop = [\"ALL\"] } }\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    LinuxParameters:\n      Capabilities:\n        Drop: [ALL]",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-tasks-containers.html",
    ],
    peers: &["ECS best-practices guide: drop unnecessary capabilities"],
    check: container_capabilities_not_dropped,
};

fn container_capabilities_not_dropped(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if c.workload.task_definition.is_windows() || c.container.is_privileged() {
            continue;
        }
        let drops_all = c
            .container
            .dropped_capabilities()
            .iter()
            .any(|d| d.eq_ignore_ascii_case("ALL"));
        if !drops_all {
            let dropped = c.container.dropped_capabilities();
            out.report(
                c.resource(),
                format!(
                    "container `{}` does not drop ALL capabilities",
                    c.container.name
                ),
            )
            .evidence(
                "capabilities.drop",
                if dropped.is_empty() {
                    "(none)".to_owned()
                } else {
                    dropped.join(", ")
                },
            );
        }
    }
}

pub static CONTAINER_INIT_PROCESS_DISABLED: Rule = Rule {
    id: "container-init-process-disabled",
    title: "Essential container runs without an init process",
    severity: Severity::Low,
    category: Category::ContainerSecurity,
    domain: Domain::Container,
    scope: Scope::Containers,
    requires: TD,
    confidence: Confidence::Medium,
    rationale: "Without an init process, PID 1 is the application: orphaned child processes become zombies and signals are not forwarded, so tasks may not stop cleanly and process tables can fill. (The spec rates this Medium; it is an operational-hygiene control, so it is Low here.)",
    remediation: Remediation {
        summary: "Set `linuxParameters.initProcessEnabled: true`.",
        steps: &[
            "Set `linuxParameters.initProcessEnabled` to true on essential containers (ECS runs tini as PID 1).",
            "Register the revision and deploy.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name            = \"app\"\n  linuxParameters = { initProcessEnabled = true }\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    LinuxParameters:\n      InitProcessEnabled: true",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinuxParameters.html",
    ],
    peers: &[],
    check: container_init_process_disabled,
};

fn container_init_process_disabled(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if !c.container.is_essential() || c.workload.task_definition.is_windows() {
            continue;
        }
        let enabled = c
            .container
            .linux_parameters
            .as_ref()
            .and_then(|l| l.init_process_enabled)
            .unwrap_or(false);
        if !enabled {
            out.report(
                c.resource(),
                format!(
                    "essential container `{}` runs without an init process",
                    c.container.name
                ),
            )
            .evidence("initProcessEnabled", "false or not set");
        }
    }
}

pub static TASK_HOST_PID_NAMESPACE: Rule = Rule {
    id: "task-host-pid-namespace",
    title: "Task shares the host's process namespace",
    severity: Severity::High,
    category: Category::ContainerSecurity,
    domain: Domain::Container,
    scope: Scope::Workloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "With `pidMode: host`, containers see every process on the instance, including other tasks and the ECS agent, and with enough privilege can signal or trace them.",
    remediation: Remediation {
        summary: "Remove `pidMode: host` (or use `task` to share only within the task).",
        steps: &[
            "Remove `pidMode` or set it to `task`.",
            "Register the revision and deploy.",
        ],
        cli: TD_CLI,
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  pid_mode = \"task\"\n}",
        cloudformation: "Type: AWS::ECS::TaskDefinition\nProperties:\n  PidMode: task",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-3",
    ],
    peers: &[
        "SecurityHub ECS.3",
        "Prowler ecs_task_definitions_host_namespace_not_shared",
        "CIS AWS Compute 3.3",
        "Checkov CKV_AWS_335",
    ],
    check: task_host_pid_namespace,
};

fn task_host_pid_namespace(snap: &Snapshot, out: &mut Findings) {
    for w in snap.workloads() {
        if w.task_definition.pid_mode.as_deref() == Some("host") {
            out.report(
                w.task_definition_ref(),
                format!(
                    "task definition `{}` sets pidMode: host",
                    w.task_definition.family_revision()
                ),
            )
            .evidence("pidMode", "host");
        }
    }
}

pub static TASK_HOST_IPC_NAMESPACE: Rule = Rule {
    id: "task-host-ipc-namespace",
    title: "Task shares the host's IPC namespace",
    severity: Severity::High,
    category: Category::ContainerSecurity,
    domain: Domain::Container,
    scope: Scope::Workloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "With `ipcMode: host`, containers share shared memory segments, semaphores and message queues with the host and every other host-IPC container, which leaks data across tasks.",
    remediation: Remediation {
        summary: "Remove `ipcMode: host` (use `task` or `none`).",
        steps: &[
            "Remove `ipcMode` or set it to `task`.",
            "Register the revision and deploy.",
        ],
        cli: TD_CLI,
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  ipc_mode = \"task\"\n}",
        cloudformation: "Type: AWS::ECS::TaskDefinition\nProperties:\n  IpcMode: task",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_definition_ipcmode",
    ],
    peers: &["CIS Docker Benchmark 5.16"],
    check: task_host_ipc_namespace,
};

fn task_host_ipc_namespace(snap: &Snapshot, out: &mut Findings) {
    for w in snap.workloads() {
        if w.task_definition.ipc_mode.as_deref() == Some("host") {
            out.report(
                w.task_definition_ref(),
                format!(
                    "task definition `{}` sets ipcMode: host",
                    w.task_definition.family_revision()
                ),
            )
            .evidence("ipcMode", "host");
        }
    }
}

pub static TASK_HOST_NETWORK_MODE: Rule = Rule {
    id: "task-host-network-mode",
    title: "Task uses host network mode",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    domain: Domain::Container,
    scope: Scope::Ec2Workloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "In host mode the containers use the instance's network stack: no per-task security group, direct access to the instance metadata service (and so the instance role), and every port bound on the host.",
    remediation: Remediation {
        summary: "Use `awsvpc` network mode so each task gets its own ENI and security group.",
        steps: &[
            "Change `networkMode` to `awsvpc` and remove `hostPort` values.",
            "Give the service a network configuration with private subnets and a dedicated security group.",
            "Register the revision and update the service.",
        ],
        cli: "aws ecs update-service --cluster <cluster> --service <service> --task-definition <family> --network-configuration 'awsvpcConfiguration={subnets=[<subnet>],securityGroups=[<sg>],assignPublicIp=DISABLED}'",
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  network_mode = \"awsvpc\"\n}",
        cloudformation: "Type: AWS::ECS::TaskDefinition\nProperties:\n  NetworkMode: awsvpc",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/networking-networkmode.html",
    ],
    peers: &[
        "SecurityHub ECS.17",
        "AWS Config ecs-task-definition-network-mode-not-host",
    ],
    check: task_host_network_mode,
};

fn task_host_network_mode(snap: &Snapshot, out: &mut Findings) {
    for w in snap.workloads() {
        if w.network_mode() == "host" {
            out.report(
                w.task_definition_ref(),
                format!(
                    "task definition `{}` uses host network mode",
                    w.task_definition.family_revision()
                ),
            )
            .evidence("networkMode", "host");
        }
    }
}

pub static TASK_HOST_NETWORK_ROOT_USER: Rule = Rule {
    id: "task-host-network-root-user",
    title: "Container runs as root in host network mode",
    severity: Severity::High,
    category: Category::ContainerSecurity,
    domain: Domain::Container,
    scope: Scope::Ec2Workloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Root in the host's network namespace can reconfigure the instance's interfaces and firewall, sniff every task's traffic and reach the metadata service as the instance.",
    remediation: Remediation {
        summary: "Run the container as a non-root user, and move the task to `awsvpc` mode.",
        steps: &[
            "Set `user` to a non-root UID in the container definition.",
            "Prefer `awsvpc` network mode; if host mode is unavoidable, keep the container unprivileged and non-root.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name = \"app\"\n  user = \"10001:10001\"\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    User: \"10001:10001\"",
    },
    references: &[
        "https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-user-for-host-mode-check.html",
    ],
    peers: &[
        "SecurityHub ECS.1 (retired)",
        "Prowler ecs_task_definitions_host_networking_mode_users",
        "CIS AWS Compute 3.1",
        "Control Tower CT.ECS.PR.8",
    ],
    check: task_host_network_root_user,
};

fn task_host_network_root_user(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if c.workload.network_mode() != "host" || c.workload.task_definition.is_windows() {
            continue;
        }
        let user = c.container.user.as_deref().map(str::trim).unwrap_or("");
        if user.is_empty() || is_root_user(user) {
            let shown = if user.is_empty() { "(not set)" } else { user };
            out.report(
                c.resource(),
                format!(
                    "container `{}` runs as root (user: {shown}) in host network mode",
                    c.container.name
                ),
            )
            .evidence("networkMode", "host")
            .evidence("user", shown);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn root_users() {
        for u in ["root", "0", "0:0", "root:root", "ROOT", "0:1000"] {
            assert!(super::is_root_user(u), "{u}");
        }
        for u in ["1000", "app", "10001:10001", "nobody", "rooty"] {
            assert!(!super::is_root_user(u), "{u}");
        }
    }
}
