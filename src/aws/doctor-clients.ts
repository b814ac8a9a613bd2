/**
 * Narrow interfaces over the extra SDK v3 clients `ecs-diag doctor` needs (IAM, EC2, KMS,
 * CloudWatch Logs, plus the one ECS operation the shared {@link EcsApi} lacks), and their builder.
 *
 * They share {@link sdkClientConfig} with the ECS/SSM/STS clients, so an `endpoint` override
 * (the emulator) reaches every service on the same port.
 *
 * @see /work/shared/docs/prior-art.md §(b): the APIs amazon-ecs-exec-checker calls
 */
import * as cwl from '@aws-sdk/client-cloudwatch-logs';
import * as ec2 from '@aws-sdk/client-ec2';
import * as ecs from '@aws-sdk/client-ecs';
import * as iam from '@aws-sdk/client-iam';
import * as kms from '@aws-sdk/client-kms';
import { type AwsClientConfig, sdkClientConfig } from './clients.js';

/** The IAM operations doctor uses. */
export interface IamApi {
  simulatePrincipalPolicy(
    i: iam.SimulatePrincipalPolicyCommandInput,
  ): Promise<iam.SimulatePrincipalPolicyCommandOutput>;
  getRole(i: iam.GetRoleCommandInput): Promise<iam.GetRoleCommandOutput>;
  getInstanceProfile(i: iam.GetInstanceProfileCommandInput): Promise<iam.GetInstanceProfileCommandOutput>;
}

/** The EC2 operations doctor uses. */
export interface Ec2Api {
  describeSubnets(i: ec2.DescribeSubnetsCommandInput): Promise<ec2.DescribeSubnetsCommandOutput>;
  describeVpcEndpoints(
    i: ec2.DescribeVpcEndpointsCommandInput,
  ): Promise<ec2.DescribeVpcEndpointsCommandOutput>;
  describeInstances(i: ec2.DescribeInstancesCommandInput): Promise<ec2.DescribeInstancesCommandOutput>;
}

/** The KMS operations doctor uses. */
export interface KmsApi {
  describeKey(i: kms.DescribeKeyCommandInput): Promise<kms.DescribeKeyCommandOutput>;
}

/** The CloudWatch Logs operations doctor uses. */
export interface LogsApi {
  describeLogGroups(i: cwl.DescribeLogGroupsCommandInput): Promise<cwl.DescribeLogGroupsCommandOutput>;
}

/** The ECS operation doctor needs beyond the shared EcsApi (EC2 launch type: agent version, attributes). */
export interface ContainerInstancesApi {
  describeContainerInstances(
    i: ecs.DescribeContainerInstancesCommandInput,
  ): Promise<ecs.DescribeContainerInstancesCommandOutput>;
}

/** The extra clients of doctor. */
export interface DoctorClients {
  readonly iam: IamApi;
  readonly ec2: Ec2Api;
  readonly kms: KmsApi;
  readonly logs: LogsApi;
  readonly containerInstances: ContainerInstancesApi;
  /** Releases sockets. */
  destroy(): void;
}

/** Builds the doctor clients from the same config as the shared clients. */
export function makeDoctorClients(cfg: AwsClientConfig): DoctorClients {
  const shared = sdkClientConfig(cfg);
  const iamClient = new iam.IAM(shared);
  const ec2Client = new ec2.EC2(shared);
  const kmsClient = new kms.KMS(shared);
  const logsClient = new cwl.CloudWatchLogs(shared);
  const ecsClient = new ecs.ECS(shared);
  return {
    iam: iamClient,
    ec2: ec2Client,
    kms: kmsClient,
    logs: logsClient,
    containerInstances: ecsClient,
    destroy() {
      iamClient.destroy();
      ec2Client.destroy();
      kmsClient.destroy();
      logsClient.destroy();
      ecsClient.destroy();
    },
  };
}
