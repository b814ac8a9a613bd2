/**
 * The result schema of a matrix run: one line of `results.jsonl` per case, and `report.json`.
 * Versioned: readers refuse a schemaVersion they do not know. Documented in README.md.
 */

/** report.json / results.jsonl schema version. */
export const RUN_SCHEMA_VERSION = 1;

/**
 * How one case ended.
 * - `completed`: the payload ran to its end (exitStatus known).
 * - `killed`: the payload disappeared before its end without an exit status (killedAtS says when).
 * - `survived`: the payload outlived the session's end and completed (nohup, setsid, trap HUP).
 * - `error`: the case could not run; `error` carries the code.
 * - `interrupted`: Ctrl-C stopped it; not counted.
 */
export type CaseOutcome = 'completed' | 'killed' | 'survived' | 'error' | 'interrupted';

/** One case's result (one line of results.jsonl). Times are logical seconds from the case's start. */
export interface CaseResult {
  readonly schemaVersion: typeof RUN_SCHEMA_VERSION;
  readonly caseId: string;
  readonly variant: string;
  /** Planned payload duration (sleep N), seconds. */
  readonly durationS: number;
  readonly task: string;
  readonly container: string;
  readonly sessionId?: string;
  readonly outcome: CaseOutcome;
  /** ISO time the case started (logical on the emulator). */
  readonly startedAt: string;
  /** When the payload ended or was killed, seconds after start (1 s precision). */
  readonly endS?: number;
  /** Set when outcome is `killed`: seconds after start. */
  readonly killedAtS?: number;
  /** When the ECS Exec session ended, seconds after start, if known. */
  readonly sessionEndS?: number;
  /** The payload's exit status when it completed. */
  readonly exitStatus?: number;
  /** Extra data per variant (e.g. nohupOut content, preferences applied). */
  readonly details?: Record<string, unknown>;
  readonly error?: { readonly code: string; readonly message: string };
}

/** Outcome counts for one variant and duration. */
export interface VariantCell {
  readonly durationS: number;
  readonly outcomes: Readonly<Partial<Record<CaseOutcome, number>>>;
  /** Kill times (seconds) of the killed cases of this cell. */
  readonly killedAtS: readonly number[];
}

/** Summary of one variant. */
export interface VariantSummary {
  readonly variant: string;
  readonly cells: readonly VariantCell[];
}

/** Statistics over killed cases, seconds. Null fields when n = 0. */
export interface KillWindow {
  readonly n: number;
  readonly min: number | null;
  readonly median: number | null;
  readonly max: number | null;
}

/** Who produced the figures: an emulator figure demonstrates the model, it is not a field measurement. */
export interface RunTargetInfo {
  readonly kind: 'local' | 'aws';
  /** 'emulator-model' for local, 'field-measurement' for aws. */
  readonly figureKind: 'emulator-model' | 'field-measurement';
  readonly endpoint?: string;
  readonly region?: string;
  readonly cluster: string;
  readonly tasks: readonly string[];
  /** Local only. */
  readonly emulator?: {
    readonly profile: string;
    readonly timeScale: number;
    readonly idleTimeoutS: number;
    readonly sweepIntervalS: number;
  };
  /** Agent versions seen (managed agent name → version). */
  readonly agentVersions?: Readonly<Record<string, string>>;
}

/** report.json. */
export interface RunReport {
  readonly schemaVersion: typeof RUN_SCHEMA_VERSION;
  readonly runId: string;
  readonly scenario: { readonly name: string; readonly file: string };
  readonly target: RunTargetInfo;
  readonly startedAt: string;
  readonly endedAt: string;
  /** True when interrupted or not every case has a result. */
  readonly partial: boolean;
  readonly cases: readonly CaseResult[];
  readonly variants: readonly VariantSummary[];
  readonly killWindow: KillWindow;
}
