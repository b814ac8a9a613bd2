/**
 * `ecs-diag bundle verify FILE`: re-checks a bundle against its manifest. Every listed file must
 * be present with its size and sha256, no unlisted file may be present, and no secret may be
 * found by the redaction rules the bundle was made with.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { DiagError } from '../errors.js';
import {
  BUNDLE_FILES,
  BUNDLE_SCHEMA_VERSION,
  type BundleManifest,
  redactFileBytes,
  sha256,
} from './bundle-content.js';

/** One thing wrong with a bundle. */
export interface VerifyProblem {
  readonly path: string;
  readonly problem: 'missing' | 'size-mismatch' | 'sha256-mismatch' | 'unlisted' | 'secret-found';
  readonly detail?: string;
}

/** The result of {@link verifyBundle}. */
export interface VerifyResult {
  readonly ok: boolean;
  readonly root: string;
  readonly checked: number;
  readonly createdAt: string;
  readonly problems: readonly VerifyProblem[];
}

/** Reads the archive and checks it against its manifest. Unreadable archives throw BUNDLE_VERIFY_FAILED. */
export async function verifyBundle(file: string): Promise<VerifyResult> {
  const contents = await readArchive(file);
  const roots = [...contents.keys()].filter((p) => /^[^/]+\/manifest\.json$/.test(p));
  if (roots.length !== 1) {
    throw new DiagError(
      'BUNDLE_VERIFY_FAILED',
      `${file}: expected one <root>/manifest.json, found ${roots.length}`,
      {
        exitCode: 1,
      },
    );
  }
  const root = roots[0]!.slice(0, -`/${BUNDLE_FILES.manifest}`.length);
  const manifest = parseManifest(contents.get(roots[0]!)!, file);
  const problems: VerifyProblem[] = [];
  const listed = new Set<string>();
  for (const f of manifest.files) {
    listed.add(f.path);
    const bytes = contents.get(`${root}/${f.path}`);
    if (!bytes) {
      problems.push({ path: f.path, problem: 'missing' });
    } else if (bytes.length !== f.size) {
      problems.push({
        path: f.path,
        problem: 'size-mismatch',
        detail: `${bytes.length} bytes, manifest says ${f.size}`,
      });
    } else if (sha256(bytes) !== f.sha256) {
      problems.push({ path: f.path, problem: 'sha256-mismatch' });
    }
    if (bytes && f.path.startsWith('inputs/')) {
      const again = redactFileBytes(bytes, manifest.redaction.account);
      if (again.kind === 'included' && again.hits.length > 0) {
        const rules = [...new Set(again.hits.map((h) => h.rule))].join(', ');
        problems.push({
          path: f.path,
          problem: 'secret-found',
          detail: `${again.hits.length} match(es): ${rules}`,
        });
      }
    }
  }
  for (const p of contents.keys()) {
    const rel = p.slice(root.length + 1);
    if (
      !p.startsWith(`${root}/`) ||
      (!listed.has(rel) && rel !== BUNDLE_FILES.manifest && rel !== BUNDLE_FILES.sha256sums)
    ) {
      problems.push({ path: p, problem: 'unlisted' });
    }
  }
  return {
    ok: problems.length === 0,
    root,
    checked: manifest.files.length,
    createdAt: manifest.createdAt,
    problems,
  };
}

/** Every regular file of a .tar.gz, by its path. */
async function readArchive(file: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const parser = new tar.Parser({
    strict: true,
    onReadEntry: (entry) => {
      if (entry.type !== 'File') {
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => out.set(entry.path.replace(/^\.\//, ''), Buffer.concat(chunks)));
    },
  });
  try {
    await pipeline(createReadStream(file), parser);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new DiagError('CLI_NOT_FOUND', `${file} does not exist`);
    throw new DiagError('BUNDLE_VERIFY_FAILED', `${file} is not a readable .tar.gz: ${e.message}`, {
      cause: err,
      exitCode: 1,
    });
  }
  return out;
}

function parseManifest(bytes: Buffer, file: string): BundleManifest {
  let m: unknown;
  try {
    m = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new DiagError('BUNDLE_VERIFY_FAILED', `${file}: manifest.json is not JSON`, { exitCode: 1 });
  }
  const o = m as Partial<BundleManifest>;
  const filesOk =
    Array.isArray(o.files) &&
    o.files.every(
      (f) => typeof f?.path === 'string' && typeof f.size === 'number' && typeof f.sha256 === 'string',
    );
  if (
    o.bundleSchemaVersion !== BUNDLE_SCHEMA_VERSION ||
    !filesOk ||
    typeof o.redaction?.account !== 'boolean'
  ) {
    throw new DiagError(
      'BUNDLE_VERIFY_FAILED',
      `${file}: manifest.json does not match bundle schema ${BUNDLE_SCHEMA_VERSION}`,
      {
        exitCode: 1,
      },
    );
  }
  return o as BundleManifest;
}
