/**
 * Where a command's AWS calls go, from the global options:
 *
 *   --target aws                    → real AWS (region/profile/endpoint as given)
 *   --target local --endpoint-url U → a running `ecs-diag emulator serve` at U (test/test credentials)
 *   --target local                  → an embedded emulator started in-process on 127.0.0.1:0
 *
 * The caller owns the connection and must `close()` it (it stops an embedded emulator and every
 * task it started).
 */
import type { AwsClients } from '../aws/clients.js';
import { makeAwsClients } from '../aws/clients.js';
import type { Deps } from '../deps.js';
import type { BehaviourProfile } from '../emulator/contracts.js';
import {
  DEFAULT_CREDENTIALS,
  DEFAULT_REGION,
  type RunningEmulator,
  startEmulator,
} from '../emulator/server.js';
import type { GlobalOptions } from './options.js';

/** Options of {@link connectTarget}. */
export interface ConnectTargetOptions {
  readonly deps: Deps;
  /** Embedded emulator only. @default 1 */
  readonly timeScale?: number;
  /** Embedded emulator only: a built-in profile name, a file path, or an object. @default 'default' */
  readonly profile?: string | Partial<BehaviourProfile>;
  /** @default 3 (SDK standard retries) */
  readonly maxAttempts?: number;
}

/** An open target: clients plus what they point at. */
export interface TargetConnection {
  readonly kind: 'local' | 'aws';
  readonly clients: AwsClients;
  readonly region: string;
  /** The endpoint override, when there is one (always for local). */
  readonly endpoint?: string;
  /** The embedded emulator, when this connection started one. */
  readonly emulator?: RunningEmulator;
  /** Destroys the clients and stops an embedded emulator. Idempotent. */
  close(): Promise<void>;
}

/** Opens the target the global options name. */
export async function connectTarget(
  global: GlobalOptions,
  opts: ConnectTargetOptions,
): Promise<TargetConnection> {
  const maxAttempts = opts.maxAttempts ?? 3;
  if (global.target === 'aws') {
    const region = global.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
    const clients = makeAwsClients({
      region: region ?? DEFAULT_REGION,
      maxAttempts,
      ...(global.profile ? { profile: global.profile } : {}),
      ...(global.endpointUrl ? { endpoint: global.endpointUrl } : {}),
    });
    return {
      kind: 'aws',
      clients,
      region: region ?? DEFAULT_REGION,
      ...(global.endpointUrl ? { endpoint: global.endpointUrl } : {}),
      close: once(async () => clients.destroy()),
    };
  }
  if (global.endpointUrl) {
    const region = global.region ?? DEFAULT_REGION;
    const clients = makeAwsClients({
      region,
      maxAttempts,
      endpoint: global.endpointUrl,
      credentials: DEFAULT_CREDENTIALS,
    });
    return {
      kind: 'local',
      clients,
      region,
      endpoint: global.endpointUrl,
      close: once(async () => clients.destroy()),
    };
  }
  const emulator = await startEmulator({
    deps: opts.deps,
    port: 0,
    ...(global.region ? { region: global.region } : {}),
    ...(opts.timeScale !== undefined ? { timeScale: opts.timeScale } : {}),
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
  });
  const clients = makeAwsClients({
    region: emulator.region,
    maxAttempts,
    endpoint: emulator.endpoint,
    credentials: emulator.credentials,
  });
  return {
    kind: 'local',
    clients,
    region: emulator.region,
    endpoint: emulator.endpoint,
    emulator,
    close: once(async () => {
      clients.destroy();
      await emulator.close();
    }),
  };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => {
    p ??= fn();
    return p;
  };
}
