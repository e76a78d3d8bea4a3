//! Conversions from ECS SDK types to our snapshot model.

use aws_sdk_ecs::types as sdk;

use crate::model::{self as m, KeyValue, Tag};

pub(super) fn s(v: Option<&str>) -> Option<String> {
    v.map(str::to_owned)
}

pub(super) fn strings(v: &[String]) -> Vec<String> {
    v.to_vec()
}

fn kvs(v: &[sdk::KeyValuePair]) -> Vec<KeyValue> {
    v.iter()
        .map(|p| KeyValue {
            name: p.name().unwrap_or_default().to_owned(),
            value: p.value().unwrap_or_default().to_owned(),
        })
        .collect()
}

fn tags(v: &[sdk::Tag]) -> Vec<Tag> {
    v.iter()
        .map(|t| Tag { key: t.key().unwrap_or_default().to_owned(), value: t.value().unwrap_or_default().to_owned() })
        .collect()
}

fn nonzero(v: i32) -> Option<i64> {
    (v != 0).then_some(i64::from(v))
}

fn strategy(v: &[sdk::CapacityProviderStrategyItem]) -> Vec<m::CapacityProviderStrategyItem> {
    v.iter()
        .map(|i| m::CapacityProviderStrategyItem {
            capacity_provider: i.capacity_provider().to_owned(),
            weight: i64::from(i.weight()),
            base: i64::from(i.base()),
        })
        .collect()
}

pub(super) fn cluster(c: &sdk::Cluster) -> m::Cluster {
    m::Cluster {
        cluster_arn: c.cluster_arn().unwrap_or_default().to_owned(),
        cluster_name: c.cluster_name().unwrap_or_default().to_owned(),
        status: s(c.status()),
        settings: c
            .settings()
            .iter()
            .map(|x| KeyValue {
                name: x.name().map(|n| n.as_str().to_owned()).unwrap_or_default(),
                value: x.value().unwrap_or_default().to_owned(),
            })
            .collect(),
        configuration: c.configuration().map(|cfg| m::ClusterConfiguration {
            execute_command_configuration: cfg.execute_command_configuration().map(|e| {
                m::ExecuteCommandConfiguration {
                    kms_key_id: s(e.kms_key_id()),
                    logging: e.logging().map(|l| l.as_str().to_owned()),
                    log_configuration: e.log_configuration().map(|l| m::ExecuteCommandLogConfiguration {
                        cloud_watch_log_group_name: s(l.cloud_watch_log_group_name()),
                        cloud_watch_encryption_enabled: l.cloud_watch_encryption_enabled(),
                        s3_bucket_name: s(l.s3_bucket_name()),
                        s3_encryption_enabled: l.s3_encryption_enabled(),
                        s3_key_prefix: s(l.s3_key_prefix()),
                    }),
                }
            }),
            managed_storage_configuration: cfg.managed_storage_configuration().map(|ms| {
                m::ManagedStorageConfiguration {
                    kms_key_id: s(ms.kms_key_id()),
                    fargate_ephemeral_storage_kms_key_id: s(ms.fargate_ephemeral_storage_kms_key_id()),
                }
            }),
        }),
        capacity_providers: strings(c.capacity_providers()),
        default_capacity_provider_strategy: strategy(c.default_capacity_provider_strategy()),
        service_connect_defaults: c
            .service_connect_defaults()
            .map(|d| m::ServiceConnectDefaults { namespace: s(d.namespace()) }),
        tags: tags(c.tags()),
        registered_container_instances_count: i64::from(c.registered_container_instances_count()),
        running_tasks_count: i64::from(c.running_tasks_count()),
        pending_tasks_count: i64::from(c.pending_tasks_count()),
        active_services_count: i64::from(c.active_services_count()),
        statistics: kvs(c.statistics()),
    }
}

