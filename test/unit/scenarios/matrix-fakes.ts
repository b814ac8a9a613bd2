/**
 * Test doubles for the matrix: an in-memory SSM preferences document, an executor that plays a
 * kill model (idle window, workarounds survive), and an exec port that records scripts.
 */
import type { SsmApi } from '../../../src/aws/clients.js';
import type { CaseExecutor, CaseRun, CaseStatus, ExecPort } from '../../../src/scenarios/case-executor.js';
import { type CaseResult, RUN_SCHEMA_VERSION } from '../../../src/scenarios/result.js';

/** SSM-SessionManagerRunShell with versions, as aws-api.md §3.6 describes. */
export class FakePreferencesSsm {
  versions: string[] = [];
  defaultVersion = 0;
  /** Default-version changes, in order, for assertions. */
  readonly history: string[] = [];

  constructor(initial?: string) {
    if (initial !== undefined) {
      this.versions.push(initial);
      this.defaultVersion = 1;
    }
  }

  /** The content in force. */
  get current(): string | undefined {
    return this.versions[this.defaultVersion - 1];
  }

  api(): SsmApi {
    const notFound = () =>
      Object.assign(new Error('The specified document does not exist.'), { name: 'InvalidDocument' });
    const desc = (v: number) => ({
      DocumentDescription: { DocumentVersion: String(v), Name: 'SSM-SessionManagerRunShell' },
    });
    const setDefault = (v: number) => {
      this.defaultVersion = v;
      this.history.push(this.versions[v - 1] ?? '');
    };
    const api = {
      getDocument: async () => {
        if (this.defaultVersion === 0) throw notFound();
        return { Content: this.current, DocumentVersion: String(this.defaultVersion) };
      },
      describeDocument: async () => {
        if (this.versions.length === 0) throw notFound();
        return {};
      },
      createDocument: async (i: { Content?: string }) => {
        this.versions.push(i.Content ?? '');
        setDefault(1);
        return desc(1);
      },
      updateDocument: async (i: { Content?: string }) => {
        if (this.versions.includes(i.Content ?? '')) {
          throw Object.assign(new Error('duplicate'), { name: 'DuplicateDocumentContent' });
        }
        this.versions.push(i.Content ?? '');
        return desc(this.versions.length);
      },
      updateDocumentDefaultVersion: async (i: { DocumentVersion?: string }) => {
        setDefault(Number(i.DocumentVersion));
        return {};
      },
    };
    return api as unknown as SsmApi;
  }
}

/** What the fake executor saw of each case. */
export interface SeenCase {
  readonly caseId: string;
  readonly task: string;
  /** The preferences document content when the case started. */
  readonly preferences: string | undefined;
}

/**
 * Plays the kill model: foreground payloads longer than `windowS` are killed at `windowS`;
 * nohup/setsid/trap-hup survive. `holdUntilAbort` cases wait for Ctrl-C; `fail` cases throw.
 */
export class FakeExecutor implements CaseExecutor {
  readonly seen: SeenCase[] = [];
  /** Cases that wait for the abort signal (Ctrl-C tests). */
  readonly holdUntilAbort = new Set<string>();
  readonly fail = new Set<string>();
  readonly #windowS: number;
  readonly #prefs: () => string | undefined;

  constructor(windowS: number, prefs: () => string | undefined = () => undefined) {
    this.#windowS = windowS;
    this.#prefs = prefs;
  }

  async run(c: CaseRun, signal: AbortSignal, onStatus: (s: CaseStatus) => void): Promise<CaseResult> {
    this.seen.push({ caseId: c.spec.caseId, task: c.target.task, preferences: this.#prefs() });
    onStatus('running');
    if (this.holdUntilAbort.has(c.spec.caseId) && !signal.aborted) {
      await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
    }
    const base = {
      schemaVersion: RUN_SCHEMA_VERSION,
      caseId: c.spec.caseId,
      variant: c.spec.variant.name,
      durationS: c.spec.durationS,
      task: c.target.task,
      container: c.target.container,
      startedAt: '2026-01-01T00:00:00.000Z',
    } as const;
    if (signal.aborted) return { ...base, outcome: 'interrupted' };
    if (this.fail.has(c.spec.caseId)) {
      throw Object.assign(new Error('Task not connected'), {
        name: 'TargetNotConnectedException',
        $metadata: {},
      });
    }
    const survives = ['nohup', 'setsid', 'trap-hup'].includes(c.spec.variant.kind);
    if (c.spec.durationS <= this.#windowS)
      return { ...base, outcome: 'completed', endS: c.spec.durationS, exitStatus: 0 };
    if (survives)
      return {
        ...base,
        outcome: 'survived',
        endS: c.spec.durationS,
        sessionEndS: this.#windowS,
        exitStatus: 0,
      };
    return {
      ...base,
      outcome: 'killed',
      killedAtS: this.#windowS,
      endS: this.#windowS,
      sessionEndS: this.#windowS,
    };
  }
}

/** Records the scripts run through it (cleanup) and answers with nothing killed. */
export class RecordingExec implements ExecPort {
  readonly scripts: { task: string; script: string }[] = [];
  async exec(target: { task: string }, script: string) {
    this.scripts.push({ task: target.task, script });
    return { stdout: '', exitCode: 0 };
  }
}
