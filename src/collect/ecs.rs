//! ECS: the cluster, its capacity providers, services, tasks, container instances and the
//! task-definition revisions they run. Lists paginate; describes batch to the API limits.

use aws_sdk_ecs::types::{
    CapacityProviderField, ClusterField, ContainerInstanceField, DesiredStatus, ServiceField, TaskDefinitionField,
    TaskField,
};
use std::future::Future;

use aws_sdk_ecs::error::{ProvideErrorMetadata, SdkError};
use futures::future::{join_all, ready};
use futures::{Stream, StreamExt};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use super::CollectError;
use super::calls::{CallError, Ctx};
use super::from_ecs;
use crate::model as m;
use crate::model::ClusterSummary;

/// DescribeServices takes at most 10 services per call.
pub const SERVICES_PER_CALL: usize = 10;
/// DescribeTasks and DescribeContainerInstances take at most 100 per call.
pub const TASKS_PER_CALL: usize = 100;
/// DescribeClusters takes at most 100 clusters per call.
pub const CLUSTERS_PER_CALL: usize = 100;

/// Turns the failure of the first call into advice: credentials, permissions, reachability.
pub fn fatal(region: &str, operation: &str, e: CallError) -> CollectError {
    if e.code == "NoCredentials" {
        return CollectError::Aws(format!(
            "no AWS credentials were found. Configure them with `aws configure` or `aws sso login`, set AWS_PROFILE (or pass --profile), export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an instance, task or web-identity role is available. Detail: {}",
            crate::text::plain(&e.message)
        ));
    }
    if e.is_access_denied() {
        return CollectError::Aws(format!(
            "AWS denied ecs:{operation} in region {region} ({}). Grant the read-only policy in docs/iam-policy.json (or the managed ReadOnlyAccess/SecurityAudit policy) to these credentials.",
            e.code
        ));
    }
    if e.code == "Timeout" {
        return CollectError::Aws(format!(
            "ecs:{operation} timed out in region {region}: AWS did not answer within the call timeout (--call-timeout), retries included. Check network access to the AWS endpoints and any AWS_ENDPOINT_URL setting, or raise --call-timeout."
        ));
    }
    CollectError::Aws(format!(
        "could not call ecs:{operation} in region {region}: {}: {}. Check the region, network access to AWS and any AWS_ENDPOINT_URL setting.",
        e.code,
        crate::text::plain(&e.message)
    ))
}

/// DescribeClusters for one cluster, with everything the rules read.
pub async fn describe_cluster(ctx: &Ctx, cluster: &str) -> Result<m::Cluster, CollectError> {
    let out = ctx
        .try_call(
            "ecs",
            "DescribeClusters",
            ctx.clients
                .ecs
                .describe_clusters()
                .clusters(cluster)
                .include(ClusterField::Settings)
                .include(ClusterField::Configurations)
                .include(ClusterField::Tags)
                .include(ClusterField::Statistics)
                .include(ClusterField::Attachments)
                .send(),
        )
        .await
        .map_err(|e| fatal(&ctx.region, "DescribeClusters", e))?;
    match out.clusters().first() {
        Some(c) => Ok(from_ecs::cluster(c)),
        None => Err(CollectError::ClusterNotFound {
            cluster: cluster.to_owned(),
            region: ctx.region.clone(),
            hint: format!(
                "Call list_clusters with region {} to see the clusters there, or pass the region the cluster is in.",
                ctx.region
            ),
        }),
    }
}

/// The cluster's capacity providers (the AWS-managed FARGATE ones carry no settings).
pub async fn capacity_providers(ctx: &Ctx, names: &[String]) -> Vec<m::CapacityProvider> {
    let names: Vec<String> = names.iter().filter(|n| !n.starts_with("FARGATE")).cloned().collect();
    if names.is_empty() {
        return Vec::new();
    }
    let req = ctx
        .clients
        .ecs
        .describe_capacity_providers()
        .set_capacity_providers(Some(names))
        .include(CapacityProviderField::Tags)
        .send();
    match ctx.call("ecs", "DescribeCapacityProviders", None, req).await {
        Some(out) => out.capacity_providers().iter().map(from_ecs::capacity_provider).collect(),
        None => Vec::new(),
    }
}

