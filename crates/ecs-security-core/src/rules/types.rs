//! The rule model: severities, categories, domains, rule metadata and findings.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{DataSource, ResourceRef, Snapshot};
pub use crate::severity::{Confidence, Severity};

macro_rules! str_enum {
    ($(#[$meta:meta])* $name:ident { $( $variant:ident => $text:literal ),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        pub enum $name {
            $( #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )+ ];

            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text, )+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;

            /// Case-insensitive; `-` and `_` are interchangeable.
            fn from_str(s: &str) -> Result<$name, String> {
                let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().replace('-', "_") == wanted)
                    .ok_or_else(|| {
                        let valid: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                        format!("unknown {} {s:?}; valid values: {}", stringify!($name).to_lowercase(), valid.join(", "))
                    })
            }
        }
    };
}

str_enum! {
    /// The spec's finding categories.
    Category {
        Monitoring => "monitoring",
        Security => "security",
        Encryption => "encryption",
        Availability => "availability",
        NetworkSecurity => "network_security",
        IamSecurity => "iam_security",
        ContainerSecurity => "container_security",
        RuntimeSecurity => "runtime_security",
        ImageSecurity => "image_security",
        Secrets => "secrets",
        ResourceManagement => "resource_management",
        Configuration => "configuration",
        ServiceMeshSecurity => "service_mesh_security",
        EnvoySecurity => "envoy_security",
        StorageSecurity => "storage_security",
        DnsSecurity => "dns_security",
    }
}

str_enum! {
    /// The spec's check domains, used to group rules in docs and detailed reports.
    Domain {
        Cluster => "cluster",
        ContainerInstance => "container-instance",
        Network => "network",
        Iam => "iam",
        Container => "container",
        Image => "image",
        Secrets => "secrets",
        ResourceManagement => "resource-management",
        NetworkInfrastructure => "network-infrastructure",
        LoadBalancer => "load-balancer",
        ServiceMesh => "service-mesh",
        Envoy => "envoy",
        Storage => "storage",
        Dns => "dns",
    }
}

impl Domain {
    /// The heading used in reports and docs.
    pub fn title(self) -> &'static str {
        match self {
            Domain::Cluster => "Cluster-Level Security",
            Domain::ContainerInstance => "Container Instance Security",
            Domain::Network => "Network Security",
            Domain::Iam => "IAM Security",
            Domain::Container => "Container Security",
            Domain::Image => "Image Security",
            Domain::Secrets => "Secrets Management",
            Domain::ResourceManagement => "Resource Management",
            Domain::NetworkInfrastructure => "Network Infrastructure Security",
            Domain::LoadBalancer => "Load Balancer Security",
            Domain::ServiceMesh => "Service Mesh Security",
            Domain::Envoy => "Envoy Proxy Security",
            Domain::Storage => "Storage Security",
            Domain::Dns => "DNS Security",
        }
    }
}

/// What a rule examines; a rule with nothing to examine is "not applicable".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    Cluster,
    CapacityProviders,
    ContainerInstances,
    Services,
    TaskSets,
    Workloads,
    Ec2Workloads,
    FargateWorkloads,
    Containers,
    TaggedResources,
    EcrRepositories,
    Vpcs,
    Subnets,
    SecurityGroups,
    LoadBalancers,
    /// Listeners of the load balancers.
    Listeners,
    /// Task-definition volumes of the workloads.
    Volumes,
    /// Deployments with Service Connect enabled.
    ServiceConnect,
    /// Workloads with an App Mesh proxy configuration or an Envoy sidecar.
    MeshWorkloads,
    /// Containers whose image lives in a private ECR registry.
    PrivateEcrImages,
    /// Tasks (running or recently stopped).
    Tasks,
    /// Classic Load Balancers named by the services.
    ClassicLoadBalancers,
    /// ECS Managed Instances capacity providers.
    ManagedInstancesProviders,
}

