/**
 * Loading a run from disk: a run directory (report.json, results.jsonl, report.md) or a
 * report.json file. Validates against the run schema; bad input is a coded error
 * (REPORT_BAD_RUN_DIR for missing/unreadable files, REPORT_BAD_SCHEMA for content).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DiagError } from '../errors.js';
import type { CaseResult, RunReport } from '../scenarios/result.js';
import { validateCaseResult, validateRunReport } from './validate-run.js';

/** A loaded run directory. */
export interface LoadedRun {
  readonly dir: string;
  readonly report: RunReport;
  /** The lines of results.jsonl, when the file exists. */
  readonly results: readonly CaseResult[] | undefined;
  /** Inconsistencies that do not stop a report (e.g. results.jsonl holds cases report.json lacks). */
  readonly warnings: readonly string[];
}

/** Loads and validates `DIR/report.json` and, when present, `DIR/results.jsonl`. */
export async function readRunDir(dir: string): Promise<LoadedRun> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new DiagError('REPORT_BAD_RUN_DIR', `${dir} is not a run directory`, {
      hint: 'pass the directory `ecs-diag run` wrote (it holds report.json)',
    });
  }
  const report = await readRunReport(join(dir, 'report.json'));
  const jsonlPath = join(dir, 'results.jsonl');
  const jsonl = await readFile(jsonlPath, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new DiagError('REPORT_BAD_RUN_DIR', `cannot read ${jsonlPath}: ${err.message}`, { cause: err });
  });
  const results = jsonl === undefined ? undefined : parseResultsJsonl(jsonl, jsonlPath);
  const warnings: string[] = [];
  if (results) {
    const inReport = new Set(report.cases.map((c) => c.caseId));
    const missing = results.filter((r) => !inReport.has(r.caseId)).map((r) => r.caseId);
    if (missing.length > 0) {
      warnings.push(
        `results.jsonl holds ${missing.length} case(s) report.json lacks: ${missing.slice(0, 5).join(', ')}`,
      );
    }
  }
  return { dir, report, results, warnings };
}

/**
 * Loads a report: `path` is a report.json file or a run directory holding one.
 * Used by `regress` for its baseline and current runs.
 */
export async function readRunReport(path: string): Promise<RunReport> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new DiagError('REPORT_BAD_RUN_DIR', `${path} does not exist`);
  const file = info.isDirectory() ? join(path, 'report.json') : path;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new DiagError('REPORT_BAD_RUN_DIR', `cannot read ${file}: ${(err as Error).message}`, {
      cause: err,
      hint: 'a finished or interrupted run writes report.json; `ecs-diag run --resume DIR` completes one',
    });
  }
  return parseRunReport(text, file);
}

/** Parses and validates report.json text; `source` names it in errors. */
export function parseRunReport(text: string, source: string): RunReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new DiagError('REPORT_BAD_SCHEMA', `${source} is not JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const v = validateRunReport(data);
  if (!v.ok) {
    throw new DiagError(
      'REPORT_BAD_SCHEMA',
      `${source} does not match the run schema: ${v.problems.join('; ')}`,
    );
  }
  return v.value;
}

/** Parses results.jsonl; blank lines are skipped, a bad line is an error naming its number. */
export function parseResultsJsonl(text: string, source: string): CaseResult[] {
  const out: CaseResult[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim() ?? '';
    if (line === '') continue;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      // A runner killed mid-write leaves a torn last line without its newline: the case in flight.
      if (i === lines.length - 1) break;
      throw new DiagError('REPORT_BAD_SCHEMA', `${source}:${i + 1} is not JSON`);
    }
    const v = validateCaseResult(data, `line ${i + 1}`);
    if (!v.ok) throw new DiagError('REPORT_BAD_SCHEMA', `${source}:${i + 1}: ${v.problems.join('; ')}`);
    out.push(v.value);
  }
  return out;
}
