//! ECS resources: the cluster, capacity providers, services, task definitions, tasks and
//! container instances. Field names follow the ECS API (camelCase) so that the output of
//! `aws ecs describe-*` can be pasted into a snapshot with little editing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{KeyValue, Tag};

/// The cluster under audit (DescribeClusters with SETTINGS, CONFIGURATIONS, TAGS, STATISTICS).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Cluster {
    pub cluster_arn: String,
    pub cluster_name: String,
    /// ACTIVE, PROVISIONING, DEPROVISIONING, FAILED or INACTIVE.
    pub status: Option<String>,
    pub settings: Vec<KeyValue>,
    pub configuration: Option<ClusterConfiguration>,
    pub capacity_providers: Vec<String>,
    pub default_capacity_provider_strategy: Vec<CapacityProviderStrategyItem>,
    pub service_connect_defaults: Option<ServiceConnectDefaults>,
    pub tags: Vec<Tag>,
    pub registered_container_instances_count: i64,
    pub running_tasks_count: i64,
    pub pending_tasks_count: i64,
    pub active_services_count: i64,
    pub statistics: Vec<KeyValue>,
}

impl Cluster {
    /// The value of a cluster setting such as `containerInsights`.
    pub fn setting(&self, name: &str) -> Option<&str> {
        self.settings.iter().find(|s| s.name == name).map(|s| s.value.as_str())
    }

