/**
 * connectTarget: which clients a command gets for --target local (embedded emulator or a served
 * one via --endpoint-url) and --target aws.
 */
import { describe, expect, it } from 'vitest';
import type { GlobalOptions } from '../../src/cli/options.js';
import { connectTarget } from '../../src/cli/target.js';
import { systemDeps } from '../../src/deps.js';
import { startEmulator } from '../../src/emulator/server.js';
import { FakeAgentHost } from './fake-agent-host.js';

const global = (over: Partial<GlobalOptions>): GlobalOptions => ({
  target: 'local',
  region: undefined,
  profile: undefined,
  endpointUrl: undefined,
  json: false,
  quiet: false,
  debug: false,
  color: false,
  ...over,
});

describe('connectTarget', () => {
  it('local: starts an embedded emulator on a loopback port and stops it on close', {
    timeout: 60_000,
  }, async () => {
    const conn = await connectTarget(global({}), {
      deps: systemDeps(),
      timeScale: 0.01,
      profile: 'short-window',
    });
    expect(conn.kind).toBe('local');
    expect(conn.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(conn.emulator?.profile.name).toBe('short-window');
    expect(conn.emulator?.timeScale).toBe(0.01);
    const { taskArns } = await conn.clients.ecs.listTasks({});
    expect(taskArns).toHaveLength(1);
    await conn.close();
    await conn.close(); // idempotent
    await expect(fetch(conn.endpoint as string, { method: 'POST' })).rejects.toThrow();
  });

  it('local with --endpoint-url: test/test clients to that endpoint, nothing started', async () => {
    const emu = await startEmulator({
      deps: systemDeps(),
      port: 0,
      agentHost: new FakeAgentHost(),
      region: 'eu-west-1',
    });
    try {
      const conn = await connectTarget(global({ endpointUrl: emu.endpoint, region: 'eu-west-1' }), {
        deps: systemDeps(),
      });
      expect(conn.emulator).toBeUndefined();
      expect(conn.region).toBe('eu-west-1');
      const { clusterArns } = await conn.clients.ecs.listClusters({});
      expect(clusterArns?.[0]).toBe('arn:aws:ecs:eu-west-1:000000000000:cluster/default');
      await conn.close();
    } finally {
      await emu.close();
    }
  });

  it('aws: real-AWS clients with the given region, no emulator', async () => {
    const conn = await connectTarget(global({ target: 'aws', region: 'ap-northeast-1' }), {
      deps: systemDeps(),
    });
    expect(conn.kind).toBe('aws');
    expect(conn.region).toBe('ap-northeast-1');
    expect(conn.emulator).toBeUndefined();
    expect(conn.clients.config.region).toBe('ap-northeast-1');
    await conn.close();
  });
});
