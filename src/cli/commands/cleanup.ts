/**
 * `ecs-diag cleanup DIR`: kills what a matrix run left in its containers, restores the Session
 * Manager preferences it changed and stops the tasks it provisioned (src/scenarios/cleanup.ts).
 */
import { resolve } from 'node:path';
import { wsTransport } from '../../aws/ws-transport.js';
import { DiagError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { cleanupRun } from '../../scenarios/cleanup.js';
import { RunStore } from '../../scenarios/run-store.js';
import { sessionExecPort } from '../../scenarios/session-ports.js';
import { defineCommand } from '../command.js';
import { requireString } from '../options.js';
import { connectTarget } from '../target.js';

export const cleanupCommand = defineCommand<Record<string, unknown>>({
  command: 'cleanup <dir>',
  describe: 'Kill what a matrix run left in its containers, restore preferences, stop provisioned tasks',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', describe: 'the run directory (reports/<run-id>/)' })
      .example('$0 cleanup reports/20261129T174500Z-1a2b3c --target aws', 'after a run on AWS was killed')
      .example(
        '$0 cleanup reports/20261129T174500Z-1a2b3c --endpoint-url http://127.0.0.1:4566',
        'on a running emulator',
      ),
  run: async (argv, ctx) => {
    const store = new RunStore(resolve(requireString(argv['dir'], 'DIR')));
    const manifest = await store.readManifest();
    const { global, io, deps } = ctx;
    if (manifest.target.kind !== global.target) {
      throw new DiagError(
        'SCN_RESUME_MISMATCH',
        `the run in ${store.dir} was on --target ${manifest.target.kind}`,
        {
          source: 'user',
        },
      );
    }
    if (global.target === 'local' && !global.endpointUrl && !manifest.target.endpoint) {
      io.result(
        `nothing to clean: run ${manifest.runId} used an embedded emulator, whose tasks ended with it`,
      );
      return EXIT.OK;
    }
    const conn = await connectTarget(
      manifest.target.endpoint && !global.endpointUrl
        ? { ...global, endpointUrl: manifest.target.endpoint }
        : global,
      { deps },
    );
    ctx.onCleanup(() => conn.close());
    const exec = sessionExecPort(conn.clients, wsTransport(), deps);
    const r = await cleanupRun({ store, ecs: conn.clients.ecs, ssm: conn.clients.ssm, exec });
    if (global.json) io.json(r);
    else {
      io.result(
        [
          `run ${r.runId}: killed ${r.killed} leftover process(es) in ${r.tasks.length} task(s)`,
          r.preferencesRestored
            ? 'Session Manager preferences restored from preferences-backup.json'
            : 'preferences: untouched by the run',
          r.stoppedTasks.length > 0
            ? `stopped ${r.stoppedTasks.length} provisioned task(s)`
            : 'no provisioned task to stop',
        ].join('\n'),
      );
    }
    return EXIT.OK;
  },
});
