/**
 * VPC endpoint checks: ssmmessages (the checker's), plus kms, logs and s3 when the cluster's exec
 * configuration needs them (checker#46), with the endpoint's state and private DNS.
 *
 * @see /work/shared/docs/prior-art.md §(b) 3.10; aws-api.md §5.3; checker#72 (RAM-shared subnets)
 */
import type * as ec2 from '@aws-sdk/client-ec2';
import { type CheckDef, result, unknownFrom } from './check.js';
import { execConfigOf, type TaskContext } from './context.js';
import type { CheckResult, DoctorEnv } from './types.js';

export const ENDPOINT_SSMMESSAGES: CheckDef = {
  id: 'network.ssmmessages-endpoint',
  title: 'ssmmessages VPC endpoint',
  ref: 'checker 3.10',
};
export const ENDPOINT_KMS: CheckDef = {
  id: 'network.kms-endpoint',
  title: 'kms VPC endpoint',
  ref: 'ecs-diag (checker#46)',
};
export const ENDPOINT_LOGS: CheckDef = {
  id: 'network.logs-endpoint',
  title: 'logs VPC endpoint',
  ref: 'ecs-diag (checker#46)',
};
export const ENDPOINT_S3: CheckDef = {
  id: 'network.s3-endpoint',
  title: 's3 VPC endpoint',
  ref: 'ecs-diag (checker#46)',
};

/** Where the task's network lives. */
export interface TaskNetwork {
  readonly subnetId: string | undefined;
  readonly vpcId: string | undefined;
}

/** The subnet from the task ENI (awsvpc) or the container instance attributes (bridge/host). */
export function taskNetwork(ctx: TaskContext): TaskNetwork {
  const eni =
    ctx.task.attachments?.find((a) => a.type === 'ElasticNetworkInterface') ?? ctx.task.attachments?.[0];
  const detail = (n: string) => eni?.details?.find((d) => d.name === n)?.value;
  const fromEni = detail('subnetId');
  if (fromEni) return { subnetId: fromEni, vpcId: undefined };
  const ci = ctx.containerInstance?.ok ? ctx.containerInstance.value : undefined;
  const attr = (n: string) => ci?.attributes?.find((a) => a.name === n)?.value;
  return { subnetId: attr('ecs.subnet-id'), vpcId: attr('ecs.vpc-id') };
}

/** Runs the endpoint checks. */
export async function networkChecks(env: DoctorEnv, ctx: TaskContext): Promise<CheckResult[]> {
  const net = taskNetwork(ctx);
  if (net.subnetId === undefined && net.vpcId === undefined) {
    return [
      result(
        ENDPOINT_SSMMESSAGES,
        'unknown',
        'the task reports no subnet (no ENI attachment, no ecs.subnet-id)',
      ),
    ];
  }
  let vpcId = net.vpcId;
  let subnet: ec2.Subnet | undefined;
  if (net.subnetId !== undefined) {
    try {
      subnet = (await env.apis.ec2.describeSubnets({ SubnetIds: [net.subnetId] })).Subnets?.[0];
    } catch (err) {
      return [unknownFrom(ENDPOINT_SSMMESSAGES, 'ec2:DescribeSubnets', err)];
    }
    vpcId = subnet?.VpcId ?? vpcId;
  }
  if (subnet?.OwnerId !== undefined && ctx.account !== '' && subnet.OwnerId !== ctx.account) {
    // The checker reports this red ("CHECK FAILED"), a false result when a NAT works (checker#72).
    return [
      result(
        ENDPOINT_SSMMESSAGES,
        'unknown',
        `subnet ${subnet.SubnetId} is shared from account ${subnet.OwnerId}`,
        {
          causes: ["endpoints live in the owner's VPC; check them from account " + subnet.OwnerId],
          evidence: { subnetId: subnet.SubnetId, vpcId, ownerId: subnet.OwnerId },
        },
      ),
    ];
  }
  if (vpcId === undefined)
    return [result(ENDPOINT_SSMMESSAGES, 'unknown', `subnet ${net.subnetId} not found`)];
  let endpoints: ec2.VpcEndpoint[];
  try {
    endpoints = await listEndpoints(env, vpcId);
  } catch (err) {
    return [unknownFrom(ENDPOINT_SSMMESSAGES, 'ec2:DescribeVpcEndpoints', err)];
  }
  const prefix = `com.amazonaws.${ctx.region}.`;
  const services = endpoints.map((e) => e.ServiceName ?? '');
  const evidence = { vpcId, subnetId: net.subnetId, endpoints: services };
  if (endpoints.length === 0) {
    return [
      result(ENDPOINT_SSMMESSAGES, 'green', `no VPC endpoints in ${vpcId}: traffic goes through NAT/IGW`, {
        evidence,
      }),
    ];
  }
  const find = (svc: string) => endpoints.find((e) => e.ServiceName === `${prefix}${svc}`);
  const checks: CheckResult[] = [ssmmessagesCheck(find('ssmmessages'), services, prefix, evidence)];
  const config = execConfigOf(ctx);
  const log = config?.logging === 'OVERRIDE' ? config.logConfiguration : undefined;
  if (config?.kmsKeyId !== undefined)
    checks.push(optionalEndpoint(ENDPOINT_KMS, 'kms', find('kms'), evidence, 'the KMS key'));
  if (log?.cloudWatchLogGroupName !== undefined) {
    checks.push(
      optionalEndpoint(ENDPOINT_LOGS, 'logs', find('logs'), evidence, 'CloudWatch session logging'),
    );
  }
  if (log?.s3BucketName !== undefined) {
    checks.push(optionalEndpoint(ENDPOINT_S3, 's3', find('s3'), evidence, 'S3 session logging'));
  }
  return checks;
}

