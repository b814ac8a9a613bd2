/**
 * SigV4 and protocol handling of the emulator's HTTP port: unsigned and badly signed requests get
 * AWS's error shapes and texts; awsQuery requests reach a query ServiceModule (the hook the STS,
 * IAM and EC2 modules use).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ECS } from '@aws-sdk/client-ecs';
import { STS } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemDeps } from '../../src/deps.js';
import { createRouter } from '../../src/emulator/http/router.js';
import { AUTH_TEXT } from '../../src/emulator/http/sigv4-verify.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import type { ServiceModule } from '../../src/emulator/service-module.js';
import { FakeAgentHost } from './fake-agent-host.js';

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ deps: systemDeps(), port: 0, agentHost: new FakeAgentHost() });
});
afterAll(() => emu.close());

const post = (body: string, headers: Record<string, string>) =>
  fetch(emu.endpoint, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-amz-json-1.1', ...headers },
  });

describe('SigV4', () => {
  it('refuses an unsigned request with MissingAuthenticationTokenException', async () => {
    const res = await post('{}', { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });

  it('refuses a malformed Authorization header', async () => {
    const res = await post('{}', { authorization: 'AWS4-HMAC-SHA256 garbage' });
    expect(((await res.json()) as { __type: string }).__type).toBe('IncompleteSignatureException');
  });

  it('refuses a wrong secret with InvalidSignatureException and the AWS text', async () => {
    const ecs = new ECS({
      region: 'us-east-1',
      endpoint: emu.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'wrong' },
      maxAttempts: 1,
    });
    await expect(ecs.listClusters({})).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: AUTH_TEXT.badSignature,
    });
    ecs.destroy();
  });

  it('refuses an unknown access key with UnrecognizedClientException', async () => {
    const ecs = new ECS({
      region: 'us-east-1',
      endpoint: emu.endpoint,
      credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    await expect(ecs.listClusters({})).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      message: AUTH_TEXT.unrecognized,
    });
    ecs.destroy();
  });

  it('accepts session-token credentials (the token is signed)', async () => {
    const ecs = new ECS({
      region: 'eu-west-1',
      endpoint: `${emu.endpoint}/some/prefix`,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test', sessionToken: 'tok' },
      maxAttempts: 1,
    });
    expect((await ecs.listClusters({})).clusterArns?.length).toBe(1);
    ecs.destroy();
  });

  it('answers an unknown operation with UnknownOperationException', async () => {
    const ecs = new ECS({
      region: 'us-east-1',
      endpoint: emu.endpoint,
      credentials: emu.credentials,
      maxAttempts: 1,
    });
    await expect(ecs.listServices({})).rejects.toMatchObject({ name: 'UnknownOperationException' });
    ecs.destroy();
  });
});

describe('awsQuery modules', () => {
  let server: Server;
  let endpoint: string;
  const seen: Array<{ operation: string; input: Record<string, unknown> }> = [];
  const sts: ServiceModule<null> = {
    service: 'sts',
    protocol: 'query',
    async handle(req) {
      seen.push({ operation: req.operation, input: req.input });
      if (req.operation !== 'GetCallerIdentity') return undefined;
      return {
        status: 200,
        contentType: 'text/xml',
        body: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::000000000000:root</Arn><UserId>000000000000</UserId><Account>000000000000</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      };
    },
  };

  beforeAll(async () => {
    const deps = systemDeps();
    server = createServer(
      createRouter({
        modules: [sts],
        world: null,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        realNow: () => Date.now(),
        requestId: () => deps.ids.uuid(),
        log: deps.log,
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('routes a signed form request by Action and the signing scope', async () => {
    const client = new STS({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const id = await client.getCallerIdentity({});
    expect(id.Account).toBe('000000000000');
    expect(seen[0]).toMatchObject({
      operation: 'GetCallerIdentity',
      input: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    });
    client.destroy();
  });

  it('renders auth errors as awsQuery XML', async () => {
    const client = new STS({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'bad' },
      maxAttempts: 1,
    });
    await expect(client.getCallerIdentity({})).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    client.destroy();
  });
});
