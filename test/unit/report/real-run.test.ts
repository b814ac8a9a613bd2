/**
 * report, regress and bundle on a real run directory: `ecs-diag run timeout-matrix` with the quick
 * scenario on the embedded emulator (short-window profile, time scale 0.01), then every format,
 * regress against itself, and a bundle that verifies. Everything goes through the CLI's main().
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunDir } from '../../../src/report/read-run.js';
import { runCli } from '../../helpers/run-cli.js';

const ROOT = resolve(import.meta.dirname, '../../..');

const cli = (args: string[]) => runCli(args, { TZ: 'Europe/Paris' });

describe('a real run directory', () => {
  let tmp: string;
  let runDir: string;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'ecs-diag-real-run-'));
    runDir = join(tmp, 'run');
    const r = await cli([
      'run',
      'timeout-matrix',
      '--scenario',
      join(ROOT, 'scenarios/quick.yaml'),
      '--emulator-profile',
      join(ROOT, 'src/emulator/profiles/short-window.json'),
      '--out',
      runDir,
      '--quiet',
    ]);
    if (r.code !== 0) throw new Error(`ecs-diag run exited ${r.code}: ${r.stderr}`);
  }, 180_000);

  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('loads and validates', async () => {
    const run = await readRunDir(runDir);
    expect(run.report.cases.length).toBeGreaterThan(0);
    expect(run.results?.length).toBe(run.report.cases.length);
  });

  it('renders all four formats', async () => {
    const { report } = await readRunDir(runDir);
    const table = await cli(['report', runDir, '--format', 'table']);
    expect(table.code).toBe(0);
    for (const v of report.variants) expect(table.stdout).toContain(v.variant);
    const md = await cli(['report', runDir, '--format', 'md']);
    for (const c of report.cases) expect(md.stdout).toContain(`| ${c.caseId} |`);
    const html = await cli(['report', runDir, '--format', 'html']);
    expect(html.stdout.match(/<rect class="case-bar /g)).toHaveLength(report.cases.length);
    const json = await cli(['report', runDir, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual(report);
  });

  it('passes regress against itself and bundles into an archive that verifies', async () => {
    expect((await cli(['regress', '--baseline', runDir, '--current', runDir])).code).toBe(0);
    const out = join(tmp, 'bundle.tar.gz');
    expect((await cli(['bundle', runDir, '-o', out, '--redact-account'])).code).toBe(0);
    expect((await cli(['bundle', 'verify', out])).code).toBe(0);
  });
});
