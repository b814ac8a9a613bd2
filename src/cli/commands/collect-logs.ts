/**
 * `ecs-diag collect-logs`: the agent logs, errors.log, session transcripts, /nohup.out and the
 * agent config pulled out of a container over ECS Exec, checksummed, with the control plane's view.
 */
import { resolve } from 'node:path';
import { DiagError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { collectLogs } from '../../scenarios/collect/collect.js';
import { createCollectionDir } from '../../scenarios/collect/collection-dir.js';
import { execRemoteShell } from '../../scenarios/collect/remote-shell.js';
import { resolveOneTask } from '../../scenarios/targets.js';
import { defineCommand } from '../command.js';
import { optionalString, parseTaskTarget, positiveNumber, withTaskTarget } from '../options.js';
import { connectTarget } from '../target.js';

/** Validated options. */
interface CollectLogsOptions {
  readonly out: string;
  readonly since: number | undefined;
  readonly maxBytes: number | undefined;
}

/** Parses `--since`: an ISO date/time, or a duration back from now like 30m, 2h, 1d. */
export function parseSince(v: unknown, now: number): number | undefined {
  const s = optionalString(v);
  if (s === undefined) return undefined;
  const rel = /^(\d+)([smhd])$/.exec(s);
  if (rel)
    return now - Number(rel[1]) * { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[rel[2] as 's' | 'm' | 'h' | 'd'];
  const t = Date.parse(s);
  if (Number.isNaN(t)) {
    throw new DiagError(
      'CLI_BAD_ARGUMENT',
      `--since must be an ISO time or a duration like 30m, 2h, 1d, not ${s}`,
    );
  }
  return t;
}

function parseOptions(argv: Record<string, unknown>, now: number): CollectLogsOptions {
  return {
    out: resolve(optionalString(argv['out']) ?? '.'),
    since: parseSince(argv['since'], now),
    maxBytes:
      argv['max-bytes'] === undefined
        ? undefined
        : Math.floor(positiveNumber(argv['max-bytes'], '--max-bytes')),
  };
}

/** `ecs-diag collect-logs`. */
export const collectLogsCommand = defineCommand<Record<string, unknown>>({
  command: 'collect-logs',
  describe: 'Pull agent logs, transcripts, nohup.out and agent config out of a container, checksummed',
  builder: (y) =>
    withTaskTarget(y)
      .option('out', {
        alias: 'o',
        type: 'string',
        describe: 'parent directory of the new collection directory',
        default: '.',
      })
      .option('since', {
        type: 'string',
        describe: 'only files modified since (ISO time, or 30m / 2h / 1d ago)',
      })
      .option('max-bytes', { type: 'number', describe: 'only the last N bytes of each file' })
      .example('$0 collect-logs --endpoint-url http://127.0.0.1:4566', 'from the emulator’s default task')
      .example(
        '$0 collect-logs --target aws --cluster prod --task 0123abcd --container app -o evidence/',
        'from AWS',
      )
      .example('$0 collect-logs --since 2h --max-bytes 5000000', 'recent files, at most 5 MB of each')
      .example('$0 analyze ./collect-0123abcd-app-20261129T174501Z', 'then analyze the collection'),
  async run(argv, ctx) {
    const target = parseTaskTarget(argv);
    const opts = parseOptions(argv, ctx.deps.clock.now());
    const conn = await connectTarget(ctx.global, { deps: ctx.deps });
    ctx.onCleanup(() => conn.close());
    const task = await resolveOneTask(conn.clients.ecs, target);
    const { dir, manifest } = await collectLogs({
      clients: conn.clients,
      targetKind: conn.kind,
      cluster: task.cluster,
      task: task.task,
      container: task.container,
      openSink: (base) => createCollectionDir(opts.out, base),
      shellFor: (container) =>
        execRemoteShell(
          conn.clients,
          { cluster: task.cluster, task: task.task, container },
          { deps: ctx.deps },
        ),
      deps: ctx.deps,
      signal: ctx.signal,
      ...(opts.since !== undefined ? { since: opts.since } : {}),
      ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}),
    });
    if (ctx.global.json) {
      ctx.io.json({ dir, ...manifest });
    } else {
      const bytes = manifest.files.reduce((n, f) => n + f.size, 0);
      const verified = manifest.files.filter((f) => f.verified).length;
      ctx.io.result(
        `${manifest.partial ? 'PARTIAL collection' : 'collected'}: ${manifest.files.length} files, ${bytes} bytes ` +
          `(${verified} verified by sha256, ${manifest.missing.length} missing) via ${manifest.encoding ?? '?'} → ${dir}`,
      );
      for (const e of manifest.errors) ctx.io.warn(`${e.path}: ${e.message} [${e.code}]`);
      for (const f of manifest.files.filter((x) => x.changedDuringRead))
        ctx.io.warn(`${f.path} changed while it was read`);
    }
    return manifest.partial ? EXIT.ENVIRONMENT : EXIT.OK;
  },
});
