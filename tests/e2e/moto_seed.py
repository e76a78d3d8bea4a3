"""Starts a private moto server on a random 127.0.0.1 port and seeds it through real AWS API
calls (boto3) with the clusters the end-to-end tests analyse.

Protocol: prints one JSON line to stdout once seeding is done ({"port": ..., ...}), then keeps
the server running until stdin is closed. Everything else goes to stderr.

Fields that moto drops or fakes (see shared research, tech-feasibility.md section 3) are
planted with follow-up API calls (update_service) or, where no API exists, by setting
attributes on moto's backend objects from this process.

Usage: moto_seed.py [--bench N ...] [--fleet] [--fleet-bench A R C S]
  --bench adds clusters bench-N-services with N services each;
  --fleet adds fleet-* clusters in a second account (reached by sts:AssumeRole) and region;
  --fleet-bench adds A accounts x R regions x C clusters x S Fargate services (fleet benchmark).
"""

import json
import logging
import os
import sys

import boto3
from moto.server import ThreadedMotoServer

ACCOUNT = "123456789012"
REGION = "us-east-1"
PLANTED_PASSWORD = "hunter2-e2e-planted-value"


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def clients(endpoint):
    kw = dict(endpoint_url=endpoint, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")
    return {name: boto3.client(name, **kw) for name in ["ecs", "ec2", "ecr", "elbv2", "elb", "iam", "acm", "logs", "kms", "s3", "guardduty"]}


def network(c, cidr, name, flow_logs):
    ec2 = c["ec2"]
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": name}])
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    base = cidr.split("/")[0].rsplit(".", 2)[0]
    pub_a = ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    pub_b = ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    prv_a = ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.11.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    prv_b = ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.12.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    for s in (pub_a, pub_b):
        ec2.associate_route_table(RouteTableId=rt, SubnetId=s)
    if flow_logs:
        role = c["iam"].create_role(
            RoleName=f"{name}-flow-logs",
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
        )["Role"]["Arn"]
        c["logs"].create_log_group(logGroupName=f"/vpc/{name}")
        ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogGroupName=f"/vpc/{name}", DeliverLogsPermissionArn=role)
    default_sg = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
    return {"vpc": vpc, "public": [pub_a, pub_b], "private": [prv_a, prv_b], "igw": igw, "default_sg": default_sg}


def sg(ec2, vpc, name, ingress):
    gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    if ingress:
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=ingress)
    return gid


def tcp(port, cidrs=(), v6=(), groups=()):
    return {
        "IpProtocol": "tcp", "FromPort": port, "ToPort": port,
        "IpRanges": [{"CidrIp": c} for c in cidrs],
        "Ipv6Ranges": [{"CidrIpv6": c} for c in v6],
        "UserIdGroupPairs": [{"GroupId": g} for g in groups],
    }


def push_image(ecr, repo, tag):
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7023, "digest": "sha256:" + (repo.replace("/", "") * 64)[:64].encode().hex()[:64]},
        "layers": [],
    })
    out = ecr.put_image(repositoryName=repo, imageManifest=manifest, imageTag=tag)
    return out["image"]["imageId"]["imageDigest"]


