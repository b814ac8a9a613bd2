/**
 * The in-container instrumentation of a case: a POSIX-sh wrapper around the payload that leaves
 * markers in `/tmp/ecs-diag/runs/<runId>/<caseId>/`, and the short script that reads them back.
 *
 * Works with dash, bash and busybox ash: only POSIX sh, `mkdir`, `mkfifo`, `date`, `sleep`, `cat`.
 *
 *   sh -c '<wrapper>'            the session leader (the agent's direct child, SIGKILLed on cancel)
 *    ├─ watcher  (trap '' HUP, stdio → /dev/null)  blocks on the FIFO `alive` → writes `gone`
 *    │   └─ heartbeat loop                          rewrites `hb` every few logical seconds
 *    ├─ leader watcher (trap '' HUP)                blocks on the FIFO `lead` → writes `leader-gone`
 *    └─ payload recorder  sh -c '<R>' (variant: plain, nohup, setsid, trap '' HUP)
 *        └─ sleep N                                  exit status → `exit`, time → `end`
 *
 * The payload holds `alive` open (fd 9), the leader `lead` (fd 8), both opened read-write so that
 * nobody waits for the watchers to start: the kernel closes them when the processes die, however
 * they die, so the watchers (blocked reading) see EOF at once and stamp the moment (no polling). The watchers hold no pty file descriptor and ignore
 * SIGHUP, so they neither keep the session alive nor die with it.
 *
 * A stamp is `<epoch ns or -> <uptime s or ->`: `date +%s%N` where it works (GNU), else
 * `/proc/uptime` (busybox; 10 ms resolution). On the emulator real seconds are converted to
 * logical ones by dividing by the time scale, so 10 ms at scale 0.01 is one logical second.
 */

import { shlexQuote } from '../session/shlex.js';
import type { VariantKind } from './matrix.js';

/** Root of every run's markers inside a container. */
export const MARKER_ROOT = '/tmp/ecs-diag/runs';

/** Prefix of every readback line. */
const TAG = 'ecsdiag:';

/** Exit statuses of the wrapper when it cannot set up (written to `error` too). */
export const WRAPPER_EXIT = { NO_DIR: 97, NO_FIFO: 98, NO_TOOL: 96 } as const;

/** What to build a wrapper for. */
export interface WrapperOptions {
  readonly runId: string;
  readonly caseId: string;
  readonly kind: VariantKind;
  /** Payload duration, logical seconds. */
  readonly durationS: number;
  /** Real seconds per logical second (1 on AWS). */
  readonly timeScale: number;
  /** Heartbeat period, logical seconds. @default 10 */
  readonly heartbeatS?: number;
}

/** The directory of one case's markers. */
export function caseDir(runId: string, caseId: string): string {
  return `${MARKER_ROOT}/${runId}/${caseId}`;
}

/** POSIX single-quoting (one shared implementation). */
export const shQuote = shlexQuote;

/** A number of real seconds as `sleep` accepts it (no exponent, at most 3 decimals, ≥ 0.001). */
export function realSeconds(logicalS: number, timeScale: number): string {
  const s = Math.max(0.001, logicalS * timeScale);
  return Number.isInteger(s) ? String(s) : s.toFixed(3).replace(/0+$/, '');
}

/** The shell function that prints a stamp (see the module doc). */
const STAMP_FN =
  "st() { t=$(date +%s%N 2>/dev/null); case $t in ''|*[!0-9]*) t=- ;; esac; " +
  'u=-; [ -r /proc/uptime ] && read u x </proc/uptime; echo "$t $u"; }';

/** The same stamp under bash: `$EPOCHREALTIME` (µs) needs no fork, so it is taken at once. */
const BASH_STAMP_FN =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion
  'st() { t=${EPOCHREALTIME/[.,]/}000; case $t in 000|*[!0-9]*) t=$(date +%s%N) ;; esac; ' +
  'u=-; [ -r /proc/uptime ] && read u x </proc/uptime; echo "$t $u"; }';

/**
 * A watcher: `$1` case dir, `$2` heartbeat period (0: none), `$3` FIFO to wait on, `$4` marker to
 * stamp at its EOF. Ignores SIGHUP; started with stdio on /dev/null, so it holds no pty.
 */