/// The effective ECS account settings of the region, as the collecting principal sees them
/// (ListAccountSettings with `effectiveSettings`, every page). They belong to the
/// account-region, not the cluster: a fleet scan reads them once per account-region.
pub async fn account_settings(ctx: &Ctx) -> Option<Vec<m::AccountSetting>> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let req = ctx
            .clients
            .ecs
            .list_account_settings()
            .effective_settings(true)
            .max_results(10)
            .set_next_token(token.take())
            .send();
        let page = ctx.call("ecs", "ListAccountSettings", None, req).await?;
        out.extend(page.settings().iter().map(from_ecs::account_setting));
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break,
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Some(out)
}

/// Follows `nextToken` through every page of an ECS List call. `send` issues the call for a
/// token; `page` reads the ARNs and the next token from an answer.
async fn all_pages<O, E, R, Fut>(
    ctx: &Ctx,
    operation: &str,
    mut send: impl FnMut(Option<String>) -> Fut,
    page: impl Fn(&O) -> (&[String], Option<&str>),
) -> Result<Vec<String>, CallError>
where
    Fut: Future<Output = Result<O, SdkError<E, R>>>,
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let mut arns = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let answer = ctx.try_call("ecs", operation, send(token.take())).await?;
        let (items, next) = page(&answer);
        arns.extend(items.iter().cloned());
        match next {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => return Ok(arns),
        }
    }
}

/// The pages of an ECS List call as they arrive, following `nextToken`, so the caller can
/// describe one page while the next is fetched. A failure is recorded as a gap and ends the
/// stream (the pages read so far are kept).
fn pages<'a, O, E, R, Fut>(
    ctx: &'a Ctx,
    operation: &'a str,
    send: impl FnMut(Option<String>) -> Fut + 'a,
    page: impl Fn(&O) -> (&[String], Option<&str>) + 'a,
) -> impl Stream<Item = Vec<String>> + 'a
where
    Fut: Future<Output = Result<O, SdkError<E, R>>> + 'a,
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
    O: 'a,
{
    // The state: the call, the reader, and the token of the next page (`None` once the last
    // page was read).
    futures::stream::unfold((send, page, Some(None::<String>)), move |(mut send, page, token)| async move {
        let token = token?;
        match ctx.try_call("ecs", operation, send(token)).await {
            Ok(answer) => {
                let (items, next) = page(&answer);
                let items = items.to_vec();
                let next = next.filter(|t| !t.is_empty()).map(|t| Some(t.to_owned()));
                Some((items, (send, page, next)))
            }
            Err(e) => {
                ctx.gap("ecs", operation, None, e);
                None
            }
        }
    })
}

/// [`all_pages`], recording a failure as a gap (the items read so far are kept).
async fn listed<O, E, R, Fut>(
    ctx: &Ctx,
    operation: &str,
    send: impl FnMut(Option<String>) -> Fut,
    page: impl Fn(&O) -> (&[String], Option<&str>),
) -> Vec<String>
where
    Fut: Future<Output = Result<O, SdkError<E, R>>>,
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    all_pages(ctx, operation, send, page).await.unwrap_or_else(|e| {
        ctx.gap("ecs", operation, None, e);
        Vec::new()
    })
}

/// Where the task-definition revisions that services and tasks run are sent as soon as
/// each describe batch returns, so they are fetched while the rest is still being listed.
pub type Revisions = UnboundedSender<String>;

