/**
 * The host programs the sandbox is built from (util-linux `unshare`/`nsenter`, python3) and the
 * emulator's own helper scripts, found once per process.
 *
 * python3 runs on the HOST side only (the sandbox init before its exec, the session helper
 * before it enters the task), so a task image needs no python.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DiagError } from '../../errors.js';

/** Absolute paths of the host tools. */
export interface HostTools {
  readonly unshare: string;
  readonly nsenter: string;
  readonly python: string;
  /** True when this process is root (no user namespace needed). */
  readonly root: boolean;
}

const SEARCH_PATH = ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin'];

function which(name: string): string | undefined {
  for (const dir of SEARCH_PATH) {
    const p = `${dir}/${name}`;
    if (existsSync(p)) return p;
  }
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    if (dir && existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return undefined;
}

/**
 * Finds unshare, nsenter and python3. `ECS_DIAG_PYTHON` overrides the python3 path.
 * @throws DiagError EMULATOR_NAMESPACES_UNAVAILABLE when one is missing or this is not Linux
 */
export function findHostTools(): HostTools {
  if (process.platform !== 'linux') {
    throw unavailable(`Linux namespaces are needed for the emulated tasks; this is ${process.platform}`);
  }
  const unshare = which('unshare');
  const nsenter = which('nsenter');
  const python = process.env['ECS_DIAG_PYTHON'] ?? which('python3');
  const missing = [
    ...(unshare ? [] : ['unshare (util-linux)']),
    ...(nsenter ? [] : ['nsenter (util-linux)']),
    ...(python ? [] : ['python3']),
  ];
  if (!unshare || !nsenter || !python) {
    throw unavailable(`the emulated tasks need ${missing.join(', ')} on this machine`);
  }
  return { unshare, nsenter, python, root: process.getuid?.() === 0 };
}

/**
 * The unshare flags of a task: mount, PID, UTS and IPC namespaces; plus a user namespace
 * mapping the caller to root when the emulator does not run as root.
 */
export function unshareArgs(tools: HostTools): string[] {
  return [
    ...(tools.root ? [] : ['--user', '--map-root-user']),
    '--mount',
    '--pid',
    '--uts',
    '--ipc',
    '--fork',
    '--kill-child',
    '--propagation',
    'private',
  ];
}

/**
 * `nsenter` arguments that enter a task's namespaces, as `docker exec` does (its user
 * namespace too when the emulator is not root), followed by `--`.
 */
export function nsenterArgs(tools: HostTools, initPid: number): string[] {
  return [
    '-t',
    String(initPid),
    ...(tools.root ? [] : ['-U', '--preserve-credentials']),
    '-m',
    '-p',
    '-u',
    '-i',
    '--',
  ];
}

/**
 * A prefix that runs a program with PR_SET_PDEATHSIG = SIGKILL: if the emulator's process dies
 * without cleaning up (SIGKILL, crash), the kernel kills the program (unshare; its
 * `--kill-child` then takes the task's whole PID namespace with it).
 */
export function dieWithParent(tools: HostTools): string[] {
  // prctl(PR_SET_PDEATHSIG=1, SIGKILL=9) survives execve (not for set-uid programs).
  const code = 'import ctypes,os,sys;ctypes.CDLL(None).prctl(1,9);os.execv(sys.argv[1],sys.argv[1:])';
  return [tools.python, '-I', '-S', '-c', code];
}

/**
 * Checks once that namespaces can be created here (containers without CAP_SYS_ADMIN and
 * kernels without unprivileged user namespaces cannot).
 * @throws DiagError EMULATOR_NAMESPACES_UNAVAILABLE
 */
export function probeNamespaces(tools: HostTools): void {
  try {
    execFileSync(tools.unshare, [...unshareArgs(tools), '--', 'true'], { stdio: 'pipe', timeout: 10_000 });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw unavailable(`cannot create Linux namespaces here: ${stderr || (err as Error).message}`, err);
  }
}

function unavailable(message: string, cause?: unknown): DiagError {
  return new DiagError('EMULATOR_NAMESPACES_UNAVAILABLE', message, {
    source: 'environment',
    hint: 'run the emulator as root (e.g. in a privileged container) or enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1); it never runs commands against the host paths',
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * The path of one of the emulator's python helpers. They live next to their TypeScript
 * sources (src/emulator/...); from dist/ the source tree is three levels up.
 */
export function helperScript(relative: string): string {
  const candidates = [
    new URL(`../${relative}`, import.meta.url),
    new URL(`../../../../src/emulator/${relative}`, import.meta.url),
  ];
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  throw new DiagError('EMULATOR_START_FAILED', `the emulator helper ${relative} is missing`, {
    source: 'tool',
  });
}
