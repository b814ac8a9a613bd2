/**
 * `ecs-diag bundle DIR… -o FILE.tar.gz`: run and collect-logs directories (or any directory)
 * packed into one gzip'd tar for AWS Support, with a manifest (every file's sha256), a README
 * for the support engineer, SHA256SUMS, and a redaction report.
 *
 * Redaction happens in memory, before anything is written: only redacted bytes reach the
 * staging directory (mode 0700) and the archive. The archive is created with mode 0600 under a
 * temporary name and renamed into place, so an interrupted bundle leaves no partial file.
 *
 * Layout inside the archive:
 * ```
 * ecs-diag-bundle-<yyyymmddThhmmssZ>/
 *   README.md  manifest.json  SHA256SUMS  redaction-report.json
 *   inputs/<input dir name>/<relative path>
 * ```
 */
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { DiagError } from '../errors.js';
import {
  BUNDLE_FILES,
  BUNDLE_SCHEMA_VERSION,
  type BundleManifest,
  bundleReadme,
  type ExcludedFile,
  type ManifestFile,
  type RedactionReport,
  type RedactionReportEntry,
  redactFileBytes,
  reportEntries,
  sha256,
  sha256sums,
} from './bundle-content.js';
import type { RedactionRule } from './redact.js';

/** Options of {@link createBundle}. */
export interface BundleOptions {
  /** Directories (or single files) to pack. */
  readonly inputs: readonly string[];
  /** The archive to write (`.tar.gz`). */
  readonly outFile: string;
  /** Also redact account ids and ARNs. */
  readonly redactAccount: boolean;
  /** ISO time recorded in the manifest (from the injected clock). */
  readonly createdAt: string;
  readonly toolVersion: string;
  /** Called once per file read, for progress. */
  readonly onFile?: (path: string) => void;
  readonly signal?: AbortSignal;
}

/** What {@link createBundle} did. */
export interface BundleResult {
  readonly outFile: string;
  readonly root: string;
  readonly files: number;
  readonly bytes: number;
  readonly redaction: RedactionReport;
}

interface Staged {
  readonly path: string;
  readonly bytes: Buffer;
}

/** Packs the inputs into a redacted, checksummed archive. */
export async function createBundle(opts: BundleOptions): Promise<BundleResult> {
  if (opts.inputs.length === 0)
    throw new DiagError('CLI_NOTHING_TO_DO', 'name at least one directory to bundle');
  const outFile = resolve(opts.outFile);
  const root = `ecs-diag-bundle-${opts.createdAt.replace(/[-:]/g, '').replace(/\.\d+/, '')}`;
  const staged: Staged[] = [];
  const entries: RedactionReportEntry[] = [];
  const excluded: ExcludedFile[] = [];
  const inputs: Array<{ name: string; files: number }> = [];
  const used = new Set<string>();

  for (const input of opts.inputs) {
    const abs = resolve(input);
    const info = await stat(abs).catch(() => undefined);
    if (!info) throw new DiagError('CLI_NOT_FOUND', `${input} does not exist`);
    const name = uniqueName(basename(abs) || 'input', used);
    let count = 0;
    for await (const file of walk(abs, info.isDirectory(), excluded, name)) {
      if (opts.signal?.aborted)
        throw new DiagError('CLI_INTERRUPTED', 'bundle interrupted: no archive written');
      if (resolve(file.abs) === outFile) continue;
      const path = `inputs/${name}/${file.rel}`;
      opts.onFile?.(path);
      const redacted = redactFileBytes(await readFile(file.abs), opts.redactAccount);
      if (redacted.kind === 'excluded') {
        excluded.push({ path, reason: redacted.reason });
        continue;
      }
      staged.push({ path, bytes: redacted.bytes });
      entries.push(...reportEntries(path, redacted.hits));
      count++;
    }
    inputs.push({ name, files: count });
  }

  const byRule: Partial<Record<RedactionRule, number>> = {};
  for (const e of entries) byRule[e.rule] = (byRule[e.rule] ?? 0) + e.count;
  const total = entries.reduce((n, e) => n + e.count, 0);
  const report: RedactionReport = { account: opts.redactAccount, total, byRule, entries, excluded };
  const head = {
    bundleSchemaVersion: BUNDLE_SCHEMA_VERSION,
    tool: 'ecs-diag',
    toolVersion: opts.toolVersion,
    createdAt: opts.createdAt,
    redaction: { account: opts.redactAccount, total },
    inputs,
  } as const;
  staged.push(
    { path: BUNDLE_FILES.readme, bytes: Buffer.from(bundleReadme(head, report)) },
    { path: BUNDLE_FILES.redactionReport, bytes: Buffer.from(`${JSON.stringify(report, null, 2)}\n`) },
  );
  const files: ManifestFile[] = staged.map((s) => ({
    path: s.path,
    size: s.bytes.length,
    sha256: sha256(s.bytes),
  }));
  const manifest: BundleManifest = { ...head, files };
  staged.push(
    { path: BUNDLE_FILES.manifest, bytes: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
    { path: BUNDLE_FILES.sha256sums, bytes: Buffer.from(sha256sums(files)) },
  );

  await writeArchive(staged, root, outFile, opts.signal);
  return {
    outFile,
    root,
    files: files.length,
    bytes: staged.reduce((n, s) => n + s.bytes.length, 0),
    redaction: report,
  };
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let i = 2; used.has(candidate); i++) candidate = `${name}-${i}`;
  used.add(candidate);
  return candidate;
}

