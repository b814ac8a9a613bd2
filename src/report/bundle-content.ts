/**
 * The pure part of support bundles: how one file's bytes are redacted (plain, gzip, opaque),
 * the manifest's shape, and the README and redaction report written into the bundle.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type RedactionHit, type RedactionRule, redact } from './redact.js';

/** Manifest schema version (manifest.json `bundleSchemaVersion`). */
export const BUNDLE_SCHEMA_VERSION = 1;

/** Names of the bundle's own files, at its root. */
export const BUNDLE_FILES = {
  manifest: 'manifest.json',
  readme: 'README.md',
  redactionReport: 'redaction-report.json',
  sha256sums: 'SHA256SUMS',
} as const;

/** One file of the bundle, as listed in manifest.json. */
export interface ManifestFile {
  /** Path inside the bundle's root directory, `/`-separated. */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

/** manifest.json. Lists every file of the bundle but itself and SHA256SUMS. */
export interface BundleManifest {
  readonly bundleSchemaVersion: typeof BUNDLE_SCHEMA_VERSION;
  readonly tool: string;
  readonly toolVersion: string;
  readonly createdAt: string;
  readonly redaction: { readonly account: boolean; readonly total: number };
  readonly inputs: ReadonlyArray<{ readonly name: string; readonly files: number }>;
  readonly files: readonly ManifestFile[];
}

/** Where and how often one rule replaced something in one file. */
export interface RedactionReportEntry {
  readonly path: string;
  readonly rule: RedactionRule;
  readonly count: number;
  /** Line numbers (of the decompressed text for .gz files), at most 50. */
  readonly lines: readonly number[];
}

/** A file left out of the bundle, and why. */
export interface ExcludedFile {
  readonly path: string;
  readonly reason: string;
}

/** redaction-report.json. */
export interface RedactionReport {
  readonly account: boolean;
  readonly total: number;
  readonly byRule: Readonly<Partial<Record<RedactionRule, number>>>;
  readonly entries: readonly RedactionReportEntry[];
  readonly excluded: readonly ExcludedFile[];
}

/** The result of redacting one file's bytes. */
export type RedactedFile =
  | {
      readonly kind: 'included';
      readonly bytes: Buffer;
      readonly hits: readonly RedactionHit[];
      readonly gzip: boolean;
    }
  | { readonly kind: 'excluded'; readonly reason: string };

const OPAQUE_MAGIC: ReadonlyArray<[string, Buffer]> = [
  ['zip', Buffer.from([0x50, 0x4b, 0x03, 0x04])],
  ['xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])],
  ['bzip2', Buffer.from('BZh')],
  ['zstd', Buffer.from([0x28, 0xb5, 0x2f, 0xfd])],
  ['7z', Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])],
];

/**
 * Redacts one file. Text and binary content is matched as latin1 (bytes outside the secrets are
 * kept exactly); gzip content is decompressed, redacted and compressed again; other compressed
 * formats cannot be scanned and are excluded.
 */
export function redactFileBytes(bytes: Buffer, account: boolean): RedactedFile {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    let inner: Buffer;
    try {
      inner = gunzipSync(bytes);
    } catch {
      return { kind: 'excluded', reason: 'corrupt gzip data: cannot be scanned for secrets' };
    }
    const inside = redactFileBytes(inner, account);
    if (inside.kind === 'excluded') return inside;
    return { kind: 'included', bytes: gzipSync(inside.bytes), hits: inside.hits, gzip: true };
  }
  for (const [name, magic] of OPAQUE_MAGIC) {
    if (bytes.subarray(0, magic.length).equals(magic)) {
      return { kind: 'excluded', reason: `${name} archive: cannot be scanned for secrets` };
    }
  }
  const r = redact(bytes.toString('latin1'), { account });
  return {
    kind: 'included',
    bytes: r.total === 0 ? bytes : Buffer.from(r.text, 'latin1'),
    hits: r.hits,
    gzip: false,
  };
}

/** Hex sha256 of bytes. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Groups hits per rule for one file's report entries. */
export function reportEntries(path: string, hits: readonly RedactionHit[]): RedactionReportEntry[] {
  const byRule = new Map<RedactionRule, number[]>();
  for (const h of hits) byRule.set(h.rule, [...(byRule.get(h.rule) ?? []), h.line]);
  return [...byRule].map(([rule, lines]) => ({
    path,
    rule,
    count: lines.length,
    lines: [...new Set(lines)].slice(0, 50),
  }));
}

/** `sha256sum -c`-compatible lines for the manifest's files. */
export function sha256sums(files: readonly ManifestFile[]): string {
  return files.map((f) => `${f.sha256}  ${f.path}\n`).join('');
}

/** The README for the support engineer who opens the bundle. */
export function bundleReadme(m: Omit<BundleManifest, 'files'>, report: RedactionReport): string {
  const rules = Object.entries(report.byRule)
    .map(([rule, n]) => `| \`${rule}\` | ${n} |`)
    .join('\n');
  return [
    '# ecs-diag support bundle',
    '',
    `Created ${m.createdAt} by ${m.tool} ${m.toolVersion}. It holds evidence about ECS Exec sessions that`,
    'ended long-running commands (about 20 minutes in), collected by the customer with ecs-diag.',
    '',
    '## What is inside',
    '',
    ...m.inputs.map((i) => `- \`inputs/${i.name}/\`: ${i.files} file(s)`),
    '',
    'Where to start:',
    '- a run directory (`report.md`, `report.json`, `results.jsonl`): the outcome of each case (command',
    '  duration × workaround variant) and the kill window over the killed cases (`report.md` first);',
    "  `target.figureKind` says whether the figures are a field measurement on AWS or the emulator's model;",
    '- a collect-logs directory (`manifest.json` + container paths): `amazon-ssm-agent.log`, `errors.log`,',
    '  session transcripts under `var/lib/amazon/ssm/…`, `nohup.out`, the agent configuration.',
    '',
    '## Redaction',
    '',
    'Secrets were replaced with `[REDACTED:<rule>]` before anything was written to this archive.',
    `Account ids and ARNs: ${m.redaction.account ? 'redacted (`arn`, `account-id`)' : 'kept'}.`,
    `Replacements: ${report.total}. Per file and line: \`${BUNDLE_FILES.redactionReport}\`.`,
    '',
    ...(rules ? ['| rule | replacements |', '| --- | --- |', rules, ''] : []),
    ...(report.excluded.length > 0
      ? [
          'Left out (could not be scanned for secrets):',
          ...report.excluded.map((e) => `- \`${e.path}\`: ${e.reason}`),
          '',
        ]
      : []),
    '## Integrity',
    '',
    `\`${BUNDLE_FILES.manifest}\` lists every file with its size and sha256. Check them with`,
    '`ecs-diag bundle verify <archive>`, or after extracting, inside this directory:',
    `\`sha256sum -c ${BUNDLE_FILES.sha256sums}\`.`,
    '',
  ].join('\n');
}
