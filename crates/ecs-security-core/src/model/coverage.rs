//! What a snapshot could not see. A failed AWS call becomes a [`Gap`]; each rule declares the
//! [`DataSource`]s it reads, so the engine can say "not evaluated" instead of "pass".

use serde::{Deserialize, Serialize};

use super::Snapshot;

/// A call that failed during collection, so its data is missing from the snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Gap {
    /// The AWS service prefix: ecs, ecr, ec2, elasticloadbalancing, kms or guardduty.
    pub service: String,
    /// The API operation, e.g. `DescribeTaskDefinition`.
    pub operation: String,
    /// The AWS error code (`AccessDeniedException`, `ThrottlingException`, `Timeout`, …).
    pub error_code: String,
    pub message: String,
    /// The one resource the call was about, when only part of the data is missing.
    pub resource: Option<String>,
}

impl Gap {
    /// The IAM action that would have allowed the call.
    pub fn iam_action(&self) -> String {
        format!("{}:{}", self.service, self.operation)
    }

    /// Whether the failure was a missing permission (as opposed to throttling or a timeout).
    pub fn is_access_denied(&self) -> bool {
        let c = self.error_code.to_ascii_lowercase();
        c.contains("accessdenied") || c.contains("unauthorized") || c.contains("forbidden")
    }

    /// Whether the call was about Classic Load Balancers (see [`super::CLASSIC_GAP_PREFIX`]).
    pub fn is_classic_load_balancing(&self) -> bool {
        self.service == "elasticloadbalancing"
            && self.resource.as_deref().is_some_and(|r| r.starts_with(super::CLASSIC_GAP_PREFIX))
    }
}

macro_rules! data_sources {
    ($( $variant:ident => $label:literal, [$( ($svc:literal, $op:literal) ),+ $(,)?]; )+) => {
        /// A part of the snapshot that a rule reads, with the AWS calls that fill it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum DataSource {
            $( $variant, )+
        }

        impl DataSource {
            pub const ALL: &'static [DataSource] = &[ $( DataSource::$variant, )+ ];

            /// A short human label, e.g. "task definitions".
            pub fn label(self) -> &'static str {
                match self { $( DataSource::$variant => $label, )+ }
            }

            /// The `(service, operation)` calls whose failure leaves this source incomplete.
            pub fn operations(self) -> &'static [(&'static str, &'static str)] {
                match self { $( DataSource::$variant => &[ $( ($svc, $op), )+ ], )+ }
            }
        }
    };
}

data_sources! {
    Cluster => "cluster settings", [("ecs", "DescribeClusters")];
    CapacityProviders => "capacity providers", [("ecs", "DescribeCapacityProviders")];
    Services => "services", [("ecs", "ListServices"), ("ecs", "DescribeServices")];
    // Task sets come with DescribeServices; the collector never calls DescribeTaskSets.
    TaskSets => "task sets", [("ecs", "ListServices"), ("ecs", "DescribeServices")];
    TaskDefinitions => "task definitions", [("ecs", "DescribeTaskDefinition")];
    Tasks => "tasks", [("ecs", "ListTasks"), ("ecs", "DescribeTasks")];
    ContainerInstances => "container instances", [("ecs", "ListContainerInstances"), ("ecs", "DescribeContainerInstances")];
    Ec2Instances => "EC2 instances behind container instances", [("ec2", "DescribeInstances")];
    EcrRepositories => "ECR repositories", [("ecr", "DescribeRepositories")];
    EcrImages => "ECR images and scan findings", [("ecr", "DescribeImages"), ("ecr", "DescribeImageScanFindings")];
    EcrRepositoryTags => "ECR repository tags", [("ecr", "ListTagsForResource")];
    EcrRepositoryPolicies => "ECR repository policies", [("ecr", "GetRepositoryPolicy")];
    EcrLifecyclePolicies => "ECR lifecycle policies", [("ecr", "GetLifecyclePolicy")];
    EcrRegistryScanning => "ECR registry scanning configuration", [("ecr", "GetRegistryScanningConfiguration")];
    Vpcs => "VPCs", [("ec2", "DescribeVpcs"), ("ec2", "DescribeVpcAttribute")];
    Subnets => "subnets", [("ec2", "DescribeSubnets")];
    RouteTables => "route tables", [("ec2", "DescribeRouteTables")];
    FlowLogs => "VPC flow logs", [("ec2", "DescribeFlowLogs")];
    SecurityGroups => "security groups", [("ec2", "DescribeSecurityGroups")];
    LoadBalancers => "load balancers", [("elasticloadbalancing", "DescribeLoadBalancers")];
    // Deletion protection, access logs, header and desync settings; a quick analysis skips them.
    LoadBalancerAttributes => "load balancer attributes", [("elasticloadbalancing", "DescribeLoadBalancerAttributes")];
    Listeners => "load balancer listeners", [("elasticloadbalancing", "DescribeListeners")];
    TargetGroups => "target groups", [("elasticloadbalancing", "DescribeTargetGroups")];
    // The same IAM actions as the v2 sources above; their gaps carry a Classic resource.
    ClassicLoadBalancers => "Classic Load Balancers", [("elasticloadbalancing", "DescribeLoadBalancers")];
    ClassicLoadBalancerAttributes => "Classic Load Balancer attributes", [("elasticloadbalancing", "DescribeLoadBalancerAttributes")];
    ClassicLoadBalancerPolicies => "Classic Load Balancer SSL negotiation policies", [("elasticloadbalancing", "DescribeLoadBalancerPolicies")];
    EcrKmsKeys => "KMS keys of ECR repositories", [("kms", "DescribeKey")];
    AccountSettings => "ECS account settings", [("ecs", "ListAccountSettings")];
    GuardDuty => "GuardDuty Runtime Monitoring", [("guardduty", "ListDetectors"), ("guardduty", "GetDetector"), ("guardduty", "ListCoverage")];
}

