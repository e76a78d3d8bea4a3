//! Storage: EFS volumes, host bind mounts, Docker volumes and tmpfs mounts of the revisions
//! that run.

use super::snippets::TD_CLI;
use super::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};
use crate::knowledge::hosts;
use crate::model::{
    ContainerDefinition, DataSource, EfsVolumeConfiguration, Snapshot, TaskDefinition, Volume, Workload,
};

pub(super) const RULES: &[&Rule] = &[
    &EFS_TRANSIT_ENCRYPTION_DISABLED,
    &EFS_IAM_AUTHORIZATION_DISABLED,
    &EFS_ACCESS_POINT_MISSING,
    &CONTAINER_WRITABLE_HOST_MOUNT,
    &DOCKER_VOLUME_SHARED_SCOPE,
    &CONTAINER_TMPFS_EXEC_ALLOWED,
];

const TD: &[DataSource] = &[DataSource::Services, DataSource::TaskDefinitions, DataSource::Tasks];

/// A host bind mount as a container sees it, directly or through `volumesFrom`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostMount<'a> {
    /// The task-definition volume.
    pub volume: &'a str,
    /// `volumes[].host.sourcePath`, as written.
    pub source_path: &'a str,
    pub container_path: &'a str,
    /// The mount's own `readOnly` setting (absent means read-write).
    pub read_only_setting: Option<bool>,
    /// Whether the container can only read it (its own setting, or a read-only `volumesFrom`).
    pub read_only: bool,
    /// The container whose mounts were inherited through `volumesFrom`, if any.
    pub via: Option<&'a str>,
}

impl HostMount<'_> {
    /// The `readOnly` evidence value.
    pub fn read_only_label(&self) -> &'static str {
        match (self.read_only_setting, self.read_only) {
            (Some(true), _) => "true",
            (_, true) => "true (read-only volumesFrom)",
            (Some(false), _) => "false",
            (None, _) => "(not set: read-write)",
        }
    }
}

/// Every host bind mount (`volumes[].host.sourcePath`) a container gets, following
/// `volumesFrom` (which copies another container's mounts, read-only when it says so).
/// Volumes without a `sourcePath` are Docker-managed and are not host paths.
pub fn host_mounts<'a>(td: &'a TaskDefinition, container: &'a ContainerDefinition) -> Vec<HostMount<'a>> {
    let mut out = Vec::new();
    let mut visited: Vec<&str> = vec![container.name.as_str()];
    collect_host_mounts(td, container, false, None, &mut visited, &mut out);
    out
}

fn collect_host_mounts<'a>(
    td: &'a TaskDefinition,
    c: &'a ContainerDefinition,
    forced_read_only: bool,
    via: Option<&'a str>,
    visited: &mut Vec<&'a str>,
    out: &mut Vec<HostMount<'a>>,
) {
    for mp in &c.mount_points {
        let Some(source_path) = td
            .volume(&mp.source_volume)
            .and_then(|v| v.host.as_ref())
            .and_then(|h| h.source_path.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            continue;
        };
        out.push(HostMount {
            volume: &mp.source_volume,
            source_path,
            container_path: &mp.container_path,
            read_only_setting: mp.read_only,
            read_only: forced_read_only || mp.read_only == Some(true),
            via,
        });
    }
    for vf in &c.volumes_from {
        if visited.contains(&vf.source_container.as_str()) {
            continue;
        }
        let Some(source) = td.container_definitions.iter().find(|x| x.name == vf.source_container) else {
            continue;
        };
        visited.push(&source.name);
        collect_host_mounts(
            td,
            source,
            forced_read_only || vf.read_only == Some(true),
            Some(via.unwrap_or(&source.name)),
            visited,
            out,
        );
    }
}

