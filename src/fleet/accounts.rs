//! Which accounts a scan covers and the credentials for each: the caller's own, or a role
//! assumed in each account (`--role-name` with `--accounts`, a role ARN template, or every
//! ACTIVE account of the AWS Organization).
//!
//! Credentials are obtained once per account: each account's configuration carries one
//! `AssumeRoleProvider` behind a lazy identity cache that every client of the account
//! (all its regions) shares, so sts:AssumeRole is called once and again only when the
//! credentials are within five minutes of expiring.

use std::time::Duration;

use aws_config::SdkConfig;
use aws_config::identity::IdentityCache;
use aws_config::sts::AssumeRoleProvider;
use aws_sdk_sts::config::SharedCredentialsProvider;

use crate::collect::classify;
use crate::model::fleet::ScanFailure;

/// The session name the assumed roles show in CloudTrail.
pub const SESSION_NAME: &str = "ecs-security-mcp-scan";

/// How long before expiry assumed credentials are refreshed.
const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(300);

/// The role to assume in each account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// An ARN with `{account}` (and optionally `{partition}`) in it.
    pub template: String,
    pub external_id: Option<String>,
    pub session_name: String,
}

impl Role {
    /// `--role-name NAME`: the role of that name in each account.
    pub fn named(name: &str) -> Role {
        Role {
            template: format!("arn:{{partition}}:iam::{{account}}:role/{name}"),
            external_id: None,
            session_name: SESSION_NAME.into(),
        }
    }

    pub fn arn(&self, partition: &str, account: &str) -> String {
        self.template.replace("{partition}", partition).replace("{account}", account)
    }
}

/// The accounts to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accounts {
    /// The account of the credentials in use.
    Current,
    /// These accounts, through the role (the caller's own account with its own credentials).
    List(Vec<String>, Role),
    /// Every ACTIVE account of the organization (organizations:ListAccounts), through the role.
    Organization(Role),
}

impl Accounts {
    pub fn role(&self) -> Option<&Role> {
        match self {
            Accounts::Current => None,
            Accounts::List(_, r) | Accounts::Organization(r) => Some(r),
        }
    }
}

/// Who is calling: the account and partition of the base credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub account: String,
    pub partition: String,
}

/// sts:GetCallerIdentity with the base credentials.
pub async fn caller(base: &SdkConfig, region: &str) -> Result<Caller, String> {
    let config = base.to_builder().region(aws_config::Region::new(region.to_owned())).build();
    let out = aws_sdk_sts::Client::new(&config).get_caller_identity().send().await.map_err(|e| {
        let e = classify(&e);
        format!(
            "cannot tell which account the credentials belong to (sts:GetCallerIdentity: {}: {}). Check the AWS credentials (aws sts get-caller-identity)",
            e.code,
            crate::text::plain(&e.message)
        )
    })?;
    let account = out.account().unwrap_or_default().to_owned();
    let partition = out.arn().and_then(|a| a.split(':').nth(1)).unwrap_or("aws").to_owned();
    Ok(Caller { account, partition })
}

/// The account ids to scan, sorted, with notes on accounts skipped.
pub async fn resolve(
    spec: &Accounts,
    base: &SdkConfig,
    caller: &Caller,
    region: &str,
) -> Result<(Vec<String>, Vec<String>), String> {
    match spec {
        Accounts::Current => Ok((vec![caller.account.clone()], Vec::new())),
        Accounts::List(ids, _) => {
            let mut ids = ids.clone();
            for id in &ids {
                if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!("--accounts: {id:?} is not a 12-digit AWS account id"));
                }
            }
            ids.sort();
            ids.dedup();
            Ok((ids, Vec::new()))
        }
        Accounts::Organization(_) => organization_accounts(base, region).await,
    }
}

/// Every ACTIVE account of the organization.
async fn organization_accounts(base: &SdkConfig, region: &str) -> Result<(Vec<String>, Vec<String>), String> {
    let config = base.to_builder().region(aws_config::Region::new(region.to_owned())).build();
    let org = aws_sdk_organizations::Client::new(&config);
    let mut active = Vec::new();
    let mut skipped = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = org.list_accounts().set_next_token(token.take()).send().await.map_err(|e| {
            let e = classify(&e);
            format!(
                "--organization needs organizations:ListAccounts from the management account or a delegated administrator, which failed ({}: {}). Run from such an account, or list the accounts with --accounts",
                e.code,
                crate::text::plain(&e.message)
            )
        })?;
        for a in out.accounts() {
            let Some(id) = a.id() else { continue };
            let state = a
                .state()
                .map(|s| s.as_str().to_owned())
                .or_else(|| a.status().map(|s| s.as_str().to_owned()))
                .unwrap_or_default();
            if state == "ACTIVE" {
                active.push(id.to_owned());
            } else {
                skipped.push(format!("{id} ({})", if state.is_empty() { "state unknown" } else { &state }));
            }
        }
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break,
        }
    }
    active.sort();
    skipped.sort();
    let notes = if skipped.is_empty() {
        Vec::new()
    } else {
        vec![format!("{} organization account(s) not ACTIVE were skipped: {}", skipped.len(), skipped.join(", "))]
    };
    Ok((active, notes))
}

/// The configuration for one account: the base one for the caller's own account, else the
/// assumed role behind its own lazy identity cache. Checked once with sts:GetCallerIdentity
/// (which also obtains and caches the credentials); a role that cannot be assumed, or that
/// lands in another account, is a failure for every region of the account.
pub async fn account_config(
    base: &SdkConfig,
    caller: &Caller,
    role: Option<&Role>,
    account: &str,
    region: &str,
    call_timeout: Duration,
) -> Result<SdkConfig, ScanFailure> {
    let Some(role) = role.filter(|_| account != caller.account) else {
        return Ok(base.clone());
    };
    let arn = role.arn(&caller.partition, account);
    let mut builder = AssumeRoleProvider::builder(arn.clone())
        .session_name(role.session_name.clone())
        .region(aws_config::Region::new(region.to_owned()))
        .configure(base);
    if let Some(id) = &role.external_id {
        builder = builder.external_id(id.clone());
    }
    let provider = builder.build().await;
    let config = base
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .identity_cache(IdentityCache::lazy().buffer_time(REFRESH_BEFORE_EXPIRY).load_timeout(call_timeout).build())
        .build();
    let probe = config.to_builder().region(aws_config::Region::new(region.to_owned())).build();
    let failure = |code: String, message: String| ScanFailure {
        stage: "assume-role".into(),
        code,
        message,
        remedy: format!(
            "create the role {arn} with the read-only policy in docs/iam-policy.json and a trust policy that lets account {} assume it (with sts:ExternalId if --external-id is used); see docs/scale.md",
            caller.account
        ),
    };
    match aws_sdk_sts::Client::new(&probe).get_caller_identity().send().await {
        Ok(out) if out.account() == Some(account) => Ok(config),
        Ok(out) => Err(failure(
            "WrongAccount".into(),
            format!("assuming {arn} gave credentials of account {}, not {account}", out.account().unwrap_or("?")),
        )),
        Err(e) => {
            let e = classify(&e);
            let detail = crate::text::plain(&e.message);
            if detail.contains("AccessDenied") {
                return Err(failure(
                    "AccessDenied".into(),
                    format!("AWS denied sts:AssumeRole on {arn} to the scanning credentials"),
                ));
            }
            Err(failure(e.code, format!("cannot assume {arn}: {detail}")))
        }
    }
}
