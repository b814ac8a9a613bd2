/**
 * What collect-logs pulls out of a container, and the container-side probe that lists it.
 *
 * @see ssm-data-channel.md §4.2 (log files), §4.4 (orchestration directory), §3.3 (agent config)
 */
import { shlexQuote as shQuote } from '../../session/shlex.js';

/** Fixed paths, collected when present. */
export const FIXED_PATHS = [
  '/var/log/amazon/ssm/amazon-ssm-agent.log',
  '/var/log/amazon/ssm/amazon-ssm-agent.log.1',
  '/var/log/amazon/ssm/errors.log',
  '/var/log/amazon/ssm/errors.log.1',
  '/nohup.out',
  '/etc/os-release',
] as const;

/** Globs expanded by the container's shell: every session's transcript and ipcTempFile.log, the agent config. */
export const GLOBS = [
  '/var/lib/amazon/ssm/*/session/orchestration/*/*/*',
  '/managed-agents/execute-command/configuration/*',
] as const;

/** Commands whose output is saved as a file under `commands/`. */
export const COMMAND_CAPTURES = [
  { name: 'ps.txt', script: 'ps -ef 2>/dev/null || ps 2>/dev/null || ls -l /proc/[0-9]*/exe 2>/dev/null' },
  {
    name: 'agent-version.txt',
    script:
      'found=0; for b in /managed-agents/execute-command/amazon-ssm-agent /ecs-execute-command-*/amazon-ssm-agent; do ' +
      'if [ -x "$b" ]; then printf "%s: " "$b"; "$b" --version 2>&1; found=1; fi; done; ' +
      '[ "$found" = 1 ] || echo "no amazon-ssm-agent binary found"',
  },
] as const;

/** Tools the transfer can use, as found in the container. */
export interface ContainerTools {
  readonly gzip: boolean;
  readonly base64: boolean;
  readonly sha256sum: boolean;
  readonly od: boolean;
}

/** One file as the probe saw it. `sha256` is of the bytes that will be collected (the tail when limited). */
export interface ProbedFile {
  readonly path: string;
  readonly size: number;
  readonly mode: string;
  readonly mtime: number;
  readonly sha256: string | undefined;
  /** Offset the collection starts at (> 0 when --max-bytes keeps only the tail). */
  readonly offset: number;
}

/** The probe's findings. */
export interface ProbeResult {
  readonly tools: ContainerTools;
  readonly files: readonly ProbedFile[];
  readonly missing: readonly string[];
}

const TOOLS = ['gzip', 'base64', 'sha256sum', 'od', 'stat'] as const;

/**
 * The probe script (POSIX sh; busybox and debian). Prints tab-separated lines:
 * `TOOL name 0|1`, `FILE size mode mtime sha256|- offset path`, `MISSING path`.
 * With `maxBytes`, the hash covers only the last `maxBytes` bytes (what will be collected).
 * `paths` replaces the default artifact list (used to re-probe after transfer).
 */
export function probeScript(
  options: { readonly maxBytes?: number; readonly paths?: readonly string[] } = {},
): string {
  const max = options.maxBytes ?? 0;
  const lines = [
    'has() { command -v "$1" >/dev/null 2>&1; }',
    `for t in ${TOOLS.join(' ')}; do if has "$t"; then printf 'TOOL\\t%s\\t1\\n' "$t"; else printf 'TOOL\\t%s\\t0\\n' "$t"; fi; done`,
    `MAX=${max}`,
    'emit() {',
    '  f=$1',
    '  if [ ! -f "$f" ]; then printf "MISSING\\t%s\\n" "$f"; return; fi',
    '  if has stat; then m=$(stat -c "%s %a %Y" -- "$f" 2>/dev/null); else m=$(wc -c < "$f")" ? 0"; fi',
    '  set -- $m; size=$1; mode=$2; mtime=$3',
    '  off=0; if [ "$MAX" -gt 0 ] && [ "$size" -gt "$MAX" ]; then off=$((size - MAX)); fi',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template
    '  if has sha256sum; then h=$(tail -c +$((off + 1)) < "$f" | head -c $((size - off)) | sha256sum); h=${h%% *}; else h=-; fi',
    '  printf "FILE\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\n" "$size" "$mode" "$mtime" "$h" "$off" "$f"',
    '}',
  ];
  if (options.paths) {
    for (const p of options.paths) lines.push(`emit ${shQuote(p)}`);
  } else {
    for (const p of FIXED_PATHS) lines.push(`emit ${shQuote(p)}`);
    for (const g of GLOBS) lines.push(`for f in ${g}; do [ -f "$f" ] && emit "$f"; done`);
  }
  lines.push('exit 0');
  return lines.join('\n');
}

/** Parses the probe's output. Unknown lines are ignored (banners, stray output). */
export function parseProbe(text: string): ProbeResult {
  const tools: Record<string, boolean> = {};
  const files: ProbedFile[] = [];
  const missing: string[] = [];
  for (const line of text.split('\n')) {
    const parts = line.split('\t');
    if (parts[0] === 'TOOL' && parts.length === 3) tools[parts[1] as string] = parts[2] === '1';
    else if (parts[0] === 'MISSING' && parts.length >= 2) missing.push(parts.slice(1).join('\t'));
    else if (parts[0] === 'FILE' && parts.length >= 7) {
      const [, size, mode, mtime, sha, offset] = parts;
      files.push({
        path: parts.slice(6).join('\t'),
        size: Number(size),
        mode: mode ?? '?',
        mtime: Number(mtime),
        sha256: sha && /^[0-9a-f]{64}$/.test(sha) ? sha : undefined,
        offset: Number(offset) || 0,
      });
    }
  }
  return {
    tools: {
      gzip: tools['gzip'] === true,
      base64: tools['base64'] === true,
      sha256sum: tools['sha256sum'] === true,
      od: tools['od'] === true,
    },
    files,
    missing,
  };
}