/** Regular files under `abs`, sorted. The input itself may be a symlink; links inside it are not followed but recorded as excluded. */
async function* walk(
  abs: string,
  isDir: boolean,
  excluded: ExcludedFile[],
  name: string,
): AsyncGenerator<{ abs: string; rel: string }> {
  if (!isDir) {
    const info = await stat(abs);
    if (info.isFile()) yield { abs, rel: basename(abs) };
    else excluded.push({ path: `inputs/${name}`, reason: 'not a regular file' });
    return;
  }
  const stack = [abs];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    const dirents = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    const subdirs: string[] = [];
    for (const d of dirents) {
      const p = join(dir, d.name);
      const rel = relative(abs, p).split(sep).join('/');
      if (d.isDirectory()) subdirs.push(p);
      else if (d.isFile()) yield { abs: p, rel };
      else
        excluded.push({
          path: `inputs/${name}/${rel}`,
          reason: d.isSymbolicLink() ? 'symbolic link: not followed' : 'not a regular file',
        });
    }
    stack.push(...subdirs.reverse());
  }
}

/** Writes the staged (already redacted) files as `root/…` into a gzip'd tar with mode 0600. */
async function writeArchive(staged: readonly Staged[], root: string, outFile: string, signal?: AbortSignal) {
  const stage = await mkdtemp(join(tmpdir(), 'ecs-diag-bundle-'));
  const partial = `${outFile}.partial-${process.pid}`;
  try {
    for (const s of staged) {
      const p = join(stage, root, ...s.path.split('/'));
      await mkdir(dirname(p), { recursive: true, mode: 0o700 });
      await writeFile(p, s.bytes, { mode: 0o600 });
    }
    await mkdir(dirname(outFile), { recursive: true });
    const pack = tar.c({ gzip: true, cwd: stage, portable: true }, [root]);
    await pipeline(pack, createWriteStream(partial, { mode: 0o600, flags: 'wx' }), { signal });
    await chmod(partial, 0o600);
    await rename(partial, outFile);
  } catch (err) {
    await rm(partial, { force: true });
    if (signal?.aborted)
      throw new DiagError('CLI_INTERRUPTED', 'bundle interrupted: no archive written', { cause: err });
    throw err;
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