function watcherScript(stampFn: string): string {
  return [
    "trap '' HUP INT TERM",
    'D=$1',
    stampFn,
    'h=',
    'if [ "$2" != 0 ]; then',
    '  ( while :; do st >"$D/hb"; sleep $2 2>/dev/null || sleep 1; done ) & h=$!',
    '  echo $h >"$D/hb.pid"',
    'fi',
    'read x <"$D/$3"; st >"$D/$4"',
    // -9: the loop inherited the ignored TERM.
    '[ -n "$h" ] && kill -9 $h',
    'exit 0',
  ].join('\n');
}

/** The payload recorder: runs `sleep`, then records its exit status and end. `$1` is the case dir. */
function recorderScript(o: WrapperOptions): string {
  const tag = `ecs-diag ${o.runId}/${o.caseId}`;
  return [
    'D=$1',
    STAMP_FN,
    `echo "${tag} started"`,
    `sleep ${realSeconds(o.durationS, o.timeScale)} & p=$!`,
    'st >"$D/pstart"; echo "$$ $p" >"$D/payload.pid"',
    'wait $p; s=$?',
    'st >"$D/end.tmp"; mv "$D/end.tmp" "$D/end"',
    'echo $s >"$D/exit.tmp"; mv "$D/exit.tmp" "$D/exit"',
    `echo "${tag} exit $s"`,
  ].join('\n');
}

/**
 * Before the shell exits (nohup, setsid), wait until the payload runs under its protection (at
 * most ~5 s). Without this, the shell's exit can hang up the pty while the child is still between
 * fork and nohup's `signal(SIGHUP, SIG_IGN)`, and SIGHUP kills it: a start-up race of `cmd & exit`,
 * not what the variant measures.
 */
const AWAIT_PAYLOAD =
  'i=0; while [ ! -s "$D/payload.pid" ] && [ $i -lt 500 ]; do sleep 0.01 2>/dev/null || sleep 1; i=$((i+1)); done';

/** How the wrapper launches the recorder, per variant kind. */
function launchLine(kind: VariantKind, recorder: string): string {
  // `<>` opens the FIFO without waiting for its reader (the watcher may still be starting).
  const run = `sh -c ${shQuote(recorder)} ecs-diag-payload "$D" 9<>"$D/alive" 8>&-`;
  switch (kind) {
    case 'nohup':
      return `command -v nohup >/dev/null 2>&1 || fail 'nohup not found'\nnohup ${run} &\n${AWAIT_PAYLOAD}\nexit 0`;
    case 'setsid':
      return `command -v setsid >/dev/null 2>&1 || fail 'setsid not found'\nsetsid ${run} &\n${AWAIT_PAYLOAD}\nexit 0`;
    case 'trap-hup':
      return `trap '' HUP\n${run} &\nwait $!`;
    default:
      return `${run} &\nwait $!`;
  }
}

/**
 * The wrapper script (multi-line POSIX sh). Pass it as `sh -c <shQuote(script)>`: see
 * {@link wrapperCommand}.
 */
export function wrapperScript(o: WrapperOptions): string {
  const d = caseDir(o.runId, o.caseId);
  const hb = realSeconds(o.heartbeatS ?? 10, o.timeScale);
  return [
    `D=${shQuote(d)}`,
    `mkdir -p "$D" || exit ${WRAPPER_EXIT.NO_DIR}`,
    STAMP_FN,
    // On a setup failure, unblock the watcher (it waits for a writer on `alive`) and leave a reason.
    `fail() { echo "$1" >"$D/error"; : >"$D/alive"; exit ${WRAPPER_EXIT.NO_TOOL}; }`,
    'st >"$D/start"',
    'echo $$ >"$D/leader.pid"',
    'rm -f "$D/alive" "$D/lead"',
    `mkfifo "$D/alive" "$D/lead" || { echo 'mkfifo failed' >"$D/error"; exit ${WRAPPER_EXIT.NO_FIFO}; }`,
    // The watchers run under bash when the image has it ($EPOCHREALTIME: a stamp without a fork).
    `if command -v bash >/dev/null 2>&1; then WSH=bash; W=${shQuote(watcherScript(BASH_STAMP_FN))}; else WSH=sh; W=${shQuote(watcherScript(STAMP_FN))}; fi`,
    `$WSH -c "$W" ecs-diag-watch "$D" ${hb} alive gone </dev/null >/dev/null 2>&1 &`,
    'echo $! >"$D/watch.pid"',
    // The leader watcher: stamps the moment this shell (the session's command) disappears.
    '$WSH -c "$W" ecs-diag-watch "$D" 0 lead leader-gone </dev/null >/dev/null 2>&1 &',
    'exec 8<>"$D/lead"',
    launchLine(o.kind, recorderScript(o)),
  ].join('\n');
}

