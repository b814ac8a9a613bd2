import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandCases, loadScenario, parseScenario } from '../../../src/scenarios/matrix.js';

const ROOT = resolve(import.meta.dirname, '../../..');

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    if (typeof p === 'function') p();
    else await p;
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('scenario files', () => {
  it('loads the default matrix with every variant kind the issue asks for', async () => {
    const s = await loadScenario(join(ROOT, 'scenarios/timeout-matrix.yaml'));
    const kinds = new Set(s.variants.map((v) => v.kind));
    for (const k of [
      'detached',
      'session-preferences',
      'resume-session',
      'nohup',
      'setsid',
      'trap-hup',
      'attached',
    ]) {
      expect(kinds.has(k as never)).toBe(true);
    }
    const detached = s.variants.find((v) => v.name === 'detached');
    expect(detached?.durationsS).toEqual([600, 1150, 1190, 1210, 1230, 1250, 1300, 1800]);
    expect(new Set(s.variants.filter((v) => v.kind === 'attached').map((v) => v.attach?.mode))).toEqual(
      new Set(['silent', 'input', 'resize']),
    );
  });

  it('loads quick.yaml', async () => {
    expect(expandCases(await loadScenario(join(ROOT, 'scenarios/quick.yaml'))).length).toBeGreaterThan(0);
  });

  it('expands variants × durations × repeats into stable ids', () => {
    const s = parseScenario(
      'name: t\nvariants:\n  - {name: a, kind: detached, durations: [10, 20]}\n  - {name: b, kind: nohup, durations: [5], repeat: 2}\n',
      'x.yaml',
    );
    expect(expandCases(s).map((c) => c.caseId)).toEqual(['a-10', 'a-20', 'b-5-1', 'b-5-2']);
  });

  it.each([
    ['invalid YAML', 'name: [unclosed\n'],
    ['a duration of 0', 'name: t\nvariants:\n  - {name: a, kind: detached, durations: [0]}\n'],
    ['a negative duration', 'name: t\nvariants:\n  - {name: a, kind: detached, durations: [-5]}\n'],
    ['a duration that is text', 'name: t\nvariants:\n  - {name: a, kind: detached, durations: [ten]}\n'],
    ['an unknown kind', 'name: t\nvariants:\n  - {name: a, kind: teleport, durations: [1]}\n'],
    ['no variants', 'name: t\nvariants: []\n'],
    [
      'a duplicate variant',
      'name: t\nvariants:\n  - {name: a, durations: [1], kind: detached}\n  - {name: a, durations: [2], kind: nohup}\n',
    ],
    [
      'preferences out of range',
      'name: t\nvariants:\n  - {name: p, kind: session-preferences, preferences: {idleSessionTimeout: 61}, durations: [1]}\n',
    ],
    ['preferences missing', 'name: t\nvariants:\n  - {name: p, kind: session-preferences, durations: [1]}\n'],
    [
      'a bad attach mode',
      'name: t\nvariants:\n  - {name: p, kind: attached, attach: {mode: loud}, durations: [1]}\n',
    ],
  ])('refuses %s with SCN_BAD_SCENARIO', async (_what, text) => {
    expect(await codeOf(() => parseScenario(text, 'bad.yaml'))).toBe('SCN_BAD_SCENARIO');
  });

  it('refuses an unknown file with SCN_BAD_SCENARIO', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-diag-scn-'));
    expect(await codeOf(loadScenario(join(dir, 'nope.yaml')))).toBe('SCN_BAD_SCENARIO');
    writeFileSync(join(dir, 'bad.yaml'), 'variants: {');
    expect(await codeOf(loadScenario(join(dir, 'bad.yaml')))).toBe('SCN_BAD_SCENARIO');
  });
});
