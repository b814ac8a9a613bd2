import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBundle } from '../../../src/report/bundle.js';
import { type BundleManifest, sha256 } from '../../../src/report/bundle-content.js';
import { verifyBundle } from '../../../src/report/bundle-verify.js';
import { DEFAULT_SPECS, makeReport, writeRunDir } from './fixtures.js';

/** Secrets planted in the inputs; none may survive in the archive. */
const PLANTED = {
  tokenValue: 'AAEAAXtGqPlantedTokenValue0001xyz',
  urlToken: 'PlantedUrlTokenQ29udGVudA002',
  accessKeyId: 'AKIAPLANTED000000001',
  tempKeyId: 'ASIAPLANTED000000002',
  secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLANTED003',
  sessionToken: 'IQoJb3JpZ2luX2VjEPlantedSessionToken004',
  signature: 'feedfacePlantedSignature005',
  bearer: 'eyJPlantedBearer006',
};
const ACCOUNT = '123456789012';
const ARN = `arn:aws:ecs:eu-west-1:${ACCOUNT}:task/prod/0123abcd`;

const streamUrl = `wss://ssmmessages.eu-west-1.amazonaws.com/v1/data-channel/ecs-execute-command-0a1b?role=publish_subscribe&token=${PLANTED.urlToken}`;
const execResponse = JSON.stringify(
  {
    clusterArn: ARN,
    session: { sessionId: 'ecs-execute-command-0a1b', streamUrl, tokenValue: PLANTED.tokenValue },
  },
  null,
  2,
);
const logLines = [
  `2026-11-29 17:20:00 INFO [ssm-session-worker] opening ${streamUrl}`,
  `2026-11-29 17:20:01 DEBUG headers: Authorization: AWS4-HMAC-SHA256 Credential=${PLANTED.accessKeyId}/20261129/eu-west-1/ssmmessages/aws4_request, SignedHeaders=host;x-amz-date, Signature=${PLANTED.signature}`,
  `2026-11-29 17:20:01 DEBUG X-Amz-Security-Token: ${PLANTED.sessionToken}`,
  `2026-11-29 17:40:02 INFO role ${ARN} account ${ACCOUNT}`,
].join('\n');
const credentials = [
  '[default]',
  `aws_access_key_id = ${PLANTED.tempKeyId}`,
  `aws_secret_access_key = ${PLANTED.secretKey}`,
  `aws_session_token = ${PLANTED.sessionToken}`,
].join('\n');