/** The ExecuteCommand `command` string for a case. */
export function wrapperCommand(o: WrapperOptions): string {
  return `sh -c ${shQuote(wrapperScript(o))}`;
}

/** The readback script: prints `ecsdiag:<marker>=<value>` lines for one case. */
export function readbackScript(runId: string, caseId: string): string {
  const d = caseDir(runId, caseId);
  const tag = `ecs-diag ${runId}/${caseId} `;
  return [
    STAMP_FN,
    `echo "${TAG}now=$(st)"`,
    `D=${shQuote(d)}`,
    `[ -d "$D" ] || { echo "${TAG}missing=1"; exit 0; }`,
    // Liveness first, markers after: a payload ending in between then shows its exit marker.
    'if [ -f "$D/payload.pid" ]; then for p in $(cat "$D/payload.pid"); do',
    // A zombie (dead, not yet reaped by a non-reaping init such as `tail -f /dev/null`) is gone.
    `  case $(cat /proc/$p/stat 2>/dev/null) in ''|*') Z '*) ;; *) echo "${TAG}running=$p" ;; esac`,
    'done; fi',
    'for f in start pstart gone leader-gone end exit hb error payload.pid; do',
    `  [ -f "$D/$f" ] && echo "${TAG}$f=$(cat "$D/$f")"`,
    'done',
    'for n in /nohup.out "$HOME/nohup.out"; do',
    `  [ -f "$n" ] && grep -F ${shQuote(tag)} "$n" 2>/dev/null | while read -r l; do echo "${TAG}nohup=$n:$l"; done`,
    'done',
    'exit 0',
  ].join('\n');
}

/**
 * The cleanup script: kills whatever a run (or one case) left in a container, by the pids its
 * markers recorded, then removes the markers. Prints `ecsdiag:killed=<pid>` per process killed.
 */
export function cleanupScript(runId: string, caseId?: string): string {
  const d = caseId === undefined ? `${MARKER_ROOT}/${runId}` : caseDir(runId, caseId);
  const files = 'payload.pid hb.pid watch.pid leader.pid';
  return [
    `R=${shQuote(d)}`,
    '[ -d "$R" ] || exit 0',
    `for f in $(find "$R" -name '*.pid' 2>/dev/null); do`,
    `  case " ${files} " in *" $` + '{f##*/} "*) ;; *) continue ;; esac',
    '  for p in $(cat "$f"); do',
    `    [ "$p" = "$$" ] && continue`,
    `    case $(cat /proc/$p/stat 2>/dev/null) in ''|*') Z '*) continue ;; esac`,
    `    kill -9 $p 2>/dev/null && echo "${TAG}killed=$p"`,
    '  done',
    'done',
    'rm -rf "$R"',
    'exit 0',
  ].join('\n');
}

/** Parses the pids a cleanup script killed. */
export function parseKilled(stdout: string): number[] {
  return [...stdout.matchAll(/ecsdiag:killed=(\d+)/g)].map((m) => Number(m[1]));
}

/** A time stamp from the container. */
export interface Stamp {
  /** Epoch milliseconds with sub-ms fraction (from `date +%s%N`), when available. */
  readonly epochMs?: number;
  /** /proc/uptime seconds, when available. */
  readonly uptimeS?: number;
}

/** The markers of one case as read back. */
export interface Markers {
  /** The case directory does not exist (the wrapper never ran, or cleanup removed it). */
  readonly missing: boolean;
  readonly now?: Stamp;
  readonly start?: Stamp;
  /** When `sleep` was started (the wrapper's own start-up comes before). */
  readonly payloadStart?: Stamp;
  readonly gone?: Stamp;
  readonly leaderGone?: Stamp;
  readonly end?: Stamp;
  readonly hb?: Stamp;
  readonly exitStatus?: number;
  readonly error?: string;
  /** The payload recorder ran (it wrote payload.pid). */
  readonly payloadStarted: boolean;
  /** Payload pids still alive at readback. */
  readonly running: readonly number[];
  /** Lines of this case found in nohup.out files. */
  readonly nohup: readonly { readonly file: string; readonly line: string }[];
}

