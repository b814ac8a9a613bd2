/**
 * `npm run bench -- analyze`: analyze's throughput and memory on a 40 MB agent log (the size at
 * which the ECS Exec agent rolls it) with a few hundred sessions, against `grep -c` for the kill
 * signature on the same file as the floor.
 *
 * Prints: in-process MB/s (best of 3), the built CLI end to end (wall time, MB/s, the child's peak
 * RSS via process.resourceUsage), grep's time, and the ratio. Targets: ≥ 100 MB/s, RSS < 150 MB.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MSG } from '../src/logs/agent-log-format.js';
import { analyzeLogs } from '../src/logs/analyze.js';
import { generateLog, mulberry32, randomSessions } from '../test/helpers/log-generator.js';

/** seelog's maxsize for the ECS Exec agent log. @see ssm-data-channel.md §4.2 */
const TARGET_BYTES = 40_000_000;
const SESSIONS_PER_BATCH = 25;
const TARGET_MBPS = 100;
const TARGET_RSS_MB = 150;

const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(HERE, '../src/cli/bin.js');
const ANALYZE_MODULE = pathToFileURL(resolve(HERE, '../src/logs/analyze.js')).href;

/** Writes batches of generated sessions until the file reaches the target size. */
async function writeLog(path: string): Promise<{ bytes: number; sessions: number; kills: number }> {
  const out = createWriteStream(path);
  const rng = mulberry32(2024);
  let bytes = 0;
  let sessions = 0;
  let kills = 0;
  let start = Date.UTC(2024, 4, 1);
  let seed = 1;
  while (bytes < TARGET_BYTES) {
    const batch = randomSessions(rng, { count: SESSIONS_PER_BATCH, start, meanGapMs: 60_000 });
    start = Math.max(...batch.map((s) => s.endAt));
    for (const line of generateLog(batch, 'ecs-exec', { seed: seed++, fillerEveryMs: 1_500 })) {
      if (bytes >= TARGET_BYTES) break;
      const text = `${line}\n`;
      bytes += Buffer.byteLength(text);
      if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    sessions += batch.length;
    kills += batch.filter((s) => s.end.kind === 'killed').length;
  }
  await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));
  return { bytes, sessions, kills };
}

/** Runs a node child and returns its wall time and peak RSS (KiB, reported by the child itself). */
function runChild(
  args: readonly string[],
  preload: string,
): Promise<{ ms: number; maxRssKiB: number; code: number }> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', preload, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => {
      const m = /MAXRSS_KIB=(\d+)/.exec(stderr);
      done({ ms: performance.now() - t0, maxRssKiB: m ? Number(m[1]) : Number.NaN, code: code ?? -1 });
    });
  });
}

function timeGrep(file: string): { ms: number; count: number } {
  const t0 = performance.now();
  const r = spawnSync('grep', ['-c', '-F', MSG.WAIT_PTY_KILLED, file], { encoding: 'utf8' });
  return { ms: performance.now() - t0, count: Number(r.stdout.trim()) };
}

const mb = (bytes: number) => bytes / 1e6;
const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** The benchmark. */
export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ecs-diag-bench-analyze-'));
  try {
    const file = join(dir, 'amazon-ssm-agent.log');
    const gen = await writeLog(file);
    const size = (await stat(file)).size;
    process.stdout.write(
      `generated ${fmt(mb(size))} MB from ${gen.sessions} drawn sessions (${gen.kills} to be killed; the file is cut at 40 MB, so the last ones are partial) in ${file}\n`,
    );

    // 1. In process, best of 3: the analyzer's own speed (wall, and CPU, which a busy machine distorts less).
    let best = Number.POSITIVE_INFINITY;
    let bestCpu = Number.POSITIVE_INFINITY;
    let kills = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const result = await analyzeLogs({ paths: [file] });
      const c = process.cpuUsage(c0);
      best = Math.min(best, performance.now() - t0);
      bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000);
      kills = result.summary.kills;
    }
    const mbps = mb(size) / (best / 1000);
    process.stdout.write(
      `analyze (in process, best of 3): ${fmt(best, 0)} ms wall = ${fmt(mbps)} MB/s; ${fmt(bestCpu, 0)} ms CPU = ${fmt(mb(size) / (bestCpu / 1000))} MB/s; ${kills} kills\n`,
    );

    // 2. Peak RSS, measured by each child itself at exit: the analyzer alone, and the whole built CLI
    //    (which also loads every other command's modules).
    const preload = join(dir, 'maxrss.mjs');
    await writeFile(
      preload,
      "process.on('exit', () => process.stderr.write('MAXRSS_KIB=' + process.resourceUsage().maxRSS + '\\n'));\n",
    );
    const lib = await runChild(
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(ANALYZE_MODULE)}); await m.analyzeLogs({ paths: [${JSON.stringify(file)}] });`,
      ],
      preload,
    );
    const libRssMb = (lib.maxRssKiB * 1024) / 1e6;
    process.stdout.write(`analyzer alone (child): ${fmt(lib.ms, 0)} ms, peak RSS ${fmt(libRssMb)} MB\n`);
    const cli = await runChild([BIN, 'analyze', file, '--json', '--quiet'], preload);
    const help = await runChild([BIN, '--help'], preload);
    const rssMb = (cli.maxRssKiB * 1024) / 1e6;
    process.stdout.write(
      `built CLI, end to end: ${fmt(cli.ms, 0)} ms = ${fmt(mb(size) / (cli.ms / 1000))} MB/s, peak RSS ${fmt(rssMb)} MB (\`--help\` alone: ${fmt((help.maxRssKiB * 1024) / 1e6)} MB, ${fmt(help.ms, 0)} ms), exit ${cli.code}\n`,
    );

    // 3. The floor: grep -c for the kill signature on the same file (page cache warm for both).
    const grep = timeGrep(file);
    process.stdout.write(`grep -c (floor): ${fmt(grep.ms, 0)} ms, ${grep.count} matches\n`);
    process.stdout.write(
      `ratio analyze/grep (wall): in process ${fmt(best / grep.ms)}x, CLI ${fmt(cli.ms / grep.ms)}x\n`,
    );
    const ok = mbps >= TARGET_MBPS && libRssMb < TARGET_RSS_MB;
    process.stdout.write(
      `targets: >= ${TARGET_MBPS} MB/s (${fmt(mbps)}), analyzer RSS < ${TARGET_RSS_MB} MB (${fmt(libRssMb)}): ${ok ? 'met' : 'NOT met'}; load average ${loadavg()
        .map((l) => fmt(l))
        .join(' ')} on ${availableParallelism()} CPU(s)\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