/// The EFS volumes of a workload's task definition.
fn efs_volumes<'a>(w: &Workload<'a>) -> impl Iterator<Item = (&'a Volume, &'a EfsVolumeConfiguration)> + use<'a> {
    w.task_definition.volumes.iter().filter_map(|v| v.efs_volume_configuration.as_ref().map(|e| (v, e)))
}

/// The containers that mount a volume, for evidence.
fn mounted_by(td: &TaskDefinition, volume: &str) -> String {
    let names: Vec<&str> = td
        .container_definitions
        .iter()
        .filter(|c| c.mount_points.iter().any(|m| m.source_volume == volume))
        .map(|c| c.name.as_str())
        .collect();
    if names.is_empty() { "(no container mounts it)".to_owned() } else { names.join(", ") }
}

fn is_enabled(value: Option<&str>) -> bool {
    value.is_some_and(|v| v.trim().eq_ignore_ascii_case("ENABLED"))
}

fn shown(value: Option<&str>, default: &str) -> String {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => v.to_owned(),
        None => format!("(not set: {default})"),
    }
}

pub static EFS_TRANSIT_ENCRYPTION_DISABLED: Rule = Rule {
    id: "efs-transit-encryption-disabled",
    title: "EFS volume is mounted without encryption in transit",
    severity: Severity::High,
    category: Category::StorageSecurity,
    domain: Domain::Storage,
    scope: Scope::Volumes,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Without transit encryption, NFS traffic between the task and the EFS mount target crosses the VPC in clear text, so file contents can be read or altered by anything that can observe the network path. `transitEncryption` defaults to DISABLED when it is not set; it is also a prerequisite for EFS IAM authorization.",
    remediation: Remediation {
        summary: "Set `transitEncryption: ENABLED` on every EFS volume of the task definition.",
        steps: &[
            "In each `efsVolumeConfiguration`, set `transitEncryption` to `ENABLED` (leave `transitEncryptionPort` unset unless a specific port is required).",
            "Make sure the EFS mount targets' security group allows NFS (TCP 2049) from the tasks; TLS uses the same port through the EFS mount helper.",
            "Register the new revision and update the service; confirm tasks reach RUNNING and the mount works.",
            "Optionally enforce it on the file system with a policy that denies `aws:SecureTransport` = false.",
        ],
        cli: TD_CLI,
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  volume {\n    name = \"data\"\n    efs_volume_configuration {\n      file_system_id     = aws_efs_file_system.data.id\n      transit_encryption = \"ENABLED\"\n    }\n  }\n}",
        cloudformation: "Type: AWS::ECS::TaskDefinition\nProperties:\n  Volumes:\n    - Name: data\n      EFSVolumeConfiguration:\n        FilesystemId: !Ref DataFileSystem\n        TransitEncryption: ENABLED",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EFSVolumeConfiguration.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-18",
    ],
    peers: &[
        "SecurityHub ECS.18",
        "Checkov CKV_AWS_97",
        "Trivy AVD-AWS-0035",
        "AWS Config ecs-task-definition-efs-encryption-enabled",
    ],
    check: efs_transit_encryption_disabled,
};

fn efs_transit_encryption_disabled(snap: &Snapshot, out: &mut Findings) {
    for w in snap.workloads() {
        for (v, efs) in efs_volumes(&w) {
            if is_enabled(efs.transit_encryption.as_deref()) {
                continue;
            }
            out.report(
                w.task_definition_ref(),
                format!(
                    "task definition `{}` mounts EFS file system `{}` (volume `{}`) without transit encryption",
                    w.task_definition.family_revision(),
                    efs.file_system_id,
                    v.name
                ),
            )
            .evidence("volume", &v.name)
            .evidence("fileSystemId", &efs.file_system_id)
            .evidence("transitEncryption", shown(efs.transit_encryption.as_deref(), "DISABLED"))
            .evidence("mounted_by", mounted_by(w.task_definition, &v.name));
        }
    }
}

pub static EFS_IAM_AUTHORIZATION_DISABLED: Rule = Rule {
    id: "efs-iam-authorization-disabled",
    title: "EFS volume is mounted without IAM authorization",
    severity: Severity::Medium,
    category: Category::StorageSecurity,
    domain: Domain::Storage,
    scope: Scope::Volumes,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Without IAM authorization the task mounts EFS with no identity, so the file system policy cannot tell tasks apart: any client that reaches the mount target over the network gets the same access. With `authorizationConfig.iam: ENABLED` the task role is presented at mount time and file system policies can grant read-only or root access per role. The setting defaults to DISABLED and needs transit encryption.",
    remediation: Remediation {
        summary: "Set `authorizationConfig.iam: ENABLED` (with transit encryption) and grant the task role access in the EFS file system policy.",
        steps: &[
            "Give the task role `elasticfilesystem:ClientMount` (and `ClientWrite` only if it writes) on the file system.",
            "Add a file system policy that allows only the intended task roles, and denies access without `aws:SecureTransport`.",
            "Set `transitEncryption: ENABLED` and `authorizationConfig.iam: ENABLED` on the volume, register the revision and update the service.",
        ],
        cli: "aws efs put-file-system-policy --file-system-id <fs-id> --policy file://efs-policy.json && aws ecs register-task-definition --cli-input-json file://task-definition.json",
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  volume {\n    name = \"data\"\n    efs_volume_configuration {\n      file_system_id     = aws_efs_file_system.data.id\n      transit_encryption = \"ENABLED\"\n      authorization_config {\n        access_point_id = aws_efs_access_point.app.id\n        iam             = \"ENABLED\"\n      }\n    }\n  }\n}",
        cloudformation: "Type: AWS::ECS::TaskDefinition\nProperties:\n  Volumes:\n    - Name: data\n      EFSVolumeConfiguration:\n        FilesystemId: !Ref DataFileSystem\n        TransitEncryption: ENABLED\n        AuthorizationConfig:\n          AccessPointId: !Ref AppAccessPoint\n          IAM: ENABLED",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EFSAuthorizationConfig.html",
        "https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html",
    ],
    peers: &["ECS best-practices guide: Amazon EFS access control"],
    check: efs_iam_authorization_disabled,
};

fn efs_iam_authorization_disabled(snap: &Snapshot, out: &mut Findings) {
    for w in snap.workloads() {
        for (v, efs) in efs_volumes(&w) {
            let iam = efs.authorization_config.as_ref().and_then(|a| a.iam.as_deref());
            if is_enabled(iam) {
                continue;
            }
            out.report(
                w.task_definition_ref(),
                format!(
                    "task definition `{}` mounts EFS file system `{}` (volume `{}`) without IAM authorization",
                    w.task_definition.family_revision(),
                    efs.file_system_id,
                    v.name
                ),
            )
            .evidence("volume", &v.name)
            .evidence("fileSystemId", &efs.file_system_id)
            .evidence("authorizationConfig.iam", shown(iam, "DISABLED"));
        }
    }
}

pub static EFS_ACCESS_POINT_MISSING: Rule = Rule {
    id: "efs-access-point-missing",
    title: "EFS volume is mounted without an access point",
    severity: Severity::Low,
    category: Category::StorageSecurity,
    domain: Domain::Storage,
    scope: Scope::Volumes,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Without an access point the task mounts a directory of the file system (its root `/` when `rootDirectory` is not set) with whatever POSIX identity the container process has. An access point pins the directory the task can see and enforces a user and group, so one application cannot read or overwrite another's data on a shared file system.",
    remediation: Remediation {
        summary: "Create an EFS access point per application and reference it in `authorizationConfig.accessPointId`.",
        steps: &[
            "Create an access point with the application's directory as its root and a fixed POSIX user (e.g. uid/gid 10001).",
            "Set `authorizationConfig.accessPointId` on the volume, remove `rootDirectory` (or set it to `/`) and enable transit encryption.",
            "Register the revision, update the service, and check file ownership in the directory.",
        ],
        cli: "aws efs create-access-point --file-system-id <fs-id> --posix-user Uid=10001,Gid=10001 --root-directory 'Path=/<app>,CreationInfo={OwnerUid=10001,OwnerGid=10001,Permissions=750}'",
        terraform: "resource \"aws_efs_access_point\" \"app\" {\n  file_system_id = aws_efs_file_system.data.id\n  posix_user {\n    uid = 10001\n    gid = 10001\n  }\n  root_directory {\n    path = \"/app\"\n    creation_info {\n      owner_uid   = 10001\n      owner_gid   = 10001\n      permissions = \"750\"\n    }\n  }\n}",
        cloudformation: "Type: AWS::EFS::AccessPoint\nProperties:\n  FileSystemId: !Ref DataFileSystem\n  PosixUser:\n    Uid: \"10001\"\n    Gid: \"10001\"\n  RootDirectory:\n    Path: /app\n    CreationInfo:\n      OwnerUid: \"10001\"\n      OwnerGid: \"10001\"\n      Permissions: \"750\"",
    },
    references: &[
        "https://docs.aws.amazon.com/efs/latest/ug/efs-access-points.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EFSAuthorizationConfig.html",
    ],
    peers: &["ECS best-practices guide: Amazon EFS access points"],
    check: efs_access_point_missing,
};

fn efs_access_point_missing(snap: &Snapshot, out: &mut Findings) {
    for w in snap.workloads() {
        for (v, efs) in efs_volumes(&w) {
            let has_access_point = efs
                .authorization_config
                .as_ref()
                .and_then(|a| a.access_point_id.as_deref())
                .is_some_and(|a| !a.trim().is_empty());
            if has_access_point {
                continue;
            }
            let root = efs.root_directory.as_deref().map(str::trim).filter(|r| !r.is_empty()).unwrap_or("/");
            out.report(
                w.task_definition_ref(),
                format!(
                    "task definition `{}` mounts `{root}` of EFS file system `{}` (volume `{}`) directly, without an access point",
                    w.task_definition.family_revision(),
                    efs.file_system_id,
                    v.name
                ),
            )
            .evidence("volume", &v.name)
            .evidence("fileSystemId", &efs.file_system_id)
            .evidence("rootDirectory", shown(efs.root_directory.as_deref(), "/"))
            .evidence("accessPointId", "(not set)");
        }
    }
}

pub static CONTAINER_WRITABLE_HOST_MOUNT: Rule = Rule {
    id: "container-writable-host-mount",
    title: "Container mounts a host directory read-write",
    severity: Severity::Medium,
    category: Category::StorageSecurity,
    domain: Domain::Storage,
    scope: Scope::Volumes,
    requires: TD,
    confidence: Confidence::High,
    rationale: "A read-write bind mount lets the container change files on the instance that outlive the task and that other tasks or host processes may read or execute, so a compromised container can plant data for its neighbours. `readOnly` defaults to false. Mounts of runtime sockets and sensitive host paths are reported by their own rules; this one covers the other host directories.",
    remediation: Remediation {
        summary: "Mount host directories with `readOnly: true`, or replace the bind mount with a task-scoped volume.",
        steps: &[
            "Check whether the container needs to write to the host path at all.",
            "If it only reads, set `readOnly: true` on the mount point.",
            "If it writes scratch or cache data, use a task-scoped Docker volume or a host volume without `sourcePath` instead of a shared host directory.",
            "Register the revision and update the service.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name        = \"app\"\n  mountPoints = [{ sourceVolume = \"host-data\", containerPath = \"/data\", readOnly = true }]\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    MountPoints:\n      - SourceVolume: host-data\n        ContainerPath: /data\n        ReadOnly: true",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_MountPoint.html",
    ],
    peers: &[],
    check: container_writable_host_mount,
};

fn container_writable_host_mount(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        for m in host_mounts(c.workload.task_definition, c.container) {
            if m.read_only
                || hosts::exposed_socket(m.source_path).is_some()
                || hosts::sensitive_path(m.source_path).is_some()
            {
                continue;
            }
            let f = out.report(
                c.resource(),
                format!(
                    "container `{}` mounts host path `{}` read-write at `{}`",
                    c.container.name, m.source_path, m.container_path
                ),
            );
            f.evidence("volume", m.volume)
                .evidence("sourcePath", m.source_path)
                .evidence("containerPath", m.container_path)
                .evidence("readOnly", m.read_only_label());
            if let Some(via) = m.via {
                f.evidence("volumesFrom", via);
            }
        }
    }
}

pub static DOCKER_VOLUME_SHARED_SCOPE: Rule = Rule {
    id: "docker-volume-shared-scope",
    title: "Docker volume is shared between tasks on the host",
    severity: Severity::Low,
    category: Category::StorageSecurity,
    domain: Domain::Storage,
    scope: Scope::Volumes,
    requires: TD,
    confidence: Confidence::High,
    rationale: "A Docker volume with `scope: shared` persists after the task stops and is mounted by every task on the instance that names it, so data written by one task (including a compromised one) is read by the next. The default scope is `task`: the volume is created for the task and removed when it stops.",
    remediation: Remediation {
        summary: "Use `scope: task` unless data must deliberately outlive the task; keep shared data on EFS with access points instead.",
        steps: &[
            "Decide whether the data must persist beyond the task; if not, set `dockerVolumeConfiguration.scope` to `task`.",
            "For data that must be shared or persist, use an EFS volume with an access point per application.",
            "Register the revision, update the service, and remove the leftover shared volumes from the instances (`docker volume rm`).",
        ],
        cli: TD_CLI,
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  volume {\n    name = \"scratch\"\n    docker_volume_configuration {\n      scope  = \"task\"\n      driver = \"local\"\n    }\n  }\n}",
        cloudformation: "Type: AWS::ECS::TaskDefinition\nProperties:\n  Volumes:\n    - Name: scratch\n      DockerVolumeConfiguration:\n        Scope: task\n        Driver: local",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/docker-volumes.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DockerVolumeConfiguration.html",
    ],
    peers: &[],
    check: docker_volume_shared_scope,
};

fn docker_volume_shared_scope(snap: &Snapshot, out: &mut Findings) {
    for w in snap.workloads() {
        for v in &w.task_definition.volumes {
            let Some(d) = v.docker_volume_configuration.as_ref() else {
                continue;
            };
            if !d.scope.as_deref().is_some_and(|s| s.trim().eq_ignore_ascii_case("shared")) {
                continue;
            }
            out.report(
                w.task_definition_ref(),
                format!(
                    "task definition `{}` uses Docker volume `{}` with shared scope, so it persists and is shared by every task on the host",
                    w.task_definition.family_revision(),
                    v.name
                ),
            )
            .evidence("volume", &v.name)
            .evidence("scope", "shared")
            .evidence("driver", shown(d.driver.as_deref(), "local"))
            .evidence(
                "autoprovision",
                d.autoprovision
                    .map_or_else(|| "(not set: false)".to_owned(), |a| a.to_string()),
            )
            .evidence("mounted_by", mounted_by(w.task_definition, &v.name));
        }
    }
}

pub static CONTAINER_TMPFS_EXEC_ALLOWED: Rule = Rule {
    id: "container-tmpfs-exec-allowed",
    title: "Container tmpfs mount allows executing files",
    severity: Severity::Low,
    category: Category::StorageSecurity,
    domain: Domain::Storage,
    scope: Scope::Ec2Workloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "A writable in-memory mount that allows execution is where attackers drop and run tools without touching the image or disk. ECS hands `linuxParameters.tmpfs` to Docker, which mounts tmpfs with `noexec,nosuid,nodev` unless the mount options say otherwise, so only mounts that add `exec` are flagged. (tmpfs mounts are not supported on Fargate.)",
    remediation: Remediation {
        summary: "Remove `exec` from the tmpfs `mountOptions` (or add `noexec` last).",
        steps: &[
            "Find what needs to execute from the tmpfs path (often a JIT cache or an installer writing to /tmp).",
            "Point that at a path inside the image or a dedicated volume, and remove `exec` from `mountOptions`.",
            "Keep `nosuid` and `nodev` as well; register the revision and update the service.",
        ],
        cli: TD_CLI,
        terraform: "container_definitions = jsonencode([{\n  name            = \"app\"\n  linuxParameters = {\n    tmpfs = [{ containerPath = \"/tmp\", size = 64, mountOptions = [\"noexec\", \"nosuid\", \"nodev\"] }]\n  }\n}])",
        cloudformation: "ContainerDefinitions:\n  - Name: app\n    LinuxParameters:\n      Tmpfs:\n        - ContainerPath: /tmp\n          Size: 64\n          MountOptions: [noexec, nosuid, nodev]",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tmpfs.html",
        "https://docs.docker.com/engine/storage/tmpfs/",
    ],
    peers: &[],
    check: container_tmpfs_exec_allowed,
};

fn container_tmpfs_exec_allowed(snap: &Snapshot, out: &mut Findings) {
    for c in snap.containers() {
        let Some(lp) = c.container.linux_parameters.as_ref() else {
            continue;
        };
        let exec: Vec<String> = lp
            .tmpfs
            .iter()
            .filter(|t| hosts::tmpfs_allows_exec(&t.mount_options))
            .map(|t| format!("{} ({})", t.container_path, t.mount_options.join(",")))
            .collect();
        if exec.is_empty() {
            continue;
        }
        out.report(
            c.resource(),
            format!("container `{}` mounts tmpfs with exec allowed: {}", c.container.name, exec.join("; ")),
        )
        .evidence("tmpfs", exec.join("; "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{HostVolume, MountPoint, VolumeFrom};

    fn container(name: &str, mounts: &[(&str, Option<bool>)]) -> ContainerDefinition {
        ContainerDefinition {
            name: name.into(),
            mount_points: mounts
                .iter()
                .map(|(v, ro)| MountPoint {
                    source_volume: (*v).into(),
                    container_path: format!("/mnt/{v}"),
                    read_only: *ro,
                })
                .collect(),
            ..ContainerDefinition::default()
        }
    }

    #[test]
    fn host_mounts_follow_volumes_from() {
        let mut sidecar = container("sidecar", &[]);
        sidecar.volumes_from = vec![VolumeFrom { source_container: "app".into(), read_only: Some(true) }];
        let mut app = container("app", &[("data", None), ("managed", None)]);
        // A cycle must not loop.
        app.volumes_from = vec![VolumeFrom { source_container: "sidecar".into(), read_only: None }];
        let td = TaskDefinition {
            volumes: vec![
                Volume {
                    name: "data".into(),
                    host: Some(HostVolume { source_path: Some("/srv/data".into()) }),
                    ..Volume::default()
                },
                Volume { name: "managed".into(), host: Some(HostVolume { source_path: None }), ..Volume::default() },
            ],
            container_definitions: vec![app, sidecar],
            ..TaskDefinition::default()
        };
        let app_mounts = host_mounts(&td, &td.container_definitions[0]);
        assert_eq!(app_mounts.len(), 1);
        assert!(!app_mounts[0].read_only);
        let side = host_mounts(&td, &td.container_definitions[1]);
        assert_eq!(side.len(), 1);
        assert!(side[0].read_only);
        assert_eq!(side[0].via, Some("app"));
        assert_eq!(side[0].read_only_label(), "true (read-only volumesFrom)");
    }
}
