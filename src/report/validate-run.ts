/**
 * Structural validation of the run schema (src/scenarios/result.ts) for data read from disk.
 * Pure: takes parsed JSON, returns the typed value or the list of problems (JSON paths).
 */
import {
  type CaseOutcome,
  type CaseResult,
  RUN_SCHEMA_VERSION,
  type RunReport,
} from '../scenarios/result.js';

const OUTCOME_SET: ReadonlySet<string> = new Set<CaseOutcome>([
  'completed',
  'killed',
  'survived',
  'error',
  'interrupted',
]);

/** The result of a validation: the value, or the problems found (at most ~20, each `path: what`). */
export type Validated<T> = { ok: true; value: T } | { ok: false; problems: string[] };

type Obj = Record<string, unknown>;

class Checker {
  readonly problems: string[] = [];

  fail(path: string, what: string): void {
    if (this.problems.length < 20) this.problems.push(`${path || '(root)'}: ${what}`);
  }

  object(v: unknown, path: string): Obj | undefined {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Obj;
    this.fail(path, 'expected an object');
    return undefined;
  }

  array(v: unknown, path: string): unknown[] {
    if (Array.isArray(v)) return v;
    this.fail(path, 'expected an array');
    return [];
  }

  string(o: Obj, key: string, path: string, optional = false): void {
    const v = o[key];
    if (v === undefined && optional) return;
    if (typeof v !== 'string') this.fail(`${path}.${key}`, 'expected a string');
  }

  number(o: Obj, key: string, path: string, optional = false, nullable = false): void {
    const v = o[key];
    if (v === undefined && optional) return;
    if (v === null && nullable) return;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`${path}.${key}`, 'expected a finite number');
  }

  isoTime(o: Obj, key: string, path: string): void {
    const v = o[key];
    if (typeof v !== 'string' || Number.isNaN(Date.parse(v)))
      this.fail(`${path}.${key}`, 'expected an ISO time');
  }

  schemaVersion(o: Obj, path: string): void {
    if (o['schemaVersion'] !== RUN_SCHEMA_VERSION) {
      this.fail(
        `${path}.schemaVersion`,
        `expected ${RUN_SCHEMA_VERSION}, got ${JSON.stringify(o['schemaVersion'])}`,
      );
    }
  }
}

/** Validates one CaseResult (one line of results.jsonl). */
export function validateCaseResult(v: unknown, path = ''): Validated<CaseResult> {
  const c = new Checker();
  checkCase(c, v, path);
  return c.problems.length === 0 ? { ok: true, value: v as CaseResult } : { ok: false, problems: c.problems };
}

/** Validates a whole report.json. */
export function validateRunReport(v: unknown): Validated<RunReport> {
  const c = new Checker();
  const o = c.object(v, '');
  if (o) {
    c.schemaVersion(o, '');
    c.string(o, 'runId', '');
    const sc = c.object(o['scenario'], '.scenario');
    if (sc) {
      c.string(sc, 'name', '.scenario');
      c.string(sc, 'file', '.scenario');
    }
    checkTarget(c, o['target']);
    c.isoTime(o, 'startedAt', '');
    c.isoTime(o, 'endedAt', '');
    if (typeof o['partial'] !== 'boolean') c.fail('.partial', 'expected a boolean');
    c.array(o['cases'], '.cases').forEach((x, i) => {
      checkCase(c, x, `.cases[${i}]`);
    });
    c.array(o['variants'], '.variants').forEach((x, i) => {
      checkVariant(c, x, `.variants[${i}]`);
    });
    const kw = c.object(o['killWindow'], '.killWindow');
    if (kw) {
      c.number(kw, 'n', '.killWindow');
      for (const k of ['min', 'median', 'max']) c.number(kw, k, '.killWindow', false, true);
      if (kw['n'] === 0 && (kw['min'] !== null || kw['median'] !== null || kw['max'] !== null)) {
        c.fail('.killWindow', 'min/median/max must be null when n = 0');
      }
      if (typeof kw['n'] === 'number' && kw['n'] > 0 && [kw['min'], kw['median'], kw['max']].includes(null)) {
        c.fail('.killWindow', 'min/median/max must be numbers when n > 0');
      }
    }
  }
  return c.problems.length === 0 ? { ok: true, value: v as RunReport } : { ok: false, problems: c.problems };
}