/// Every service of the cluster, with tags, deployments and task sets. Each page of
/// ListServices is described while the next page is listed; the revisions each batch runs
/// go to `revisions` as the batch returns.
pub async fn services(ctx: &Ctx, cluster: &str, revisions: &Revisions) -> Vec<m::Service> {
    let listed = pages(
        ctx,
        "ListServices",
        |t| ctx.clients.ecs.list_services().cluster(cluster).max_results(100).set_next_token(t).send(),
        |o: &aws_sdk_ecs::operation::list_services::ListServicesOutput| (o.service_arns(), o.next_token()),
    );
    let batches: Vec<Vec<m::Service>> = listed
        .flat_map(|arns| {
            futures::stream::iter(arns.chunks(SERVICES_PER_CALL).map(<[String]>::to_vec).collect::<Vec<_>>())
        })
        .map(|chunk| async move {
            let req = ctx
                .clients
                .ecs
                .describe_services()
                .cluster(cluster)
                .set_services(Some(chunk))
                .include(ServiceField::Tags)
                .send();
            let described: Vec<m::Service> = ctx
                .call("ecs", "DescribeServices", None, req)
                .await
                .map(|o| o.services().iter().map(from_ecs::service).collect())
                .unwrap_or_default();
            for arn in described.iter().flat_map(service_revisions) {
                let _ = revisions.send(arn.to_owned());
            }
            described
        })
        // The collection's own limit bounds the calls in flight.
        .buffer_unordered(usize::MAX)
        .collect()
        .await;
    let mut out: Vec<m::Service> = batches.into_iter().flatten().collect();
    out.sort_by(|a, b| a.service_name.cmp(&b.service_name));
    out
}

/// The cluster's running tasks, described page by page as ListTasks returns them; the
/// revisions they run go to `revisions` as each batch returns.
pub async fn tasks(ctx: &Ctx, cluster: &str, revisions: &Revisions) -> Vec<m::Task> {
    let listed = pages(
        ctx,
        "ListTasks",
        |t| {
            let req = ctx.clients.ecs.list_tasks().cluster(cluster).desired_status(DesiredStatus::Running);
            req.max_results(100).set_next_token(t).send()
        },
        |o: &aws_sdk_ecs::operation::list_tasks::ListTasksOutput| (o.task_arns(), o.next_token()),
    );
    let batches: Vec<Vec<m::Task>> = listed
        .flat_map(|arns| futures::stream::iter(arns.chunks(TASKS_PER_CALL).map(<[String]>::to_vec).collect::<Vec<_>>()))
        .map(|chunk| async move {
            let req = ctx
                .clients
                .ecs
                .describe_tasks()
                .cluster(cluster)
                .set_tasks(Some(chunk))
                .include(TaskField::Tags)
                .send();
            let described: Vec<m::Task> = ctx
                .call("ecs", "DescribeTasks", None, req)
                .await
                .map(|o| o.tasks().iter().map(from_ecs::task).collect::<Vec<_>>())
                .unwrap_or_default()
                .into_iter()
                // Only this cluster's tasks, whatever the endpoint returned.
                .filter(|t| t.cluster_arn.as_deref().is_none_or(|c| c == cluster))
                .collect();
            for t in &described {
                let _ = revisions.send(t.task_definition_arn.clone());
            }
            described
        })
        .buffer_unordered(usize::MAX)
        .collect()
        .await;
    let mut out: Vec<m::Task> = batches.into_iter().flatten().collect();
    out.sort_by(|a, b| a.task_arn.cmp(&b.task_arn));
    out
}