    pub fn execute_command_configuration(&self) -> Option<&ExecuteCommandConfiguration> {
        self.configuration.as_ref()?.execute_command_configuration.as_ref()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ClusterConfiguration {
    pub execute_command_configuration: Option<ExecuteCommandConfiguration>,
    pub managed_storage_configuration: Option<ManagedStorageConfiguration>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ExecuteCommandConfiguration {
    pub kms_key_id: Option<String>,
    /// NONE, DEFAULT or OVERRIDE.
    pub logging: Option<String>,
    pub log_configuration: Option<ExecuteCommandLogConfiguration>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ExecuteCommandLogConfiguration {
    pub cloud_watch_log_group_name: Option<String>,
    pub cloud_watch_encryption_enabled: bool,
    pub s3_bucket_name: Option<String>,
    pub s3_encryption_enabled: bool,
    pub s3_key_prefix: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ManagedStorageConfiguration {
    pub kms_key_id: Option<String>,
    pub fargate_ephemeral_storage_kms_key_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ServiceConnectDefaults {
    pub namespace: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct CapacityProviderStrategyItem {
    pub capacity_provider: String,
    pub weight: i64,
    pub base: i64,
}

/// A capacity provider attached to the cluster (DescribeCapacityProviders).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct CapacityProvider {
    pub capacity_provider_arn: String,
    pub name: String,
    pub status: Option<String>,
    pub auto_scaling_group_provider: Option<AutoScalingGroupProvider>,
    /// ECS Managed Instances: ECS launches and patches the EC2 instances itself.
    pub managed_instances_provider: Option<ManagedInstancesProvider>,
    pub tags: Vec<Tag>,
}

/// An ECS Managed Instances capacity provider: the role ECS uses to manage the instances and
/// the template it launches them from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ManagedInstancesProvider {
    pub infrastructure_role_arn: Option<String>,
    pub instance_launch_template: Option<InstanceLaunchTemplate>,
    /// CAPACITY_PROVIDER or NONE.
    pub propagate_tags: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct InstanceLaunchTemplate {
    /// The instance profile the instances (and so every task on them) can use.
    pub ec2_instance_profile_arn: Option<String>,
    pub network_configuration: Option<ManagedInstancesNetworkConfiguration>,
    pub storage_configuration: Option<ManagedInstancesStorageConfiguration>,
    /// BASIC or DETAILED (CloudWatch instance monitoring).
    pub monitoring: Option<String>,
    /// ON_DEMAND, SPOT or RESERVED.
    pub capacity_option_type: Option<String>,
    pub instance_metadata_tags_propagation: Option<bool>,
    /// FIPS 140 validated modules on the instances; absent means on in GovCloud, off elsewhere.
    pub fips_enabled: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ManagedInstancesNetworkConfiguration {
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ManagedInstancesStorageConfiguration {
    #[serde(rename = "storageSizeGiB")]
    pub storage_size_gib: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct AutoScalingGroupProvider {
    pub auto_scaling_group_arn: String,
    pub managed_scaling: Option<ManagedScaling>,
    /// ENABLED or DISABLED.
    pub managed_termination_protection: Option<String>,
    /// ENABLED or DISABLED.
    pub managed_draining: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ManagedScaling {
    pub status: Option<String>,
    pub target_capacity: Option<i64>,
    pub minimum_scaling_step_size: Option<i64>,
    pub maximum_scaling_step_size: Option<i64>,
    pub instance_warmup_period: Option<i64>,
}

/// A service (DescribeServices with TAGS), with its task sets (DescribeTaskSets).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Service {
    pub service_arn: String,
    pub service_name: String,
    pub cluster_arn: Option<String>,
    pub status: Option<String>,
    pub desired_count: i64,
    pub running_count: i64,
    pub pending_count: i64,
    /// FARGATE, EC2 or EXTERNAL; absent when a capacity provider strategy is used.
    pub launch_type: Option<String>,
    pub capacity_provider_strategy: Vec<CapacityProviderStrategyItem>,
    pub platform_version: Option<String>,
    pub platform_family: Option<String>,
    pub task_definition: Option<String>,
    pub network_configuration: Option<NetworkConfiguration>,
    pub load_balancers: Vec<ServiceLoadBalancer>,
    pub service_registries: Vec<ServiceRegistry>,
    pub deployments: Vec<Deployment>,
    pub task_sets: Vec<TaskSet>,
    pub deployment_configuration: Option<DeploymentConfiguration>,
    pub deployment_controller: Option<DeploymentController>,
    pub scheduling_strategy: Option<String>,
    pub enable_execute_command: bool,
    #[serde(rename = "enableECSManagedTags")]
    pub enable_ecs_managed_tags: bool,
    pub propagate_tags: Option<String>,
    pub health_check_grace_period_seconds: Option<i64>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct NetworkConfiguration {
    pub awsvpc_configuration: Option<AwsVpcConfiguration>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct AwsVpcConfiguration {
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    /// ENABLED or DISABLED.
    pub assign_public_ip: Option<String>,
}

impl NetworkConfiguration {
    pub fn awsvpc(&self) -> Option<&AwsVpcConfiguration> {
        self.awsvpc_configuration.as_ref()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ServiceLoadBalancer {
    pub target_group_arn: Option<String>,
    pub load_balancer_name: Option<String>,
    pub container_name: Option<String>,
    pub container_port: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ServiceRegistry {
    pub registry_arn: Option<String>,
    pub port: Option<i64>,
    pub container_name: Option<String>,
    pub container_port: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Deployment {
    pub id: Option<String>,
    /// PRIMARY, ACTIVE or INACTIVE.
    pub status: Option<String>,
    pub task_definition: Option<String>,
    pub desired_count: i64,
    pub running_count: i64,
    pub launch_type: Option<String>,
    pub capacity_provider_strategy: Vec<CapacityProviderStrategyItem>,
    pub platform_version: Option<String>,
    pub platform_family: Option<String>,
    pub network_configuration: Option<NetworkConfiguration>,
    pub service_connect_configuration: Option<ServiceConnectConfiguration>,
    pub rollout_state: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ServiceConnectConfiguration {
    pub enabled: bool,
    pub namespace: Option<String>,
    pub services: Vec<ServiceConnectService>,
    pub log_configuration: Option<LogConfiguration>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ServiceConnectService {
    pub port_name: String,
    pub discovery_name: Option<String>,
    pub client_aliases: Vec<ServiceConnectClientAlias>,
    pub tls: Option<ServiceConnectTls>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ServiceConnectClientAlias {
    pub port: Option<i64>,
    pub dns_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ServiceConnectTls {
    pub issuer_certificate_authority: Option<TlsIssuer>,
    pub kms_key: Option<String>,
    pub role_arn: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct TlsIssuer {
    pub aws_pca_authority_arn: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct TaskSet {
    pub task_set_arn: String,
    pub id: Option<String>,
    pub status: Option<String>,
    pub task_definition: Option<String>,
    pub launch_type: Option<String>,
    pub capacity_provider_strategy: Vec<CapacityProviderStrategyItem>,
    pub platform_version: Option<String>,
    pub network_configuration: Option<NetworkConfiguration>,
    pub external_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct DeploymentConfiguration {
    pub deployment_circuit_breaker: Option<DeploymentCircuitBreaker>,
    pub maximum_percent: Option<i64>,
    pub minimum_healthy_percent: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct DeploymentCircuitBreaker {
    pub enable: bool,
    pub rollback: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct DeploymentController {
    /// ECS, CODE_DEPLOY or EXTERNAL.
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// A task definition revision (DescribeTaskDefinition with TAGS).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct TaskDefinition {
    pub task_definition_arn: String,
    pub family: String,
    pub revision: i64,
    pub status: Option<String>,
    /// bridge, host, awsvpc or none; absent means bridge on EC2 Linux.
    pub network_mode: Option<String>,
    pub pid_mode: Option<String>,
    pub ipc_mode: Option<String>,
    pub task_role_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    pub requires_compatibilities: Vec<String>,
    pub compatibilities: Vec<String>,
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub runtime_platform: Option<RuntimePlatform>,
    pub volumes: Vec<Volume>,
    pub proxy_configuration: Option<ProxyConfiguration>,
    pub container_definitions: Vec<ContainerDefinition>,
    pub ephemeral_storage: Option<EphemeralStorage>,
    pub placement_constraints: Vec<PlacementConstraint>,
    /// Whether the task accepts fault-injection requests from AWS FIS (absent: no).
    pub enable_fault_injection: Option<bool>,
    pub tags: Vec<Tag>,
}

impl TaskDefinition {
    /// `family:revision`, the short name ECS prints.
    pub fn family_revision(&self) -> String {
        format!("{}:{}", self.family, self.revision)
    }

    pub fn volume(&self, name: &str) -> Option<&Volume> {
        self.volumes.iter().find(|v| v.name == name)
    }

    /// The operating-system family, upper-case (`LINUX` when not set).
    pub fn os_family(&self) -> String {
        self.runtime_platform
            .as_ref()
            .and_then(|p| p.operating_system_family.as_deref())
            .unwrap_or("LINUX")
            .to_ascii_uppercase()
    }

    pub fn is_windows(&self) -> bool {
        self.os_family().starts_with("WINDOWS")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RuntimePlatform {
    pub cpu_architecture: Option<String>,
    pub operating_system_family: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct EphemeralStorage {
    #[serde(rename = "sizeInGiB")]
    pub size_in_gib: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PlacementConstraint {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub expression: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Volume {
    pub name: String,
    pub host: Option<HostVolume>,
    pub docker_volume_configuration: Option<DockerVolumeConfiguration>,
    pub efs_volume_configuration: Option<EfsVolumeConfiguration>,
    pub fsx_windows_file_server_volume_configuration: Option<FsxWindowsVolumeConfiguration>,
    pub configured_at_launch: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct HostVolume {
    pub source_path: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct DockerVolumeConfiguration {
    pub scope: Option<String>,
    pub autoprovision: Option<bool>,
    pub driver: Option<String>,
    pub driver_opts: BTreeMap<String, String>,
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct EfsVolumeConfiguration {
    pub file_system_id: String,
    pub root_directory: Option<String>,
    /// ENABLED or DISABLED (default DISABLED).
    pub transit_encryption: Option<String>,
    pub transit_encryption_port: Option<i64>,
    pub authorization_config: Option<EfsAuthorizationConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct EfsAuthorizationConfig {
    pub access_point_id: Option<String>,
    /// ENABLED or DISABLED.
    pub iam: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct FsxWindowsVolumeConfiguration {
    pub file_system_id: String,
    pub root_directory: Option<String>,
    pub authorization_config: Option<FsxAuthorizationConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct FsxAuthorizationConfig {
    pub credentials_parameter: Option<String>,
    pub domain: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ProxyConfiguration {
    /// APPMESH is the only type ECS supports.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub container_name: String,
    pub properties: Vec<KeyValue>,
}

/// One container of a task definition.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ContainerDefinition {
    pub name: String,
    pub image: Option<String>,
    /// Absent means essential.
    pub essential: Option<bool>,
    pub user: Option<String>,
    pub privileged: Option<bool>,
    pub readonly_root_filesystem: Option<bool>,
    pub linux_parameters: Option<LinuxParameters>,
    pub health_check: Option<HealthCheck>,
    pub log_configuration: Option<LogConfiguration>,
    pub firelens_configuration: Option<FirelensConfiguration>,
    pub environment: Vec<KeyValue>,
    pub environment_files: Vec<EnvironmentFile>,
    pub secrets: Vec<Secret>,
    pub port_mappings: Vec<PortMapping>,
    pub mount_points: Vec<MountPoint>,
    pub volumes_from: Vec<VolumeFrom>,
    pub docker_security_options: Vec<String>,
    /// gMSA credential specs (`credentialspec:ARN`, `credentialspecdomainless:ARN`), the
    /// successor of a `credentialspec:` entry in `dockerSecurityOptions`.
    pub credential_specs: Vec<String>,
    /// `enabled` (the default) resolves the image tag to a digest at deployment, so every
    /// task of a deployment runs the same image; `disabled` lets each task pull the tag anew.
    pub version_consistency: Option<String>,
    pub memory: Option<i64>,
    pub memory_reservation: Option<i64>,
    pub cpu: Option<i64>,
    pub repository_credentials: Option<RepositoryCredentials>,
    pub dns_servers: Vec<String>,
    pub dns_search_domains: Vec<String>,
    pub extra_hosts: Vec<HostEntry>,
    pub docker_labels: BTreeMap<String, String>,
    pub command: Vec<String>,
    pub entry_point: Vec<String>,
    pub ulimits: Vec<Ulimit>,
    pub system_controls: Vec<SystemControl>,
    pub depends_on: Vec<ContainerDependency>,
    pub disable_networking: Option<bool>,
    pub interactive: Option<bool>,
    pub pseudo_terminal: Option<bool>,
    pub working_directory: Option<String>,
    pub hostname: Option<String>,
    pub links: Vec<String>,
    pub stop_timeout: Option<i64>,
    pub start_timeout: Option<i64>,
}

impl ContainerDefinition {
    pub fn is_essential(&self) -> bool {
        self.essential.unwrap_or(true)
    }

    pub fn is_privileged(&self) -> bool {
        self.privileged.unwrap_or(false)
    }

    pub fn added_capabilities(&self) -> &[String] {
        self.linux_parameters
            .as_ref()
            .and_then(|l| l.capabilities.as_ref())
            .map(|c| c.add.as_slice())
            .unwrap_or_default()
    }

    pub fn dropped_capabilities(&self) -> &[String] {
        self.linux_parameters
            .as_ref()
            .and_then(|l| l.capabilities.as_ref())
            .map(|c| c.drop.as_slice())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct LinuxParameters {
    pub capabilities: Option<KernelCapabilities>,
    pub devices: Vec<Device>,
    pub init_process_enabled: Option<bool>,
    pub shared_memory_size: Option<i64>,
    pub tmpfs: Vec<Tmpfs>,
    pub max_swap: Option<i64>,
    pub swappiness: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct KernelCapabilities {
    pub add: Vec<String>,
    pub drop: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Device {
    pub host_path: String,
    pub container_path: Option<String>,
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Tmpfs {
    pub container_path: String,
    /// Size in MiB.
    pub size: i64,
    pub mount_options: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct HealthCheck {
    pub command: Vec<String>,
    pub interval: Option<i64>,
    pub timeout: Option<i64>,
    pub retries: Option<i64>,
    pub start_period: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct LogConfiguration {
    pub log_driver: Option<String>,
    pub options: BTreeMap<String, String>,
    pub secret_options: Vec<Secret>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct FirelensConfiguration {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub options: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct EnvironmentFile {
    pub value: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// A secret injected from Secrets Manager or SSM Parameter Store. `valueFrom` is an ARN or
/// parameter name, never the secret itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Secret {
    pub name: String,
    pub value_from: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PortMapping {
    pub container_port: Option<i64>,
    pub host_port: Option<i64>,
    pub protocol: Option<String>,
    pub name: Option<String>,
    pub app_protocol: Option<String>,
    pub container_port_range: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct MountPoint {
    pub source_volume: String,
    pub container_path: String,
    pub read_only: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct VolumeFrom {
    pub source_container: String,
    pub read_only: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RepositoryCredentials {
    /// The ARN of the Secrets Manager secret holding the registry credentials.
    pub credentials_parameter: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct HostEntry {
    pub hostname: String,
    pub ip_address: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Ulimit {
    pub name: String,
    pub soft_limit: i64,
    pub hard_limit: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct SystemControl {
    pub namespace: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ContainerDependency {
    pub container_name: String,
    pub condition: String,
}

/// A task (DescribeTasks).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Task {
    pub task_arn: String,
    pub task_definition_arn: String,
    pub cluster_arn: Option<String>,
    pub container_instance_arn: Option<String>,
    pub launch_type: Option<String>,
    pub capacity_provider_name: Option<String>,
    pub platform_version: Option<String>,
    pub platform_family: Option<String>,
    pub last_status: Option<String>,
    pub desired_status: Option<String>,
    /// `service:NAME` for tasks a service started, `family:NAME` for standalone tasks.
    pub group: Option<String>,
    pub started_by: Option<String>,
    pub enable_execute_command: bool,
    pub attachments: Vec<Attachment>,
    pub containers: Vec<TaskContainer>,
    pub started_at: Option<String>,
    pub availability_zone: Option<String>,
    pub tags: Vec<Tag>,
}

impl Task {
    /// The service that started this task, from its `group`.
    pub fn service_name(&self) -> Option<&str> {
        self.group.as_deref()?.strip_prefix("service:")
    }

    /// The subnet of the task's elastic network interface (awsvpc tasks).
    pub fn eni_detail(&self, name: &str) -> Option<&str> {
        self.attachments
            .iter()
            .filter(|a| a.kind.as_deref() == Some("ElasticNetworkInterface"))
            .flat_map(|a| a.details.iter())
            .find(|d| d.name == name)
            .map(|d| d.value.as_str())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Attachment {
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub status: Option<String>,
    pub details: Vec<KeyValue>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct TaskContainer {
    pub name: String,
    pub image: Option<String>,
    pub image_digest: Option<String>,
    pub last_status: Option<String>,
}

/// An EC2 container instance registered to the cluster (DescribeContainerInstances).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ContainerInstance {
    pub container_instance_arn: String,
    pub ec2_instance_id: Option<String>,
    pub status: Option<String>,
    pub agent_connected: bool,
    pub agent_update_status: Option<String>,
    pub version_info: Option<VersionInfo>,
    pub attributes: Vec<Attribute>,
    pub capacity_provider_name: Option<String>,
    pub running_tasks_count: i64,
    pub tags: Vec<Tag>,
    /// The EC2 instance behind it (ec2:DescribeInstances); `None` when not collected.
    pub ec2: Option<Ec2InstanceInfo>,
}

/// What EC2 says about a container instance's host.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Ec2InstanceInfo {
    pub instance_type: Option<String>,
    pub subnet_id: Option<String>,
    pub vpc_id: Option<String>,
    pub security_groups: Vec<String>,
    pub public_ip_address: Option<String>,
    pub image_id: Option<String>,
    /// IMDS `HttpTokens`: `required` (IMDSv2 only) or `optional`.
    pub http_tokens: Option<String>,
    /// IMDS `HttpPutResponseHopLimit`.
    pub http_put_response_hop_limit: Option<i64>,
    /// IMDS `HttpEndpoint`: `enabled` or `disabled`.
    pub http_endpoint: Option<String>,
    pub iam_instance_profile_arn: Option<String>,
}

impl ContainerInstance {
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|a| a.name == name).and_then(|a| a.value.as_deref())
    }

    /// The EC2 instance type, from the `ecs.instance-type` attribute.
    pub fn instance_type(&self) -> Option<&str> {
        self.attribute("ecs.instance-type")
    }

    pub fn agent_version(&self) -> Option<&str> {
        self.version_info.as_ref()?.agent_version.as_deref()
    }

    /// A readable name: the EC2 instance id, else the last part of the ARN.
    pub fn display_name(&self) -> &str {
        self.ec2_instance_id.as_deref().unwrap_or_else(|| super::arn_tail(&self.container_instance_arn))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct VersionInfo {
    pub agent_version: Option<String>,
    pub agent_hash: Option<String>,
    pub docker_version: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Attribute {
    pub name: String,
    pub value: Option<String>,
}
