/**
 * Streams the lines of one file in constant memory, plain or gzip, and counts what is wrong
 * with the input instead of failing on it.
 *
 * Lines are cut on `\n` at the byte level (so a multi-byte character split across chunks is
 * never broken), a trailing `\r` is stripped and counted, and a line longer than
 * `maxLineBytes` is cut to that length (the rest is skipped, not buffered).
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { DiagError } from '../errors.js';

/** What was odd about one file's bytes. Nothing here stops the analysis. */
export interface InputStats {
  /** Bytes read from disk (compressed size for `.gz`). */
  bytes: number;
  /** Bytes after decompression (equal to `bytes` for plain files). */
  decodedBytes: number;
  lines: number;
  /** Lines longer than the limit; only their first `maxLineBytes` bytes were looked at. */
  overLongLines: number;
  /** Lines that are not valid UTF-8 (decoded with U+FFFD replacements). */
  invalidUtf8Lines: number;
  /** NUL bytes anywhere in the input. */
  nulBytes: number;
  /** Lines that ended in `\r\n`. */
  crlfLines: number;
  /** The last line had no newline (a file cut while being written, or a truncated copy). */
  truncatedLastLine: boolean;
  /** The gzip stream was corrupt or truncated: the zlib message. Lines before the damage were read. */
  gzipError: string | null;
}

/** Called for every line, in order. `lineNo` is 1-based. */
export type LineHandler = (text: string, lineNo: number) => void;

/** Options of {@link readLines}. */
export interface ReadLinesOptions {
  /** @default 65536 */
  readonly maxLineBytes?: number;
  /** Stops reading at the next chunk; the stats say so through `interrupted`. */
  readonly signal?: AbortSignal;
  /** @default 256 KiB (bigger reads are hardly faster and hold more memory) */
  readonly chunkBytes?: number;
}

/** Empty stats. */
export function emptyInputStats(): InputStats {
  return {
    bytes: 0,
    decodedBytes: 0,
    lines: 0,
    overLongLines: 0,
    invalidUtf8Lines: 0,
    nulBytes: 0,
    crlfLines: 0,
    truncatedLastLine: false,
    gzipError: null,
  };
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
const LF = 10;
const CR = 13;

/** True when the file starts with the gzip magic bytes (whatever its name). */
async function isGzipFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
  } finally {
    await handle.close();
  }
}

/** Counts one byte value in a buffer. */
function countByte(buf: Buffer, byte: number): number {
  let n = 0;
  let i = buf.indexOf(byte);
  while (i !== -1) {
    n += 1;
    i = buf.indexOf(byte, i + 1);
  }
  return n;
}

/** Maps an fs error to the analyzer's one-line error. */
export function unreadable(path: string, err: unknown): DiagError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new DiagError('LOGS_PATH_NOT_FOUND', `no such file or directory: ${path}`, { cause: err });
  }
  return new DiagError('LOGS_UNREADABLE', `cannot read ${path}: ${code ?? (err as Error).message}`, {
    cause: err,
    hint: code === 'EACCES' ? 'check the file permissions, or run as a user who can read it' : undefined,
  });
}

function isZlibError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/**
 * Reads `path` line by line, calling `onLine` for each, and returns what it counted.
 * @throws DiagError LOGS_UNREADABLE / LOGS_PATH_NOT_FOUND when the file cannot be opened or read
 */
