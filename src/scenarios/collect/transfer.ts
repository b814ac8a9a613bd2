/**
 * Moving a byte range of a container file to here, exactly.
 *
 * The encoding is picked from the container's tools: gzip+base64 when both exist (fast: agent logs
 * compress 10-20x and the agent's output pump moves at most ~1 MB/s), base64 alone, then hex via
 * `od` (busybox), then raw bytes as a last resort. Every range is decoded here; the caller checks
 * sha256 end to end.
 */
import { gunzipSync } from 'node:zlib';
import { DiagError } from '../../errors.js';
import { shlexQuote as shQuote } from '../../session/shlex.js';
import type { ContainerTools } from './artifacts.js';
import type { RemoteShell } from './remote-shell.js';

/** How a file's bytes travelled. */
export type TransferEncoding = 'gzip+base64' | 'base64' | 'hex' | 'raw';

/** The best encoding the container's tools allow. */
export function pickEncoding(tools: ContainerTools): TransferEncoding {
  if (tools.gzip && tools.base64) return 'gzip+base64';
  if (tools.base64) return 'base64';
  if (tools.od) return 'hex';
  return 'raw';
}

/** The script that prints bytes [offset, offset+length) of `path` in `encoding`. */
export function rangeScript(
  path: string,
  offset: number,
  length: number,
  encoding: TransferEncoding,
): string {
  const read = `tail -c +${offset + 1} < ${shQuote(path)} | head -c ${length}`;
  switch (encoding) {
    case 'gzip+base64':
      return `${read} | gzip -c -1 | base64`;
    case 'base64':
      return `${read} | base64`;
    case 'hex':
      return `${read} | od -An -v -tx1`;
    case 'raw':
      return read;
  }
}

/** Decodes what {@link rangeScript} printed. Throws COLLECT_TRANSFER_FAILED on malformed data. */
export function decodeRange(stdout: Uint8Array, encoding: TransferEncoding): Uint8Array {
  try {
    switch (encoding) {
      case 'raw':
        return stdout;
      case 'hex': {
        const hex = Buffer.from(stdout).toString('latin1').replace(/\s+/g, '');
        if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) throw new Error('not hex');
        return Buffer.from(hex, 'hex');
      }
      case 'base64':
      case 'gzip+base64': {
        const text = Buffer.from(stdout).toString('latin1').replace(/\s+/g, '');
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new Error('not base64');
        const bytes = Buffer.from(text, 'base64');
        return encoding === 'base64' ? bytes : gunzipSync(bytes);
      }
    }
  } catch (err) {
    throw new DiagError(
      'COLLECT_TRANSFER_FAILED',
      `could not decode ${encoding} data: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

/** Options of {@link readRange}. */
export interface ReadRangeOptions {
  readonly encoding: TransferEncoding;
  /** Bytes per session. @default 8 MiB */
  readonly chunkBytes?: number;
  readonly signal?: AbortSignal;
  /** Called after each chunk with the bytes so far. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Reads bytes [offset, offset+length) of a container file, in chunks of one short session each. */
export async function readRange(
  shell: RemoteShell,
  path: string,
  offset: number,
  length: number,
  options: ReadRangeOptions,
): Promise<Uint8Array> {
  const chunk = options.chunkBytes ?? 8 * 1024 * 1024;
  const parts: Uint8Array[] = [];
  let done = 0;
  do {
    const n = Math.min(chunk, length - done);
    const res = await shell.run(rangeScript(path, offset + done, n, options.encoding), {
      signal: options.signal,
    });
    if (res.exitCode !== 0) {
      throw new DiagError(
        'COLLECT_TRANSFER_FAILED',
        `reading ${path} failed in the container (exit ${res.exitCode})`,
      );
    }
    const bytes = decodeRange(res.stdout, options.encoding);
    parts.push(bytes);
    done += bytes.length;
    options.onProgress?.(done, length);
    if (bytes.length < n) break; // the file shrank: the checksum check will tell
  } while (done < length);
  return Buffer.concat(parts);
}

/** One byte range of one file. */
export interface RangeRequest {
  readonly path: string;
  readonly offset: number;
  readonly length: number;
}

const BATCH_BEGIN = 'ECSDIAG_BATCH_BEGIN';
const BATCH_END = 'ECSDIAG_BATCH_END';

/**
 * Reads several small ranges in ONE session (each session costs the agent's 1 s first-read delay).
 * Only for text encodings, whose output cannot contain the delimiter lines; `raw` falls back to
 * one session per range.
 */
export async function readBatch(
  shell: RemoteShell,
  ranges: readonly RangeRequest[],
  options: { readonly encoding: TransferEncoding; readonly signal?: AbortSignal },
): Promise<Uint8Array[]> {
  if (options.encoding === 'raw') {
    const out: Uint8Array[] = [];
    for (const r of ranges) out.push(await readRange(shell, r.path, r.offset, r.length, options));
    return out;
  }
  const script = ranges
    .map(
      (r, i) =>
        `echo ${BATCH_BEGIN} ${i}; ${rangeScript(r.path, r.offset, r.length, options.encoding)}; echo ${BATCH_END} ${i}`,
    )
    .join('\n');
  const res = await shell.run(script, { signal: options.signal });
  const text = Buffer.from(res.stdout).toString('latin1');
  return ranges.map((r, i) => {
    const begin = text.indexOf(`${BATCH_BEGIN} ${i}\n`);
    const end = text.indexOf(`${BATCH_END} ${i}\n`, begin);
    if (begin < 0 || end < 0) {
      throw new DiagError(
        'COLLECT_TRANSFER_FAILED',
        `batch read of ${r.path} returned no data (exit ${res.exitCode})`,
      );
    }
    return decodeRange(
      Buffer.from(text.slice(begin + `${BATCH_BEGIN} ${i}\n`.length, end), 'latin1'),
      options.encoding,
    );
  });
}
