//! The AWS clients of one region, built from one shared configuration.

use aws_config::{Region, SdkConfig};

/// Clients for the services the collector reads.
#[derive(Debug, Clone)]
pub struct Clients {
    base: SdkConfig,
    pub ecs: aws_sdk_ecs::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub ecr: aws_sdk_ecr::Client,
    pub elb: aws_sdk_elasticloadbalancingv2::Client,
    pub sts: aws_sdk_sts::Client,
    pub guardduty: aws_sdk_guardduty::Client,
}

impl Clients {
    /// Clients for `region`. With a `partition` (a fleet scan's account-region), the SDK's
    /// retry state (its retry quota) is kept apart per account-region, so throttling in one
    /// does not use up the retries of the others; else it is shared per service.
    pub fn new(base: &SdkConfig, region: &str, partition: Option<&str>) -> Clients {
        use aws_sdk_ecs::config::retry::RetryPartition;
        let config = base.to_builder().region(Region::new(region.to_owned())).build();
        let part = |service: &str| partition.map(|p| RetryPartition::new(format!("{service}/{p}")));
        macro_rules! client {
            ($krate:ident, $service:literal) => {{
                let mut b = $krate::config::Builder::from(&config);
                if let Some(p) = part($service) {
                    b = b.retry_partition(p);
                }
                $krate::Client::from_conf(b.build())
            }};
        }
        Clients {
            ecs: client!(aws_sdk_ecs, "ecs"),
            ec2: client!(aws_sdk_ec2, "ec2"),
            ecr: client!(aws_sdk_ecr, "ecr"),
            elb: client!(aws_sdk_elasticloadbalancingv2, "elb"),
            sts: client!(aws_sdk_sts, "sts"),
            guardduty: client!(aws_sdk_guardduty, "guardduty"),
            base: base.clone(),
        }
    }

    /// An ECR client for another region (images pulled from a registry elsewhere).
    pub fn ecr_in(&self, region: &str) -> aws_sdk_ecr::Client {
        let config = self.base.to_builder().region(Region::new(region.to_owned())).build();
        aws_sdk_ecr::Client::new(&config)
    }
}
