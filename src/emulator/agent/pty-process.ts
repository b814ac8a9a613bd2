/**
 * A session's command on a pty inside a task, driven through the python helper
 * (pty-session.py: setns into the task, openpty, fork, setsid + TIOCSCTTY, exec).
 *
 * The helper is either a worker forked by the task's zygote ({@link SessionZygote}, a unix
 * socket per task: starting a session costs a fork) or, when there is no zygote, a helper
 * process of its own (a python start-up per session).
 *
 * The pty is read only on request ({@link PtyProcess.read}), one read at a time, so the output
 * pump decides chunk size and pacing, and while it does not ask, nobody reads the pty: a
 * chatty command fills the pty buffer and blocks on write, as with the real agent.
 */
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import type { HostTools } from '../sandbox/host-tools.js';
import { helperScript } from '../sandbox/host-tools.js';

/** How the command ended (from waitpid). */
export interface PtyExit {
  /** Exit code, or null when killed by a signal. */
  readonly code: number | null;
  /** Signal number, or null. */
  readonly signal: number | null;
}

/** Why the command could not be started. */
export interface PtyStartFailure {
  readonly errno: number;
  /** strerror text, e.g. `No such file or directory`. */
  readonly message: string;
  /** `setup`: entering the task or opening the pty failed; `exec`: the exec itself failed. */
  readonly stage: 'setup' | 'exec';
}

/** Thrown by {@link PtyProcess.start} when the command did not start. */
export class PtyStartError extends Error {
  readonly failure: PtyStartFailure;
  constructor(failure: PtyStartFailure) {
    super(failure.message);
    this.name = 'PtyStartError';
    this.failure = failure;
  }
}

/** Options of {@link PtyProcess.start}. */
export interface PtyStartOptions {
  readonly tools: HostTools;
  /** Host pid of the task's PID 1 (whose namespaces the command enters). */
  readonly initPid: number;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cols?: number;
  readonly rows?: number;
  /** The task zygote's socket; without it (or when it cannot be reached) a helper is spawned. */
  readonly zygoteSocket?: string;
}

/** The byte channel to one helper: frames out, frames in, and its end. */
interface HelperLink {
  write(frame: Uint8Array): void;
  /** Closes our side: the helper kills the command and exits. */
  end(): void;
  onData(cb: (chunk: Buffer) => void): void;
  /** The helper is gone; `why` explains it when it died early. */
  onClose(cb: (why: string) => void): void;
}

const HEADER = 5;

/** Encodes one frame: type byte, 4-byte big-endian length, payload. */
function frame(kind: string, payload: Uint8Array): Buffer {
  const header = Buffer.alloc(HEADER);
  header.write(kind, 0, 'latin1');
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

function spawnLink(opts: PtyStartOptions, sessionOpts: string): HelperLink {
  const helper = spawn(
    opts.tools.python,
    ['-I', '-S', helperScript('agent/pty-session.py'), String(opts.initPid), sessionOpts],
    // Own process group: a Ctrl-C at the emulator's terminal must not reach the helpers;
    // the emulator ends them itself (and a helper whose stdin closes kills its command).
    { stdio: ['pipe', 'pipe', 'pipe'], detached: true },
  );
  let stderr = '';
  helper.stderr.setEncoding('utf8');
  helper.stderr.on('data', (s: string) => {
    stderr = (stderr + s).slice(-4096);
  });
  helper.stdin.on('error', () => {});
  return {
    write: (f) => {
      if (!helper.stdin.destroyed) helper.stdin.write(f);
    },
    end: () => helper.stdin.end(),
    onData: (cb) => helper.stdout.on('data', cb),
    onClose: (cb) => {
      helper.once('exit', () => cb(stderr.trim() || 'session helper died'));
      helper.once('error', (err) => cb(err.message));
    },
  };
}

/** Connects to the task's zygote; resolves undefined when it cannot be reached. */
function zygoteLink(socketPath: string, sessionOpts: string): Promise<HelperLink | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    socket.once('error', () => resolve(undefined));
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      socket.on('error', () => {});
      socket.write(frame('O', Buffer.from(sessionOpts, 'utf8')));
      resolve({
        write: (f) => {
          if (!socket.destroyed) socket.write(f);
        },
        end: () => socket.end(),
        onData: (cb) => socket.on('data', cb),
        onClose: (cb) => socket.once('close', () => cb('session worker died')),
      });
    });
  });
}

