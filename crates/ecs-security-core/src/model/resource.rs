//! Which resource a finding is about: the spec's display naming plus the ARN and the
//! structured path, so machines need not parse the display text.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The kind of resource a finding points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResourceKind {
    Cluster,
    CapacityProvider,
    ContainerInstance,
    Service,
    TaskSet,
    TaskDefinition,
    Container,
    ContainerImage,
    Task,
    EcrRepository,
    EcrRegistry,
    Vpc,
    Subnet,
    RouteTable,
    SecurityGroup,
    LoadBalancer,
    Listener,
}

impl ResourceKind {
    /// The label used in display names, e.g. "Task Definition".
    pub fn label(self) -> &'static str {
        match self {
            ResourceKind::Cluster => "Cluster",
            ResourceKind::CapacityProvider => "Capacity Provider",
            ResourceKind::ContainerInstance => "Container Instance",
            ResourceKind::Service => "Service",
            ResourceKind::TaskSet => "Task Set",
            ResourceKind::TaskDefinition => "Task Definition",
            ResourceKind::Container => "Container",
            ResourceKind::ContainerImage => "Container Image",
            ResourceKind::Task => "Task",
            ResourceKind::EcrRepository => "ECR Repository",
            ResourceKind::EcrRegistry => "ECR Registry",
            ResourceKind::Vpc => "VPC",
            ResourceKind::Subnet => "Subnet",
            ResourceKind::RouteTable => "Route Table",
            ResourceKind::SecurityGroup => "Security Group",
            ResourceKind::LoadBalancer => "Load Balancer",
            ResourceKind::Listener => "Listener",
        }
    }
}

/// Where a resource sits in the cluster, for machines.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ResourcePath {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// `family:revision` of the task definition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_definition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
}

/// A resource as findings name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ResourceRef {
    pub kind: ResourceKind,
    /// The resource's own name or id (container name, service name, `sg-…`).
    pub name: String,
    /// The ARN, or the resource id for EC2 resources that have no ARN in the API.
    pub arn: Option<String>,
    pub path: ResourcePath,
    /// Shown after the display name, e.g. the revision when a service runs several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
}

impl ResourceRef {
    pub fn new(kind: ResourceKind, name: impl Into<String>) -> ResourceRef {
        ResourceRef { kind, name: name.into(), arn: None, path: ResourcePath::default(), qualifier: None }
    }

    pub fn with_qualifier(mut self, qualifier: impl Into<String>) -> ResourceRef {
        self.qualifier = Some(qualifier.into());
        self
    }

    pub fn with_arn(mut self, arn: impl Into<String>) -> ResourceRef {
        let arn = arn.into();
        self.arn = (!arn.is_empty()).then_some(arn);
        self
    }

    pub fn with_path(mut self, path: ResourcePath) -> ResourceRef {
        self.path = path;
        self
    }

    /// The spec's display naming: `Container: webapp | Service: my-ecs-cluster-webapp`.
    pub fn display(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for ResourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.label(), self.name)?;
        let in_workload = matches!(
            self.kind,
            ResourceKind::Container
                | ResourceKind::ContainerImage
                | ResourceKind::TaskDefinition
                | ResourceKind::TaskSet
                | ResourceKind::Task
        );
        if in_workload {
            match (&self.path.service, &self.path.task_definition) {
                (Some(service), _) => write!(f, " | Service: {service}")?,
                // A standalone task's container is named after its task definition.
                (None, Some(td)) if self.kind != ResourceKind::TaskDefinition => write!(f, " | Task Definition: {td}")?,
                _ => {}
            }
        }
        match &self.qualifier {
            Some(q) => write!(f, " ({q})"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_follows_the_spec() {
        let path = ResourcePath {
            cluster: Some("c".into()),
            service: Some("my-ecs-cluster-webapp".into()),
            task_definition: Some("webapp-task:3".into()),
            container: Some("webapp".into()),
        };
        let c = ResourceRef::new(ResourceKind::Container, "webapp").with_path(path.clone());
        assert_eq!(c.to_string(), "Container: webapp | Service: my-ecs-cluster-webapp");
        let i = ResourceRef::new(ResourceKind::ContainerImage, "nginx:latest").with_path(path.clone());
        assert_eq!(i.to_string(), "Container Image: nginx:latest | Service: my-ecs-cluster-webapp");
        let t = ResourceRef::new(ResourceKind::TaskDefinition, "webapp-task").with_path(path);
        assert_eq!(t.to_string(), "Task Definition: webapp-task | Service: my-ecs-cluster-webapp");
        let s = ResourceRef::new(ResourceKind::Service, "my-ecs-cluster-webapp");
        assert_eq!(s.to_string(), "Service: my-ecs-cluster-webapp");
        assert_eq!(ResourceRef::new(ResourceKind::Cluster, "my-ecs-cluster").to_string(), "Cluster: my-ecs-cluster");
        let standalone = ResourceRef::new(ResourceKind::Container, "job")
            .with_path(ResourcePath { task_definition: Some("batch:4".into()), ..Default::default() });
        assert_eq!(standalone.to_string(), "Container: job | Task Definition: batch:4");
    }
}