/** Parses a stamp line (`<ns|-> <uptime|->`). */
export function parseStamp(text: string): Stamp | undefined {
  const [ns, up] = text.trim().split(/\s+/);
  const out: { epochMs?: number; uptimeS?: number } = {};
  if (ns && /^\d{16,}$/.test(ns)) out.epochMs = Number(BigInt(ns) / 1000n) / 1000;
  if (up && /^\d+(\.\d+)?$/.test(up)) out.uptimeS = Number(up);
  return out.epochMs === undefined && out.uptimeS === undefined ? undefined : out;
}

/** Parses the readback output (CR and foreign lines ignored). */
export function parseMarkers(stdout: string): Markers {
  const kv = new Map<string, string>();
  const running: number[] = [];
  const nohup: { file: string; line: string }[] = [];
  for (const raw of stdout.split('\n')) {
    const line = raw.replace(/\r/g, '');
    const at = line.indexOf(TAG);
    if (at < 0) continue;
    const body = line.slice(at + TAG.length);
    const eq = body.indexOf('=');
    if (eq < 0) continue;
    const key = body.slice(0, eq);
    const value = body.slice(eq + 1);
    if (key === 'running') running.push(Number(value));
    else if (key === 'nohup') {
      const colon = value.indexOf(':');
      nohup.push({ file: value.slice(0, colon), line: value.slice(colon + 1) });
    } else kv.set(key, value);
  }
  const stamp = (k: string) => {
    const v = kv.get(k);
    return v === undefined ? undefined : parseStamp(v);
  };
  const exitText = kv.get('exit')?.trim();
  const exitStatus = exitText !== undefined && /^\d+$/.test(exitText) ? Number(exitText) : undefined;
  const error = kv.get('error');
  const m: Markers = {
    missing: kv.has('missing'),
    payloadStarted: kv.has('payload.pid'),
    running,
    nohup,
    ...opt('now', stamp('now')),
    ...opt('start', stamp('start')),
    ...opt('payloadStart', stamp('pstart')),
    ...opt('gone', stamp('gone')),
    ...opt('leaderGone', stamp('leader-gone')),
    ...opt('end', stamp('end')),
    ...opt('hb', stamp('hb')),
    ...opt('exitStatus', exitStatus),
    ...opt('error', error),
  };
  return m;
}

function opt<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}

/**
 * Real ms until a still-running payload should end, by the container's own clock (its `sleep`
 * start plus its duration, against the readback's `now`), or undefined when the stamps cannot say.
 */
export function remainingRealMs(m: Markers, durationS: number, timeScale: number): number | undefined {
  const from = m.payloadStart ?? m.start;
  if (!from || !m.now) return undefined;
  const elapsedS =
    from.epochMs !== undefined && m.now.epochMs !== undefined
      ? (m.now.epochMs - from.epochMs) / 1000
      : from.uptimeS !== undefined && m.now.uptimeS !== undefined
        ? m.now.uptimeS - from.uptimeS
        : undefined;
  return elapsedS === undefined ? undefined : (durationS * timeScale - elapsedS) * 1000;
}

/**
 * Where logical time starts for a case. On the same machine as the container (the emulator), the
 * runner's clock is the container's: `epochMs` (and the host's uptime) are the moment ExecuteCommand
 * was sent. On AWS the clocks differ, so times are taken relative to the wrapper's `start` marker.
 */
export interface TimeOrigin {
  readonly timeScale: number;
  readonly sameClock: boolean;
  /** Real epoch ms when the case's session was requested (same-clock only). */
  readonly epochMs?: number;
  /** Host /proc/uptime at that moment (same-clock only, for containers without `date +%s%N`). */
  readonly uptimeS?: number;
}

/** Converts a stamp to logical seconds after the case's origin, or undefined when it cannot. */
export function logicalSeconds(
  stamp: Stamp | undefined,
  start: Stamp | undefined,
  o: TimeOrigin,
): number | undefined {
  if (!stamp) return undefined;
  let realS: number | undefined;
  if (o.sameClock && o.epochMs !== undefined && stamp.epochMs !== undefined) {
    realS = (stamp.epochMs - o.epochMs) / 1000;
  } else if (o.sameClock && o.uptimeS !== undefined && stamp.uptimeS !== undefined) {
    realS = stamp.uptimeS - o.uptimeS;
  } else if (start?.epochMs !== undefined && stamp.epochMs !== undefined) {
    realS = (stamp.epochMs - start.epochMs) / 1000;
  } else if (start?.uptimeS !== undefined && stamp.uptimeS !== undefined) {
    realS = stamp.uptimeS - start.uptimeS;
  }
  return realS === undefined ? undefined : realS / o.timeScale;
}
