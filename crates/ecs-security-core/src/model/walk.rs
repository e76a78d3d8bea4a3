//! Walk helpers: what actually runs in the cluster, as the rules see it.
//!
//! A [`Workload`] is one task-definition revision in use, with the service (or standalone
//! tasks) that runs it and how it is launched. Rules iterate workloads and containers rather
//! than raw task definitions, so they judge the revisions that run, in their real context.

use serde::Serialize;

use super::{
    AwsVpcConfiguration, CapacityProviderStrategyItem, Cluster, ContainerDefinition, ResourceKind, ResourcePath,
    ResourceRef, Service, Snapshot, TaskDefinition,
};

/// How a workload's tasks are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LaunchKind {
    Fargate,
    Ec2,
    External,
    Unknown,
}

impl LaunchKind {
    fn from_launch_type(launch_type: &str) -> LaunchKind {
        match launch_type.to_ascii_uppercase().as_str() {
            "FARGATE" => LaunchKind::Fargate,
            "EC2" => LaunchKind::Ec2,
            "EXTERNAL" => LaunchKind::External,
            _ => LaunchKind::Unknown,
        }
    }

    fn from_capacity_provider(name: &str) -> LaunchKind {
        match name {
            "FARGATE" | "FARGATE_SPOT" => LaunchKind::Fargate,
            _ => LaunchKind::Ec2,
        }
    }

    fn from_strategy(strategy: &[CapacityProviderStrategyItem]) -> Option<LaunchKind> {
        strategy.first().map(|s| LaunchKind::from_capacity_provider(&s.capacity_provider))
    }

    pub fn label(self) -> &'static str {
        match self {
            LaunchKind::Fargate => "Fargate",
            LaunchKind::Ec2 => "EC2",
            LaunchKind::External => "External",
            LaunchKind::Unknown => "unknown launch type",
        }
    }
}

/// One task-definition revision in use, with its context.
#[derive(Debug, Clone, Copy)]
pub struct Workload<'a> {
    pub cluster: &'a Cluster,
    /// The service running this revision; `None` for standalone tasks.
    pub service: Option<&'a Service>,
    pub task_definition: &'a TaskDefinition,
    pub launch: LaunchKind,
    /// The awsvpc configuration of the deployment (or service) that runs the revision.
    pub awsvpc: Option<&'a AwsVpcConfiguration>,
    /// Whether the service runs more than one revision (e.g. during a deployment), so that
    /// names must say which revision a finding is about.
    pub several_revisions: bool,
}

impl<'a> Workload<'a> {
    pub fn is_fargate(&self) -> bool {
        self.launch == LaunchKind::Fargate
    }

    /// The launch types where the host is shared and host-level settings apply.
    pub fn runs_on_ec2(&self) -> bool {
        matches!(self.launch, LaunchKind::Ec2 | LaunchKind::External)
    }

    /// The effective network mode: as declared, else `bridge` (EC2 Linux) or `awsvpc` (Fargate).
    pub fn network_mode(&self) -> &'a str {
        match self.task_definition.network_mode.as_deref() {
            Some(mode) => mode,
            None if self.is_fargate() => "awsvpc",
            None if self.task_definition.is_windows() => "default",
            None => "bridge",
        }
    }

    pub fn service_name(&self) -> Option<&'a str> {
        self.service.map(|s| s.service_name.as_str())
    }

    pub fn path(&self) -> ResourcePath {
        ResourcePath {
            cluster: Some(self.cluster.cluster_name.clone()),
            service: self.service_name().map(str::to_owned),
            task_definition: Some(self.task_definition.family_revision()),
            container: None,
        }
    }

    /// `revision family:N` when the service runs several revisions.
    fn qualify(&self, r: ResourceRef) -> ResourceRef {
        if self.several_revisions {
            r.with_qualifier(format!("revision {}", self.task_definition.family_revision()))
        } else {
            r
        }
    }

    /// `Task Definition: family | Service: svc`.
    pub fn task_definition_ref(&self) -> ResourceRef {
        self.qualify(
            ResourceRef::new(ResourceKind::TaskDefinition, &self.task_definition.family)
                .with_arn(&self.task_definition.task_definition_arn)
                .with_path(self.path()),
        )
    }

    /// `Service: svc`, or the task definition for standalone tasks.
    pub fn owner_ref(&self) -> ResourceRef {
        match self.service {
            Some(s) => ResourceRef::new(ResourceKind::Service, &s.service_name).with_arn(&s.service_arn).with_path(
                ResourcePath {
                    cluster: Some(self.cluster.cluster_name.clone()),
                    service: Some(s.service_name.clone()),
                    ..ResourcePath::default()
                },
            ),
            None => self.task_definition_ref(),
        }
    }

    pub fn containers(&self) -> impl Iterator<Item = ContainerCtx<'a>> + use<'a> {
        let workload = *self;
        self.task_definition.container_definitions.iter().map(move |container| ContainerCtx { workload, container })
    }
}

/// One container definition inside a workload.
#[derive(Debug, Clone, Copy)]
pub struct ContainerCtx<'a> {
    pub workload: Workload<'a>,
    pub container: &'a ContainerDefinition,
}

impl<'a> ContainerCtx<'a> {
    fn path(&self) -> ResourcePath {
        ResourcePath { container: Some(self.container.name.clone()), ..self.workload.path() }
    }

    /// `Container: webapp | Service: svc`.
    pub fn resource(&self) -> ResourceRef {
        self.workload.qualify(
            ResourceRef::new(ResourceKind::Container, &self.container.name)
                .with_arn(&self.workload.task_definition.task_definition_arn)
                .with_path(self.path()),
        )
    }