def load_balancer(c, name, net, sg_id, scheme, https_policy, redirect, attributes, tg_name):
    elb = c["elbv2"]
    lb = elb.create_load_balancer(Name=name, Subnets=net["public"], SecurityGroups=[sg_id], Scheme=scheme, Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elb.create_target_group(Name=tg_name, Protocol="HTTP", Port=8080, VpcId=net["vpc"], TargetType="ip", HealthCheckPath="/health")["TargetGroups"][0]["TargetGroupArn"]
    cert = c["acm"].request_certificate(DomainName=f"{name}.example.com")["CertificateArn"]
    if redirect:
        http_action = [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]
    else:
        http_action = [{"Type": "forward", "TargetGroupArn": tg}]
    elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=http_action)
    elb.create_listener(LoadBalancerArn=lb, Protocol="HTTPS", Port=443, SslPolicy=https_policy, Certificates=[{"CertificateArn": cert}], DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    if attributes:
        elb.modify_load_balancer_attributes(LoadBalancerArn=lb, Attributes=[{"Key": k, "Value": v} for k, v in attributes.items()])
    return lb, tg


def awslogs(group, nonblocking=False):
    opts = {"awslogs-group": group, "awslogs-region": REGION, "awslogs-stream-prefix": "ecs"}
    if nonblocking:
        opts["mode"] = "non-blocking"
    return {"logDriver": "awslogs", "options": opts}


def seed_insecure(c, ecs_backend):
    ecs, ec2, ecr = c["ecs"], c["ec2"], c["ecr"]
    net = network(c, "10.60.0.0/16", "insecure", flow_logs=False)
    for subnet in net["public"]:
        ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    sg_open = sg(ec2, net["vpc"], "insecure-open", [tcp(22, ["0.0.0.0/0"], ["::/0"]), tcp(3306, ["0.0.0.0/0"]), tcp(8080, ["0.0.0.0/0"])])
    sg_alb = sg(ec2, net["vpc"], "insecure-alb", [tcp(80, ["0.0.0.0/0"]), tcp(443, ["0.0.0.0/0"])])
    lb, tg = load_balancer(c, "insecure-alb", net, sg_alb, "internet-facing", "ELBSecurityPolicy-2016-08", False, None, "insecure-web-tg")

    # Encrypted with a key that KMS reports as AWS-managed (the aws/ecr key, which ECR names by
    # key ARN): moto makes every key CUSTOMER, so the manager is planted on its backend.
    aws_key = c["kms"].create_key(Description="stands in for aws/ecr")["KeyMetadata"]
    from moto.kms.models import kms_backends
    kms_backends[ACCOUNT][REGION].keys[aws_key["KeyId"]].key_manager = "AWS"
    ecr.create_repository(repositoryName="insecure/web", imageTagMutability="MUTABLE", imageScanningConfiguration={"scanOnPush": False}, encryptionConfiguration={"encryptionType": "KMS", "kmsKey": aws_key["Arn"]})
    ecr.set_repository_policy(repositoryName="insecure/web", policyText=json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]}))
    digest = push_image(ecr, "insecure/web", "latest")
    ecr.start_image_scan(repositoryName="insecure/web", imageId={"imageTag": "latest"})

    cp = ecs.create_capacity_provider(
        name="insecure-ec2",
        autoScalingGroupProvider={"autoScalingGroupArn": f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:00000000-0000-4000-8000-000000000001:autoScalingGroupName/insecure-asg", "managedScaling": {"status": "ENABLED", "targetCapacity": 100}, "managedTerminationProtection": "DISABLED"},
    )
    cluster = ecs.create_cluster(
        clusterName="insecure-cluster",
        settings=[{"name": "containerInsights", "value": "disabled"}],
        configuration={"executeCommandConfiguration": {"logging": "NONE"}},
        capacityProviders=["FARGATE", "insecure-ec2"],
        tags=[{"key": "owner", "value": "payments"}],
    )["cluster"]["clusterArn"]
    image = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/insecure/web:latest"
    web = ecs.register_task_definition(
        family="insecure-web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="512", memory="1024",
        taskRoleArn=f"arn:aws:iam::{ACCOUNT}:role/web", executionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/web",
        containerDefinitions=[{
            "name": "web", "image": image, "essential": True, "memory": 1024, "user": "root",
            "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
            "environment": [{"name": "DB_PASSWORD", "value": PLANTED_PASSWORD}, {"name": "MONKEY_BUSINESS", "value": "bananas"}],
            "logConfiguration": awslogs("/ecs/insecure-web"),
        }],
    )["taskDefinition"]["taskDefinitionArn"]
    worker = ecs.register_task_definition(
        family="insecure-worker", networkMode="bridge", pidMode="host", requiresCompatibilities=["EC2"],
        containerDefinitions=[{
            "name": "worker", "image": "python:3.8-slim", "essential": True, "memory": 512, "privileged": True,
            "linuxParameters": {"capabilities": {"add": ["SYS_ADMIN"]}},
        }],
    )["taskDefinition"]["taskDefinitionArn"]
    net_cfg = {"awsvpcConfiguration": {"subnets": [net["public"][0]], "securityGroups": [sg_open], "assignPublicIp": "ENABLED"}}
    ecs.create_service(
        cluster="insecure-cluster", serviceName="web", taskDefinition=web, desiredCount=1, launchType="FARGATE", platformVersion="LATEST",
        networkConfiguration=net_cfg, loadBalancers=[{"targetGroupArn": tg, "containerName": "web", "containerPort": 8080}],
        tags=[{"key": "team", "value": "web"}],
    )
    ecs.update_service(cluster="insecure-cluster", service="web", enableExecuteCommand=True)
    # A Classic Load Balancer the EC2 service registers with by name: HTTP, and HTTPS on a
    # policy that enables TLS 1.0 and 1.1; attributes left at their defaults (all off).
    clb_cert = c["acm"].request_certificate(DomainName="insecure-clb.example.com")["CertificateArn"]
    c["elb"].create_load_balancer(
        LoadBalancerName="insecure-clb", Scheme="internet-facing", Subnets=net["public"], SecurityGroups=[sg_alb],
        Listeners=[
            {"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 8080},
            {"Protocol": "HTTPS", "LoadBalancerPort": 443, "InstanceProtocol": "HTTP", "InstancePort": 8080, "SSLCertificateId": clb_cert},
        ],
    )
    c["elb"].create_load_balancer_policy(
        LoadBalancerName="insecure-clb", PolicyName="insecure-negotiation", PolicyTypeName="SSLNegotiationPolicyType",
        PolicyAttributes=[{"AttributeName": "Reference-Security-Policy", "AttributeValue": "ELBSecurityPolicy-2016-08"}]
        + [{"AttributeName": f"Protocol-{p}", "AttributeValue": "true"} for p in ("TLSv1", "TLSv1.1", "TLSv1.2")]
        + [{"AttributeName": "Protocol-SSLv3", "AttributeValue": "false"}, {"AttributeName": "ECDHE-RSA-AES128-GCM-SHA256", "AttributeValue": "true"}],
    )
    c["elb"].set_load_balancer_policies_of_listener(LoadBalancerName="insecure-clb", LoadBalancerPort=443, PolicyNames=["insecure-negotiation"])
    ecs.create_service(
        cluster="insecure-cluster", serviceName="worker", taskDefinition=worker, desiredCount=1, launchType="EC2",
        loadBalancers=[{"loadBalancerName": "insecure-clb", "containerName": "worker", "containerPort": 8080}],
    )

    # A container instance with an old agent on a previous-generation instance type.
    ami = ec2.describe_images()["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, InstanceType="m4.large", SubnetId=net["private"][0], SecurityGroupIds=[sg_open])["Instances"][0]["InstanceId"]
    doc = json.dumps({"instanceId": instance, "region": REGION, "accountId": ACCOUNT, "availabilityZone": "us-east-1a", "instanceType": "m4.large"})
    ci_arn = ecs.register_container_instance(cluster="insecure-cluster", instanceIdentityDocument=doc)["containerInstance"]["containerInstanceArn"]
    for ci in ecs_backend.container_instances["insecure-cluster"].values():
        ci.version_info = {"agentVersion": "1.68.2", "agentHash": "e4ad5a3d", "dockerVersion": "DockerVersion: 20.10.13"}

    # Running tasks: moto starts none for services, so run them with the service's group.
    ecs.run_task(cluster="insecure-cluster", taskDefinition=web, launchType="FARGATE", group="service:web", networkConfiguration=net_cfg, count=1)
    ecs.run_task(cluster="insecure-cluster", taskDefinition=worker, launchType="EC2", group="service:worker", count=1)
    for t in ecs_backend.tasks["insecure-cluster"].values():
        if t.launch_type == "FARGATE":
            t.platform_version = "1.4.0"
    return {"cluster_arn": cluster, "vpc": net["vpc"], "load_balancer": lb, "image_digest": digest, "container_instance": ci_arn, "instance": instance, "aws_managed_key": aws_key["Arn"]}


def seed_hardened(c, ecs_backend):
    ecs, ec2, ecr, kms = c["ecs"], c["ec2"], c["ecr"], c["kms"]
    net = network(c, "10.70.0.0/16", "hardened", flow_logs=True)
    # Strip the default security group: nothing should fall back to it.
    d = net["default_sg"]
    if d["IpPermissions"]:
        ec2.revoke_security_group_ingress(GroupId=d["GroupId"], IpPermissions=d["IpPermissions"])
    if d["IpPermissionsEgress"]:
        ec2.revoke_security_group_egress(GroupId=d["GroupId"], IpPermissions=d["IpPermissionsEgress"])
    sg_alb = sg(ec2, net["vpc"], "hardened-alb", [tcp(443, ["0.0.0.0/0"]), tcp(80, ["0.0.0.0/0"])])
    sg_app = sg(ec2, net["vpc"], "hardened-app", [tcp(8080, groups=[sg_alb])])
    ec2.revoke_security_group_egress(GroupId=sg_app, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.authorize_security_group_egress(GroupId=sg_app, IpPermissions=[tcp(443, ["10.70.0.0/16"])])
    c["s3"].create_bucket(Bucket="hardened-alb-logs")
    lb, tg = load_balancer(
        c, "hardened-alb", net, sg_alb, "internet-facing", "ELBSecurityPolicy-TLS13-1-2-2021-06", True,
        {"deletion_protection.enabled": "true", "access_logs.s3.enabled": "true", "access_logs.s3.bucket": "hardened-alb-logs",
         "routing.http.drop_invalid_header_fields.enabled": "true", "routing.http.desync_mitigation_mode": "strictest"},
        "hardened-api-tg",
    )
    key = kms.create_key(Description="hardened")["KeyMetadata"]["Arn"]
    ecr.create_repository(repositoryName="hardened/api", imageTagMutability="IMMUTABLE", imageScanningConfiguration={"scanOnPush": True}, encryptionConfiguration={"encryptionType": "KMS", "kmsKey": key})
    ecr.put_lifecycle_policy(repositoryName="hardened/api", lifecyclePolicyText=json.dumps({"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 7}, "action": {"type": "expire"}}]}))
    digest = push_image(ecr, "hardened/api", "2026.11.21")
    ecr.put_registry_scanning_configuration(scanType="ENHANCED", rules=[{"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}])
    c["logs"].create_log_group(logGroupName="/ecs/exec-audit")
    cluster = ecs.create_cluster(
        clusterName="hardened-cluster",
        settings=[{"name": "containerInsights", "value": "enhanced"}],
        configuration={
            "executeCommandConfiguration": {"kmsKeyId": key, "logging": "OVERRIDE", "logConfiguration": {"cloudWatchLogGroupName": "/ecs/exec-audit", "cloudWatchEncryptionEnabled": True}},
            "managedStorageConfiguration": {"kmsKeyId": key, "fargateEphemeralStorageKmsKeyId": key},
        },
        capacityProviders=["FARGATE"],
        tags=[{"key": "team", "value": "platform"}, {"key": "environment", "value": "production"}, {"key": "GuardDutyManaged", "value": "true"}],
    )["cluster"]["clusterArn"]
    image = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/hardened/api@{digest}"
    api = ecs.register_task_definition(
        family="hardened-api", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="512", memory="1024",
        taskRoleArn=f"arn:aws:iam::{ACCOUNT}:role/hardened-api-task", executionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/hardened-api-exec",
        volumes=[{"name": "tmp"}],
        containerDefinitions=[{
            "name": "api", "image": image, "essential": True, "memory": 1024, "user": "10001:10001", "readonlyRootFilesystem": True,
            "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
            "secrets": [{"name": "DB_PASSWORD", "valueFrom": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:hardened/db-AbC123"}],
            "environment": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "MONKEY_BUSINESS", "value": "bananas"}],
            "linuxParameters": {"initProcessEnabled": True, "capabilities": {"drop": ["ALL"]}},
            "healthCheck": {"command": ["CMD-SHELL", "wget -qO- http://localhost:8080/health || exit 1"], "interval": 30, "timeout": 5, "retries": 3},
            "logConfiguration": awslogs("/ecs/hardened-api", nonblocking=True),
            "mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": False}],
        }],
        tags=[{"key": "team", "value": "platform"}],
    )["taskDefinition"]["taskDefinitionArn"]
    net_cfg = {"awsvpcConfiguration": {"subnets": net["private"], "securityGroups": [sg_app], "assignPublicIp": "DISABLED"}}
    ecs.create_service(
        cluster="hardened-cluster", serviceName="api", taskDefinition=api, desiredCount=1, launchType="FARGATE", platformVersion="1.4.0",
        networkConfiguration=net_cfg, loadBalancers=[{"targetGroupArn": tg, "containerName": "api", "containerPort": 8080}],
        tags=[{"key": "team", "value": "platform"}],
    )
    ecs.update_service(cluster="hardened-cluster", service="api", deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}, "maximumPercent": 200, "minimumHealthyPercent": 100})
    ecs.run_task(cluster="hardened-cluster", taskDefinition=api, launchType="FARGATE", group="service:api", networkConfiguration=net_cfg, count=1)
    for t in ecs_backend.tasks["hardened-cluster"].values():
        t.platform_version = "1.4.0"
    return {"cluster_arn": cluster, "vpc": net["vpc"], "load_balancer": lb, "image_digest": digest}


# Secret-looking values planted in every place a task definition, a cluster, a service or an
# ECR repository can carry one. None of them may appear in any report, MCP message or log.
SECRETS = {
    "env_password": "PlantedEnvPassword-7781",
    "env_access_key_id": "AKIAPLANTEDENV7Q3L5V",
    "env_secret_access_key": "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",
    "env_stripe_key": "sk_live_51PlantedStripeKey9xQ2bLv",
    "env_github_token": "ghp_PlantedGithubToken0123456789abcdefXYZ1",
    "env_url_password": "PlantedUrlPw-55x",
    "cluster_tag": "PlantedClusterTagToken-4410",
    "service_tag": "PlantedServiceTagApiKey-9921",
    "task_definition_tag": "PlantedTaskDefTagPw-3303",
    "ecr_tag": "PlantedEcrTagSecret-7707",
    "docker_label": "PlantedDockerLabelToken-1188",
    "command_flag": "PlantedCmdFlagPw-2202",
    "command_assignment": "PlantedCmdToken-6606",
    "entry_point": "PlantedEntryPointKey-8118",
    "health_check_url_password": "PlantedHealthPw-4455",
    "log_option": "PlantedSplunkToken-3131",
}


def seed_secrets(c):
    """A cluster whose configuration is full of planted secrets (tests/e2e/trust.rs)."""
    ecs, ec2, ecr = c["ecs"], c["ec2"], c["ecr"]
    p = SECRETS
    net = network(c, "10.80.0.0/16", "secrets", flow_logs=False)
    sg_app = sg(ec2, net["vpc"], "secrets-app", [tcp(8080, ["10.80.0.0/16"])])
    ecr.create_repository(repositoryName="secrets/app", tags=[{"Key": "registry-secret", "Value": p["ecr_tag"]}])
    push_image(ecr, "secrets/app", "1.0")
    cluster = ecs.create_cluster(
        clusterName="secrets-cluster",
        settings=[{"name": "containerInsights", "value": "enabled"}],
        tags=[{"key": "deploy-token", "value": p["cluster_tag"]}, {"key": "team", "value": "payments"}],
    )["cluster"]["clusterArn"]
    image = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/secrets/app:1.0"
    td = ecs.register_task_definition(
        family="secrets-app", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        taskRoleArn=f"arn:aws:iam::{ACCOUNT}:role/secrets-app", executionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/secrets-exec",
        containerDefinitions=[{
            "name": "app", "image": image, "essential": True, "memory": 512,
            "repositoryCredentials": {"credentialsParameter": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:registry-creds-AbC123"},
            "environment": [
                {"name": "DB_PASSWORD", "value": p["env_password"]},
                {"name": "AWS_ACCESS_KEY_ID", "value": p["env_access_key_id"]},
                {"name": "AWS_SECRET_ACCESS_KEY", "value": p["env_secret_access_key"]},
                {"name": "STRIPE_API_KEY", "value": p["env_stripe_key"]},
                {"name": "GITHUB_TOKEN", "value": p["env_github_token"]},
                {"name": "DATABASE_URL", "value": f"postgres://app:{p['env_url_password']}@db.internal:5432/pay"},
                {"name": "LOG_LEVEL", "value": "info"},
            ],
            "dockerLabels": {"com.example.api-token": p["docker_label"], "com.example.team": "payments"},
            "entryPoint": ["sh", "-c", f"export SECRET_KEY={p['entry_point']} && exec ./run \"$@\"", "--"],
            "command": ["--password", p["command_flag"], f"--api-token={p['command_assignment']}", "--port", "8080"],
            "healthCheck": {"command": ["CMD-SHELL", f"curl -f http://admin:{p['health_check_url_password']}@localhost:8080/health || exit 1"], "interval": 30, "timeout": 5, "retries": 3},
            "logConfiguration": {"logDriver": "splunk", "options": {"splunk-url": "https://splunk.example.com:8088", "splunk-token": p["log_option"]}},
            "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
        }],
        tags=[{"key": "db-password", "value": p["task_definition_tag"]}, {"key": "team", "value": "payments"}],
    )["taskDefinition"]["taskDefinitionArn"]
    net_cfg = {"awsvpcConfiguration": {"subnets": net["private"], "securityGroups": [sg_app], "assignPublicIp": "DISABLED"}}
    ecs.create_service(
        cluster="secrets-cluster", serviceName="app", taskDefinition=td, desiredCount=1, launchType="FARGATE", platformVersion="1.4.0",
        networkConfiguration=net_cfg, tags=[{"key": "api_key", "value": p["service_tag"]}],
    )
    ecs.run_task(cluster="secrets-cluster", taskDefinition=td, launchType="FARGATE", group="service:app", networkConfiguration=net_cfg, count=1)
    return {"cluster_arn": cluster, "task_definition": td, "planted": SECRETS}


def seed_account(c):
    """The account-region's ECS account settings and GuardDuty detector: containers without a
    log mode block, Fargate retirement waits 14 days, and Runtime Monitoring is on without the
    Fargate agent (so only clusters tagged GuardDutyManaged=true are covered)."""
    for name, value in [("defaultLogDriverMode", "blocking"), ("fargateTaskRetirementWaitPeriod", "14"), ("containerInsights", "disabled"), ("guardDutyActivate", "on")]:
        c["ecs"].put_account_setting(name=name, value=value)
    detector = c["guardduty"].create_detector(
        Enable=True,
        Features=[{"Name": "RUNTIME_MONITORING", "Status": "ENABLED", "AdditionalConfiguration": [{"Name": "ECS_FARGATE_AGENT_MANAGEMENT", "Status": "DISABLED"}, {"Name": "EC2_AGENT_MANAGEMENT", "Status": "ENABLED"}]}],
    )["DetectorId"]
    return {"detector": detector}


def seed_bench(c, name, services):
    """A benchmark cluster: awsvpc Fargate services in one VPC, a task definition per ten
    services, and a running task per five services."""
    ecs, ec2 = c["ecs"], c["ec2"]
    net = network(c, f"10.{80 + services % 100}.0.0/16", name, flow_logs=True)
    sg_id = sg(ec2, net["vpc"], f"{name}-tasks", [tcp(8080, ["10.0.0.0/8"])])
    ecs.create_cluster(clusterName=name, settings=[{"name": "containerInsights", "value": "enabled"}])
    families = []
    for f in range(max(1, services // 10)):
        families.append(ecs.register_task_definition(
            family=f"{name}-app-{f:03d}", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
            containerDefinitions=[{"name": "app", "image": "public.ecr.aws/nginx/nginx:1.27", "essential": True, "memory": 512, "user": "101"}],
        )["taskDefinition"]["taskDefinitionArn"])
    net_cfg = {"awsvpcConfiguration": {"subnets": net["private"], "securityGroups": [sg_id], "assignPublicIp": "DISABLED"}}
    tasks = 0
    for i in range(services):
        td = families[i % len(families)]
        ecs.create_service(cluster=name, serviceName=f"svc-{i:04d}", taskDefinition=td, desiredCount=1, launchType="FARGATE",
                           platformVersion="1.4.0", networkConfiguration=net_cfg)
        if i % 5 == 0:
            ecs.run_task(cluster=name, taskDefinition=td, launchType="FARGATE", group=f"service:svc-{i:04d}", networkConfiguration=net_cfg, count=1)
            tasks += 1
    return {"services": services, "task_definitions": len(families), "tasks": tasks}


def seed_many(c, name, services):
    """A cluster with many small Fargate services, for pagination and benchmarks."""
    ecs = c["ecs"]
    ecs.create_cluster(clusterName=name)
    td = ecs.register_task_definition(
        family=f"{name}-svc", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[{"name": "app", "image": "public.ecr.aws/nginx/nginx:1.27", "essential": True, "memory": 512}],
    )["taskDefinition"]["taskDefinitionArn"]
    for i in range(services):
        ecs.create_service(cluster=name, serviceName=f"svc-{i:04d}", taskDefinition=td, desiredCount=0, launchType="FARGATE")
    return {"services": services}


FLEET_ACCOUNT = "222222222222"
FLEET_ROLE = "ecs-security-audit"
FLEET_REGIONS = ["us-east-1", "eu-west-1"]


def account_clients(endpoint, account, region):
    """boto3 clients in `account` (the caller's own, or through sts:AssumeRole, which moto
    honours across account ids) and `region`."""
    kw = dict(endpoint_url=endpoint, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing")
    if account != ACCOUNT:
        creds = boto3.client("sts", **kw).assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/{FLEET_ROLE}", RoleSessionName="moto-seed")["Credentials"]
        kw.update(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                  aws_session_token=creds["SessionToken"])
    return {name: boto3.client(name, **kw) for name in ["ecs", "ec2"]}


def seed_fleet_cluster(c, name, privileged, services=1, tags=()):
    """A small EC2-launch cluster: bridge-mode services on a task definition, privileged or not."""
    ecs = c["ecs"]
    ecs.create_cluster(clusterName=name, settings=[{"name": "containerInsights", "value": "enabled"}], tags=list(tags))
    td = ecs.register_task_definition(
        family=f"{name}-app", networkMode="bridge", requiresCompatibilities=["EC2"],
        containerDefinitions=[{"name": "app", "image": "public.ecr.aws/nginx/nginx:1.27", "essential": True, "memory": 256,
                               "user": "101", "privileged": privileged, "readonlyRootFilesystem": True}],
    )["taskDefinition"]["taskDefinitionArn"]
    for i in range(services):
        ecs.create_service(cluster=name, serviceName=f"svc-{i:03d}", taskDefinition=td, desiredCount=0, launchType="EC2")
    return name


def seed_fleet(endpoint):
    """Five fleet-* clusters in two accounts and two regions, and one cluster the name glob leaves out."""
    out = {}
    for account, region, name, privileged in [
        (ACCOUNT, "us-east-1", "fleet-a-web", True),
        (ACCOUNT, "us-east-1", "fleet-a-api", False),
        (ACCOUNT, "eu-west-1", "fleet-a-eu", True),
        (FLEET_ACCOUNT, "us-east-1", "fleet-b-web", True),
        (FLEET_ACCOUNT, "eu-west-1", "fleet-b-eu", False),
    ]:
        seed_fleet_cluster(account_clients(endpoint, account, region), name, privileged, tags=[{"key": "team", "value": "fleet"}])
        out.setdefault(account, {}).setdefault(region, []).append(name)
    seed_fleet_cluster(account_clients(endpoint, FLEET_ACCOUNT, "eu-west-1"), "other-b", False)
    # An organization in the caller's account: one member account, one closed.
    org = boto3.client("organizations", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(Email="member@example.com", AccountName="member")["CreateAccountStatus"]["AccountId"]
    closed = org.create_account(Email="closed@example.com", AccountName="closed")["CreateAccountStatus"]["AccountId"]
    org.close_account(AccountId=closed)
    return {"clusters": out, "account": FLEET_ACCOUNT, "role": FLEET_ROLE, "regions": FLEET_REGIONS,
            "org_member": member, "org_closed": closed}


def seed_fleet_bench(endpoint, accounts, regions, clusters, services):
    """accounts x regions x clusters x services, for the fleet benchmark (accounts 3000...)."""
    region_names = ["us-east-1", "eu-west-1", "us-west-2", "ap-southeast-1", "eu-central-1", "us-east-2"][:regions]
    ids = [f"{300000000000 + i:012d}" for i in range(accounts)]
    for account in ids:
        for region in region_names:
            c = account_clients(endpoint, account, region)
            for k in range(clusters):
                seed_fleet_cluster(c, f"fb-{k:02d}", k % 3 == 0, services=services)
    return {"accounts": ids, "regions": region_names, "clusters": clusters, "services": services}


def main():
    bench = []
    fleet = False
    fleet_bench = None
    args = sys.argv[1:]
    while args:
        if args[0] == "--bench" and len(args) > 1:
            bench.append(int(args[1]))
            args = args[2:]
        elif args[0] == "--fleet":
            fleet = True
            args = args[1:]
        elif args[0] == "--fleet-bench" and len(args) > 4:
            fleet_bench = [int(x) for x in args[1:5]]
            args = args[5:]
        else:
            log(f"unknown argument {args[0]}")
            sys.exit(2)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    from moto.ecs.models import ecs_backends

    ecs_backend = ecs_backends[ACCOUNT][REGION]
    c = clients(endpoint)
    seeded = {
        "port": port,
        "endpoint": endpoint,
        "account": ACCOUNT,
        "region": REGION,
        "planted_password": PLANTED_PASSWORD,
        "insecure": seed_insecure(c, ecs_backend),
        "hardened": seed_hardened(c, ecs_backend),
        "many": seed_many(c, "many-services", 105),
        "secrets": seed_secrets(c),
        "account_setup": seed_account(c),
    }
    for n in bench:
        # Not "bench-N": moto's ListTasks matches cluster names by prefix (bench-10 would see
        # bench-100's tasks).
        seeded[f"bench-{n}-services"] = seed_bench(c, f"bench-{n}-services", n)
    if fleet:
        seeded["fleet"] = seed_fleet(endpoint)
    if fleet_bench:
        seeded["fleet_bench"] = seed_fleet_bench(endpoint, *fleet_bench)
    print(json.dumps(seeded), flush=True)
    # Serve until the test closes our stdin.
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