pub(super) fn capacity_provider(c: &sdk::CapacityProvider) -> m::CapacityProvider {
    m::CapacityProvider {
        capacity_provider_arn: c.capacity_provider_arn().unwrap_or_default().to_owned(),
        name: c.name().unwrap_or_default().to_owned(),
        status: c.status().map(|x| x.as_str().to_owned()),
        auto_scaling_group_provider: c.auto_scaling_group_provider().map(|a| m::AutoScalingGroupProvider {
            auto_scaling_group_arn: a.auto_scaling_group_arn().to_owned(),
            managed_scaling: a.managed_scaling().map(|ms| m::ManagedScaling {
                status: ms.status().map(|x| x.as_str().to_owned()),
                target_capacity: ms.target_capacity().map(i64::from),
                minimum_scaling_step_size: ms.minimum_scaling_step_size().map(i64::from),
                maximum_scaling_step_size: ms.maximum_scaling_step_size().map(i64::from),
                instance_warmup_period: ms.instance_warmup_period().map(i64::from),
            }),
            managed_termination_protection: a.managed_termination_protection().map(|x| x.as_str().to_owned()),
            managed_draining: a.managed_draining().map(|x| x.as_str().to_owned()),
        }),
        managed_instances_provider: c.managed_instances_provider().map(|p| m::ManagedInstancesProvider {
            infrastructure_role_arn: s(p.infrastructure_role_arn()),
            instance_launch_template: p.instance_launch_template().map(|t| m::InstanceLaunchTemplate {
                ec2_instance_profile_arn: Some(t.ec2_instance_profile_arn().to_owned()).filter(|a| !a.is_empty()),
                network_configuration: t.network_configuration().map(|n| m::ManagedInstancesNetworkConfiguration {
                    subnets: strings(n.subnets()),
                    security_groups: strings(n.security_groups()),
                }),
                storage_configuration: t.storage_configuration().map(|st| m::ManagedInstancesStorageConfiguration {
                    storage_size_gib: st.storage_size_gib().map(i64::from),
                }),
                monitoring: t.monitoring().map(|x| x.as_str().to_owned()),
                capacity_option_type: t.capacity_option_type().map(|x| x.as_str().to_owned()),
                instance_metadata_tags_propagation: t.instance_metadata_tags_propagation(),
                fips_enabled: t.fips_enabled(),
            }),
            propagate_tags: p.propagate_tags().map(|x| x.as_str().to_owned()),
        }),
        tags: tags(c.tags()),
    }
}

pub(super) fn account_setting(x: &sdk::Setting) -> m::AccountSetting {
    m::AccountSetting {
        name: x.name().map(|n| n.as_str().to_owned()).unwrap_or_default(),
        value: x.value().unwrap_or_default().to_owned(),
        principal_arn: s(x.principal_arn()),
        setting_type: x.r#type().map(|t| t.as_str().to_owned()),
    }
}

fn network(n: Option<&sdk::NetworkConfiguration>) -> Option<m::NetworkConfiguration> {
    n.map(|n| m::NetworkConfiguration {
        awsvpc_configuration: n.awsvpc_configuration().map(|a| m::AwsVpcConfiguration {
            subnets: strings(a.subnets()),
            security_groups: strings(a.security_groups()),
            assign_public_ip: a.assign_public_ip().map(|x| x.as_str().to_owned()),
        }),
    })
}

fn log_configuration(l: &sdk::LogConfiguration) -> m::LogConfiguration {
    m::LogConfiguration {
        log_driver: Some(l.log_driver().as_str().to_owned()),
        options: l.options().map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default(),
        secret_options: secrets(l.secret_options()),
    }
}

fn secrets(v: &[sdk::Secret]) -> Vec<m::Secret> {
    v.iter().map(|x| m::Secret { name: x.name().to_owned(), value_from: x.value_from().to_owned() }).collect()
}