    /// `Container Image: nginx:latest | Service: svc`.
    pub fn image_resource(&self) -> ResourceRef {
        let image = self.container.image.as_deref().unwrap_or("(none)");
        self.workload.qualify(
            ResourceRef::new(ResourceKind::ContainerImage, image)
                .with_arn(&self.workload.task_definition.task_definition_arn)
                .with_path(self.path()),
        )
    }
}

impl Snapshot {
    /// Every task-definition revision in use: each service's deployments and task sets, then
    /// standalone tasks. Revisions the snapshot does not hold are skipped (they are gaps).
    pub fn workloads(&self) -> Vec<Workload<'_>> {
        let mut out: Vec<Workload<'_>> = Vec::new();
        let cluster_default = LaunchKind::from_strategy(&self.cluster.default_capacity_provider_strategy);
        for service in &self.services {
            let service_launch = service
                .launch_type
                .as_deref()
                .map(LaunchKind::from_launch_type)
                .or_else(|| LaunchKind::from_strategy(&service.capacity_provider_strategy));
            let service_net = service.network_configuration.as_ref().and_then(|n| n.awsvpc());
            let mut uses: Vec<(&str, Option<LaunchKind>, Option<&AwsVpcConfiguration>)> = Vec::new();
            for d in &service.deployments {
                let Some(td) = d.task_definition.as_deref() else {
                    continue;
                };
                let launch = d
                    .launch_type
                    .as_deref()
                    .map(LaunchKind::from_launch_type)
                    .or_else(|| LaunchKind::from_strategy(&d.capacity_provider_strategy));
                let net = d.network_configuration.as_ref().and_then(|n| n.awsvpc());
                uses.push((td, launch, net.or(service_net)));
            }
            for ts in &service.task_sets {
                let Some(td) = ts.task_definition.as_deref() else {
                    continue;
                };
                let launch = ts
                    .launch_type
                    .as_deref()
                    .map(LaunchKind::from_launch_type)
                    .or_else(|| LaunchKind::from_strategy(&ts.capacity_provider_strategy));
                let net = ts.network_configuration.as_ref().and_then(|n| n.awsvpc());
                uses.push((td, launch, net.or(service_net)));
            }
            if uses.is_empty()
                && let Some(td) = service.task_definition.as_deref()
            {
                uses.push((td, None, service_net));
            }
            let mut distinct: Vec<&str> = uses.iter().map(|u| u.0).collect();
            distinct.sort_unstable();
            distinct.dedup();
            let several_revisions = distinct.len() > 1;
            let mut seen: Vec<&str> = Vec::new();
            for (arn, launch, awsvpc) in uses {
                if seen.contains(&arn) {
                    continue;
                }
                seen.push(arn);
                let Some(td) = self.task_definition(arn) else {
                    continue;
                };
                let launch =
                    launch.or(service_launch).or(cluster_default).unwrap_or_else(|| launch_from_compatibilities(td));
                out.push(Workload {
                    cluster: &self.cluster,
                    service: Some(service),
                    task_definition: td,
                    launch,
                    awsvpc,
                    several_revisions,
                });
            }
        }
        // Standalone tasks (not started by a service), one workload per revision.
        let mut standalone: Vec<&str> = Vec::new();
        for task in &self.tasks {
            if task.service_name().is_some_and(|s| self.service(s).is_some()) {
                continue;
            }
            if standalone.contains(&task.task_definition_arn.as_str()) {
                continue;
            }
            standalone.push(&task.task_definition_arn);
            let Some(td) = self.task_definition(&task.task_definition_arn) else {
                continue;
            };
            let launch = task
                .launch_type
                .as_deref()
                .map(LaunchKind::from_launch_type)
                .or_else(|| task.capacity_provider_name.as_deref().map(LaunchKind::from_capacity_provider))
                .or(cluster_default)
                .unwrap_or_else(|| launch_from_compatibilities(td));
            out.push(Workload {
                cluster: &self.cluster,
                service: None,
                task_definition: td,
                launch,
                awsvpc: None,
                several_revisions: false,
            });
        }
        out
    }

    /// Every container of every workload.
    pub fn containers(&self) -> Vec<ContainerCtx<'_>> {
        self.workloads()
            .into_iter()
            .flat_map(|w| {
                w.task_definition
                    .container_definitions
                    .iter()
                    .map(move |container| ContainerCtx { workload: w, container })
            })
            .collect()
    }

    /// Task-definition ARNs that services or tasks run but the snapshot does not hold.
    pub fn missing_task_definitions(&self) -> Vec<&str> {
        let mut referenced: Vec<&str> = Vec::new();
        for s in &self.services {
            referenced.extend(s.task_definition.as_deref());
            referenced.extend(s.deployments.iter().filter_map(|d| d.task_definition.as_deref()));
            referenced.extend(s.task_sets.iter().filter_map(|t| t.task_definition.as_deref()));
        }
        referenced.extend(self.tasks.iter().map(|t| t.task_definition_arn.as_str()));
        referenced.sort_unstable();
        referenced.dedup();
        referenced.retain(|arn| !arn.is_empty() && self.task_definition(arn).is_none());
        referenced
    }
}

fn launch_from_compatibilities(td: &TaskDefinition) -> LaunchKind {
    match td.requires_compatibilities.as_slice() {
        [only] => LaunchKind::from_launch_type(only),
        _ => LaunchKind::Unknown,
    }
}