async function listEndpoints(env: DoctorEnv, vpcId: string): Promise<ec2.VpcEndpoint[]> {
  const all: ec2.VpcEndpoint[] = [];
  let token: string | undefined;
  do {
    const out = await env.apis.ec2.describeVpcEndpoints({
      Filters: [{ Name: 'vpc-id', Values: [vpcId] }],
      ...(token ? { NextToken: token } : {}),
    });
    all.push(...(out.VpcEndpoints ?? []));
    token = out.NextToken;
  } while (token);
  return all;
}

function ssmmessagesCheck(
  ep: ec2.VpcEndpoint | undefined,
  services: readonly string[],
  prefix: string,
  evidence: Record<string, unknown>,
): CheckResult {
  if (ep === undefined) {
    // An ECS interface endpoint without ssmmessages is the documented TargetNotConnected cause
    // (botocore docs); other endpoints alone only suggest a private subnet.
    const ecsEndpoint = services.some((s) => s === `${prefix}ecs` || s === `${prefix}ecs-agent`);
    return result(
      ENDPOINT_SSMMESSAGES,
      ecsEndpoint ? 'red' : 'yellow',
      `the VPC has endpoints (${services.length}) but none for ssmmessages`,
      {
        category: 'target-not-connected',
        causes: [
          `create an interface endpoint ${prefix}ssmmessages with private DNS, unless a NAT gateway gives the task egress`,
        ],
        evidence,
      },
    );
  }
  return endpointHealth(ENDPOINT_SSMMESSAGES, ep, evidence);
}

function optionalEndpoint(
  def: CheckDef,
  svc: string,
  ep: ec2.VpcEndpoint | undefined,
  evidence: Record<string, unknown>,
  why: string,
): CheckResult {
  if (ep === undefined) {
    return result(def, 'yellow', `the VPC has endpoints but none for ${svc} (needed by ${why})`, {
      causes: [
        `without egress, ${why} fails: create a ${svc} endpoint${svc === 's3' ? ' (gateway)' : ''} or give egress`,
      ],
      evidence,
    });
  }
  return endpointHealth(def, ep, evidence);
}

function endpointHealth(def: CheckDef, ep: ec2.VpcEndpoint, evidence: Record<string, unknown>): CheckResult {
  const e = { ...evidence, endpointId: ep.VpcEndpointId, state: ep.State, privateDns: ep.PrivateDnsEnabled };
  const state = (ep.State ?? 'available').toLowerCase();
  if (state !== 'available') {
    return result(def, 'red', `${ep.ServiceName} endpoint ${ep.VpcEndpointId} is ${ep.State}`, {
      causes: ['the endpoint is not usable until it is available'],
      evidence: e,
    });
  }
  if (ep.VpcEndpointType !== 'Gateway' && ep.PrivateDnsEnabled === false) {
    return result(def, 'yellow', `${ep.ServiceName} endpoint ${ep.VpcEndpointId} has private DNS off`, {
      causes: ['the agent resolves the public name; without private DNS it bypasses the endpoint'],
      evidence: e,
    });
  }
  return result(def, 'green', `${ep.ServiceName} endpoint ${ep.VpcEndpointId} available`, { evidence: e });
}
