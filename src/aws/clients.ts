/**
 * Narrow interfaces over the AWS SDK v3 clients, and the one place they are built.
 *
 * One shared config sets region, credentials (the default chain, or `--profile`), retries and
 * an `endpoint` override, which is how the embedded emulator is reached: the same clients,
 * over real HTTP.
 */
import * as ecs from '@aws-sdk/client-ecs';
import * as ssm from '@aws-sdk/client-ssm';
import * as sts from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** The ECS operations ecs-diag uses. */
export interface EcsApi {
  describeClusters(i: ecs.DescribeClustersCommandInput): Promise<ecs.DescribeClustersCommandOutput>;
  listClusters(i: ecs.ListClustersCommandInput): Promise<ecs.ListClustersCommandOutput>;
  describeTasks(i: ecs.DescribeTasksCommandInput): Promise<ecs.DescribeTasksCommandOutput>;
  listTasks(i: ecs.ListTasksCommandInput): Promise<ecs.ListTasksCommandOutput>;
  describeTaskDefinition(
    i: ecs.DescribeTaskDefinitionCommandInput,
  ): Promise<ecs.DescribeTaskDefinitionCommandOutput>;
  describeServices(i: ecs.DescribeServicesCommandInput): Promise<ecs.DescribeServicesCommandOutput>;
  registerTaskDefinition(
    i: ecs.RegisterTaskDefinitionCommandInput,
  ): Promise<ecs.RegisterTaskDefinitionCommandOutput>;
  runTask(i: ecs.RunTaskCommandInput): Promise<ecs.RunTaskCommandOutput>;
  stopTask(i: ecs.StopTaskCommandInput): Promise<ecs.StopTaskCommandOutput>;
  executeCommand(i: ecs.ExecuteCommandCommandInput): Promise<ecs.ExecuteCommandCommandOutput>;
}

/** The SSM operations ecs-diag uses. */
export interface SsmApi {
  describeSessions(i: ssm.DescribeSessionsCommandInput): Promise<ssm.DescribeSessionsCommandOutput>;
  terminateSession(i: ssm.TerminateSessionCommandInput): Promise<ssm.TerminateSessionCommandOutput>;
  resumeSession(i: ssm.ResumeSessionCommandInput): Promise<ssm.ResumeSessionCommandOutput>;
  getDocument(i: ssm.GetDocumentCommandInput): Promise<ssm.GetDocumentCommandOutput>;
  describeDocument(i: ssm.DescribeDocumentCommandInput): Promise<ssm.DescribeDocumentCommandOutput>;
  createDocument(i: ssm.CreateDocumentCommandInput): Promise<ssm.CreateDocumentCommandOutput>;
  updateDocument(i: ssm.UpdateDocumentCommandInput): Promise<ssm.UpdateDocumentCommandOutput>;
  updateDocumentDefaultVersion(
    i: ssm.UpdateDocumentDefaultVersionCommandInput,
  ): Promise<ssm.UpdateDocumentDefaultVersionCommandOutput>;
}

/** The STS operations ecs-diag uses. */
export interface StsApi {
  getCallerIdentity(i: sts.GetCallerIdentityCommandInput): Promise<sts.GetCallerIdentityCommandOutput>;
}

/** How to build the clients. */
export interface AwsClientConfig {
  readonly region: string;
  /** @default the SDK's default credential chain (or `fromIni({profile})` when `profile` is set) */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  readonly profile?: string;
  /** Endpoint override for every service (the emulator, or a VPC endpoint). */
  readonly endpoint?: string;
  /** @default 3 */
  readonly maxAttempts?: number;
}

/** The SDK client config shared by every service client. */
export function sdkClientConfig(cfg: AwsClientConfig) {
  const credentials = cfg.credentials ?? (cfg.profile ? fromIni({ profile: cfg.profile }) : undefined);
  return {
    region: cfg.region,
    maxAttempts: cfg.maxAttempts ?? 3,
    ...(credentials ? { credentials } : {}),
    ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
  };
}

/** The clients every command may use. */
export interface AwsClients {
  readonly ecs: EcsApi;
  readonly ssm: SsmApi;
  readonly sts: StsApi;
  /** The config they were built with (for adapters that build further service clients). */
  readonly config: AwsClientConfig;
  /** Releases sockets. */
  destroy(): void;
}

/** Builds the ECS, SSM and STS clients behind their narrow interfaces. */
export function makeAwsClients(cfg: AwsClientConfig): AwsClients {
  const shared = sdkClientConfig(cfg);
  const ecsClient = new ecs.ECS(shared);
  const ssmClient = new ssm.SSM(shared);
  const stsClient = new sts.STS(shared);
  return {
    ecs: ecsClient,
    ssm: ssmClient,
    sts: stsClient,
    config: cfg,
    destroy() {
      ecsClient.destroy();
      ssmClient.destroy();
      stsClient.destroy();
    },
  };
}
