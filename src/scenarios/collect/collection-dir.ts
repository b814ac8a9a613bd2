/**
 * The output of one collection: a new directory (never an existing one) with the files under
 * their container paths and a manifest.json. This is the file I/O edge of collect-logs.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

/** Where collected bytes go. */
export interface CollectionSink {
  /** The directory (absolute). */
  readonly dir: string;
  /** Writes a file at a container path (or a relative name such as `commands/ps.txt`); returns its local path. */
  writeFile(containerPathOrName: string, bytes: Uint8Array): Promise<string>;
  /** Writes manifest.json atomically (temp + fsync + rename), so a partial collection always has one. */
  writeManifest(manifest: unknown): Promise<void>;
}

/** Creates a fresh directory `<parent>/<base>`, `<base>-2`, … without ever reusing one. */
export async function createCollectionDir(parent: string, base: string): Promise<CollectionSink> {
  await mkdir(parent, { recursive: true });
  let dir = '';
  for (let i = 1; ; i++) {
    dir = join(parent, i === 1 ? base : `${base}-${i}`);
    try {
      await mkdir(dir); // not recursive: EEXIST when taken
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return fsSink(dir);
}

/** Maps a container path to a local path inside `dir/files/`, refusing `..` escapes. */
export function localPathFor(dir: string, containerPathOrName: string): string {
  const clean = containerPathOrName
    .split('/')
    .filter((s) => s !== '' && s !== '.' && s !== '..')
    .join('/');
  return containerPathOrName.startsWith('/') ? join(dir, 'files', clean) : join(dir, clean);
}

function fsSink(dir: string): CollectionSink {
  return {
    dir,
    async writeFile(name, bytes) {
      const path = localPathFor(dir, name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, bytes);
      return relative(dir, path);
    },
    async writeManifest(manifest) {
      const tmp = join(dir, `.manifest.json.${process.pid}.tmp`);
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(`${JSON.stringify(manifest, null, 2)}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, join(dir, 'manifest.json'));
    },
  };
}

/** Hex sha256 of bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