let tmp: string;
let runDir: string;
let logsDir: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'ecs-diag-bundle-test-'));
  // A run directory, with secrets planted in each of its formats.
  runDir = await writeRunDir(join(tmp, 'run-20261129T170000Z'), makeReport(DEFAULT_SPECS));
  const caseLine = JSON.stringify({ caseId: 'x', details: { exec: JSON.parse(execResponse) } });
  await writeFile(join(runDir, 'results.jsonl'), `${caseLine}\n`, { flag: 'a' });
  await writeFile(join(runDir, 'report.md'), `# run\n\nexport AWS_SECRET_ACCESS_KEY=${PLANTED.secretKey}\n`);
  await writeFile(
    join(runDir, 'report.html'),
    `<html><body><a href="${streamUrl}">stream</a><pre>{"authorization":"Bearer ${PLANTED.bearer}"}</pre></body></html>`,
  );
  // A collect-logs directory: logs under container paths, a rolled gzip log, a binary file, names with spaces.
  logsDir = join(tmp, 'collect-task-abc');
  const agentDir = join(logsDir, 'var/log/amazon/ssm');
  await mkdir(agentDir, { recursive: true });
  await writeFile(join(agentDir, 'amazon-ssm-agent.log'), `${logLines}\n`);
  await writeFile(join(agentDir, 'amazon-ssm-agent.log.1.gz'), gzipSync(`${logLines}\nrolled\n`));
  await writeFile(join(logsDir, 'exec response.json'), execResponse);
  await writeFile(join(logsDir, 'credentials'), `${credentials}\n`);
  await writeFile(
    join(logsDir, 'core.bin'),
    Buffer.concat([
      Buffer.from([0, 1, 2, 0xff, 0xfe]),
      Buffer.from(` ${PLANTED.accessKeyId} `),
      Buffer.from([0xc3, 0x28, 0]),
    ]),
  );
  await writeFile(
    join(logsDir, 'manifest.json'),
    JSON.stringify({ files: [{ path: '/nohup.out', sha256: 'ab'.repeat(32) }] }),
  );
  await writeFile(join(logsDir, 'opaque.zip'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Every file of a .tar.gz by path, gzip'd entries decompressed. */
async function readEntries(file: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  await pipeline(
    createReadStream(file),
    new tar.Parser({
      onReadEntry: (e) => {
        if (e.type !== 'File') {
          e.resume();
          return;
        }
        const chunks: Buffer[] = [];
        e.on('data', (c: Buffer) => chunks.push(c));
        e.on('end', () => {
          const b = Buffer.concat(chunks);
          out.set(e.path, b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b);
        });
      },
    }),
  );
  return out;
}

async function bundle(name: string, redactAccount: boolean) {
  const outFile = join(tmp, `${name}.tar.gz`);
  const result = await createBundle({
    inputs: [runDir, logsDir],
    outFile,
    redactAccount,
    createdAt: '2026-11-29T18:00:00.000Z',
    toolVersion: '0.1.0',
  });
  return { outFile, result, entries: await readEntries(outFile) };
}

describe('createBundle', () => {
  it('lets no planted secret survive, in any file type, and writes mode 0600', async () => {
    const { outFile, entries, result } = await bundle('plain', false);
    expect((await stat(outFile)).mode & 0o777).toBe(0o600);
    const whole = Buffer.concat([gunzipSync(await readFile(outFile)), ...entries.values()]).toString(
      'latin1',
    );
    for (const [name, secret] of Object.entries(PLANTED)) {
      expect(whole.includes(secret), `${name} survived`).toBe(false);
    }
    // Without --redact-account, account ids and ARNs stay (they are not secrets).
    expect(whole).toContain(ARN);
    expect(result.redaction.account).toBe(false);
  });

  it('redacts account ids and ARNs with redactAccount', async () => {
    const { entries } = await bundle('account', true);
    const whole = Buffer.concat([...entries.values()]).toString('latin1');
    expect(whole).not.toContain(ACCOUNT);
    expect(whole).toContain('[REDACTED:arn]');
  });

  it('keeps the file layout, the bytes around secrets, and gzip files as gzip', async () => {
    const { entries, result } = await bundle('layout', false);
    const root = result.root;
    expect(root).toBe('ecs-diag-bundle-20261129T180000Z');
    const paths = [...entries.keys()].map((p) => p.slice(root.length + 1)).sort();
    expect(paths).toEqual([
      'README.md',
      'SHA256SUMS',
      'inputs/collect-task-abc/core.bin',
      'inputs/collect-task-abc/credentials',
      'inputs/collect-task-abc/exec response.json',
      'inputs/collect-task-abc/manifest.json',
      'inputs/collect-task-abc/var/log/amazon/ssm/amazon-ssm-agent.log',
      'inputs/collect-task-abc/var/log/amazon/ssm/amazon-ssm-agent.log.1.gz',
      'inputs/run-20261129T170000Z/report.html',
      'inputs/run-20261129T170000Z/report.json',
      'inputs/run-20261129T170000Z/report.md',
      'inputs/run-20261129T170000Z/results.jsonl',
      'manifest.json',
      'redaction-report.json',
    ]);
    const bin = entries.get(`${root}/inputs/collect-task-abc/core.bin`)!;
    expect(bin.subarray(0, 5)).toEqual(Buffer.from([0, 1, 2, 0xff, 0xfe]));
    expect(bin.subarray(-3)).toEqual(Buffer.from([0xc3, 0x28, 0]));
    expect(
      JSON.parse(entries.get(`${root}/inputs/collect-task-abc/exec response.json`)!.toString()).session
        .tokenValue,
    ).toBe('[REDACTED:token-value]');
    expect(result.redaction.excluded).toEqual([
      { path: 'inputs/collect-task-abc/opaque.zip', reason: 'zip archive: cannot be scanned for secrets' },
    ]);
  });

  it('writes a manifest with every file and a redaction report saying what, where and how many', async () => {
    const { entries, result } = await bundle('manifest', false);
    const root = result.root;
    const manifest = JSON.parse(entries.get(`${root}/manifest.json`)!.toString()) as BundleManifest;
    expect(manifest.files.map((f) => f.path).sort()).toEqual(
      [...entries.keys()]
        .map((p) => p.slice(root.length + 1))
        .filter((p) => p !== 'manifest.json' && p !== 'SHA256SUMS')
        .sort(),
    );
    const report = JSON.parse(entries.get(`${root}/redaction-report.json`)!.toString());
    expect(report.entries).toContainEqual({
      path: 'inputs/collect-task-abc/credentials',
      rule: 'secret-key',
      count: 1,
      lines: [3],
    });
    expect(report.entries).toContainEqual({
      path: 'inputs/collect-task-abc/var/log/amazon/ssm/amazon-ssm-agent.log.1.gz',
      rule: 'authorization',
      count: 1,
      lines: [2],
    });
    expect(report.total).toBe(result.redaction.total);
    expect(JSON.stringify(report)).not.toContain(PLANTED.secretKey);
    const readme = entries.get(`${root}/README.md`)!.toString();
    expect(readme).toContain('`inputs/run-20261129T170000Z/`');
    expect(readme).toContain('opaque.zip');
  });

  it('refuses a missing input with CLI_NOT_FOUND', async () => {
    await expect(
      createBundle({
        inputs: [join(tmp, 'nope')],
        outFile: join(tmp, 'x.tar.gz'),
        redactAccount: false,
        createdAt: '2026-11-29T18:00:00Z',
        toolVersion: '0',
      }),
    ).rejects.toMatchObject({ code: 'CLI_NOT_FOUND' });
  });
});

describe('verifyBundle', () => {
  let original: string;
  beforeAll(async () => {
    original = (await bundle('verify', false)).outFile;
  });

  /** Extracts the bundle, lets `change` alter the tree, packs it again. */
  async function tampered(name: string, change: (root: string) => Promise<void>): Promise<string> {
    const dir = join(tmp, `x-${name}`);
    await mkdir(dir, { recursive: true });
    await tar.x({ file: original, cwd: dir });
    const root = (await verifyBundle(original)).root;
    await change(join(dir, root));
    const out = join(tmp, `${name}.tar.gz`);
    await tar.c({ gzip: true, file: out, cwd: dir }, [root]);
    return out;
  }

  it('accepts an untouched bundle', async () => {
    const v = await verifyBundle(original);
    expect(v.ok).toBe(true);
    expect(v.problems).toEqual([]);
    expect(v.checked).toBe(12);
  });

  it('detects a modified file', async () => {
    const file = await tampered('modified', async (root) => {
      await writeFile(join(root, 'inputs/run-20261129T170000Z/report.md'), '# edited\n');
    });
    const v = await verifyBundle(file);
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => `${p.problem} ${p.path}`)).toEqual([
      'size-mismatch inputs/run-20261129T170000Z/report.md',
    ]);
  });

  it('detects a same-size edit, a missing file and an unlisted file', async () => {
    const file = await tampered('several', async (root) => {
      const p = join(root, 'inputs/run-20261129T170000Z/report.json');
      const text = await readFile(p, 'utf8');
      await writeFile(p, text.replace('"partial": false', '"partial": fals3'));
      await rm(join(root, 'README.md'));
      await writeFile(join(root, 'inputs/extra.txt'), 'sneaked in\n');
    });
    const v = await verifyBundle(file);
    expect(v.problems.map((p) => p.problem).sort()).toEqual(['missing', 'sha256-mismatch', 'unlisted']);
  });

  it('detects a secret put back with a matching manifest', async () => {
    const file = await tampered('secret', async (root) => {
      const rel = 'inputs/run-20261129T170000Z/report.md';
      const bytes = Buffer.from(`key ${PLANTED.accessKeyId}\n`);
      await writeFile(join(root, rel), bytes);
      const m = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')) as BundleManifest;
      const files = m.files.map((f) =>
        f.path === rel ? { ...f, size: bytes.length, sha256: sha256(bytes) } : f,
      );
      await writeFile(join(root, 'manifest.json'), JSON.stringify({ ...m, files }));
    });
    const v = await verifyBundle(file);
    expect(v.problems).toEqual([
      {
        path: 'inputs/run-20261129T170000Z/report.md',
        problem: 'secret-found',
        detail: '1 match(es): access-key-id',
      },
    ]);
  });

  it('refuses something that is not a bundle with BUNDLE_VERIFY_FAILED', async () => {
    const junk = join(tmp, 'junk.tar.gz');
    await writeFile(junk, 'not an archive at all');
    await expect(verifyBundle(junk)).rejects.toMatchObject({ code: 'BUNDLE_VERIFY_FAILED' });
    const empty = join(tmp, 'empty.tar.gz');
    await mkdir(join(tmp, 'emptydir'), { recursive: true });
    await tar.c({ gzip: true, file: empty, cwd: tmp }, ['emptydir']);
    await expect(verifyBundle(empty)).rejects.toMatchObject({ code: 'BUNDLE_VERIFY_FAILED' });
  });
});

describe('createBundle interrupted', () => {
  it('stops with CLI_INTERRUPTED and leaves no archive', async () => {
    const ac = new AbortController();
    ac.abort();
    const outFile = join(tmp, 'interrupted.tar.gz');
    await expect(
      createBundle({
        inputs: [runDir],
        outFile,
        redactAccount: false,
        createdAt: '2026-11-29T18:00:00Z',
        toolVersion: '0',
        signal: ac.signal,
      }),
    ).rejects.toMatchObject({ code: 'CLI_INTERRUPTED' });
    await expect(stat(outFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
