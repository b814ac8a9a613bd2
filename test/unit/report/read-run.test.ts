import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseResultsJsonl,
  parseRunReport,
  readRunDir,
  readRunReport,
} from '../../../src/report/read-run.js';
import { DEFAULT_SPECS, makeReport, writeRunDir } from './fixtures.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'ecs-diag-read-run-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function code(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('readRunDir', () => {
  it('loads a valid run directory', async () => {
    const report = makeReport(DEFAULT_SPECS);
    const dir = await writeRunDir(join(tmp, 'ok'), report);
    const run = await readRunDir(dir);
    expect(run.report).toEqual(report);
    expect(run.results).toEqual(report.cases);
    expect(run.warnings).toEqual([]);
    expect(await readRunReport(dir)).toEqual(report);
    expect(await readRunReport(join(dir, 'report.json'))).toEqual(report);
  });

  it('warns when results.jsonl holds cases report.json lacks', async () => {
    const report = makeReport(DEFAULT_SPECS);
    const dir = await writeRunDir(join(tmp, 'more'), { ...report, cases: report.cases.slice(1) });
    await writeFile(join(dir, 'results.jsonl'), report.cases.map((c) => `${JSON.stringify(c)}\n`).join(''));
    expect((await readRunDir(dir)).warnings).toHaveLength(1);
  });

  it('refuses a missing directory or report.json with REPORT_BAD_RUN_DIR', async () => {
    expect(await code(readRunDir(join(tmp, 'nope')))).toBe('REPORT_BAD_RUN_DIR');
    const dir = await writeRunDir(join(tmp, 'noreport'), makeReport([]));
    await rm(join(dir, 'report.json'));
    expect(await code(readRunDir(dir))).toBe('REPORT_BAD_RUN_DIR');
    expect(await code(readRunReport(join(tmp, 'nope.json')))).toBe('REPORT_BAD_RUN_DIR');
  });

  it('refuses a bad results.jsonl line with REPORT_BAD_SCHEMA', async () => {
    const dir = await writeRunDir(join(tmp, 'badjsonl'), makeReport(DEFAULT_SPECS));
    await writeFile(join(dir, 'results.jsonl'), '{"schemaVersion":1}\n');
    expect(await code(readRunDir(dir))).toBe('REPORT_BAD_SCHEMA');
  });
});

describe('parseRunReport', () => {
  const good = makeReport(DEFAULT_SPECS);
  const bad = (mutate: (o: Record<string, unknown>) => void) => {
    const o = structuredClone(good) as unknown as Record<string, unknown>;
    mutate(o);
    return () => parseRunReport(JSON.stringify(o), 'x.json');
  };

  it.each([
    ['not JSON', () => parseRunReport('{', 'x.json')],
    ['unknown schema version', bad((o) => (o['schemaVersion'] = 2))],
    ['no killWindow', bad((o) => delete o['killWindow'])],
    ['killWindow n=0 with a min', bad((o) => (o['killWindow'] = { n: 0, min: 1, median: null, max: null }))],
    ['bad figureKind', bad((o) => ((o['target'] as Record<string, unknown>)['figureKind'] = 'guess'))],
    ['unknown outcome', bad((o) => ((o['cases'] as Record<string, unknown>[])[0]!['outcome'] = 'vanished'))],
    [
      'killed without killedAtS',
      bad((o) => delete (o['cases'] as Record<string, unknown>[])[1]!['killedAtS']),
    ],
    [
      'bad cell count',
      bad(
        (o) =>
          ((o['variants'] as { cells: { outcomes: Record<string, unknown> }[] }[])[0]!.cells[0]!.outcomes[
            'completed'
          ] = -1),
      ),
    ],
    ['bad startedAt', bad((o) => (o['startedAt'] = 'yesterday'))],
  ])('refuses %s with REPORT_BAD_SCHEMA', async (_name, fn) => {
    expect(await code(fn)).toBe('REPORT_BAD_SCHEMA');
  });
});

describe('parseResultsJsonl', () => {
  const [a, b] = makeReport(DEFAULT_SPECS).cases;
  it('ignores blank lines and a torn last line (the case in flight)', () => {
    const text = `${JSON.stringify(a)}\n\n${JSON.stringify(b)}\n{"schemaVersion":1,"caseId":"x`;
    expect(parseResultsJsonl(text, 'r.jsonl')).toEqual([a, b]);
  });
  it('refuses a broken line in the middle', async () => {
    expect(await code(() => parseResultsJsonl(`{oops\n${JSON.stringify(a)}\n`, 'r.jsonl'))).toBe(
      'REPORT_BAD_SCHEMA',
    );
  });
});