impl DataSource {
    /// The IAM actions needed to collect this source.
    pub fn iam_actions(self) -> Vec<String> {
        self.operations().iter().map(|(s, o)| format!("{s}:{o}")).collect()
    }

    fn fed_by(self, gap: &Gap) -> bool {
        self.operations().iter().any(|(s, o)| *s == gap.service && *o == gap.operation)
            && self.is_classic_load_balancing() == gap.is_classic_load_balancing()
    }

    /// The Classic Load Balancer sources, whose calls share names with the v2 ones.
    fn is_classic_load_balancing(self) -> bool {
        matches!(
            self,
            DataSource::ClassicLoadBalancers
                | DataSource::ClassicLoadBalancerAttributes
                | DataSource::ClassicLoadBalancerPolicies
        )
    }
    /// The sources the collector reaches only through others: task definitions through the
    /// services and tasks that run them, load balancers through the services' target groups,
    /// the network through what services, tasks, instances and load balancers point at, ECR
    /// through the images in use (and the network also through Managed Instances capacity
    /// providers). A source is incomplete when one it is reached through is.
    pub fn upstream(self) -> &'static [DataSource] {
        use DataSource as D;
        match self {
            D::Cluster | D::Services | D::Tasks | D::ContainerInstances | D::AccountSettings | D::GuardDuty => &[],
            D::CapacityProviders => &[D::Cluster],
            D::TaskSets | D::TargetGroups => &[D::Services],
            D::TaskDefinitions => &[D::Services, D::Tasks],
            D::Ec2Instances => &[D::ContainerInstances],
            D::LoadBalancers => &[D::TargetGroups],
            D::Listeners | D::LoadBalancerAttributes => &[D::LoadBalancers],
            D::ClassicLoadBalancers => &[D::Services],
            D::ClassicLoadBalancerAttributes | D::ClassicLoadBalancerPolicies => &[D::ClassicLoadBalancers],
            D::Subnets => &[
                D::Services,
                D::Tasks,
                D::Ec2Instances,
                D::LoadBalancers,
                D::ClassicLoadBalancers,
                D::CapacityProviders,
            ],
            // VPC ids come from the subnets, the instances and the load balancers.
            D::Vpcs | D::RouteTables | D::FlowLogs => {
                &[D::Subnets, D::Ec2Instances, D::LoadBalancers, D::ClassicLoadBalancers]
            }
            // Explicit groups, plus the default group of each VPC.
            D::SecurityGroups => &[
                D::Services,
                D::Ec2Instances,
                D::LoadBalancers,
                D::ClassicLoadBalancers,
                D::Subnets,
                D::CapacityProviders,
            ],
            D::EcrRepositories | D::EcrRegistryScanning => &[D::TaskDefinitions, D::Tasks],
            D::EcrImages
            | D::EcrRepositoryTags
            | D::EcrRepositoryPolicies
            | D::EcrLifecyclePolicies
            | D::EcrKmsKeys => &[D::EcrRepositories],
        }
    }
}

