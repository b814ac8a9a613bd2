/**
 * Scenarios as data: a YAML file of variants × durations, validated and expanded into cases.
 *
 * ```yaml
 * name: timeout-matrix
 * variants:
 *   - name: detached            # unique; becomes part of every case id
 *     kind: detached            # see VARIANT_KINDS
 *     durations: [600, 1210]    # sleep N, logical seconds, each > 0
 *   - name: prefs-idle-1m
 *     kind: session-preferences
 *     preferences: { idleSessionTimeout: 1 }   # minutes, as in SSM-SessionManagerRunShell
 *     durations: [1300]
 * ```
 * The expansion is pure, so the plan can be listed (`--dry-run`) without running anything.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { DiagError } from '../errors.js';

/** How a variant runs its payload. */
export const VARIANT_KINDS = [
  /** ExecuteCommand, no client ever attaches, the payload in the foreground (the field case). */
  'detached',
  /** As detached, with SSM-SessionManagerRunShell changed first (restored after). */
  'session-preferences',
  /** As detached, with ssm:ResumeSession called during the run. */
  'resume-session',
  /** `nohup … &`, the shell exits at once; output goes to /nohup.out. */
  'nohup',
  /** `setsid … &`, the shell exits at once. */
  'setsid',
  /** `trap '' HUP` in the shell, payload in the foreground. */
  'trap-hup',
  /** Our data-channel client attached: silent, sending input, or sending terminal sizes only. */
  'attached',
] as const;

/** One of {@link VARIANT_KINDS}. */
export type VariantKind = (typeof VARIANT_KINDS)[number];

/** Session Manager preferences a `session-preferences` variant applies (minutes, as AWS stores them). */
export interface PreferenceChange {
  /** 1–60 minutes. */
  readonly idleSessionTimeout?: number;
  /** 1–1440 minutes. */
  readonly maxSessionDuration?: number;
}

/** What an attached client does while the payload runs. */
export interface AttachSpec {
  readonly mode: 'silent' | 'input' | 'resize';
  /** Period of input or size messages, logical seconds. @default 300 */
  readonly everyS: number;
}

/** One validated variant. */
export interface VariantSpec {
  readonly name: string;
  readonly kind: VariantKind;
  readonly description?: string;
  readonly durationsS: readonly number[];
  /** Runs of each duration. @default 1 */
  readonly repeat: number;
  readonly preferences?: PreferenceChange;
  /** resume-session: when to call ResumeSession, logical seconds after the start. @default 600 */
  readonly resumeAtS?: number;
  readonly attach?: AttachSpec;
}

/** One validated scenario file. */
export interface Scenario {
  readonly name: string;
  readonly description?: string;
  /** The file it came from (as given). */
  readonly file: string;
  readonly variants: readonly VariantSpec[];
}

/** One case: a variant run once with one duration. The id is stable across runs (resume relies on it). */
export interface CaseSpec {
  readonly caseId: string;
  readonly variant: VariantSpec;
  readonly durationS: number;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,47}$/;

/** Reads and validates a scenario file. Throws SCN_BAD_SCENARIO (exit 2) on any problem. */
export async function loadScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw bad(file, `cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`, err);
  }
  return parseScenario(text, file);
}

/** Parses and validates scenario YAML. */
export function parseScenario(text: string, file: string): Scenario {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    const first = String((err as Error).message).split('\n')[0];
    throw bad(file, `invalid YAML: ${first}`, err);
  }
  const root = record(doc, file, 'the document');
  const name = str(root['name'], file, 'name');
  if (!NAME.test(name)) throw bad(file, `name must match ${NAME.source}, not ${JSON.stringify(name)}`);
  const variantsRaw = root['variants'];
  if (!Array.isArray(variantsRaw) || variantsRaw.length === 0) {
    throw bad(file, 'variants must be a non-empty list');
  }
  const variants = variantsRaw.map((v, i) => parseVariant(v, file, `variants[${i}]`));
  const seen = new Set<string>();
  for (const v of variants) {
    if (seen.has(v.name)) throw bad(file, `variant name ${v.name} appears twice`);
    seen.add(v.name);
  }
  const description = optStr(root['description'], file, 'description');
  return { name, file, variants, ...(description ? { description } : {}) };
}

