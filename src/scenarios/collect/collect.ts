/**
 * `ecs-diag collect-logs`: the evidence of why a command died, pulled out of the container over
 * ECS Exec itself, checksummed end to end, plus what the control plane knows about the task.
 *
 * Steps:
 * 1. control plane: DescribeTasks (the task, its container, managed agents), DescribeClusters
 *    (exec configuration), DescribeSessions (active and history for the container's target);
 * 2. probe: one short session lists the artifacts with size, mode, mtime and sha256;
 * 3. transfer: each file in chunks, each chunk one short session, decoded and checked against
 *    the probe's sha256; a mismatch is retried once; a file that changed while read is flagged;
 * 4. commands: process list and agent version;
 * 5. manifest.json, rewritten after every file so an interrupted collection is kept, marked partial.
 */
import type { Task } from '@aws-sdk/client-ecs';
import type { EcsApi, SsmApi } from '../../aws/clients.js';
import type { Deps } from '../../deps.js';
import { DiagError, isDiagError } from '../../errors.js';
import {
  COMMAND_CAPTURES,
  type ContainerTools,
  type ProbedFile,
  parseProbe,
  probeScript,
} from './artifacts.js';
import { type CollectionSink, sha256Hex } from './collection-dir.js';
import type { RemoteShell } from './remote-shell.js';
import { pickEncoding, readBatch, readRange, type TransferEncoding } from './transfer.js';

/** Bytes per transfer session. */
const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

/** manifest.json schema version. */
export const COLLECT_SCHEMA_VERSION = 1;

/** One collected file in the manifest. */
export interface ManifestFile {
  /** Container path, or a name such as `commands/ps.txt` / `control-plane/describe-tasks.json`. */
  readonly path: string;
  /** Path relative to the collection directory. */
  readonly localPath: string;
  readonly size: number;
  readonly sha256: string;
  readonly mode?: string;
  /** Container mtime, ISO. */
  readonly mtime?: string;
  /** How it was obtained. */
  readonly obtainedBy: TransferEncoding | 'command' | 'api';
  /** True when the container's sha256 matched ours. */
  readonly verified: boolean;
  /** Set when only the tail was collected (--max-bytes): the offset it starts at and the full size. */
  readonly truncated?: { readonly offset: number; readonly fullSize: number };
  /** The file changed while it was read: its content may mix two versions. */
  readonly changedDuringRead?: boolean;
}

/** manifest.json. */
export interface CollectManifest {
  readonly schemaVersion: typeof COLLECT_SCHEMA_VERSION;
  readonly kind: 'ecs-diag-collect';
  readonly collectedAt: string;
  readonly target: {
    readonly kind: 'local' | 'aws';
    readonly cluster: string;
    readonly task: string;
    readonly container: string;
    readonly runtimeId?: string;
    readonly ssmTarget?: string;
  };
  tools?: ContainerTools;
  encoding?: TransferEncoding;
  readonly limits: { readonly since?: string; readonly maxBytes?: number };
  partial: boolean;
  readonly files: ManifestFile[];
  readonly missing: string[];
  readonly errors: Array<{ readonly path: string; readonly code: string; readonly message: string }>;
}

/** Options of {@link collectLogs}. */
export interface CollectOptions {
  readonly clients: { readonly ecs: EcsApi; readonly ssm?: SsmApi };
  readonly targetKind: 'local' | 'aws';
  readonly cluster: string;
  readonly task: string;
  /** The container (resolved and checked by the caller, e.g. with resolveTasks). */
  readonly container: string;
  /** Opens the output directory once the target is known to be valid. */
  readonly openSink: (base: string) => Promise<CollectionSink>;
  /** Builds the shell for the resolved container. */
  readonly shellFor: (container: string) => RemoteShell;
  readonly deps: Deps;
  readonly signal?: AbortSignal;
  /** Only files modified at or after this time (epoch ms). */
  readonly since?: number;
  /** Only the last `maxBytes` of each file. */
  readonly maxBytes?: number;
  /** Bytes per transfer session. @default 8 MiB */
  readonly chunkBytes?: number;
}

/** What {@link collectLogs} returns. */
export interface CollectResult {
  readonly dir: string;
  readonly manifest: CollectManifest;
}

/**
 * Runs a collection. Bad input throws before any directory is created; later failures are recorded
 * in the manifest, which is then marked partial.
 */
