/**
 * Expands the paths given to `analyze` into the list of files to read: files as given,
 * directories recursively, in an order that keeps rolled logs chronological.
 */
import type { Dirent, Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DiagError } from '../errors.js';
import { unreadable } from './line-reader.js';

/** The files found, and the ones skipped on purpose. */
export interface DiscoveredFiles {
  readonly files: readonly string[];
  readonly skipped: readonly string[];
}

/** collect-logs writes this index next to what it copied; it is not a log. */
const MANIFEST = 'manifest.json';

/**
 * Orders names so that rolled files come before the live one: `x.log.2`, `x.log.1`, `x.log`
 * (seelog rolls `x.log` to `x.log.1`, so a higher number is older). Otherwise by name.
 */
export function compareLogNames(a: string, b: string): number {
  const ra = rollParts(a);
  const rb = rollParts(b);
  if (ra.base !== rb.base) return ra.base < rb.base ? -1 : 1;
  return rb.roll - ra.roll;
}

function rollParts(name: string): { base: string; roll: number } {
  const m = /^(.*?)(?:\.(\d+))?(\.gz)?$/.exec(name);
  const base = m?.[1] ?? name;
  return { base, roll: m?.[2] !== undefined ? Number(m[2]) : 0 };
}

async function statOrThrow(path: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (err) {
    throw unreadable(path, err);
  }
}

/**
 * Lists the files under `paths`.
 * @throws DiagError LOGS_PATH_NOT_FOUND, LOGS_UNREADABLE (a directory that cannot be listed)
 */
export async function discoverFiles(paths: readonly string[]): Promise<DiscoveredFiles> {
  const files: string[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();

  const walk = async (dir: string): Promise<void> => {
    const real = await realpath(dir);
    if (seen.has(real)) return; // a symlink loop, or the same directory given twice
    seen.add(real);
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      throw unreadable(dir, err);
    }
    entries.sort((a, b) => compareLogNames(a.name, b.name));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await stat(path).catch(() => null);
        if (target === null) continue; // a dangling link is not input
        isDir = target.isDirectory();
        isFile = target.isFile();
      }
      if (isDir) await walk(path);
      else if (isFile && entry.name === MANIFEST) skipped.push(path);
      else if (isFile) await addFile(path);
    }
  };

  const addFile = async (path: string): Promise<void> => {
    const real = await realpath(path);
    if (seen.has(real)) return;
    seen.add(real);
    files.push(path);
  };

  for (const path of paths) {
    const st = await statOrThrow(path);
    if (st.isDirectory()) await walk(path);
    else if (st.isFile()) await addFile(path);
    else throw new DiagError('LOGS_UNREADABLE', `not a file or directory: ${path}`);
  }
  return { files, skipped };
}
