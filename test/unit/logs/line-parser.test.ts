import { describe, expect, it } from 'vitest';
import { parseLogLine } from '../../../src/logs/line-parser.js';
import { messageSignal } from '../../../src/logs/message-signals.js';

const ID = 'ecs-execute-command-0abc';

describe('parseLogLine', () => {
  it.each([
    [
      `2024-05-01 12:34:56 INFO [ssm-session-worker] [${ID}] [DataBackend] [pluginName=InteractiveCommands] Stopping pty`,
      {
        shape: 'agent',
        level: 'INFO',
        context: 'session',
        sessionId: ID,
        msg: 'Stopping pty',
        time: Date.UTC(2024, 4, 1, 12, 34, 56),
      },
    ],
    [
      `2024-05-01 12:34:56.0123 DEBUG [ssm-session-worker] [${ID}] x`,
      {
        shape: 'agent-fractional',
        level: 'DEBUG',
        sessionId: ID,
        time: Date.UTC(2024, 4, 1, 12, 34, 56, 12),
      },
    ],
    [
      `2024-05-01 12:34:56 ERROR [Execute @ shell.go.371] [ssm-session-worker] [${ID}] [DataBackend] unable to wait pty: signal: killed`,
      { shape: 'errors', level: 'ERROR', sessionId: ID, msg: 'unable to wait pty: signal: killed' },
    ],
    [
      `WARN [ssm-session-worker] [${ID}] [DataBackend] Reach the retry limit 5 for receive messages.`,
      { shape: 'level-only', time: null, sessionId: ID },
    ],
    [
      '[DataBackend] [pluginName=InteractiveCommands] Stopping pty',
      { shape: 'bare', context: 'plugin', sessionId: null, msg: 'Stopping pty' },
    ],
    [
      '2020-03-10 10:15:03 WARN [MessageGatewayService] Reach the retry limit 5',
      { context: 'legacy', sessionId: null },
    ],
    ['just some output', { shape: 'bare', context: 'none', level: null, msg: 'just some output' }],
    ['2024-13-01 12:34:56 INFO not a date', { time: null, shape: 'bare' }],
  ])('%s', (line, expected) => {
    expect(parseLogLine(line)).toMatchObject(expected);
  });
});

describe('messageSignal', () => {
  it('reads the exit status and the ids named in messages', () => {
    expect(
      messageSignal('pty process: 12 exited unsuccessfully, error message: exit status 3'),
    ).toMatchObject({
      kind: 'exit',
      exitStatus: 3,
    });
    expect(
      messageSignal('pty process: 12 exited unsuccessfully, error message: signal: terminated'),
    ).toMatchObject({
      kind: 'exit',
      exitStatus: null,
      exitSignal: 'terminated',
    });
    expect(messageSignal(`Closing datachannel with channel Id ${ID}`)).toMatchObject({
      kind: 'closing',
      sessionId: ID,
    });
    expect(messageSignal(`document: ${ID} worker started`)).toMatchObject({
      kind: 'worker-started',
      sessionId: ID,
    });
    expect(
      messageSignal(`Opening websocket connection to: wss://h/v1/data-channel/${ID}?role=publish_subscribe`),
    ).toMatchObject({ kind: 'mention', sessionId: ID });
    expect(messageSignal('HealthCheck reporting agent health.')).toBeNull();
  });
});
