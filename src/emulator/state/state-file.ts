/**
 * `--state FILE`: the control-plane state as one JSON document, loaded at start and saved on every
 * change and at shutdown. Writes are atomic (temp file, fsync, rename, fsync of the directory), so
 * an interrupted save leaves the previous state intact, never a torn file.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DiagError } from '../../errors.js';
import { type EmulatorState, emptyState } from './world-state.js';

/** Reads a state file; a missing file is an empty state (it is created on the first save). */
export function loadStateFile(path: string): EmulatorState {
  if (!existsSync(path)) return emptyState();
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new DiagError('EMULATOR_BAD_STATE_FILE', `state file ${path} is not valid JSON`, {
      source: 'user',
      cause: err,
      hint: 'move it away to start from the zero-config state',
    });
  }
  const s = raw as Partial<EmulatorState> | null;
  const lists = ['clusters', 'taskDefinitions', 'tasks', 'sessions', 'documents'] as const;
  if (typeof s !== 'object' || s === null || s.version !== 1 || lists.some((k) => !Array.isArray(s[k]))) {
    throw new DiagError(
      'EMULATOR_BAD_STATE_FILE',
      `state file ${path} is not an ecs-diag emulator state (version 1)`,
      {
        source: 'user',
      },
    );
  }
  return s as EmulatorState;
}

/** Writes the state atomically: temp file in the same directory, fsync, rename, fsync the directory. */
export function saveStateFile(path: string, state: EmulatorState): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(state, null, 1)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  }
}
