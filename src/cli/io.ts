/**
 * The CLI's one I/O boundary: results to stdout, diagnostics to stderr, events rendered.
 * Core code never prints; it emits {@link DiagEvent}s to the sink this builds.
 */
import type { DiagEvent, EventSink } from '../deps.js';

/** Output settings from the global options. */
export interface IoOptions {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly debug: boolean;
  readonly color: boolean;
}

/** A writable text stream (process.stdout/stderr or a test buffer). */
export interface TextOut {
  write(chunk: string | Uint8Array): unknown;
  readonly isTTY?: boolean;
}

/** The I/O boundary handed to every command. */
export class Io implements EventSink {
  readonly options: IoOptions;
  readonly stdout: TextOut;
  readonly stderr: TextOut;

  constructor(options: IoOptions, stdout: TextOut, stderr: TextOut) {
    this.options = options;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** True when stderr is an interactive terminal (live progress lines are allowed). */
  get interactive(): boolean {
    return Boolean(this.stderr.isTTY) && !this.options.json && !this.options.quiet;
  }

  /** Prints a result line (or block) to stdout. */
  result(text: string): void {
    this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Prints a value as JSON to stdout (pretty, one document). */
  json(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Prints one NDJSON line to stdout. */
  ndjson(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** Informational text to stderr, unless --quiet. */
  info(text: string): void {
    if (!this.options.quiet) this.stderr.write(`${text}\n`);
  }

  /** A warning to stderr, always. */
  warn(text: string): void {
    this.stderr.write(`${this.paint('33', 'warning:')} ${text}\n`);
  }

  /** An error line to stderr, always. */
  error(text: string): void {
    this.stderr.write(`${this.paint('31', 'error:')} ${text}\n`);
  }

  /** Debug text to stderr, only with --debug. */
  debug(text: string): void {
    if (this.options.debug) this.stderr.write(`${this.paint('2', 'debug:')} ${text}\n`);
  }

  /** Renders a core event: debug only with --debug, info unless --quiet, warn/error always. */
  emit(event: DiagEvent): void {
    const line = `${event.code} ${event.message}`;
    switch (event.level) {
      case 'debug':
        this.debug(line);
        break;
      case 'info':
        this.info(line);
        break;
      case 'warn':
        this.warn(line);
        break;
      case 'error':
        this.error(line);
        break;
    }
  }

  /** Wraps text in an ANSI SGR code when colour is on. */
  paint(sgr: string, text: string): string {
    return this.options.color ? `\u001b[${sgr}m${text}\u001b[0m` : text;
  }
}