export async function collectLogs(options: CollectOptions): Promise<CollectResult> {
  const { deps } = options;
  const task = await describeTask(options.clients.ecs, options.cluster, options.task);
  const container = options.container;
  const taskId = (task.taskArn ?? options.task).split('/').pop() ?? options.task;
  const clusterName = (task.clusterArn ?? options.cluster).split('/').pop() ?? options.cluster;
  const runtimeId = task.containers?.find((c) => c.name === container)?.runtimeId;
  const ssmTarget = runtimeId ? `ecs:${clusterName}_${taskId}_${runtimeId}` : undefined;
  const stamp = new Date(deps.clock.now())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const sink = await options.openSink(`collect-${taskId.slice(0, 12)}-${container}-${stamp}`);

  const manifest: CollectManifest = {
    schemaVersion: COLLECT_SCHEMA_VERSION,
    kind: 'ecs-diag-collect',
    collectedAt: new Date(deps.clock.now()).toISOString(),
    target: { kind: options.targetKind, cluster: clusterName, task: taskId, container, runtimeId, ssmTarget },
    limits: {
      ...(options.since !== undefined ? { since: new Date(options.since).toISOString() } : {}),
      ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
    },
    partial: true,
    files: [],
    missing: [],
    errors: [],
  };
  const save = () => sink.writeManifest(manifest);
  const progress = (message: string, data?: Record<string, unknown>) =>
    deps.log.emit({
      time: deps.clock.now(),
      level: 'info',
      code: 'COLLECT_I0100',
      message,
      ...(data ? { data } : {}),
    });

  try {
    await collectControlPlane(options, { clusterName, taskId, ssmTarget }, sink, manifest);
    await save();

    const shell = options.shellFor(container);
    progress(`probing ${container} in task ${taskId}`);
    const probe = await runProbe(shell, options);
    const encoding = pickEncoding(probe.tools);
    manifest.tools = probe.tools;
    manifest.encoding = encoding;
    manifest.missing.push(...probe.missing);
    const wanted = probe.files.filter((f) => options.since === undefined || f.mtime * 1000 >= options.since);

    // Small files travel together (one session per batch); big ones alone, in chunks.
    const chunk = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    for (const batch of batchFiles(wanted, chunk)) {
      options.signal?.throwIfAborted();
      progress(`collecting ${batch.map((f) => f.path).join(', ')} (${encoding})`, {
        paths: batch.map((f) => f.path),
      });
      let first: Uint8Array[] | undefined;
      if (batch.length > 1) {
        try {
          first = await readBatch(
            shell,
            batch.map((f) => ({ path: f.path, offset: f.offset, length: f.size - f.offset })),
            { encoding, signal: options.signal },
          );
        } catch (err) {
          if (options.signal?.aborted) throw err;
          first = undefined; // each file is then retried on its own
        }
      }
      for (const [i, file] of batch.entries()) {
        try {
          manifest.files.push(await collectFile(shell, sink, file, encoding, options, first?.[i]));
        } catch (err) {
          if (options.signal?.aborted) throw err;
          manifest.errors.push(errorEntry(file.path, err));
        }
      }
      await save();
    }

    for (const cap of COMMAND_CAPTURES) {
      options.signal?.throwIfAborted();
      try {
        const res = await shell.run(cap.script, { signal: options.signal });
        const name = `commands/${cap.name}`;
        const localPath = await sink.writeFile(name, res.stdout);
        manifest.files.push({
          path: name,
          localPath,
          size: res.stdout.length,
          sha256: sha256Hex(res.stdout),
          obtainedBy: 'command',
          verified: false,
        });
      } catch (err) {
        if (options.signal?.aborted) throw err;
        manifest.errors.push(errorEntry(`commands/${cap.name}`, err));
      }
    }
    manifest.partial = manifest.errors.length > 0;
  } catch (err) {
    manifest.errors.push(errorEntry('(collection)', err));
    await save();
    if (options.signal?.aborted)
      throw new DiagError('CLI_INTERRUPTED', `interrupted; partial collection kept in ${sink.dir}`);
    if (isDiagError(err) && err.code === 'COLLECT_NO_SHELL') throw err;
    return { dir: sink.dir, manifest };
  }
  await save();
  return { dir: sink.dir, manifest };
}

async function describeTask(ecs: EcsApi, cluster: string, task: string): Promise<Task> {
  const out = await ecs.describeTasks({ cluster, tasks: [task] });
  const found = out.tasks?.[0];
  if (!found) {
    const reason = out.failures?.[0]?.reason ?? 'MISSING';
    throw new DiagError('AWS_TASK_NOT_FOUND', `task ${task} not found in cluster ${cluster} (${reason})`, {
      source: 'user',
      hint: 'list tasks with `aws ecs list-tasks --cluster ' + cluster + '`',
    });
  }
  return found;
}

