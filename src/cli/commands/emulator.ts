/**
 * `ecs-diag emulator serve`: runs the embedded ECS Exec emulator on a port until Ctrl-C, and
 * prints what points the aws CLI and the SDKs at it.
 */
import { resolve } from 'node:path';
import {
  DEFAULT_PORT,
  DEFAULT_REGION,
  emulatorClientEnv,
  isLoopbackHost,
  startEmulator,
} from '../../emulator/server.js';
import { DiagError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { defineCommand } from '../command.js';
import { optionalString, positiveNumber } from '../options.js';

/** Validated options of `ecs-diag emulator serve`. */
export interface EmulatorServeOptions {
  readonly host: string;
  readonly port: number;
  readonly timeScale: number;
  /** A built-in profile name or a file path. */
  readonly profile: string;
  readonly statePath: string | undefined;
  readonly allowRemote: boolean;
  readonly region: string;
}

/** Validates argv. */
export function parseServeOptions(argv: Record<string, unknown>): EmulatorServeOptions {
  const host = optionalString(argv['host']) ?? '127.0.0.1';
  const portRaw = argv['port'] ?? DEFAULT_PORT;
  const port = typeof portRaw === 'number' ? portRaw : Number(portRaw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DiagError(
      'CLI_BAD_ARGUMENT',
      `--port must be an integer from 0 to 65535, not ${String(portRaw)}`,
    );
  }
  const allowRemote = argv['allow-remote'] === true || argv['allowRemote'] === true;
  if (!isLoopbackHost(host) && !allowRemote) {
    throw new DiagError(
      'EMULATOR_REMOTE_REFUSED',
      `refusing to listen on ${host}: it is not a loopback address`,
      {
        source: 'user',
        hint: 'the emulator accepts test credentials and runs commands: add --allow-remote if you really mean it',
      },
    );
  }
  const profile = optionalString(argv['profile']) ?? 'default';
  const state = optionalString(argv['state']);
  return {
    host,
    port,
    timeScale: positiveNumber(argv['time-scale'] ?? argv['timeScale'] ?? 1, '--time-scale'),
    profile: profile.includes('/') || profile.endsWith('.json') ? resolve(profile) : profile,
    statePath: state === undefined ? undefined : resolve(state),
    allowRemote,
    region: optionalString(argv['region']) ?? DEFAULT_REGION,
  };
}

/** `ecs-diag emulator serve`. */
export const emulatorCommand = defineCommand<Record<string, unknown>>({
  command: 'emulator <action>',
  describe: 'Run the embedded ECS Exec emulator (ECS + SSM APIs, data channel, sandboxed tasks) on a port',
  builder: (y) =>
    y
      .positional('action', { choices: ['serve'] as const, describe: 'serve: listen until Ctrl-C' })
      .option('host', {
        type: 'string',
        default: '127.0.0.1',
        describe: 'address to listen on (loopback only without --allow-remote)',
      })
      .option('port', { type: 'number', default: DEFAULT_PORT, describe: 'port (0 picks a free one)' })
      .option('time-scale', {
        type: 'number',
        default: 1,
        describe: 'a logical second lasts this many real seconds (0.01: a 20-minute timeout in 12 s)',
      })
      .option('profile', {
        type: 'string',
        default: 'default',
        describe: 'behaviour profile: default, short-window, or a JSON file (src/emulator/profiles/*.json)',
      })
      .option('state', { type: 'string', describe: 'load the state from and save it to this JSON file' })
      .option('allow-remote', { type: 'boolean', default: false, describe: 'allow a non-loopback --host' })
      .example(
        '$0 emulator serve',
        'serve on http://127.0.0.1:4566 with a default cluster and one exec-enabled task',
      )
      .example('$0 emulator serve --port 0 --time-scale 0.01', 'a free port, 100x faster than AWS')
      .example(
        '$0 emulator serve --profile short-window --state ./emu-state.json',
        '5-minute idle timeout, state kept across restarts',
      )
      .example(
        'AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 aws ecs list-tasks',
        'then, in another shell',
      ),
  async run(argv, ctx) {
    const opts = parseServeOptions(argv);
    const emulator = await startEmulator({
      deps: ctx.deps,
      host: opts.host,
      port: opts.port,
      timeScale: opts.timeScale,
      profile: opts.profile,
      region: opts.region,
      allowRemote: opts.allowRemote,
      ...(opts.statePath ? { statePath: opts.statePath } : {}),
    });
    ctx.onCleanup(() => emulator.close());
    const env = emulatorClientEnv(emulator);
    if (ctx.global.json) {
      ctx.io.ndjson({
        event: 'listening',
        endpoint: emulator.endpoint,
        region: emulator.region,
        profile: emulator.profile.name,
        timeScale: emulator.timeScale,
        sweepPhaseS: emulator.sweepPhaseS,
        env,
      });
    } else {
      ctx.io.info(
        `ecs-diag emulator listening on ${emulator.endpoint} (region ${emulator.region}, profile ${emulator.profile.name}, ` +
          `idle ${emulator.profile.idleTimeoutS} s, sweep ${emulator.profile.sweepIntervalS} s, time scale ${emulator.timeScale})`,
      );
      ctx.io.info('Point the aws CLI and the SDKs at it with:');
      ctx.io.result(
        Object.entries(env)
          .map(([k, v]) => `export ${k}=${v}`)
          .join('\n'),
      );
      ctx.io.info('Press Ctrl-C to stop (every task and session it started is ended).');
    }
    await new Promise<void>((done) => {
      if (ctx.signal.aborted) done();
      else ctx.signal.addEventListener('abort', () => done(), { once: true });
    });
    await emulator.close();
    if (ctx.global.json) ctx.io.ndjson({ event: 'stopped' });
    else ctx.io.info('emulator stopped');
    return EXIT.OK;
  },
});