/** The command on its pty. */
export class PtyProcess {
  /** Host pid of the command (the direct child of the helper, the pty's session leader). */
  readonly pid: number;
  /** The command's pid inside the task. */
  readonly nsPid: number;
  /** Resolves when the helper has reaped the command. */
  readonly exit: Promise<PtyExit>;
  #link: HelperLink;
  #pendingRead: ((data: Uint8Array | null) => void) | undefined;
  #eof = false;
  #closed = false;

  private constructor(link: HelperLink, pid: number, nsPid: number, exit: Promise<PtyExit>) {
    this.#link = link;
    this.pid = pid;
    this.nsPid = nsPid;
    this.exit = exit;
  }

  /**
   * Starts the command. Resolves once it has been exec'd.
   * @throws PtyStartError when the command could not be started
   */
  static async start(opts: PtyStartOptions): Promise<PtyProcess> {
    const sessionOpts = JSON.stringify({
      argv: opts.argv,
      env: opts.env,
      cols: opts.cols ?? 0,
      rows: opts.rows ?? 0,
    });
    const link =
      (opts.zygoteSocket ? await zygoteLink(opts.zygoteSocket, sessionOpts) : undefined) ??
      spawnLink(opts, sessionOpts);
    return new Promise((resolve, reject) => {
      let proc: PtyProcess | undefined;
      let resolveExit!: (e: PtyExit) => void;
      const exit = new Promise<PtyExit>((r) => {
        resolveExit = r;
      });
      let buf: Buffer = Buffer.alloc(0);
      link.onData((chunk) => {
        buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
        while (buf.length >= HEADER) {
          const len = buf.readUInt32BE(1);
          if (buf.length < HEADER + len) break;
          const kind = String.fromCharCode(buf[0] as number);
          const payload = buf.subarray(HEADER, HEADER + len);
          buf = buf.subarray(HEADER + len);
          switch (kind) {
            case 'S': {
              const s = JSON.parse(payload.toString('utf8')) as { pid: number; nsPid: number };
              proc = new PtyProcess(link, s.pid, s.nsPid, exit);
              resolve(proc);
              break;
            }
            case 'F':
              reject(new PtyStartError(JSON.parse(payload.toString('utf8')) as PtyStartFailure));
              break;
            case 'D':
              if (proc) proc.#onData(Buffer.from(payload));
              break;
            case 'X':
              resolveExit(JSON.parse(payload.toString('utf8')) as PtyExit);
              break;
          }
        }
      });
      link.onClose((why) => {
        // A helper that died without reporting: the command is gone with it (EOF kills it).
        if (!proc) reject(new PtyStartError({ errno: 0, message: why, stage: 'setup' }));
        else {
          proc.#onData(null);
          proc.#closed = true;
        }
        resolveExit({ code: null, signal: null });
      });
    });
  }

  /** One read of at most `max` bytes; null at EOF (every holder of the pty slave closed it). */
  read(max: number): Promise<Uint8Array | null> {
    if (this.#eof || this.#closed) return Promise.resolve(null);
    if (this.#pendingRead) throw new Error('PtyProcess.read: a read is already pending');
    return new Promise((resolve) => {
      this.#pendingRead = resolve;
      this.#send('R', u32(max));
    });
  }

  /** Writes input to the pty (as typed at the terminal). */
  write(data: Uint8Array): void {
    if (data.length > 0) this.#send('W', data);
  }

  /** Sets the pty's window size. */
  resize(cols: number, rows: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt16BE(Math.max(0, Math.min(65535, cols)), 0);
    b.writeUInt16BE(Math.max(0, Math.min(65535, rows)), 2);
    this.#send('Z', b);
  }

  /** SIGKILLs the command (the direct child only), then closes the pty master. */
  kill(): void {
    this.#send('K', new Uint8Array(0));
    this.#onData(null);
  }

  /** Ends the helper without a word (our side of the link closes: it kills the command). */
  detach(): void {
    this.#link.end();
  }

  #send(kind: string, payload: Uint8Array): void {
    if (!this.#closed) this.#link.write(frame(kind, payload));
  }

  #onData(data: Uint8Array | null): void {
    if (data === null || data.length === 0) this.#eof = true;
    const pending = this.#pendingRead;
    this.#pendingRead = undefined;
    pending?.(data && data.length > 0 ? data : null);
  }
}

function u32(n: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}