/// The cluster's container instances.
pub async fn container_instances(ctx: &Ctx, cluster: &str) -> Vec<m::ContainerInstance> {
    let arns = listed(
        ctx,
        "ListContainerInstances",
        |t| ctx.clients.ecs.list_container_instances().cluster(cluster).max_results(100).set_next_token(t).send(),
        |o| (o.container_instance_arns(), o.next_token()),
    )
    .await;
    let batches = arns.chunks(TASKS_PER_CALL).map(|chunk| {
        let req = ctx
            .clients
            .ecs
            .describe_container_instances()
            .cluster(cluster)
            .set_container_instances(Some(chunk.to_vec()))
            .include(ContainerInstanceField::Tags)
            .send();
        ctx.call("ecs", "DescribeContainerInstances", None, req)
    });
    let mut out: Vec<m::ContainerInstance> = join_all(batches)
        .await
        .into_iter()
        .flatten()
        .flat_map(|o| o.container_instances().iter().map(from_ecs::container_instance).collect::<Vec<_>>())
        .collect();
    out.sort_by(|a, b| a.container_instance_arn.cmp(&b.container_instance_arn));
    out
}

/// The task-definition revisions a service runs: its own, its deployments' and its task sets'.
fn service_revisions(s: &m::Service) -> impl Iterator<Item = &str> {
    s.task_definition
        .iter()
        .map(String::as_str)
        .chain(s.deployments.iter().filter_map(|d| d.task_definition.as_deref()))
        .chain(s.task_sets.iter().filter_map(|t| t.task_definition.as_deref()))
}

/// Fetches each revision received on `revisions` once, as it arrives, until every sender
/// is gone; returns them sorted by ARN.
pub async fn task_definitions(ctx: &Ctx, revisions: UnboundedReceiver<String>) -> Vec<m::TaskDefinition> {
    let mut requested = std::collections::BTreeSet::new();
    let arrivals = futures::stream::unfold(revisions, |mut rx| async move { rx.recv().await.map(|arn| (arn, rx)) });
    let mut out: Vec<m::TaskDefinition> = arrivals
        .filter(move |arn| ready(!arn.is_empty() && requested.insert(arn.clone())))
        .map(|arn| async move {
            let req = ctx
                .clients
                .ecs
                .describe_task_definition()
                .task_definition(&arn)
                .include(TaskDefinitionField::Tags)
                .send();
            let out = ctx.call("ecs", "DescribeTaskDefinition", Some(&arn), req).await?;
            out.task_definition().map(|td| from_ecs::task_definition(td, out.tags()))
        })
        .buffer_unordered(usize::MAX)
        .filter_map(ready)
        .collect()
        .await;
    out.sort_by(|a, b| a.task_definition_arn.cmp(&b.task_definition_arn));
    out
}

/// Every cluster in the region, described in batches of 100.
pub async fn list_clusters(ctx: &Ctx) -> Result<Vec<ClusterSummary>, CollectError> {
    Ok(cluster_details(ctx).await?.iter().map(ClusterSummary::of).collect())
}

/// Every cluster of the region, by name, described with the same fields as
/// [`describe_cluster`] (a fleet scan's collections reuse these descriptions).
pub async fn cluster_details(ctx: &Ctx) -> Result<Vec<crate::model::Cluster>, CollectError> {
    let arns = all_pages(
        ctx,
        "ListClusters",
        |t| ctx.clients.ecs.list_clusters().max_results(100).set_next_token(t).send(),
        |o| (o.cluster_arns(), o.next_token()),
    )
    .await
    .map_err(|e| fatal(&ctx.region, "ListClusters", e))?;
    let batches = arns.chunks(CLUSTERS_PER_CALL).map(|chunk| {
        let req = ctx
            .clients
            .ecs
            .describe_clusters()
            .set_clusters(Some(chunk.to_vec()))
            .include(ClusterField::Settings)
            .include(ClusterField::Configurations)
            .include(ClusterField::Tags)
            .include(ClusterField::Statistics)
            .include(ClusterField::Attachments)
            .send();
        ctx.try_call("ecs", "DescribeClusters", req)
    });
    let mut out = Vec::new();
    for r in join_all(batches).await {
        let page = r.map_err(|e| fatal(&ctx.region, "DescribeClusters", e))?;
        out.extend(page.clusters().iter().map(from_ecs::cluster));
    }
    out.sort_by(|a, b| a.cluster_name.cmp(&b.cluster_name));
    Ok(out)
}