function parseVariant(raw: unknown, file: string, where: string): VariantSpec {
  const v = record(raw, file, where);
  const name = str(v['name'], file, `${where}.name`);
  if (!NAME.test(name)) throw bad(file, `${where}.name must match ${NAME.source}`);
  const kind = str(v['kind'] ?? name, file, `${where}.kind`);
  if (!(VARIANT_KINDS as readonly string[]).includes(kind)) {
    throw bad(file, `${where}.kind must be one of ${VARIANT_KINDS.join(', ')}, not ${kind}`);
  }
  const durations = v['durations'];
  if (!Array.isArray(durations) || durations.length === 0) {
    throw bad(file, `${where}.durations must be a non-empty list of seconds`);
  }
  const durationsS = durations.map((d, i) => positive(d, file, `${where}.durations[${i}]`));
  const repeat = v['repeat'] === undefined ? 1 : positiveInt(v['repeat'], file, `${where}.repeat`);
  const description = optStr(v['description'], file, `${where}.description`);
  const spec: VariantSpec = {
    name,
    kind: kind as VariantKind,
    durationsS,
    repeat,
    ...(description ? { description } : {}),
  };
  switch (spec.kind) {
    case 'session-preferences':
      return { ...spec, preferences: parsePreferences(v['preferences'], file, `${where}.preferences`) };
    case 'resume-session':
      return {
        ...spec,
        resumeAtS: v['resumeAt'] === undefined ? 600 : positive(v['resumeAt'], file, `${where}.resumeAt`),
      };
    case 'attached':
      return { ...spec, attach: parseAttach(v['attach'], file, `${where}.attach`) };
    default:
      return spec;
  }
}

function parsePreferences(raw: unknown, file: string, where: string): PreferenceChange {
  const p = record(raw, file, where);
  const idle = p['idleSessionTimeout'];
  const max = p['maxSessionDuration'];
  if (idle === undefined && max === undefined) {
    throw bad(file, `${where} must set idleSessionTimeout and/or maxSessionDuration (minutes)`);
  }
  const out: { idleSessionTimeout?: number; maxSessionDuration?: number } = {};
  if (idle !== undefined) out.idleSessionTimeout = rangeInt(idle, 1, 60, file, `${where}.idleSessionTimeout`);
  if (max !== undefined) out.maxSessionDuration = rangeInt(max, 1, 1440, file, `${where}.maxSessionDuration`);
  return out;
}

function parseAttach(raw: unknown, file: string, where: string): AttachSpec {
  const a = raw === undefined ? {} : record(raw, file, where);
  const mode = str(a['mode'] ?? 'silent', file, `${where}.mode`);
  if (mode !== 'silent' && mode !== 'input' && mode !== 'resize') {
    throw bad(file, `${where}.mode must be silent, input or resize, not ${mode}`);
  }
  const everyS = a['every'] === undefined ? 300 : positive(a['every'], file, `${where}.every`);
  return { mode, everyS };
}

/** Expands a scenario into its cases, in file order. Ids: `<variant>-<duration>[-<repeat>]`. */
export function expandCases(scenario: Scenario): CaseSpec[] {
  return scenario.variants.flatMap((variant) =>
    variant.durationsS.flatMap((durationS) =>
      Array.from({ length: variant.repeat }, (_, r) => ({
        caseId: `${variant.name}-${durationS}${variant.repeat > 1 ? `-${r + 1}` : ''}`,
        variant,
        durationS,
      })),
    ),
  );
}

function bad(file: string, what: string, cause?: unknown): DiagError {
  return new DiagError('SCN_BAD_SCENARIO', `scenario ${file}: ${what}`, {
    ...(cause === undefined ? {} : { cause }),
    hint: 'see docs/readme/matrix.md for the scenario format',
  });
}

function record(v: unknown, file: string, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(file, `${where} must be a mapping`);
  return v as Record<string, unknown>;
}

function str(v: unknown, file: string, where: string): string {
  if (typeof v !== 'string' || v.length === 0) throw bad(file, `${where} must be a non-empty string`);
  return v;
}

function optStr(v: unknown, file: string, where: string): string | undefined {
  return v === undefined ? undefined : str(v, file, where);
}

function positive(v: unknown, file: string, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw bad(file, `${where} must be a number of seconds greater than 0, not ${JSON.stringify(v)}`);
  }
  return v;
}

function positiveInt(v: unknown, file: string, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw bad(file, `${where} must be a positive integer, not ${JSON.stringify(v)}`);
  }
  return v;
}

function rangeInt(v: unknown, min: number, max: number, file: string, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw bad(file, `${where} must be an integer from ${min} to ${max}, not ${JSON.stringify(v)}`);
  }
  return v;
}
