//! Container security: users, privileges, namespaces, capabilities, filesystems and the
//! runtime security options of the containers that run.

use super::snippets::{AWSVPC_TD_CFN, TD_CLI};
use super::storage::{HostMount, host_mounts};
use super::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};
use crate::knowledge::{capabilities, hosts, platform};
use crate::model::{ContainerCtx, DataSource, Snapshot, setting};

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
    &CONTAINER_LOGGING_MISSING,
    &CONTAINER_LOGGING_BLOCKING_MODE,
    &CONTAINER_HOST_DEVICES,
    &CONTAINER_DOCKER_SOCKET_MOUNTED,
    &CONTAINER_SENSITIVE_HOST_PATH_MOUNTED,
    &TASK_FAULT_INJECTION_ENABLED_IN_PRODUCTION,
];

const TD: &[DataSource] = &[DataSource::Services, DataSource::TaskDefinitions, DataSource::Tasks];

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
    rationale: "A privileged container gets every capability and every host device, with seccomp and AppArmor off. Anyone who runs code in it controls the EC2 host, the other tasks on it and the instance role's credentials. `privileged` defaults to false; Fargate does not allow it.",
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
            out.report(c.resource(), format!("container `{}` sets privileged: true", c.container.name))
                .evidence("privileged", true)
                .evidence("launch_type", c.workload.launch.label());
        }
    }
}

/// Terraform: run the container as a non-root UID:GID.
const NON_ROOT_USER_TF: &str = "container_definitions = jsonencode([{\n  name = \"app\"\n  user = \"10001:10001\"\n}])";

/// CloudFormation: run the container as a non-root UID:GID.
const NON_ROOT_USER_CFN: &str = "ContainerDefinitions:\n  - Name: app\n    User: \"10001:10001\"";

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
        terraform: NON_ROOT_USER_TF,
        cloudformation: NON_ROOT_USER_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_security",
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-tasks-containers.html",
    ],
    peers: &["SecurityHub ECS.20", "Control Tower CT.ECS.PR.3", "AWS Config ecs-task-definition-nonroot-user"],
    check: container_runs_as_root,
};