function checkTarget(c: Checker, v: unknown): void {
  const t = c.object(v, '.target');
  if (!t) return;
  if (t['kind'] !== 'local' && t['kind'] !== 'aws') c.fail('.target.kind', 'expected local or aws');
  if (t['figureKind'] !== 'emulator-model' && t['figureKind'] !== 'field-measurement') {
    c.fail('.target.figureKind', 'expected emulator-model or field-measurement');
  }
  c.string(t, 'endpoint', '.target', true);
  c.string(t, 'region', '.target', true);
  c.string(t, 'cluster', '.target');
  c.array(t['tasks'], '.target.tasks').forEach((x, i) => {
    if (typeof x !== 'string') c.fail(`.target.tasks[${i}]`, 'expected a string');
  });
  if (t['emulator'] !== undefined) {
    const e = c.object(t['emulator'], '.target.emulator');
    if (e) {
      c.string(e, 'profile', '.target.emulator');
      for (const k of ['timeScale', 'idleTimeoutS', 'sweepIntervalS']) c.number(e, k, '.target.emulator');
    }
  }
  if (t['agentVersions'] !== undefined) {
    const a = c.object(t['agentVersions'], '.target.agentVersions');
    for (const [k, ver] of Object.entries(a ?? {})) {
      if (typeof ver !== 'string') c.fail(`.target.agentVersions.${k}`, 'expected a string');
    }
  }
}

function checkCase(c: Checker, v: unknown, path: string): void {
  const o = c.object(v, path);
  if (!o) return;
  c.schemaVersion(o, path);
  for (const k of ['caseId', 'variant', 'task', 'container']) c.string(o, k, path);
  c.string(o, 'sessionId', path, true);
  c.number(o, 'durationS', path);
  if (typeof o['outcome'] !== 'string' || !OUTCOME_SET.has(o['outcome'])) {
    c.fail(`${path}.outcome`, `expected one of ${[...OUTCOME_SET].join(', ')}`);
  }
  c.isoTime(o, 'startedAt', path);
  for (const k of ['endS', 'killedAtS', 'sessionEndS', 'exitStatus']) c.number(o, k, path, true);
  if (o['outcome'] === 'killed' && typeof o['killedAtS'] !== 'number') {
    c.fail(`${path}.killedAtS`, 'required when outcome is killed');
  }
  if (o['details'] !== undefined) c.object(o['details'], `${path}.details`);
  if (o['error'] !== undefined) {
    const e = c.object(o['error'], `${path}.error`);
    if (e) {
      c.string(e, 'code', `${path}.error`);
      c.string(e, 'message', `${path}.error`);
    }
  }
}

function checkVariant(c: Checker, v: unknown, path: string): void {
  const o = c.object(v, path);
  if (!o) return;
  c.string(o, 'variant', path);
  c.array(o['cells'], `${path}.cells`).forEach((x, i) => {
    const p = `${path}.cells[${i}]`;
    const cell = c.object(x, p);
    if (!cell) return;
    c.number(cell, 'durationS', p);
    const outcomes = c.object(cell['outcomes'], `${p}.outcomes`);
    for (const [k, n] of Object.entries(outcomes ?? {})) {
      if (!OUTCOME_SET.has(k)) c.fail(`${p}.outcomes.${k}`, 'unknown outcome');
      else if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
        c.fail(`${p}.outcomes.${k}`, 'expected a count');
    }
    c.array(cell['killedAtS'], `${p}.killedAtS`).forEach((k, j) => {
      if (typeof k !== 'number') c.fail(`${p}.killedAtS[${j}]`, 'expected a number');
    });
  });
}
