//! The AWS clients of one region, built from one shared configuration, and the one HTTP
//! client they all send through.

use aws_config::{Region, SdkConfig};
use aws_sdk_sts::config::SharedHttpClient;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_http_client::{Builder, ConnectorBuilder};

/// The SDK's default HTTPS client (hyper 1, rustls with aws-lc, proxy settings from the
/// environment), built once. Left to itself the SDK builds one per service client: each
/// with its own connection pool and its own load of the trusted roots, so every
/// collection (five clients) opened new connections and parsed the root certificates again,
/// which cost more CPU than its API calls (measured by `benches/fleet.rs`).
pub fn shared_http_client() -> SharedHttpClient {
    // What aws-smithy-runtime's `default_https_client` builds for current behavior versions.
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut conn = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc));
        conn.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            conn.set_sleep_impl(components.sleep_impl());
        }
        conn.set_proxy_config(Some(ProxyConfig::from_env()));
        conn.build()
    })
}

/// Clients for the services the collector reads.
#[derive(Debug, Clone)]
pub struct Clients {
    base: SdkConfig,
    pub ecs: aws_sdk_ecs::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub ecr: aws_sdk_ecr::Client,
    pub elb: aws_sdk_elasticloadbalancingv2::Client,
    /// Classic Load Balancers (the 2012-06-01 API).
    pub elb_classic: aws_sdk_elasticloadbalancing::Client,
    pub kms: aws_sdk_kms::Client,
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
            elb_classic: client!(aws_sdk_elasticloadbalancing, "elb-classic"),
            kms: client!(aws_sdk_kms, "kms"),
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

    /// A KMS client for another region (a repository's key lives in the repository's region).
    pub fn kms_in(&self, region: &str) -> aws_sdk_kms::Client {
        let config = self.base.to_builder().region(Region::new(region.to_owned())).build();
        aws_sdk_kms::Client::new(&config)
    }
}
