/**
 * The run directory (`reports/<run-id>/` unless --out): the only files a matrix run writes.
 *
 *   run.json                  what was asked (scenario, target, options): --resume reads it
 *   results.jsonl             one CaseResult per line, appended and fsynced as each is known
 *   preferences-backup.json   the Session Manager preferences before the run changed them
 *   report.json, report.md    the report, rewritten at the end (also after Ctrl-C)
 *
 * A SIGKILL loses at most the cases in flight: every finished case is already on disk.
 */
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DiagError } from '../errors.js';
import type { SavedPreferences } from './preferences.js';
import { type CaseResult, RUN_SCHEMA_VERSION } from './result.js';

/** run.json: enough to resume a run and to clean up after it. */
export interface RunManifest {
  readonly schemaVersion: typeof RUN_SCHEMA_VERSION;
  readonly runId: string;
  /** ISO (real) time the run was first started. */
  readonly createdAt: string;
  readonly scenario: { readonly name: string; readonly file: string };
  readonly target: {
    readonly kind: 'local' | 'aws';
    readonly region?: string;
    readonly endpoint?: string;
    readonly cluster?: string;
    readonly tasks?: readonly string[];
    readonly service?: string;
    readonly provision?: number;
    readonly timeScale: number;
    readonly profile?: string;
  };
  readonly concurrency?: number;
  /** Tasks the run provisioned (to stop at the end; cleanup stops leftovers). */
  readonly provisionedTasks?: readonly string[];
}

const FILES = {
  manifest: 'run.json',
  results: 'results.jsonl',
  preferences: 'preferences-backup.json',
  reportJson: 'report.json',
  reportMd: 'report.md',
} as const;

/** Reads and writes one run directory. */
export class RunStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Path of a file in the run directory. */
  path(name: keyof typeof FILES): string {
    return join(this.dir, FILES[name]);
  }

  /** Creates the directory and writes run.json (atomically). */
  async create(manifest: RunManifest): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.writeAtomic('manifest', `${JSON.stringify(manifest, null, 2)}\n`);
  }

  /** Rewrites run.json (e.g. to add provisioned tasks). */
  async updateManifest(manifest: RunManifest): Promise<void> {
    await this.writeAtomic('manifest', `${JSON.stringify(manifest, null, 2)}\n`);
  }

  /** Reads run.json; REPORT_BAD_RUN_DIR when it is missing or not a run of this schema. */
  async readManifest(): Promise<RunManifest> {
    let text: string;
    try {
      text = await readFile(this.path('manifest'), 'utf8');
    } catch {
      throw new DiagError('REPORT_BAD_RUN_DIR', `${this.dir} is not a run directory (no run.json)`, {
        hint: 'pass the directory a previous `ecs-diag run timeout-matrix` wrote (reports/<run-id>/)',
      });
    }
    let m: RunManifest;
    try {
      m = JSON.parse(text) as RunManifest;
    } catch {
      throw new DiagError('REPORT_BAD_RUN_DIR', `${this.path('manifest')} is not valid JSON`);
    }
    if (m.schemaVersion !== RUN_SCHEMA_VERSION) {
      throw new DiagError(
        'REPORT_BAD_SCHEMA',
        `${this.path('manifest')} has schemaVersion ${m.schemaVersion}`,
      );
    }
    return m;
  }

  /** Appends one result line and fsyncs it before resolving. */
  async appendResult(result: CaseResult): Promise<void> {
    const fh = await open(this.path('results'), 'a');
    try {
      await fh.write(`${JSON.stringify(result)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  /**
   * Reads results.jsonl; the last line of a case wins. A torn last line (a SIGKILL mid-write)
   * is ignored.
   */
  async readResults(): Promise<CaseResult[]> {
    let text: string;
    try {
      text = await readFile(this.path('results'), 'utf8');
    } catch {
      return [];
    }
    const byCase = new Map<string, CaseResult>();
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const r = JSON.parse(line) as CaseResult;
        if (r.schemaVersion === RUN_SCHEMA_VERSION && typeof r.caseId === 'string') byCase.set(r.caseId, r);
      } catch {
        // a torn line
      }
    }
    return [...byCase.values()];
  }

  /** Saves the preferences backup (fsynced). */
  async savePreferences(saved: SavedPreferences): Promise<void> {
    await this.writeAtomic('preferences', `${JSON.stringify(saved, null, 2)}\n`);
  }

  /** Reads the preferences backup, if any. */
  async readPreferences(): Promise<SavedPreferences | undefined> {
    try {
      return JSON.parse(await readFile(this.path('preferences'), 'utf8')) as SavedPreferences;
    } catch {
      return undefined;
    }
  }

  /** Writes a file atomically (temp file, fsync, rename). */
  async writeAtomic(name: keyof typeof FILES, text: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = this.path(name);
    const tmp = `${target}.tmp`;
    await writeFile(tmp, text);
    const fh = await open(tmp, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  }
}