fn container_runs_as_root(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if platform::is_windows(snap, &c.workload) {
            continue;
        }
        match c.container.user.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => {
                out.report(
                    c.resource(),
                    format!("container `{}` sets no user, so it runs as the image's USER (root unless the image changes it)", c.container.name),
                )
                .evidence("user", "(not set)")
                .confidence(Confidence::Medium);
            }
            Some(user) if is_root_user(user) => {
                out.report(c.resource(), format!("container `{}` runs as `{user}`", c.container.name))
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
    rationale: "ContainerAdministrator is the Windows equivalent of root inside the container; a compromise of the process has full control of the container and a wider path to the host. When `user` is not set, Windows images run as ContainerAdministrator. EC2 Windows task definitions rarely declare `runtimePlatform`, so the operating system is inferred from the tasks' and service's `platformFamily`, a placement constraint on `ecs.os-type`, the container instances' `ecs.os-type` (for a CloudFormation file, the template's PowerShell user data or Windows AMI), and Windows image names, `C:\\` paths, named pipes and a gMSA credential spec in `dockerSecurityOptions` (Medium confidence when only such hints decide it).",
    remediation: Remediation {
        summary: "Set `user` to `ContainerUser` or another non-administrator account.",
        steps: &[
            "Check that the application runs as ContainerUser: grant that account the file-system and registry permissions it needs in the image.",
            "Set `user` to `ContainerUser` (or a dedicated gMSA/local account) in the container definition.",
            "Register the new revision and deploy it to the service.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name = \"app\"\n  user = \"ContainerUser\"\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    User: ContainerUser",
    },
    references: &["https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-21"],
    peers: &["SecurityHub ECS.21"],
    check: container_windows_admin_user,
};

fn container_windows_admin_user(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        let os = platform::workload_os(snap, &c.workload);
        if !os.is_windows() {
            continue;
        }
        let user = c.container.user.as_deref().map(str::trim).unwrap_or("");
        if user.is_empty() || user.eq_ignore_ascii_case("containeradministrator") {
            let shown = if user.is_empty() { "(not set)" } else { user };
            let f = out.report(
                c.resource(),
                format!("Windows container `{}` runs as ContainerAdministrator (user: {shown})", c.container.name),
            );
            f.evidence("user", shown).evidence("operating_system", &os.signal);
            if !os.stated {
                f.confidence(Confidence::Medium);
            }
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
    rationale: "A writable root filesystem lets an attacker who gets code execution drop tools, modify binaries and persist inside the container. A read-only root confines writes to declared volumes. `readonlyRootFilesystem` defaults to false (writable); Windows containers do not support it and are skipped.",
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
    references: &["https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-5"],
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
        if platform::is_windows(snap, &c.workload) || c.container.readonly_root_filesystem == Some(true) {
            continue;
        }
        let value = match c.container.readonly_root_filesystem {
            Some(false) => "false",
            _ => "(not set)",
        };
        out.report(c.resource(), format!("container `{}` has a writable root filesystem", c.container.name))
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
    rationale: "Without a container health check ECS only notices a process that exits. A hung or compromised process keeps receiving traffic and is never replaced. ECS ignores a HEALTHCHECK baked into the image: only the task definition's `healthCheck` counts. Non-essential sidecars are not flagged.",
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
    peers: &["Checkov CKV_DOCKER_2 (image analog)", "Trivy DS-0026 (image analog)"],
    check: container_health_check_missing,
};

fn container_health_check_missing(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if !c.container.is_essential() {
            continue;
        }
        let shown = match c.container.health_check.as_ref() {
            Some(h) if !h.command.is_empty() => continue,
            Some(_) => "(no command)",
            None => "(not set)",
        };
        out.report(c.resource(), format!("essential container `{}` has no health check", c.container.name))
            .evidence("healthCheck", shown);
    }
}

/// Terraform: `no-new-privileges` in `dockerSecurityOptions`.
const NO_NEW_PRIVILEGES_TF: &str = "container_definitions = jsonencode([{\n  name                  = \"app\"\n  dockerSecurityOptions = [\"no-new-privileges\"]\n}])";

/// CloudFormation: `no-new-privileges` in `DockerSecurityOptions`.
const NO_NEW_PRIVILEGES_CFN: &str =
    "ContainerDefinitions:\n  - Name: app\n    DockerSecurityOptions:\n      - no-new-privileges";

pub static CONTAINER_SECURITY_PROFILE_DISABLED: Rule = Rule {
    id: "container-security-profile-disabled",
    title: "Container disables its AppArmor, SELinux or seccomp confinement",
    severity: Severity::High,
    category: Category::RuntimeSecurity,
    domain: Domain::Container,
    scope: Scope::Ec2Workloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "On EC2, Docker confines each container with its default seccomp filter and the host's AppArmor or SELinux policy. `dockerSecurityOptions` such as `apparmor:unconfined` or `label:disable` switch that off and reopen kernel attack surface. With no `dockerSecurityOptions`, Docker's defaults apply and nothing is flagged. Fargate does not accept these options and always applies its own confinement.",
    remediation: Remediation {
        summary: "Remove the `unconfined`/`disable` entries from `dockerSecurityOptions`; use a custom profile if the default is too strict.",
        steps: &[
            "Find which syscall or access the default profile blocked.",
            "Write a narrower profile (AppArmor profile or SELinux label) that allows only that, install it on the instances.",
            "Reference it as `apparmor:<profile>` or `label:<label>` instead of disabling confinement, register and deploy.",
        ],
        cli: TD_CLI,
        terraform: NO_NEW_PRIVILEGES_TF,
        cloudformation: NO_NEW_PRIVILEGES_CFN,
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
        "apparmor:unconfined" | "seccomp:unconfined" | "label:disable" | "label:type:spc_t" | "systempaths:unconfined"
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
                format!("container `{}` disables confinement with {}", c.container.name, disabled.join(", ")),
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
    rationale: "Without `no-new-privileges`, a process can gain privileges through setuid binaries or file capabilities in the image. Docker leaves it off unless asked. On EC2 the option is set through `dockerSecurityOptions`; Fargate and Windows do not accept it, so they are skipped.",
    remediation: Remediation {
        summary: "Add `no-new-privileges` to `dockerSecurityOptions` of Linux containers on EC2.",
        steps: &[
            "Check that the application does not rely on setuid/setgid helpers (sudo, su, ping on old images) at runtime.",
            "Add `\"dockerSecurityOptions\": [\"no-new-privileges\"]` to the container definition.",
            "Register the revision and deploy it to the service.",
        ],
        cli: TD_CLI,
        terraform: NO_NEW_PRIVILEGES_TF,
        cloudformation: NO_NEW_PRIVILEGES_CFN,
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
        if !c.workload.runs_on_ec2() || platform::is_windows(snap, &c.workload) {
            continue;
        }
        let set = c.container.docker_security_options.iter().any(|o| sets_no_new_privileges(o));
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
                if c.container.docker_security_options.is_empty() {
                    "(none)".to_owned()
                } else {
                    c.container.docker_security_options.join(", ")
                },
            );
        }
    }
}

/// Whether a `dockerSecurityOptions` entry turns no-new-privileges on (`no-new-privileges`,
/// `no-new-privileges:true` or `no-new-privileges=true`; `…:false` turns it off).
fn sets_no_new_privileges(option: &str) -> bool {
    let o = option.trim().to_ascii_lowercase().replace('=', ":");
    matches!(o.strip_prefix("no-new-privileges"), Some("" | ":true"))
}

/// CloudFormation: drop all Linux capabilities.
const DROP_ALL_CAPABILITIES_CFN: &str =
    "ContainerDefinitions:\n  - Name: app\n    LinuxParameters:\n      Capabilities:\n        Drop: [ALL]";

pub static CONTAINER_DANGEROUS_CAPABILITIES: Rule = Rule {
    id: "container-dangerous-capabilities",
    title: "Container adds dangerous Linux capabilities",
    severity: Severity::High,
    category: Category::RuntimeSecurity,
    domain: Domain::Container,
    scope: Scope::Containers,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Capabilities such as SYS_ADMIN, SYS_MODULE or DAC_READ_SEARCH give a container powers over the host kernel that lead to container escape; NET_ADMIN lets it tamper with the network of neighbouring tasks. ECS adds no capability unless `linuxParameters.capabilities.add` lists it. Adding a capability that is already in Docker's default set (NET_RAW) is Low, as is SYS_PTRACE on Fargate, the only capability Fargate allows and confined to the task's own micro-VM. Windows containers have no Linux capabilities and are not examined.",
    remediation: Remediation {
        summary: "Remove the capability from `linuxParameters.capabilities.add`; grant the narrowest one that works, if any.",
        steps: &[
            "Find the operation that needed the capability (often a startup script that could run at build time).",
            "Remove it from `capabilities.add` and add `capabilities.drop: [\"ALL\"]` plus only what is required (e.g. NET_BIND_SERVICE).",
            "Register the revision and deploy.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name            = \"app\"\n  linuxParameters = { capabilities = { add = [], drop = [\"ALL\"] } }\n}])",
        cloudformation: DROP_ALL_CAPABILITIES_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_KernelCapabilities.html",
        "https://man7.org/linux/man-pages/man7/capabilities.7.html",
    ],
    peers: &["ECS best-practices guide: remove unnecessary capabilities", "CIS Docker Benchmark 5.3"],
    check: container_dangerous_capabilities,
};

/// How much adding this capability matters here: escape-grade capabilities are critical;
/// one already in Docker's default set (NET_RAW) or SYS_PTRACE on Fargate (the only one
/// Fargate allows, inside the task's own micro-VM) is low; the rest are high.
fn capability_severity(d: &capabilities::DangerousCapability, fargate: bool) -> Severity {
    if d.escape_grade {
        Severity::Critical
    } else if capabilities::in_docker_default(d.name) || (fargate && capabilities::FARGATE_ADDABLE.contains(&d.name)) {
        Severity::Low
    } else {
        Severity::High
    }
}

fn container_dangerous_capabilities(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if platform::is_windows(snap, &c.workload) {
            continue;
        }
        let mut found: Vec<&capabilities::DangerousCapability> =
            c.container.added_capabilities().iter().filter_map(|cap| capabilities::dangerous(cap)).collect();
        let mut seen: Vec<&str> = Vec::new();
        found.retain(|d| {
            let first = !seen.contains(&d.name);
            seen.push(d.name);
            first
        });
        // The most severe first: the message explains the worst one.
        let fargate = c.workload.is_fargate();
        found.sort_by_key(|d| std::cmp::Reverse(capability_severity(d, fargate)));
        let Some(worst) = found.first() else {
            continue;
        };
        let names: Vec<&str> = found.iter().map(|d| d.name).collect();
        let message = if found.len() == 1 {
            format!("container `{}` adds {}: {}", c.container.name, worst.name, worst.why)
        } else {
            format!("container `{}` adds {} ({}: {})", c.container.name, names.join(", "), worst.name, worst.why)
        };
        let f = out.report(c.resource(), message);
        f.evidence("capabilities.add", names.join(", ")).severity(capability_severity(worst, fargate));
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
    rationale: "Docker's default set includes CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW and more, which most applications never use. Dropping ALL and adding back only what is needed shrinks what a compromised process can do. Without `capabilities.drop`, the whole default set stays. (Privileged containers are reported by container-privileged; Windows containers have no Linux capabilities.)",
    remediation: Remediation {
        summary: "Add `linuxParameters.capabilities.drop: [\"ALL\"]` and re-add only required capabilities.",
        steps: &[
            "Set `capabilities.drop` to `[\"ALL\"]`.",
            "Test the service; if something fails, add back the single capability it needs (e.g. NET_BIND_SERVICE for ports below 1024).",
            "Register the revision and deploy.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name            = \"app\"\n  linuxParameters = { capabilities = { drop = [\"ALL\"] } }\n}])",
        cloudformation: DROP_ALL_CAPABILITIES_CFN,
    },
    references: &["https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-tasks-containers.html"],
    peers: &["ECS best-practices guide: drop unnecessary capabilities"],
    check: container_capabilities_not_dropped,
};

fn container_capabilities_not_dropped(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if platform::is_windows(snap, &c.workload) || c.container.is_privileged() {
            continue;
        }
        let drops_all = c.container.dropped_capabilities().iter().any(|d| d.eq_ignore_ascii_case("ALL"));
        if !drops_all {
            let dropped = c.container.dropped_capabilities();
            out.report(c.resource(), format!("container `{}` does not drop ALL capabilities", c.container.name))
                .evidence(
                    "capabilities.drop",
                    if dropped.is_empty() { "(none)".to_owned() } else { dropped.join(", ") },
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
    rationale: "Without an init process, PID 1 is the application: orphaned child processes become zombies and signals are not forwarded, so tasks may not stop cleanly and process tables can fill. `initProcessEnabled` defaults to false; an image may still ship its own init, hence Medium confidence. (The spec rates this Medium; it is an operational-hygiene control, so it is Low here.)",
    remediation: Remediation {
        summary: "Set `linuxParameters.initProcessEnabled: true`.",
        steps: &[
            "Check that the image does not already ship its own init (tini, dumb-init) as entrypoint; if it does, it can stay.",
            "Set `linuxParameters.initProcessEnabled` to true on essential containers (Docker then runs its init as PID 1).",
            "Register the revision and deploy it to the service.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name            = \"app\"\n  linuxParameters = { initProcessEnabled = true }\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    LinuxParameters:\n      InitProcessEnabled: true",
    },
    references: &["https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinuxParameters.html"],
    peers: &[],
    check: container_init_process_disabled,
};

fn container_init_process_disabled(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if !c.container.is_essential() || platform::is_windows(snap, &c.workload) {
            continue;
        }
        let shown = match c.container.linux_parameters.as_ref().and_then(|l| l.init_process_enabled) {
            Some(true) => continue,
            Some(false) => "false",
            None => "(not set: false)",
        };
        out.report(c.resource(), format!("essential container `{}` runs without an init process", c.container.name))
            .evidence("initProcessEnabled", shown);
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
    rationale: "With `pidMode: host`, containers see every process on the instance, including other tasks and the ECS agent, their command lines and environments, and with enough privilege can signal or trace them. When `pidMode` is not set each container has its own process namespace; Fargate supports only `task`.",
    remediation: Remediation {
        summary: "Remove `pidMode: host` (or use `task` to share only within the task).",
        steps: &[
            "Find out what needed the host's processes (usually a monitoring or debugging agent); run such agents as a daemon service on dedicated instances instead.",
            "Remove `pidMode` (each container gets its own namespace) or set it to `task` to share only within the task.",
            "Register the revision and deploy it to the service.",
        ],
        cli: TD_CLI,
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  pid_mode = \"task\"\n}",
        cloudformation: "Type: AWS::ECS::TaskDefinition\nProperties:\n  PidMode: task",
    },
    references: &["https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-3"],
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
                format!("task definition `{}` sets pidMode: host", w.task_definition.family_revision()),
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
    rationale: "With `ipcMode: host`, containers share shared memory segments, semaphores and message queues with the host and every other host-IPC container, which leaks data across tasks. When `ipcMode` is not set each container gets a private IPC namespace; Fargate does not support this parameter.",
    remediation: Remediation {
        summary: "Remove `ipcMode: host` (use `task` or `none`).",
        steps: &[
            "Find which containers actually need to share memory; usually only containers of the same task do.",
            "Remove `ipcMode` or set it to `task` (shared within the task) or `none`.",
            "Register the revision and deploy it to the service.",
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
                format!("task definition `{}` sets ipcMode: host", w.task_definition.family_revision()),
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
    rationale: "In host mode the containers use the instance's network stack: no per-task security group, direct access to the instance metadata service (and so the instance role), and every port bound on the host. When `networkMode` is not set, EC2 Linux tasks use bridge mode; Fargate always uses awsvpc.",
    remediation: Remediation {
        summary: "Use `awsvpc` network mode so each task gets its own ENI and security group.",
        steps: &[
            "Change `networkMode` to `awsvpc` and remove `hostPort` values.",
            "Give the service a network configuration with private subnets and a dedicated security group.",
            "Register the revision and update the service.",
        ],
        cli: "aws ecs update-service --cluster <cluster> --service <service> --task-definition <family> --network-configuration 'awsvpcConfiguration={subnets=[<subnet>],securityGroups=[<sg>],assignPublicIp=DISABLED}'",
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  network_mode = \"awsvpc\"\n}",
        cloudformation: AWSVPC_TD_CFN,
    },
    references: &["https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/networking-networkmode.html"],
    peers: &["SecurityHub ECS.17", "AWS Config ecs-task-definition-network-mode-not-host"],
    check: task_host_network_mode,
};

fn task_host_network_mode(snap: &Snapshot, out: &mut Findings) {
    for w in snap.workloads() {
        if w.network_mode() == "host" {
            out.report(
                w.task_definition_ref(),
                format!("task definition `{}` uses host network mode", w.task_definition.family_revision()),
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
    rationale: "Root in the host's network namespace can reconfigure the instance's interfaces and firewall, sniff every task's traffic and reach the metadata service as the instance. When `user` is not set the image's USER applies, which is root for most images.",
    remediation: Remediation {
        summary: "Run the container as a non-root user, and move the task to `awsvpc` mode.",
        steps: &[
            "Set `user` to a non-root UID in the container definition (and create that user in the image).",
            "If the process binds a port below 1024, add only `NET_BIND_SERVICE` instead of running as root.",
            "Prefer `awsvpc` network mode; register the revision and update the service.",
        ],
        cli: TD_CLI,
        terraform: NON_ROOT_USER_TF,
        cloudformation: NON_ROOT_USER_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-user-for-host-mode-check.html",
    ],
    peers: &[
        "SecurityHub ECS.1 (retired)",
        "SecurityHub ECS.20",
        "Prowler ecs_task_definitions_host_networking_mode_users",
        "CIS AWS Compute 3.1",
        "Control Tower CT.ECS.PR.8",
    ],
    check: task_host_network_root_user,
};

fn task_host_network_root_user(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if c.workload.network_mode() != "host" || platform::is_windows(snap, &c.workload) {
            continue;
        }
        let user = c.container.user.as_deref().map(str::trim).unwrap_or("");
        if user.is_empty() || is_root_user(user) {
            let shown = if user.is_empty() { "(not set)" } else { user };
            out.report(
                c.resource(),
                format!("container `{}` runs as root (user: {shown}) in host network mode", c.container.name),
            )
            .evidence("networkMode", "host")
            .evidence("user", shown);
        }
    }
}

/// The container's log driver, when one is set (`none` counts as no driver).
fn log_driver<'a>(c: &ContainerCtx<'a>) -> Option<&'a str> {
    c.container
        .log_configuration
        .as_ref()
        .and_then(|l| l.log_driver.as_deref())
        .map(str::trim)
        .filter(|d| !d.is_empty() && !d.eq_ignore_ascii_case("none"))
}

pub static CONTAINER_LOGGING_MISSING: Rule = Rule {
    id: "container-logging-missing",
    title: "Container has no log configuration",
    severity: Severity::High,
    category: Category::Monitoring,
    domain: Domain::Container,
    scope: Scope::Containers,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Without `logConfiguration.logDriver` the container's output is not shipped anywhere: on EC2 it stays in the Docker daemon's default driver on the instance (json-file unless changed) and disappears with it, and on Fargate it is not kept at all. There is then no record to investigate an incident or to show what a task did. FireLens (`awsfirelens`) counts as a log configuration.",
    remediation: Remediation {
        summary: "Give every container a `logConfiguration` that ships its output off the host (awslogs, FireLens or splunk).",
        steps: &[
            "Create a CloudWatch Logs group per service (with a retention period and, for sensitive data, a KMS key).",
            "Set `logConfiguration` with `logDriver: awslogs` and the `awslogs-group`, `awslogs-region` and `awslogs-stream-prefix` options (or `awsfirelens` with a log router container).",
            "Allow the task execution role `logs:CreateLogStream` and `logs:PutLogEvents` on the group.",
            "Register the revision, deploy it, and check that log streams appear.",
        ],
        cli: "aws logs create-log-group --log-group-name /ecs/<service> && aws logs put-retention-policy --log-group-name /ecs/<service> --retention-in-days 90 && aws ecs register-task-definition --cli-input-json file://task-definition.json",
        terraform: "container_definitions = jsonencode([{\n  name             = \"app\"\n  logConfiguration = {\n    logDriver = \"awslogs\"\n    options = {\n      \"awslogs-group\"         = aws_cloudwatch_log_group.app.name\n      \"awslogs-region\"        = \"<region>\"\n      \"awslogs-stream-prefix\" = \"ecs\"\n      \"mode\"                  = \"non-blocking\"\n    }\n  }\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    LogConfiguration:\n      LogDriver: awslogs\n      Options:\n        awslogs-group: !Ref AppLogGroup\n        awslogs-region: !Ref AWS::Region\n        awslogs-stream-prefix: ecs\n        mode: non-blocking",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LogConfiguration.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-9",
    ],
    peers: &[
        "SecurityHub ECS.9",
        "Prowler ecs_task_definitions_logging_enabled",
        "CIS AWS Compute 3.7",
        "Control Tower CT.ECS.PR.5",
        "AWS Config ecs-task-definition-log-configuration",
    ],
    check: container_logging_missing,
};

fn container_logging_missing(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        if log_driver(&c).is_some() {
            continue;
        }
        let driver = c
            .container
            .log_configuration
            .as_ref()
            .and_then(|l| l.log_driver.as_deref())
            .map(str::trim)
            .filter(|d| !d.is_empty());
        let (message, shown) = match driver {
            Some(d) => (
                format!("container `{}` uses log driver `{d}`, which discards its logs", c.container.name),
                d.to_owned(),
            ),
            None => (format!("container `{}` has no log configuration", c.container.name), "(not set)".to_owned()),
        };
        out.report(c.resource(), message)
            .evidence("logConfiguration.logDriver", shown)
            .evidence("launch_type", c.workload.launch.label());
    }
}

pub static CONTAINER_LOGGING_BLOCKING_MODE: Rule = Rule {
    id: "container-logging-blocking-mode",
    title: "Container log delivery may block the application",
    severity: Severity::Low,
    category: Category::Monitoring,
    domain: Domain::Container,
    scope: Scope::Containers,
    requires: LOG_MODE_SOURCES,
    confidence: Confidence::Medium,
    rationale: "In blocking mode, a container's writes to stdout and stderr stall when the log driver cannot deliver (CloudWatch throttling, a FireLens router down), so the application hangs and fails its health checks: a logging outage becomes an outage of the service. `non-blocking` buffers in memory (`max-buffer-size`) and drops lines instead. A container without `mode` follows the account setting `defaultLogDriverMode` (ListAccountSettings, effective value), which decides those containers. For a snapshot without account settings (an older snapshot), the rule falls back to the documented default at the time of collection (blocking before 2025-06-25, non-blocking since), with low confidence, and cannot pass.",
    remediation: Remediation {
        summary: "Set `mode: non-blocking` (with a `max-buffer-size`) in each container's log options, or pin the account default.",
        steps: &[
            "Decide per service whether availability or complete logs matter more; for audit-critical logs keep blocking mode and make the log path highly available instead.",
            "Add `\"mode\": \"non-blocking\"` and `\"max-buffer-size\": \"25m\"` to `logConfiguration.options`.",
            "Optionally set the account default with `put-account-setting-default --name defaultLogDriverMode --value non-blocking` so containers without a mode follow it.",
            "Register the revision and deploy it.",
        ],
        cli: "aws ecs put-account-setting-default --name defaultLogDriverMode --value non-blocking",
        terraform: "container_definitions = jsonencode([{\n  name             = \"app\"\n  logConfiguration = {\n    logDriver = \"awslogs\"\n    options = {\n      \"awslogs-group\"         = \"/ecs/app\"\n      \"awslogs-region\"        = \"<region>\"\n      \"awslogs-stream-prefix\" = \"ecs\"\n      \"mode\"                  = \"non-blocking\"\n      \"max-buffer-size\"       = \"25m\"\n    }\n  }\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    LogConfiguration:\n      LogDriver: awslogs\n      Options:\n        awslogs-group: /ecs/app\n        awslogs-region: !Ref AWS::Region\n        awslogs-stream-prefix: ecs\n        mode: non-blocking\n        max-buffer-size: 25m",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LogConfiguration.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-account-settings.html#default-log-driver-mode",
        "https://aws.amazon.com/blogs/containers/preventing-log-loss-with-non-blocking-mode-in-the-awslogs-container-log-driver/",
    ],
    peers: &["Prowler ecs_task_definitions_logging_block_mode"],
    check: container_logging_blocking_mode,
};

/// The container rules' sources plus the account settings (`defaultLogDriverMode`).
const LOG_MODE_SOURCES: &[DataSource] =
    &[DataSource::Services, DataSource::TaskDefinitions, DataSource::Tasks, DataSource::AccountSettings];

/// Where the delivery mode of a container without `mode` comes from.
enum DefaultMode {
    /// The account setting `defaultLogDriverMode`.
    Account(String),
    /// No account setting in the snapshot: the documented default when it was collected.
    Documented(Option<&'static str>),
}

fn container_logging_blocking_mode(snap: &Snapshot, out: &mut Findings) {
    let default_mode = match snap.account_setting(setting::DEFAULT_LOG_DRIVER_MODE).filter(|v| !v.is_empty()) {
        Some(v) => DefaultMode::Account(v.to_ascii_lowercase()),
        None => DefaultMode::Documented(hosts::default_log_mode(&snap.collected_at)),
    };
    for c in snap.containers() {
        let Some(driver) = log_driver(&c) else {
            continue;
        };
        let mode = c
            .container
            .log_configuration
            .as_ref()
            .and_then(|l| l.options.iter().find(|(k, _)| k.trim().eq_ignore_ascii_case("mode")))
            .map(|(_, v)| v.trim());
        let name = &c.container.name;
        match (mode, &default_mode) {
            (Some(m), _) if m.eq_ignore_ascii_case("non-blocking") => {}
            (Some(m), _) if m.eq_ignore_ascii_case("blocking") => {
                out.report(c.resource(), format!("container `{name}` sends its logs to `{driver}` in blocking mode"))
                    .evidence("logDriver", driver)
                    .evidence("mode", m)
                    .confidence(Confidence::High);
            }
            (Some(m), _) => {
                out.report(
                    c.resource(),
                    format!("container `{name}` sets an unrecognised log delivery mode `{m}` (valid: blocking, non-blocking)"),
                )
                .evidence("logDriver", driver)
                .evidence("mode", m)
                .confidence(Confidence::Low);
            }
            // Unset: the account's effective defaultLogDriverMode decides.
            (None, DefaultMode::Account(d)) if d == "blocking" => {
                out.report(
                    c.resource(),
                    format!(
                        "container `{name}` sets no log delivery mode, and the account setting defaultLogDriverMode makes it blocking"
                    ),
                )
                .evidence("logDriver", driver)
                .evidence("mode", "(not set)")
                .evidence("defaultLogDriverMode", d)
                .confidence(Confidence::High);
            }
            (None, DefaultMode::Account(_)) => {}
            // No account settings in the snapshot: only the documented default at collection
            // time is known (blocking before 2025-06-25), and the account may have changed it.
            (None, DefaultMode::Documented(Some("blocking"))) => {
                out.report(
                    c.resource(),
                    format!(
                        "container `{name}` sets no log delivery mode, and when this snapshot was taken ECS defaulted to blocking; the snapshot does not hold the account setting defaultLogDriverMode that may say otherwise"
                    ),
                )
                .evidence("logDriver", driver)
                .evidence("mode", "(not set)")
                .evidence("effective_default", "blocking (documented default before 2025-06-25; account setting not collected)")
                .confidence(Confidence::Low);
            }
            (None, DefaultMode::Documented(_)) => {}
        }
    }
}

pub static CONTAINER_HOST_DEVICES: Rule = Rule {
    id: "container-host-devices",
    title: "Container has host devices mapped into it",
    severity: Severity::High,
    category: Category::RuntimeSecurity,
    domain: Domain::Container,
    scope: Scope::Ec2Workloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "`linuxParameters.devices` exposes host device nodes inside the container, with read, write and mknod permission when `permissions` is not set. A raw disk, /dev/mem or the I/O ports give the container the host's data and kernel regardless of file permissions (those are Critical); any device widens the kernel attack surface reachable from the container. Fargate does not support device mappings.",
    remediation: Remediation {
        summary: "Remove `linuxParameters.devices`, or map only the one device needed with the narrowest `permissions`.",
        steps: &[
            "Find what the device is used for; hardware access (GPUs, FPGAs) has dedicated ECS support (`resourceRequirements` for GPUs).",
            "Remove device mappings that are not needed, especially disks, /dev/mem and /dev/port.",
            "For a device that must stay, set `permissions` to the minimum (usually `read`) and run those tasks on dedicated instances.",
            "Register the revision and deploy it.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name            = \"app\"\n  linuxParameters = {\n    devices = []\n  }\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    LinuxParameters:\n      Devices: []",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Device.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinuxParameters.html",
    ],
    peers: &["CIS Docker Benchmark 5.17"],
    check: container_host_devices,
};

fn container_host_devices(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        let Some(lp) = c.container.linux_parameters.as_ref() else {
            continue;
        };
        if lp.devices.is_empty() {
            continue;
        }
        let listed: Vec<String> = lp
            .devices
            .iter()
            .map(|d| {
                let perms = if d.permissions.is_empty() {
                    "read,write,mknod (default)".to_owned()
                } else {
                    d.permissions.join(",")
                };
                let target = d.container_path.as_deref().unwrap_or(d.host_path.as_str());
                format!("{} -> {target} ({perms})", d.host_path)
            })
            .collect();
        let critical: Vec<String> = lp
            .devices
            .iter()
            .filter_map(|d| hosts::sensitive_device(&d.host_path).map(|s| format!("{}: {}", d.host_path, s.why)))
            .collect();
        let f = out.report(
            c.resource(),
            match critical.first() {
                Some(first) => format!("container `{}` maps host device {first}", c.container.name),
                None => format!(
                    "container `{}` maps {} host device(s) into the container",
                    c.container.name,
                    lp.devices.len()
                ),
            },
        );
        f.evidence("devices", listed.join("; "));
        if !critical.is_empty() {
            f.evidence("exposes_host", critical.join("; ")).severity(Severity::Critical);
        }
    }
}

/// Adds the evidence common to host-mount findings.
fn mount_evidence(f: &mut super::Finding, m: &HostMount<'_>) {
    f.evidence("volume", m.volume)
        .evidence("sourcePath", m.source_path)
        .evidence("containerPath", m.container_path)
        .evidence("readOnly", m.read_only_label());
    if let Some(via) = m.via {
        f.evidence("volumesFrom", via);
    }
}

pub static CONTAINER_DOCKER_SOCKET_MOUNTED: Rule = Rule {
    id: "container-docker-socket-mounted",
    title: "Container mounts the Docker or containerd socket",
    severity: Severity::Critical,
    category: Category::RuntimeSecurity,
    domain: Domain::Container,
    scope: Scope::Volumes,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Whoever can talk to the container runtime's socket can start a privileged container with the host's root filesystem mounted, read the environment and secrets of every other container and stop the ECS agent: it is root on the instance. A read-only mount does not help, because connecting to a Unix socket is not a write to the file system.",
    remediation: Remediation {
        summary: "Remove the bind mount of the runtime socket (or of the directory holding it); give the workload a narrower interface instead.",
        steps: &[
            "Find what uses the socket: usually a monitoring agent, a CI runner building images, or log collection.",
            "Replace it: the ECS task metadata endpoint and Container Insights for monitoring, CodeBuild or a rootless builder (BuildKit rootless, kaniko) for builds, FireLens for logs.",
            "If an agent truly needs the socket, run it as a daemon service on dedicated instances with no other workloads, behind a socket proxy that allows only read-only API calls.",
            "Remove the volume and mount point, register the revision and deploy it.",
        ],
        cli: TD_CLI,
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  # no volume with host_path = \"/var/run/docker.sock\"\n  container_definitions = jsonencode([{\n    name        = \"app\"\n    mountPoints = []\n  }])\n}",
        cloudformation: "Type: AWS::ECS::TaskDefinition\nProperties:\n  Volumes: []\n  ContainerDefinitions:\n    - Name: app\n      MountPoints: []",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html",
        "https://docs.docker.com/engine/security/#docker-daemon-attack-surface",
    ],
    peers: &["CIS Docker Benchmark 5.31"],
    check: container_docker_socket_mounted,
};

fn container_docker_socket_mounted(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        for m in host_mounts(c.workload.task_definition, c.container) {
            let Some(socket) = hosts::exposed_socket(m.source_path) else {
                continue;
            };
            let exact = hosts::normalize(m.source_path).is_some_and(|p| p == socket.path);
            let message = if exact {
                format!(
                    "container `{}` mounts the {} `{}` at `{}`",
                    c.container.name, socket.what, m.source_path, m.container_path
                )
            } else {
                format!(
                    "container `{}` mounts host directory `{}`, which holds the {} `{}`, at `{}`",
                    c.container.name, m.source_path, socket.what, socket.path, m.container_path
                )
            };
            let f = out.report(c.resource(), message);
            mount_evidence(f, &m);
            f.evidence("exposes", format!("{} ({})", socket.path, socket.what));
        }
    }
}

pub static CONTAINER_SENSITIVE_HOST_PATH_MOUNTED: Rule = Rule {
    id: "container-sensitive-host-path-mounted",
    title: "Container mounts a sensitive host path",
    severity: Severity::High,
    category: Category::RuntimeSecurity,
    domain: Domain::Container,
    scope: Scope::Volumes,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Bind-mounting system directories of the instance (/, /etc, /proc, /sys, /dev, /root, /home, /boot, /usr, the Docker, containerd and ECS agent data directories) exposes host credentials, kernel interfaces and other tasks' data to the container; read-write, it lets the container plant cron jobs, keys or binaries and take over the host (Critical). `readOnly` defaults to false. Runtime sockets are reported by container-docker-socket-mounted.",
    remediation: Remediation {
        summary: "Remove the bind mount, or narrow it to the specific non-sensitive file needed and mount it read-only.",
        steps: &[
            "Find what the container reads from the host path; most needs have a narrower source (the task metadata endpoint, a secret, an application-owned directory).",
            "Replace the mount with that narrower source, or mount only the single file needed with `readOnly: true`.",
            "Run host-level agents that genuinely need host paths as a daemon service on dedicated instances.",
            "Register the revision and deploy it.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name        = \"app\"\n  mountPoints = [{ sourceVolume = \"app-config\", containerPath = \"/etc/app\", readOnly = true }]\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    MountPoints:\n      - SourceVolume: app-config\n        ContainerPath: /etc/app\n        ReadOnly: true",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HostVolumeProperties.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_MountPoint.html",
    ],
    peers: &["CIS Docker Benchmark 5.5"],
    check: container_sensitive_host_path_mounted,
};

fn container_sensitive_host_path_mounted(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        for m in host_mounts(c.workload.task_definition, c.container) {
            let Some(hit) = hosts::sensitive_path(m.source_path) else {
                continue;
            };
            let access = if m.read_only { "read-only" } else { "read-write" };
            let what = match hit.relation {
                hosts::Relation::Exact => format!("host path `{}`", m.source_path),
                hosts::Relation::Inside => {
                    format!("host path `{}` (under `{}`)", m.source_path, hit.entry.path)
                }
                hosts::Relation::Contains => {
                    format!("host directory `{}`, which contains `{}`,", m.source_path, hit.entry.path)
                }
            };
            let f = out.report(
                c.resource(),
                format!(
                    "container `{}` mounts {what} {access} at `{}`: {}",
                    c.container.name, m.container_path, hit.entry.why
                ),
            );
            mount_evidence(f, &m);
            f.evidence("sensitive_path", hit.entry.path);
            if !m.read_only || hit.entry.critical_even_read_only {
                f.severity(Severity::Critical);
            }
        }
    }
}

pub static TASK_FAULT_INJECTION_ENABLED_IN_PRODUCTION: Rule = Rule {
    id: "task-fault-injection-enabled-in-production",
    title: "Fault injection is enabled on a production workload",
    severity: Severity::Medium,
    category: Category::Availability,
    domain: Domain::Container,
    scope: Scope::Workloads,
    requires: TD,
    confidence: Confidence::Medium,
    rationale: "`enableFaultInjection: true` lets AWS Fault Injection Service send the task's containers network blackhole, latency and packet-loss faults and CPU, memory and I/O stress (on awsvpc and host network modes). That is what a resilience test wants, and it means anyone who can start an FIS experiment against the account can degrade or cut off the workload. On a production workload it should be a deliberate, time-boxed choice rather than a revision left enabled. Production is recognised by the words `prod`, `production`, `prd` or `live` in the cluster, service or family name, or in an `env`/`environment`/`stage` tag (Medium confidence: a naming heuristic); other workloads are not reported.",
    remediation: Remediation {
        summary: "Register the production revision without `enableFaultInjection` (it defaults to false); enable it only in the revision used for a scheduled resilience test.",
        steps: &[
            "Remove `enableFaultInjection` from the task definition used in production (or set it to false).",
            "Keep fault injection in a separate revision or environment, and restrict `fis:StartExperiment` to the people who run resilience tests.",
            "Register the revision and deploy it.",
        ],
        cli: TD_CLI,
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  enable_fault_injection = false\n}",
        cloudformation: "Type: AWS::ECS::TaskDefinition\nProperties:\n  EnableFaultInjection: false",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fault-injection.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html",
    ],
    peers: &[],
    check: task_fault_injection_enabled_in_production,
};

/// Words that mark a name or tag value as production.
const PRODUCTION_WORDS: &[&str] = &["prod", "production", "prd", "live"];

/// Where a workload says it is production: the first name or environment tag holding a
/// production word, e.g. `cluster payments-prod`.
fn production_signal(w: &crate::model::Workload<'_>) -> Option<String> {
    let has_word = |s: &str| {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| PRODUCTION_WORDS.contains(&word.to_ascii_lowercase().as_str()))
    };
    let env_tag = |tags: &[crate::model::Tag]| {
        tags.iter()
            .find(|t| {
                matches!(t.key.to_ascii_lowercase().as_str(), "env" | "environment" | "stage") && has_word(&t.value)
            })
            .map(|t| format!("tag {}={}", t.key, t.value))
    };
    let names = [("cluster", w.cluster.cluster_name.as_str()), ("family", w.task_definition.family.as_str())]
        .into_iter()
        .chain(w.service.map(|s| ("service", s.service_name.as_str())));
    for (what, name) in names {
        if has_word(name) {
            return Some(format!("{what} {name}"));
        }
    }
    env_tag(&w.task_definition.tags)
        .or_else(|| w.service.and_then(|s| env_tag(&s.tags)))
        .or_else(|| env_tag(&w.cluster.tags))
}

fn task_fault_injection_enabled_in_production(snap: &Snapshot, out: &mut Findings) {
    for w in snap.workloads() {
        if w.task_definition.enable_fault_injection != Some(true) {
            continue;
        }
        let Some(signal) = production_signal(&w) else {
            continue;
        };
        out.report(
            w.task_definition_ref(),
            format!(
                "task definition `{}` accepts fault injection from AWS FIS on a production workload ({signal})",
                w.task_definition.family_revision()
            ),
        )
        .evidence("enableFaultInjection", "true")
        .evidence("production", signal);
    }
}

#[cfg(test)]
mod tests {
    use super::{Severity, capabilities, capability_severity};

    #[test]
    fn capability_severity_follows_the_platform() {
        let cap = |n: &str| capabilities::dangerous(n).unwrap_or_else(|| panic!("{n} is listed"));
        assert_eq!(capability_severity(cap("SYS_ADMIN"), false), Severity::Critical);
        assert_eq!(capability_severity(cap("NET_RAW"), false), Severity::Low, "in Docker's default set");
        assert_eq!(capability_severity(cap("SYS_PTRACE"), true), Severity::Low, "the one Fargate allows");
        assert_eq!(
            capability_severity(cap("SYS_PTRACE"), false),
            Severity::High,
            "on EC2 it reaches the host's PID space"
        );
        assert_eq!(capability_severity(cap("NET_ADMIN"), false), Severity::High);
    }

    #[test]
    fn no_new_privileges_forms() {
        for o in ["no-new-privileges", "no-new-privileges:true", "NO-NEW-PRIVILEGES=true"] {
            assert!(super::sets_no_new_privileges(o), "{o}");
        }
        for o in ["no-new-privileges:false", "no-new-privileges=false", "apparmor:x"] {
            assert!(!super::sets_no_new_privileges(o), "{o}");
        }
    }

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