/// How complete one data source is in a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completeness<'a> {
    Complete,
    /// Some resources of this kind could not be read.
    Partial(Vec<&'a Gap>),
    /// The source could not be read at all.
    Missing(Vec<&'a Gap>),
}

impl Snapshot {
    /// How complete `source` is, counting the gaps of the sources it is reached through
    /// ([`DataSource::upstream`]): when those are incomplete, resources of this kind may be
    /// missing although no call for them failed.
    pub fn completeness(&self, source: DataSource) -> Completeness<'_> {
        let mut inherited: Vec<&Gap> = Vec::new();
        let mut seen = vec![source];
        let mut stack = source.upstream().to_vec();
        while let Some(up) = stack.pop() {
            if seen.contains(&up) {
                continue;
            }
            seen.push(up);
            if let Completeness::Partial(gaps) | Completeness::Missing(gaps) = self.own_completeness(up) {
                inherited.extend(gaps);
            }
            stack.extend_from_slice(up.upstream());
        }
        match self.own_completeness(source) {
            own if inherited.is_empty() => own,
            Completeness::Complete => Completeness::Partial(inherited),
            Completeness::Partial(mut gaps) => {
                gaps.extend(inherited);
                Completeness::Partial(gaps)
            }
            Completeness::Missing(mut gaps) => {
                gaps.extend(inherited);
                Completeness::Missing(gaps)
            }
        }
    }

    /// How complete `source` is from its own calls alone: missing when a call without a
    /// specific resource failed, partial when calls for single resources failed.
    fn own_completeness(&self, source: DataSource) -> Completeness<'_> {
        let gaps: Vec<&Gap> = self.gaps.iter().filter(|g| source.fed_by(g)).collect();
        // A snapshot without account settings and without a failed call for them predates
        // their collection (or was built from files): the rules run on what they have and
        // cannot pass.
        if gaps.is_empty() && source == DataSource::AccountSettings && self.account_settings.is_none() {
            return Completeness::Partial(vec![&*super::account::ACCOUNT_SETTINGS_NOT_IN_SNAPSHOT]);
        }
        if gaps.is_empty() && source == DataSource::GuardDuty && self.guardduty.is_none() {
            return Completeness::Partial(vec![&*super::guardduty::GUARDDUTY_NOT_IN_SNAPSHOT]);
        }
        if gaps.is_empty() {
            Completeness::Complete
        } else if gaps.iter().any(|g| g.resource.is_none()) {
            Completeness::Missing(gaps)
        } else {
            Completeness::Partial(gaps)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gap(operation: &str, resource: Option<&str>) -> Gap {
        Gap {
            service: "elasticloadbalancing".into(),
            operation: operation.into(),
            error_code: "AccessDenied".into(),
            message: "denied".into(),
            resource: resource.map(str::to_owned),
        }
    }

    /// Classic and v2 load balancers share IAM actions; a gap counts only for its own kind.
    #[test]
    fn classic_and_v2_gaps_stay_apart() {
        let classic = crate::model::classic_gap_resource(&["web".to_owned()]);
        let snap =
            Snapshot { gaps: vec![gap("DescribeLoadBalancerAttributes", Some(&classic))], ..Snapshot::default() };
        assert!(matches!(snap.completeness(DataSource::ClassicLoadBalancerAttributes), Completeness::Partial(_)));
        assert_eq!(snap.completeness(DataSource::LoadBalancerAttributes), Completeness::Complete);

        let arn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef";
        let snap = Snapshot {
            gaps: vec![gap("DescribeLoadBalancers", None), gap("DescribeLoadBalancerAttributes", Some(arn))],
            ..Snapshot::default()
        };
        assert!(matches!(snap.completeness(DataSource::LoadBalancers), Completeness::Missing(_)));
        assert_eq!(snap.completeness(DataSource::ClassicLoadBalancers), Completeness::Complete);
        assert_eq!(snap.completeness(DataSource::ClassicLoadBalancerAttributes), Completeness::Complete);

        // A failed DescribeLoadBalancers by name leaves the Classic attributes and policies,
        // reached through it, incomplete too.
        let snap = Snapshot { gaps: vec![gap("DescribeLoadBalancers", Some(&classic))], ..Snapshot::default() };
        assert!(matches!(snap.completeness(DataSource::ClassicLoadBalancerPolicies), Completeness::Partial(_)));
        assert_eq!(snap.completeness(DataSource::LoadBalancers), Completeness::Complete);
    }
}
