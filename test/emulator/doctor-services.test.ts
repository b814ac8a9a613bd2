/**
 * The emulator's doctor services on their own, through the real SDK clients (spec:
 * src/emulator/spec/doctor-services.md): shapes, errors, paging, the policy model and the knobs.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeAwsClients } from '../../src/aws/clients.js';
import { type DoctorClients, makeDoctorClients } from '../../src/aws/doctor-clients.js';
import { EMULATOR_SUBNET_ID, EMULATOR_VPC_ID } from '../../src/emulator/services/doctor-state.js';
import { type DoctorHarness, startDoctorHarness } from './doctor-harness.js';

let h: DoctorHarness;
let c: DoctorClients;
let sts: ReturnType<typeof makeAwsClients>;
const ACCOUNT = '000000000000';

beforeAll(async () => {
  h = await startDoctorHarness();
  const config = {
    region: 'us-east-1',
    endpoint: h.emulator.endpoint,
    credentials: h.emulator.credentials,
    maxAttempts: 1,
  };
  c = makeDoctorClients(config);
  sts = makeAwsClients(config);
});
afterAll(async () => {
  c?.destroy();
  sts?.destroy();
  await h?.close();
});
afterEach(() => {
  h.knobs.iam.denials.splice(1);
  h.knobs.ec2.endpoints.splice(0);
  h.knobs.kms.keys.splice(0);
  h.knobs.logs.logGroups.splice(0);
  h.knobs.deniedApis.clear();
  delete h.knobs.sts.callerArn;
});

describe('STS GetCallerIdentity', () => {
  it('returns the principal of the access key, or the configured caller', async () => {
    const me = await sts.sts.getCallerIdentity({});
    expect(me).toMatchObject({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root`, UserId: 'test' });
    h.knobs.sts.callerArn = `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci`;
    const role = await sts.sts.getCallerIdentity({});
    expect(role.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci`);
    expect(role.UserId).toBe('AROAEMULATOR:ci');
  });

  it('answers AccessDenied (awsQuery XML, 403) when denied', async () => {
    h.knobs.deniedApis.add('sts:GetCallerIdentity');
    await expect(sts.sts.getCallerIdentity({})).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
  });
});

describe('IAM', () => {
  it('SimulatePrincipalPolicy: one result per action and resource, explicit/implicit/SCP decisions', async () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/app`;
    h.knobs.iam.denials.push(
      { principal: role, action: 'ssmmessages:open*', effect: 'explicit' },
      {
        principal: 'arn:aws:iam::*:role/*',
        action: 'kms:Decrypt',
        resource: 'arn:aws:kms:*:*:key/bad',
        effect: 'implicit',
      },
      { principal: '*', action: 's3:PutObject', effect: 'organizations' },
    );
    const out = await c.iam.simulatePrincipalPolicy({
      PolicySourceArn: role,
      ActionNames: [
        'ssmmessages:CreateControlChannel',
        'ssmmessages:OpenDataChannel',
        'kms:Decrypt',
        's3:PutObject',
      ],
      ResourceArns: [
        'arn:aws:kms:us-east-1:000000000000:key/bad',
        'arn:aws:kms:us-east-1:000000000000:key/good',
      ],
    });
    const d = (out.EvaluationResults ?? []).map((r) => [
      r.EvalActionName,
      r.EvalResourceName?.split('/').pop(),
      r.EvalDecision,
      r.OrganizationsDecisionDetail?.AllowedByOrganizations,
    ]);
    expect(d).toEqual([
      ['ssmmessages:CreateControlChannel', 'bad', 'allowed', true],
      ['ssmmessages:CreateControlChannel', 'good', 'allowed', true],
      ['ssmmessages:OpenDataChannel', 'bad', 'explicitDeny', true],
      ['ssmmessages:OpenDataChannel', 'good', 'explicitDeny', true],
      ['kms:Decrypt', 'bad', 'implicitDeny', true],
      ['kms:Decrypt', 'good', 'allowed', true],
      ['s3:PutObject', 'bad', 'implicitDeny', false],
      ['s3:PutObject', 'good', 'implicitDeny', false],
    ]);
  });

  it('SimulatePrincipalPolicy: InvalidInput for a non-IAM source ARN', async () => {
    await expect(
      c.iam.simulatePrincipalPolicy({
        PolicySourceArn: 'arn:aws:sts::000000000000:assumed-role/x/y',
        ActionNames: ['s3:GetObject'],
      }),
    ).rejects.toMatchObject({ name: 'InvalidInputException' });
  });

  it('GetRole returns the role ARN; GetInstanceProfile knows only configured profiles', async () => {
    expect((await c.iam.getRole({ RoleName: 'deployer' })).Role?.Arn).toBe(
      `arn:aws:iam::${ACCOUNT}:role/deployer`,
    );
    await expect(c.iam.getInstanceProfile({ InstanceProfileName: 'none' })).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
    h.knobs.iam.instanceProfiles['ecs-node'] = `arn:aws:iam::${ACCOUNT}:role/ecs-node-role`;
    const p = await c.iam.getInstanceProfile({ InstanceProfileName: 'ecs-node' });
    expect(p.InstanceProfile?.Roles?.[0]?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:role/ecs-node-role`);
  });
});

describe('EC2', () => {
  it('DescribeSubnets: the default subnet; InvalidSubnetID.NotFound for an unknown one', async () => {
    const out = await c.ec2.describeSubnets({ SubnetIds: [EMULATOR_SUBNET_ID] });
    expect(out.Subnets?.[0]).toMatchObject({
      SubnetId: EMULATOR_SUBNET_ID,
      VpcId: EMULATOR_VPC_ID,
      OwnerId: ACCOUNT,
    });
    await expect(c.ec2.describeSubnets({ SubnetIds: ['subnet-0123'] })).rejects.toMatchObject({
      name: 'InvalidSubnetID.NotFound',
    });
  });

  it('DescribeVpcEndpoints: filters by vpc-id and service-name, pages of 5 with NextToken', async () => {
    for (let i = 0; i < 7; i++) {
      h.knobs.ec2.endpoints.push({
        vpcEndpointId: `vpce-${i}`,
        vpcId: i === 6 ? 'vpc-other' : EMULATOR_VPC_ID,
        serviceName: `com.amazonaws.us-east-1.svc${i}`,
        type: 'Interface',
        state: 'available',
        privateDnsEnabled: true,
      });
    }
    const filter = [{ Name: 'vpc-id', Values: [EMULATOR_VPC_ID] }];
    const first = await c.ec2.describeVpcEndpoints({ Filters: filter });
    expect(first.VpcEndpoints?.map((e) => e.VpcEndpointId)).toEqual([
      'vpce-0',
      'vpce-1',
      'vpce-2',
      'vpce-3',
      'vpce-4',
    ]);
    expect(first.NextToken).toBeDefined();
    const second = await c.ec2.describeVpcEndpoints({ Filters: filter, NextToken: first.NextToken });
    expect(second.VpcEndpoints?.map((e) => e.VpcEndpointId)).toEqual(['vpce-5']);
    expect(second.NextToken).toBeUndefined();
    const one = await c.ec2.describeVpcEndpoints({
      Filters: [{ Name: 'service-name', Values: ['com.amazonaws.us-east-1.svc3'] }],
    });
    expect(one.VpcEndpoints?.[0]).toMatchObject({
      VpcEndpointId: 'vpce-3',
      State: 'available',
      PrivateDnsEnabled: true,
    });
  });

  it('answers UnauthorizedOperation when denied', async () => {
    h.knobs.deniedApis.add('ec2:DescribeSubnets');
    await expect(c.ec2.describeSubnets({})).rejects.toMatchObject({ name: 'UnauthorizedOperation' });
  });
});

describe('KMS DescribeKey', () => {
  const arn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/k-1`;
  it('finds a key by id, ARN, alias and alias ARN, with its state', async () => {
    h.knobs.kms.keys.push({
      keyId: 'k-1',
      arn,
      aliases: ['alias/exec'],
      keyState: 'PendingDeletion',
      createdAt: 1_700_000_000_000,
    });
    for (const ref of ['k-1', arn, 'alias/exec', `arn:aws:kms:us-east-1:${ACCOUNT}:alias/exec`]) {
      const out = await c.kms.describeKey({ KeyId: ref });
      expect(out.KeyMetadata, ref).toMatchObject({
        KeyId: 'k-1',
        Arn: arn,
        KeyState: 'PendingDeletion',
        Enabled: false,
      });
    }
    expect((await c.kms.describeKey({ KeyId: 'k-1' })).KeyMetadata?.CreationDate?.getTime()).toBe(
      1_700_000_000_000,
    );
  });

  it('NotFoundException for an unknown key or alias; AccessDeniedException when denied', async () => {
    await expect(c.kms.describeKey({ KeyId: 'nope' })).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(c.kms.describeKey({ KeyId: 'alias/nope' })).rejects.toMatchObject({
      name: 'NotFoundException',
    });
    h.knobs.deniedApis.add('kms:DescribeKey');
    await expect(c.kms.describeKey({ KeyId: 'nope' })).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });
});

describe('CloudWatch Logs DescribeLogGroups', () => {
  it('filters by prefix, pages with nextToken, reports kmsKeyId', async () => {
    for (const name of ['/ecs/a', '/ecs/b', '/other', '/ecs/c', '/ecs/d', '/ecs/e', '/ecs/f']) {
      h.knobs.logs.logGroups.push({
        name,
        createdAt: 5,
        ...(name === '/ecs/a' ? { kmsKeyId: 'arn:k' } : {}),
      });
    }
    const first = await c.logs.describeLogGroups({ logGroupNamePrefix: '/ecs/' });
    expect(first.logGroups?.map((g) => g.logGroupName)).toEqual([
      '/ecs/a',
      '/ecs/b',
      '/ecs/c',
      '/ecs/d',
      '/ecs/e',
    ]);
    expect(first.logGroups?.[0]).toMatchObject({
      kmsKeyId: 'arn:k',
      arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/ecs/a:*`,
    });
    const second = await c.logs.describeLogGroups({
      logGroupNamePrefix: '/ecs/',
      nextToken: first.nextToken,
    });
    expect(second.logGroups?.map((g) => g.logGroupName)).toEqual(['/ecs/f']);
  });

  it('InvalidParameterException for prefix and pattern together', async () => {
    await expect(
      c.logs.describeLogGroups({ logGroupNamePrefix: '/a', logGroupNamePattern: 'b' }),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });
});