fn service_connect(c: &sdk::ServiceConnectConfiguration) -> m::ServiceConnectConfiguration {
    m::ServiceConnectConfiguration {
        enabled: c.enabled(),
        namespace: s(c.namespace()),
        services: c
            .services()
            .iter()
            .map(|x| m::ServiceConnectService {
                port_name: x.port_name().to_owned(),
                discovery_name: s(x.discovery_name()),
                client_aliases: x
                    .client_aliases()
                    .iter()
                    .map(|a| m::ServiceConnectClientAlias {
                        port: Some(i64::from(a.port())),
                        dns_name: s(a.dns_name()),
                    })
                    .collect(),
                tls: x.tls().map(|t| m::ServiceConnectTls {
                    issuer_certificate_authority: t
                        .issuer_certificate_authority()
                        .map(|i| m::TlsIssuer { aws_pca_authority_arn: s(i.aws_pca_authority_arn()) }),
                    kms_key: s(t.kms_key()),
                    role_arn: s(t.role_arn()),
                }),
            })
            .collect(),
        log_configuration: c.log_configuration().map(log_configuration),
    }
}

pub(super) fn service(x: &sdk::Service) -> m::Service {
    m::Service {
        service_arn: x.service_arn().unwrap_or_default().to_owned(),
        service_name: x.service_name().unwrap_or_default().to_owned(),
        cluster_arn: s(x.cluster_arn()),
        status: s(x.status()),
        desired_count: i64::from(x.desired_count()),
        running_count: i64::from(x.running_count()),
        pending_count: i64::from(x.pending_count()),
        launch_type: x.launch_type().map(|l| l.as_str().to_owned()),
        capacity_provider_strategy: strategy(x.capacity_provider_strategy()),
        platform_version: s(x.platform_version()),
        platform_family: s(x.platform_family()),
        task_definition: s(x.task_definition()),
        network_configuration: network(x.network_configuration()),
        load_balancers: x
            .load_balancers()
            .iter()
            .map(|l| m::ServiceLoadBalancer {
                target_group_arn: s(l.target_group_arn()),
                load_balancer_name: s(l.load_balancer_name()),
                container_name: s(l.container_name()),
                container_port: l.container_port().map(i64::from),
            })
            .collect(),
        service_registries: x
            .service_registries()
            .iter()
            .map(|r| m::ServiceRegistry {
                registry_arn: s(r.registry_arn()),
                port: r.port().map(i64::from),
                container_name: s(r.container_name()),
                container_port: r.container_port().map(i64::from),
            })
            .collect(),
        deployments: x
            .deployments()
            .iter()
            .map(|d| m::Deployment {
                id: s(d.id()),
                status: s(d.status()),
                task_definition: s(d.task_definition()),
                desired_count: i64::from(d.desired_count()),
                running_count: i64::from(d.running_count()),
                launch_type: d.launch_type().map(|l| l.as_str().to_owned()),
                capacity_provider_strategy: strategy(d.capacity_provider_strategy()),
                platform_version: s(d.platform_version()),
                platform_family: s(d.platform_family()),
                network_configuration: network(d.network_configuration()),
                service_connect_configuration: d.service_connect_configuration().map(service_connect),
                rollout_state: d.rollout_state().map(|r| r.as_str().to_owned()),
            })
            .collect(),
        task_sets: x
            .task_sets()
            .iter()
            .map(|t| m::TaskSet {
                task_set_arn: t.task_set_arn().unwrap_or_default().to_owned(),
                id: s(t.id()),
                status: s(t.status()),
                task_definition: s(t.task_definition()),
                launch_type: t.launch_type().map(|l| l.as_str().to_owned()),
                capacity_provider_strategy: strategy(t.capacity_provider_strategy()),
                platform_version: s(t.platform_version()),
                network_configuration: network(t.network_configuration()),
                external_id: s(t.external_id()),
            })
            .collect(),
        deployment_configuration: x.deployment_configuration().map(|d| m::DeploymentConfiguration {
            deployment_circuit_breaker: d
                .deployment_circuit_breaker()
                .map(|c| m::DeploymentCircuitBreaker { enable: c.enable(), rollback: c.rollback() }),
            maximum_percent: d.maximum_percent().map(i64::from),
            minimum_healthy_percent: d.minimum_healthy_percent().map(i64::from),
        }),
        deployment_controller: x
            .deployment_controller()
            .map(|d| m::DeploymentController { kind: Some(d.r#type().as_str().to_owned()) }),
        scheduling_strategy: x.scheduling_strategy().map(|s| s.as_str().to_owned()),
        enable_execute_command: x.enable_execute_command(),
        enable_ecs_managed_tags: x.enable_ecs_managed_tags(),
        propagate_tags: x.propagate_tags().map(|p| p.as_str().to_owned()),
        health_check_grace_period_seconds: x.health_check_grace_period_seconds().map(i64::from),
        tags: tags(x.tags()),
    }
}

fn container(c: &sdk::ContainerDefinition) -> m::ContainerDefinition {
    m::ContainerDefinition {
        name: c.name().unwrap_or_default().to_owned(),
        image: s(c.image()),
        essential: c.essential(),
        user: s(c.user()),
        privileged: c.privileged(),
        readonly_root_filesystem: c.readonly_root_filesystem(),
        linux_parameters: c.linux_parameters().map(|l| m::LinuxParameters {
            capabilities: l
                .capabilities()
                .map(|k| m::KernelCapabilities { add: strings(k.add()), drop: strings(k.drop()) }),
            devices: l
                .devices()
                .iter()
                .map(|d| m::Device {
                    host_path: d.host_path().to_owned(),
                    container_path: s(d.container_path()),
                    permissions: d.permissions().iter().map(|p| p.as_str().to_owned()).collect(),
                })
                .collect(),
            init_process_enabled: l.init_process_enabled(),
            shared_memory_size: l.shared_memory_size().map(i64::from),
            tmpfs: l
                .tmpfs()
                .iter()
                .map(|t| m::Tmpfs {
                    container_path: t.container_path().to_owned(),
                    size: i64::from(t.size()),
                    mount_options: strings(t.mount_options()),
                })
                .collect(),
            max_swap: l.max_swap().map(i64::from),
            swappiness: l.swappiness().map(i64::from),
        }),
        health_check: c.health_check().map(|h| m::HealthCheck {
            command: strings(h.command()),
            interval: h.interval().map(i64::from),
            timeout: h.timeout().map(i64::from),
            retries: h.retries().map(i64::from),
            start_period: h.start_period().map(i64::from),
        }),
        log_configuration: c.log_configuration().map(log_configuration),
        firelens_configuration: c.firelens_configuration().map(|f| m::FirelensConfiguration {
            kind: Some(f.r#type().as_str().to_owned()),
            options: f.options().map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default(),
        }),
        environment: kvs(c.environment()),
        environment_files: c
            .environment_files()
            .iter()
            .map(|e| m::EnvironmentFile { value: e.value().to_owned(), kind: Some(e.r#type().as_str().to_owned()) })
            .collect(),
        secrets: secrets(c.secrets()),
        port_mappings: c
            .port_mappings()
            .iter()
            .map(|p| m::PortMapping {
                container_port: p.container_port().map(i64::from),
                host_port: p.host_port().map(i64::from),
                protocol: p.protocol().map(|x| x.as_str().to_owned()),
                name: s(p.name()),
                app_protocol: p.app_protocol().map(|x| x.as_str().to_owned()),
                container_port_range: s(p.container_port_range()),
            })
            .collect(),
        mount_points: c
            .mount_points()
            .iter()
            .map(|mp| m::MountPoint {
                source_volume: mp.source_volume().unwrap_or_default().to_owned(),
                container_path: mp.container_path().unwrap_or_default().to_owned(),
                read_only: mp.read_only(),
            })
            .collect(),
        volumes_from: c
            .volumes_from()
            .iter()
            .map(|v| m::VolumeFrom {
                source_container: v.source_container().unwrap_or_default().to_owned(),
                read_only: v.read_only(),
            })
            .collect(),
        docker_security_options: strings(c.docker_security_options()),
        credential_specs: strings(c.credential_specs()),
        version_consistency: c.version_consistency().map(|v| v.as_str().to_owned()),
        memory: c.memory().map(i64::from),
        memory_reservation: c.memory_reservation().map(i64::from),
        cpu: nonzero(c.cpu()),
        repository_credentials: c
            .repository_credentials()
            .map(|r| m::RepositoryCredentials { credentials_parameter: r.credentials_parameter().to_owned() }),
        dns_servers: strings(c.dns_servers()),
        dns_search_domains: strings(c.dns_search_domains()),
        extra_hosts: c
            .extra_hosts()
            .iter()
            .map(|h| m::HostEntry { hostname: h.hostname().to_owned(), ip_address: h.ip_address().to_owned() })
            .collect(),
        docker_labels: c
            .docker_labels()
            .map(|d| d.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        command: strings(c.command()),
        entry_point: strings(c.entry_point()),
        ulimits: c
            .ulimits()
            .iter()
            .map(|u| m::Ulimit {
                name: u.name().as_str().to_owned(),
                soft_limit: i64::from(u.soft_limit()),
                hard_limit: i64::from(u.hard_limit()),
            })
            .collect(),
        system_controls: c
            .system_controls()
            .iter()
            .map(|x| m::SystemControl {
                namespace: x.namespace().unwrap_or_default().to_owned(),
                value: x.value().unwrap_or_default().to_owned(),
            })
            .collect(),
        depends_on: c
            .depends_on()
            .iter()
            .map(|d| m::ContainerDependency {
                container_name: d.container_name().to_owned(),
                condition: d.condition().as_str().to_owned(),
            })
            .collect(),
        disable_networking: c.disable_networking(),
        interactive: c.interactive(),
        pseudo_terminal: c.pseudo_terminal(),
        working_directory: s(c.working_directory()),
        hostname: s(c.hostname()),
        links: strings(c.links()),
        stop_timeout: c.stop_timeout().map(i64::from),
        start_timeout: c.start_timeout().map(i64::from),
    }
}

fn volume(v: &sdk::Volume) -> m::Volume {
    m::Volume {
        name: v.name().unwrap_or_default().to_owned(),
        host: v.host().map(|h| m::HostVolume { source_path: s(h.source_path()) }),
        docker_volume_configuration: v.docker_volume_configuration().map(|d| m::DockerVolumeConfiguration {
            scope: d.scope().map(|x| x.as_str().to_owned()),
            autoprovision: d.autoprovision(),
            driver: s(d.driver()),
            driver_opts: d
                .driver_opts()
                .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            labels: d.labels().map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default(),
        }),
        efs_volume_configuration: v.efs_volume_configuration().map(|e| m::EfsVolumeConfiguration {
            file_system_id: e.file_system_id().to_owned(),
            root_directory: s(e.root_directory()),
            transit_encryption: e.transit_encryption().map(|x| x.as_str().to_owned()),
            transit_encryption_port: e.transit_encryption_port().map(i64::from),
            authorization_config: e.authorization_config().map(|a| m::EfsAuthorizationConfig {
                access_point_id: s(a.access_point_id()),
                iam: a.iam().map(|x| x.as_str().to_owned()),
            }),
        }),
        fsx_windows_file_server_volume_configuration: v.fsx_windows_file_server_volume_configuration().map(|f| {
            m::FsxWindowsVolumeConfiguration {
                file_system_id: f.file_system_id().to_owned(),
                root_directory: Some(f.root_directory().to_owned()),
                authorization_config: f.authorization_config().map(|a| m::FsxAuthorizationConfig {
                    credentials_parameter: Some(a.credentials_parameter().to_owned()),
                    domain: Some(a.domain().to_owned()),
                }),
            }
        }),
        configured_at_launch: v.configured_at_launch().unwrap_or(false),
    }
}

pub(super) fn task_definition(t: &sdk::TaskDefinition, td_tags: &[sdk::Tag]) -> m::TaskDefinition {
    m::TaskDefinition {
        task_definition_arn: t.task_definition_arn().unwrap_or_default().to_owned(),
        family: t.family().unwrap_or_default().to_owned(),
        revision: i64::from(t.revision()),
        status: t.status().map(|x| x.as_str().to_owned()),
        network_mode: t.network_mode().map(|x| x.as_str().to_owned()),
        pid_mode: t.pid_mode().map(|x| x.as_str().to_owned()),
        ipc_mode: t.ipc_mode().map(|x| x.as_str().to_owned()),
        task_role_arn: s(t.task_role_arn()),
        execution_role_arn: s(t.execution_role_arn()),
        requires_compatibilities: t.requires_compatibilities().iter().map(|c| c.as_str().to_owned()).collect(),
        compatibilities: t.compatibilities().iter().map(|c| c.as_str().to_owned()).collect(),
        cpu: s(t.cpu()),
        memory: s(t.memory()),
        runtime_platform: t.runtime_platform().map(|r| m::RuntimePlatform {
            cpu_architecture: r.cpu_architecture().map(|x| x.as_str().to_owned()),
            operating_system_family: r.operating_system_family().map(|x| x.as_str().to_owned()),
        }),
        volumes: t.volumes().iter().map(volume).collect(),
        proxy_configuration: t.proxy_configuration().map(|p| m::ProxyConfiguration {
            kind: p.r#type().map(|x| x.as_str().to_owned()),
            container_name: p.container_name().to_owned(),
            properties: kvs(p.properties()),
        }),
        container_definitions: t.container_definitions().iter().map(container).collect(),
        ephemeral_storage: t
            .ephemeral_storage()
            .map(|e| m::EphemeralStorage { size_in_gib: i64::from(e.size_in_gib()) }),
        placement_constraints: t
            .placement_constraints()
            .iter()
            .map(|p| m::PlacementConstraint {
                kind: p.r#type().map(|x| x.as_str().to_owned()),
                expression: s(p.expression()),
            })
            .collect(),
        enable_fault_injection: t.enable_fault_injection(),
        tags: tags(td_tags),
    }
}

pub(super) fn task(t: &sdk::Task) -> m::Task {
    m::Task {
        task_arn: t.task_arn().unwrap_or_default().to_owned(),
        task_definition_arn: t.task_definition_arn().unwrap_or_default().to_owned(),
        cluster_arn: s(t.cluster_arn()),
        container_instance_arn: s(t.container_instance_arn()),
        launch_type: t.launch_type().map(|l| l.as_str().to_owned()),
        capacity_provider_name: s(t.capacity_provider_name()),
        platform_version: s(t.platform_version()),
        platform_family: s(t.platform_family()),
        last_status: s(t.last_status()),
        desired_status: s(t.desired_status()),
        group: s(t.group()),
        started_by: s(t.started_by()),
        enable_execute_command: t.enable_execute_command(),
        attachments: t
            .attachments()
            .iter()
            .map(|a| m::Attachment {
                id: s(a.id()),
                kind: s(a.r#type()),
                status: s(a.status()),
                details: kvs(a.details()),
            })
            .collect(),
        containers: t
            .containers()
            .iter()
            .map(|c| m::TaskContainer {
                name: c.name().unwrap_or_default().to_owned(),
                image: s(c.image()),
                image_digest: s(c.image_digest()),
                last_status: s(c.last_status()),
            })
            .collect(),
        started_at: t.started_at().and_then(|d| d.fmt(aws_sdk_ecs::primitives::DateTimeFormat::DateTime).ok()),
        availability_zone: s(t.availability_zone()),
        tags: tags(t.tags()),
    }
}

pub(super) fn container_instance(c: &sdk::ContainerInstance) -> m::ContainerInstance {
    m::ContainerInstance {
        container_instance_arn: c.container_instance_arn().unwrap_or_default().to_owned(),
        ec2_instance_id: s(c.ec2_instance_id()),
        status: s(c.status()),
        agent_connected: c.agent_connected(),
        agent_update_status: c.agent_update_status().map(|x| x.as_str().to_owned()),
        version_info: c.version_info().map(|v| m::VersionInfo {
            agent_version: s(v.agent_version()),
            agent_hash: s(v.agent_hash()),
            docker_version: s(v.docker_version()),
        }),
        attributes: c
            .attributes()
            .iter()
            .map(|a| m::Attribute { name: a.name().to_owned(), value: s(a.value()) })
            .collect(),
        capacity_provider_name: s(c.capacity_provider_name()),
        running_tasks_count: i64::from(c.running_tasks_count()),
        tags: tags(c.tags()),
        ec2: None,
    }
}