export async function readLines(
  path: string,
  onLine: LineHandler,
  options: ReadLinesOptions = {},
): Promise<InputStats & { interrupted: boolean; gzip: boolean }> {
  const maxLineBytes = options.maxLineBytes ?? 65_536;
  const stats = emptyInputStats();
  let interrupted = false;

  let gzip: boolean;
  try {
    gzip = await isGzipFile(path);
  } catch (err) {
    throw unreadable(path, err);
  }

  const file = createReadStream(path, { highWaterMark: options.chunkBytes ?? 1 << 18 });
  const source = gzip ? file.pipe(createGunzip()) : file;
  if (gzip) file.on('error', (err) => source.destroy(err));

  // The current partial line: at most maxLineBytes kept, the rest only counted.
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let carryOverLong = false;

  const emit = (buf: Buffer, overLong: boolean, checkUtf8: boolean): void => {
    stats.lines += 1;
    let line = buf;
    if (overLong || line.length > maxLineBytes) {
      stats.overLongLines += 1;
      if (line.length > maxLineBytes) line = line.subarray(0, maxLineBytes);
    } else if (line.length > 0 && line[line.length - 1] === CR) {
      stats.crlfLines += 1;
      line = line.subarray(0, line.length - 1);
    }
    if (checkUtf8 && !isUtf8(line)) stats.invalidUtf8Lines += 1;
    onLine(line.toString('utf8'), stats.lines);
  };

  /** Emits the lines of `text` (valid UTF-8, split on "\n", no final newline). */
  const emitDecoded = (text: string): void => {
    let from = 0;
    for (;;) {
      const to = text.indexOf('\n', from);
      let line = to === -1 ? text.slice(from) : text.slice(from, to);
      // A line has at most 3 bytes per UTF-16 unit: only long ones need their byte length.
      if (line.length * 3 > maxLineBytes && Buffer.byteLength(line) > maxLineBytes) {
        emit(Buffer.from(line), true, false);
      } else {
        stats.lines += 1;
        if (line.charCodeAt(line.length - 1) === CR) {
          stats.crlfLines += 1;
          line = line.slice(0, -1);
        }
        onLine(line, stats.lines);
      }
      if (to === -1) return;
      from = to + 1;
    }
  };

  const keep = (part: Buffer): void => {
    if (carryOverLong) return;
    const room = maxLineBytes + 1 - carryBytes;
    if (part.length >= room) {
      carry.push(Buffer.from(part.subarray(0, room)));
      carryBytes += room;
      carryOverLong = true;
      return;
    }
    carry.push(Buffer.from(part));
    carryBytes += part.length;
  };

  const takeCarry = (tail: Buffer): { buf: Buffer; overLong: boolean } => {
    keep(tail);
    const result = { buf: Buffer.concat(carry, carryBytes), overLong: carryOverLong };
    carry = [];
    carryBytes = 0;
    carryOverLong = false;
    return result;
  };

  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (options.signal?.aborted) {
        interrupted = true;
        break;
      }
      stats.decodedBytes += chunk.length;
      stats.nulBytes += countByte(chunk, 0);
      let start = 0;
      let nl = chunk.indexOf(LF);
      if (nl === -1) {
        keep(chunk);
        continue;
      }
      // 1. The first line of the chunk continues the carry from the previous chunk.
      if (carryBytes > 0 || carryOverLong) {
        const { buf, overLong } = takeCarry(chunk.subarray(0, nl));
        emit(buf, overLong, true);
        start = nl + 1;
        nl = chunk.indexOf(LF, start);
      }
      // 2. Whole lines inside the chunk. Fast path: valid UTF-8 (nearly always) is decoded in one
      //    call and split as a string; otherwise each line is checked and decoded on its own.
      const lastNl = chunk.lastIndexOf(LF);
      const whole = nl === -1 ? null : chunk.subarray(start, lastNl);
      if (whole !== null && isAscii(whole)) {
        // latin1 = ASCII here, and V8 keeps it as a one-byte string: the cheapest decode.
        emitDecoded(whole.toString('latin1'));
        start = lastNl + 1;
      } else if (whole !== null && isUtf8(whole)) {
        emitDecoded(whole.toString('utf8'));
        start = lastNl + 1;
      } else {
        while (nl !== -1) {
          emit(chunk.subarray(start, nl), false, true);
          start = nl + 1;
          nl = chunk.indexOf(LF, start);
        }
      }
      // 3. The rest waits for the next chunk.
      if (start < chunk.length) keep(chunk.subarray(start));
    }
  } catch (err) {
    if (!isZlibError(err)) throw unreadable(path, err);
    stats.gzipError = (err as Error).message;
  } finally {
    stats.bytes = file.bytesRead;
    file.destroy();
  }
  if (!interrupted && (carryBytes > 0 || carryOverLong)) {
    stats.truncatedLastLine = true;
    const { buf, overLong } = takeCarry(Buffer.alloc(0));
    emit(buf, overLong, true);
  }
  return { ...stats, interrupted, gzip };
}
