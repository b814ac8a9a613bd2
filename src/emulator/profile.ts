/**
 * Behaviour profiles: every number of the service model, in a JSON file
 * (src/emulator/profiles/*.json). `loadProfile` validates a file or an object; a bad profile is
 * refused with EMULATOR_BAD_PROFILE naming the first bad field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DiagError } from '../errors.js';
import type { BehaviourProfile } from './contracts.js';

/** Profiles shipped with the tool, by name. */
export const BUILTIN_PROFILES = ['default', 'short-window'] as const;

const RESET_KINDS = new Set(['input', 'size', 'ack', 'attach']);

/** Where the shipped profile files live (source tree, or next to dist/ in the package). */
function profilesDir(): string {
  const candidates = [
    new URL('./profiles/', import.meta.url),
    new URL('../../../src/emulator/profiles/', import.meta.url),
  ];
  for (const url of candidates) {
    const dir = fileURLToPath(url);
    if (existsSync(`${dir}default.json`)) return dir;
  }
  throw new DiagError(
    'EMULATOR_BAD_PROFILE',
    'the shipped emulator profiles are missing (src/emulator/profiles)',
    {
      source: 'tool',
    },
  );
}

/**
 * Loads a profile: a built-in name (`default`, `short-window`), a path to a JSON file, or an
 * object. Missing fields take the default profile's values.
 */
export function loadProfile(ref: string | Partial<BehaviourProfile> = 'default'): BehaviourProfile {
  const base = readJson(`${profilesDir()}default.json`);
  let raw: unknown;
  let origin: string;
  if (typeof ref === 'string') {
    const builtin = (BUILTIN_PROFILES as readonly string[]).includes(ref);
    origin = builtin ? `${profilesDir()}${ref}.json` : ref;
    if (!builtin && !existsSync(ref)) {
      throw new DiagError('EMULATOR_BAD_PROFILE', `profile ${ref} not found`, {
        source: 'user',
        hint: `name a JSON file or one of: ${BUILTIN_PROFILES.join(', ')}`,
      });
    }
    raw = readJson(origin);
  } else {
    origin = 'the given profile object';
    raw = ref;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw bad(origin, 'the profile must be a JSON object');
  }
  return validateProfile({ ...(base as object), ...(raw as object) }, origin);
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new DiagError(
      'EMULATOR_BAD_PROFILE',
      `profile ${path} is not valid JSON: ${(err as Error).message}`,
      {
        source: 'user',
        cause: err,
      },
    );
  }
}

function bad(origin: string, why: string): DiagError {
  return new DiagError('EMULATOR_BAD_PROFILE', `bad emulator profile (${origin}): ${why}`, {
    source: 'user',
  });
}

/** Checks every field of a merged profile. */
export function validateProfile(p: Record<string, unknown>, origin = 'profile'): BehaviourProfile {
  const num = (key: string, min: number, integer = false): number => {
    const v = p[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
      throw bad(
        origin,
        `${key} must be ${integer ? 'an integer' : 'a number'} >= ${min}, not ${JSON.stringify(v)}`,
      );
    }
    return v;
  };
  const name = p['name'];
  if (typeof name !== 'string' || name.length === 0) throw bad(origin, 'name must be a non-empty string');
  const idleTimeoutS = num('idleTimeoutS', Number.MIN_VALUE);
  const sweepIntervalS = num('sweepIntervalS', Number.MIN_VALUE);
  const phase = p['sweepPhaseS'];
  if (phase !== 'random' && (typeof phase !== 'number' || !(phase >= 0 && phase < sweepIntervalS))) {
    throw bad(
      origin,
      `sweepPhaseS must be 'random' or a number in [0, sweepIntervalS), not ${JSON.stringify(phase)}`,
    );
  }
  if (typeof p['applySessionPreferences'] !== 'boolean')
    throw bad(origin, 'applySessionPreferences must be a boolean');
  const reset = p['idleResetBy'];
  if (!Array.isArray(reset) || reset.some((k) => !RESET_KINDS.has(k as string))) {
    throw bad(origin, `idleResetBy must be a list of ${[...RESET_KINDS].join('|')}`);
  }
  if (typeof p['idleTimeoutMessage'] !== 'string') throw bad(origin, 'idleTimeoutMessage must be a string');
  const sessionWorkersLimit = num('sessionWorkersLimit', 1, true);
  if (typeof p['agentVersion'] !== 'string' || !/^\d+(\.\d+){1,3}$/.test(p['agentVersion'])) {
    throw bad(origin, 'agentVersion must be a dotted version such as 3.3.1142.0');
  }
  const pump = p['pump'] as Record<string, unknown> | undefined;
  if (typeof pump !== 'object' || pump === null) throw bad(origin, 'pump must be an object');
  for (const key of ['firstReadDelayMs', 'readIntervalMs', 'chunkBytes'] as const) {
    const v = pump[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < (key === 'chunkBytes' ? 4 : 0)) {
      throw bad(origin, `pump.${key} must be a number >= ${key === 'chunkBytes' ? 4 : 0}`);
    }
  }
  const terminatingUntil = p['terminatingUntil'] ?? 'idle-expiry';
  if (terminatingUntil !== 'idle-expiry' && terminatingUntil !== 'next-sweep') {
    throw bad(origin, "terminatingUntil must be 'idle-expiry' or 'next-sweep'");
  }
  const description = p['description'];
  return {
    name,
    ...(typeof description === 'string' ? { description } : {}),
    idleTimeoutS,
    sweepIntervalS,
    sweepPhaseS: phase as number | 'random',
    applySessionPreferences: p['applySessionPreferences'] as boolean,
    idleResetBy: reset as BehaviourProfile['idleResetBy'],
    terminatingUntil,
    idleTimeoutMessage: p['idleTimeoutMessage'] as string,
    sessionWorkersLimit,
    agentVersion: p['agentVersion'] as string,
    pump: {
      firstReadDelayMs: pump['firstReadDelayMs'] as number,
      readIntervalMs: pump['readIntervalMs'] as number,
      chunkBytes: pump['chunkBytes'] as number,
    },
  };
}