impl Scope {
    /// Whether the snapshot holds anything this rule would examine.
    pub fn applies_to(self, s: &Snapshot) -> bool {
        match self {
            Scope::Cluster => true,
            Scope::CapacityProviders => s.capacity_providers.iter().any(|c| c.auto_scaling_group_provider.is_some()),
            Scope::ContainerInstances => !s.container_instances.is_empty(),
            Scope::Services => !s.services.is_empty(),
            Scope::TaskSets => s.services.iter().any(|x| !x.task_sets.is_empty()),
            Scope::Workloads | Scope::Containers => !s.workloads().is_empty(),
            Scope::Ec2Workloads => s.workloads().iter().any(|w| w.runs_on_ec2()),
            Scope::FargateWorkloads => s.workloads().iter().any(|w| w.is_fargate()),
            Scope::TaggedResources => true,
            Scope::EcrRepositories => !s.ecr.repositories.is_empty(),
            Scope::Vpcs => !s.network.vpcs.is_empty(),
            Scope::Subnets => !s.network.subnets.is_empty(),
            Scope::SecurityGroups => !s.network.security_groups.is_empty(),
            Scope::LoadBalancers => !s.load_balancing.load_balancers.is_empty(),
            Scope::Listeners => s.load_balancing.load_balancers.iter().any(|l| !l.listeners.is_empty()),
            Scope::Volumes => s.workloads().iter().any(|w| !w.task_definition.volumes.is_empty()),
            Scope::ServiceConnect => s.services.iter().any(|x| {
                x.deployments.iter().any(|d| d.service_connect_configuration.as_ref().is_some_and(|c| c.enabled))
            }),
            Scope::MeshWorkloads => s.workloads().iter().any(|w| {
                w.task_definition.proxy_configuration.is_some()
                    || w.task_definition
                        .container_definitions
                        .iter()
                        .any(|c| c.image.as_deref().is_some_and(|i| i.contains("envoy")))
            }),
            Scope::PrivateEcrImages => s.containers().iter().any(|c| {
                c.container.image.as_deref().and_then(crate::model::ImageRef::parse).is_some_and(|i| i.is_private_ecr())
            }),
            Scope::Tasks => !s.tasks.is_empty(),
            Scope::ClassicLoadBalancers => !s.load_balancing.classic_load_balancers.is_empty(),
            Scope::ManagedInstancesProviders => {
                s.capacity_providers.iter().any(|c| c.managed_instances_provider.is_some())
            }
        }
    }
}

/// How to fix what a rule finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Remediation {
    /// One sentence: what to change.
    pub summary: &'static str,
    /// Step-by-step guidance.
    pub steps: &'static [&'static str],
    /// An AWS CLI command (with placeholders in angle brackets).
    pub cli: &'static str,
    /// A Terraform snippet.
    pub terraform: &'static str,
    /// A CloudFormation (YAML) snippet.
    pub cloudformation: &'static str,
}

/// A check and everything known about it.
#[derive(Debug, Serialize)]
pub struct Rule {
    /// Kebab-case id naming the bad state, e.g. `container-runs-as-root`.
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub category: Category,
    pub domain: Domain,
    pub scope: Scope,
    /// The snapshot parts the check reads; a gap in any of them means "not evaluated".
    pub requires: &'static [DataSource],
    pub confidence: Confidence,
    /// Why the bad state matters.
    pub rationale: &'static str,
    pub remediation: Remediation,
    pub references: &'static [&'static str],
    /// Equivalent controls elsewhere: `SecurityHub ECS.4`, `Prowler …`, `CIS 3.4`, `Checkov …`.
    pub peers: &'static [&'static str],
    #[serde(skip)]
    pub check: fn(&Snapshot, &mut Findings),
}

impl PartialEq for Rule {
    fn eq(&self, other: &Rule) -> bool {
        self.id == other.id
    }
}

impl Eq for Rule {}

/// A piece of evidence: what the check saw. Values are never secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub key: String,
    pub value: String,
}

/// One problem on one resource.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable across runs: the rule, the resource's identity and the field (see
    /// `rules::identity`). Empty until the engine has run every rule.
    pub id: String,
    #[serde(serialize_with = "rule_id")]
    pub rule: &'static Rule,
    /// The rule's severity unless this finding warrants another.
    pub severity: Severity,
    pub confidence: Confidence,
    pub resource: ResourceRef,
    /// What is wrong with this resource, in one sentence.
    pub message: String,
    pub evidence: Vec<Evidence>,
}

fn rule_id<S: serde::Serializer>(rule: &&'static Rule, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(rule.id)
}

impl Finding {
    pub fn evidence(&mut self, key: &str, value: impl fmt::Display) -> &mut Finding {
        self.evidence.push(Evidence { key: key.to_owned(), value: value.to_string() });
        self
    }

    pub fn severity(&mut self, severity: Severity) -> &mut Finding {
        self.severity = severity;
        self
    }

    pub fn confidence(&mut self, confidence: Confidence) -> &mut Finding {
        self.confidence = confidence;
        self
    }
}

/// Collects the findings of one rule; fills in the rule's metadata.
#[derive(Debug)]
pub struct Findings {
    rule: &'static Rule,
    items: Vec<Finding>,
}

impl Findings {
    pub fn new(rule: &'static Rule) -> Findings {
        Findings { rule, items: Vec::new() }
    }

    /// Reports a finding on `resource` and returns it for evidence.
    pub fn report(&mut self, resource: ResourceRef, message: impl Into<String>) -> &mut Finding {
        let message = message.into();
        debug_assert!(!message.is_empty(), "rule {} reported an empty message", self.rule.id);
        self.items.push(Finding {
            id: String::new(),
            rule: self.rule,
            severity: self.rule.severity,
            confidence: self.rule.confidence,
            resource,
            message,
            evidence: Vec::new(),
        });
        let last = self.items.len() - 1;
        &mut self.items[last]
    }

    pub fn into_vec(self) -> Vec<Finding> {
        self.items
    }
}
