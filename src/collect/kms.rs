//! KMS: who manages the keys the ECR repositories are encrypted with (`kms:DescribeKey`,
//! once per distinct key). ECR reports the AWS-managed `aws/ecr` key by its key ARN, like a
//! customer-managed key; only KMS tells them apart.

use std::collections::BTreeMap;

use futures::future::join_all;

use super::calls::Ctx;
use crate::model as m;

/// Fills `key_manager` of every KMS-encrypted repository whose key KMS describes.
pub async fn ecr_key_managers(ctx: &Ctx, repositories: &mut [m::Repository]) {
    let mut keys: Vec<String> = repositories
        .iter()
        .filter_map(|r| r.encryption_configuration.as_ref())
        .filter(|e| e.encryption_type.as_deref().is_some_and(|t| t.to_ascii_uppercase().starts_with("KMS")))
        .filter_map(|e| e.kms_key.clone())
        .filter(|k| !k.trim().is_empty())
        .collect();
    keys.sort();
    keys.dedup();
    if keys.is_empty() {
        return;
    }
    let answers = join_all(keys.iter().map(|k| async move { (k.clone(), key_manager(ctx, k).await) })).await;
    let managers: BTreeMap<String, String> = answers.into_iter().filter_map(|(k, m)| Some((k, m?))).collect();
    for e in repositories.iter_mut().filter_map(|r| r.encryption_configuration.as_mut()) {
        if let Some(k) = &e.kms_key {
            e.key_manager = managers.get(k).cloned();
        }
    }
}

/// `AWS` or `CUSTOMER`, asked in the key's own region.
async fn key_manager(ctx: &Ctx, key: &str) -> Option<String> {
    let region = key_region(key).unwrap_or(&ctx.region);
    let client = if region == ctx.region { ctx.clients.kms.clone() } else { ctx.clients.kms_in(region) };
    let req = client.describe_key().key_id(key).send();
    ctx.call("kms", "DescribeKey", Some(key), req)
        .await
        .and_then(|o| o.key_metadata().and_then(|k| k.key_manager()).map(|x| x.as_str().to_owned()))
}

/// The region inside a key or alias ARN.
fn key_region(key: &str) -> Option<&str> {
    key.strip_prefix("arn:").and_then(|rest| rest.split(':').nth(2)).filter(|r| !r.is_empty())
}

#[cfg(test)]
mod tests {
    #[test]
    fn key_regions() {
        assert_eq!(super::key_region("arn:aws:kms:eu-west-1:111122223333:key/abc"), Some("eu-west-1"));
        assert_eq!(super::key_region("alias/aws/ecr"), None);
        assert_eq!(super::key_region("0a1b2c3d-1111-4222-8333-444455556666"), None);
    }
}