async function collectControlPlane(
  options: CollectOptions,
  ids: { clusterName: string; taskId: string; ssmTarget: string | undefined },
  sink: CollectionSink,
  manifest: CollectManifest,
): Promise<void> {
  const calls: Array<[string, () => Promise<unknown>]> = [
    [
      'describe-tasks.json',
      () => options.clients.ecs.describeTasks({ cluster: ids.clusterName, tasks: [ids.taskId] }),
    ],
    [
      'describe-clusters.json',
      () =>
        options.clients.ecs.describeClusters({ clusters: [ids.clusterName], include: ['CONFIGURATIONS'] }),
    ],
  ];
  const ssm = options.clients.ssm;
  if (ssm && ids.ssmTarget) {
    const filters = [{ key: 'Target' as const, value: ids.ssmTarget }];
    calls.push([
      'describe-sessions-history.json',
      () => ssm.describeSessions({ State: 'History', Filters: filters }),
    ]);
    calls.push([
      'describe-sessions-active.json',
      () => ssm.describeSessions({ State: 'Active', Filters: filters }),
    ]);
  }
  for (const [name, call] of calls) {
    try {
      const { $metadata: _m, ...out } = (await call()) as { $metadata?: unknown };
      const bytes = Buffer.from(`${JSON.stringify(out, null, 2)}\n`);
      const path = `control-plane/${name}`;
      const localPath = await sink.writeFile(path, bytes);
      manifest.files.push({
        path,
        localPath,
        size: bytes.length,
        sha256: sha256Hex(bytes),
        obtainedBy: 'api',
        verified: false,
      });
    } catch (err) {
      manifest.errors.push(errorEntry(`control-plane/${name}`, err));
    }
  }
}

async function runProbe(shell: RemoteShell, options: CollectOptions) {
  try {
    const res = await shell.run(probeScript(options.maxBytes ? { maxBytes: options.maxBytes } : {}), {
      signal: options.signal,
    });
    const probe = parseProbe(Buffer.from(res.stdout).toString('utf8'));
    if (res.exitCode !== 0 && probe.files.length === 0 && probe.missing.length === 0) {
      throw new DiagError(
        'COLLECT_NO_SHELL',
        `the container could not run the probe (exit ${res.exitCode})`,
        {
          hint: 'collect-logs needs /bin/sh in the image',
        },
      );
    }
    return probe;
  } catch (err) {
    if (isDiagError(err) && err.code === 'SESSION_NO_RESULT') {
      throw new DiagError(
        'COLLECT_NO_SHELL',
        'the container has no usable /bin/sh: nothing can be collected over ECS Exec',
        {
          cause: err,
          hint: 'collect-logs needs /bin/sh in the image',
        },
      );
    }
    throw err;
  }
}

async function collectFile(
  shell: RemoteShell,
  sink: CollectionSink,
  file: ProbedFile,
  encoding: TransferEncoding,
  options: CollectOptions,
  prefetched?: Uint8Array,
): Promise<ManifestFile> {
  const length = file.size - file.offset;
  let bytes: Uint8Array = new Uint8Array();
  let changed = false;
  for (let attempt = 1; attempt <= 2; attempt++) {
    bytes =
      attempt === 1 && prefetched
        ? prefetched
        : await readRange(shell, file.path, file.offset, length, {
            encoding,
            chunkBytes: options.chunkBytes,
            signal: options.signal,
          });
    if (file.sha256 === undefined || sha256Hex(bytes) === file.sha256) break;
    // Mismatch: did the file change, or did the transfer go wrong?
    const again = parseProbe(
      Buffer.from(
        (await shell.run(probeScript({ maxBytes: options.maxBytes, paths: [file.path] }))).stdout,
      ).toString('utf8'),
    ).files[0];
    if (again && (again.size !== file.size || again.mtime !== file.mtime || again.sha256 !== file.sha256)) {
      changed = true;
      break;
    }
    if (attempt === 2) {
      throw new DiagError('COLLECT_CHECKSUM_MISMATCH', `${file.path}: sha256 differs after transfer, twice`);
    }
  }
  const localPath = await sink.writeFile(file.path, bytes);
  const sha = sha256Hex(bytes);
  return {
    path: file.path,
    localPath,
    size: bytes.length,
    sha256: sha,
    mode: file.mode,
    mtime: Number.isFinite(file.mtime) ? new Date(file.mtime * 1000).toISOString() : undefined,
    obtainedBy: encoding,
    verified: file.sha256 !== undefined && sha === file.sha256,
    ...(file.offset > 0 ? { truncated: { offset: file.offset, fullSize: file.size } } : {}),
    ...(changed ? { changedDuringRead: true } : {}),
  };
}

/** Groups files into batches of at most `limit` bytes; a file bigger than that is a batch of its own. */
export function batchFiles(files: readonly ProbedFile[], limit: number): ProbedFile[][] {
  const batches: ProbedFile[][] = [];
  let current: ProbedFile[] = [];
  let bytes = 0;
  for (const f of files) {
    const n = f.size - f.offset;
    if (n > limit) {
      batches.push([f]);
      continue;
    }
    if (bytes + n > limit && current.length > 0) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(f);
    bytes += n;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function errorEntry(path: string, err: unknown) {
  return {
    path,
    code: isDiagError(err) ? err.code : ((err as { name?: string })?.name ?? 'INTERNAL'),
    message: (err as Error)?.message ?? String(err),
  };
}
