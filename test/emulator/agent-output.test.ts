import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatedAgentHost } from '../../src/emulator/agent/index.js';
import { collect, spec, testAgentHost, until } from './agent-fixture.js';

describe('agent host: output pump and input', () => {
  let host: EmulatedAgentHost;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ host, close } = await testAgentHost());
  });

  afterAll(() => close());

  it('never splits a UTF-8 sequence and never sends an empty payload', async () => {
    await host.startTask(spec('t-utf8', 4));
    const session = await host.startAgentSession('t-utf8', {
      sessionId: 'ecs-execute-command-utf8',
      command: `sh -c 'i=0; while [ $i -lt 400 ]; do printf "aé€😀"; i=$((i+1)); done'`,
    });
    const out = collect(session);
    await session.ended;
    const decoder = new TextDecoder('utf-8', { fatal: true });
    expect(out.chunks.length).toBeGreaterThan(1);
    for (const chunk of out.chunks) {
      expect(chunk.length).toBeGreaterThan(0);
      expect(chunk.length).toBeLessThanOrEqual(1024 + 3);
      expect(() => decoder.decode(chunk)).not.toThrow();
    }
    expect(out.text()).toBe('aé€😀'.repeat(400));
  });

  it('stops reading the pty while paused, so a chatty command blocks', async () => {
    const task = await host.startTask(spec('t-pause', 5));
    const session = await host.startAgentSession('t-pause', {
      sessionId: 'ecs-execute-command-pause',
      command: `sh -c 'i=0; while [ $i -lt 20000 ]; do echo "line $i"; i=$((i+1)); done; echo done > /tmp/finished'`,
    });
    session.setPaused(true);
    const out = collect(session);
    await new Promise((r) => setTimeout(r, 1500));
    expect(out.chunks).toHaveLength(0);
    expect(existsSync(join(task.rootDir, 'tmp/finished'))).toBe(false);
    session.setPaused(false);
    await session.ended;
    expect(existsSync(join(task.rootDir, 'tmp/finished'))).toBe(true);
    expect(out.text()).toContain('line 19999\r\n');
  });

  it('passes input and terminal size to the command', async () => {
    await host.startTask(spec('t-input', 6));
    const session = await host.startAgentSession('t-input', {
      sessionId: 'ecs-execute-command-input',
      command: `sh -c 'stty size; read line; echo "got $line"; stty size'`,
    });
    const out = collect(session);
    await until(() => out.text().length > 0);
    session.resize(132, 43);
    session.write(new TextEncoder().encode('ping\r'));
    await session.ended;
    expect(out.text()).toContain('got ping');
    expect(out.text()).toContain('43 132');
  });
});
