//! Remediation snippets that rules in several domain files share, each written once.

/// CLI: register the edited task definition and deploy it to the service.
pub(super) const TD_CLI: &str = "aws ecs register-task-definition --cli-input-json file://task-definition.json && aws ecs update-service --cluster <cluster> --service <service> --task-definition <family>";

/// CLI: register the edited task definition.
pub(super) const REGISTER_TD_CLI: &str =
    "aws ecs register-task-definition --cli-input-json file://task-definition.json";

/// CLI: move a service's tasks to private subnets without public IPs.
pub(super) const SERVICE_NET_CLI: &str = "aws ecs update-service --cluster <cluster> --service <service> --network-configuration 'awsvpcConfiguration={subnets=[<private-subnet-1>,<private-subnet-2>],securityGroups=[<task-sg>],assignPublicIp=DISABLED}'";

/// CloudFormation: a task definition in `awsvpc` network mode.
pub(super) const AWSVPC_TD_CFN: &str = "Type: AWS::ECS::TaskDefinition\nProperties:\n  NetworkMode: awsvpc";
