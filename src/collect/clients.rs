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
}

impl Clients {
    pub fn new(base: &SdkConfig, region: &str) -> Clients {
        let config = base.to_builder().region(Region::new(region.to_owned())).build();
        Clients {
            ecs: aws_sdk_ecs::Client::new(&config),
            ec2: aws_sdk_ec2::Client::new(&config),
            ecr: aws_sdk_ecr::Client::new(&config),
            elb: aws_sdk_elasticloadbalancingv2::Client::new(&config),
            sts: aws_sdk_sts::Client::new(&config),
            base: base.clone(),
        }
    }

    /// An ECR client for another region (images pulled from a registry elsewhere).
    pub fn ecr_in(&self, region: &str) -> aws_sdk_ecr::Client {
        let config = self.base.to_builder().region(Region::new(region.to_owned())).build();
        aws_sdk_ecr::Client::new(&config)
    }
}
