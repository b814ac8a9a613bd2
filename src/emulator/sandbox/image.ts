/**
 * Task images: which directories a task's root gets, read-only, from where.
 *
 * - `host`: the host's /usr, /bin, /lib, /lib64, /sbin and /etc, as a container runtime mounts an
 *   image's layers. Symlinked top-level directories (merged-/usr hosts: /bin -> usr/bin) are
 *   recreated as the same symlinks.
 * - `busybox`: a root built once per state directory from Debian's busybox-static
 *   (/bin/busybox), with one symlink per applet EXCEPT the ones a minimal image must lack
 *   ({@link BUSYBOX_EXCLUDED}), so tests of minimal containers meet the real gaps.
 *   Debian's busybox-static is built with FEATURE_SH_STANDALONE: its `sh` runs any applet
 *   by name, symlink or not. So the image's copy of the binary has those applets renamed in
 *   its applet table ({@link removeApplets}): `gzip` is then "not found" for real, as in an
 *   image built without it.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { DiagError } from '../../errors.js';
import type { TaskSpec } from '../contracts.js';

/** Applets a minimal image must not have: collect-logs has to cope without gzip and base64. */
export const BUSYBOX_EXCLUDED: readonly string[] = [
  'gzip',
  'gunzip',
  'zcat',
  'base64',
  'uuencode',
  'uudecode',
];

/** The host directories the `host` image is made of. */
export const HOST_IMAGE_DIRS: readonly string[] = ['/usr', '/bin', '/lib', '/lib64', '/sbin', '/etc'];

/** How a task's root gets its image: read-only binds and top-level symlinks. */
export interface ImagePlan {
  /** [host source, path inside the task], mounted read-only. */
  readonly binds: ReadonlyArray<readonly [string, string]>;
  /** [symlink target, path inside the task]. */
  readonly links: ReadonlyArray<readonly [string, string]>;
}

/** The mount plan of an image. Builds the busybox image under `stateDir/images/` on first use. */
export function imagePlan(image: TaskSpec['image'], stateDir: string): ImagePlan {
  if (image === 'host') return hostPlan();
  const dir = ensureBusyboxImage(join(stateDir, 'images', 'busybox'));
  return {
    binds: [
      [join(dir, 'bin'), '/bin'],
      [join(dir, 'sbin'), '/sbin'],
      [join(dir, 'usr'), '/usr'],
      [join(dir, 'etc'), '/etc'],
    ],
    links: [],
  };
}

function hostPlan(): ImagePlan {
  const binds: Array<readonly [string, string]> = [];
  const links: Array<readonly [string, string]> = [];
  for (const dir of HOST_IMAGE_DIRS) {
    if (!existsSync(dir)) continue;
    const st = lstatSync(dir);
    if (st.isSymbolicLink()) links.push([readlinkSync(dir), dir]);
    else if (st.isDirectory()) binds.push([dir, dir]);
  }
  return { binds, links };
}

const BUSYBOX = '/bin/busybox';

/** `nohup` as a script: Debian's busybox-static has no nohup applet. Same contract as coreutils'. */
const NOHUP_SCRIPT = `#!/bin/sh
# nohup for the emulator's busybox image (Debian's busybox-static has no nohup applet).
# Ignores SIGHUP, and sends output that would go to a terminal to ./nohup.out.
if [ $# -eq 0 ]; then echo "Usage: nohup COMMAND [ARG]..." >&2; exit 125; fi
trap '' HUP
if [ -t 1 ]; then
  exec >>nohup.out || exec >>"$HOME/nohup.out" || exit 125
  echo "nohup: ignoring input and appending output to 'nohup.out'" >&2
fi
if [ -t 2 ]; then exec 2>&1; fi
exec "$@"
`;

/**
 * Builds the busybox image directory once (atomically: built aside, then renamed).
 * @throws DiagError EMULATOR_START_FAILED when busybox-static is not installed
 */
export function ensureBusyboxImage(dir: string): string {
  if (existsSync(join(dir, 'bin', 'busybox'))) return dir;
  if (!existsSync(BUSYBOX)) {
    throw new DiagError(
      'EMULATOR_START_FAILED',
      `the busybox image needs ${BUSYBOX} (Debian package busybox-static)`,
      {
        source: 'environment',
        hint: 'apt-get install busybox-static, or use the host image',
      },
    );
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const sub of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc'])
    mkdirSync(join(tmp, sub), { recursive: true });
  const binary = join(tmp, 'bin', 'busybox');
  writeFileSync(binary, removeApplets(readFileSync(BUSYBOX), BUSYBOX_EXCLUDED), { mode: 0o755 });
  const applets = execFileSync(binary, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const applet of applets) {
    if (applet.endsWith(REMOVED_MARK) || applet === 'busybox' || applet.includes('/')) continue;
    symlinkSync('busybox', join(tmp, 'bin', applet));
  }
  if (!applets.includes('nohup')) writeFileSync(join(tmp, 'bin', 'nohup'), NOHUP_SCRIPT, { mode: 0o755 });
  writeFileSync(
    join(tmp, 'etc', 'passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
  );
  writeFileSync(join(tmp, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  writeFileSync(
    join(tmp, 'etc', 'os-release'),
    'NAME="BusyBox"\nID=busybox\nPRETTY_NAME="BusyBox (ecs-diag emulator image)"\n',
  );
  mkdirSync(dir.slice(0, dir.lastIndexOf('/')), { recursive: true });
  try {
    renameSync(tmp, dir);
  } catch (err) {
    // Another emulator in the same state directory built it first.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(dir, 'bin', 'busybox'))) throw err;
  }
  return dir;
}

/** The last character of a removed applet's name is replaced with this (keeps the table sorted). */
const REMOVED_MARK = '_';

/**
 * Renames applets in a busybox binary's applet table (`[\0[[\0acpid\0…`, NUL-separated and
 * sorted, looked up by binary search) so busybox no longer finds them: `gzip` becomes `gzi_`.
 * Same length, so no offset moves; the table must stay sorted, which is checked.
 * @throws DiagError EMULATOR_START_FAILED when the table is not found or would be unsorted
 */
export function removeApplets(binary: Buffer, remove: readonly string[]): Buffer {
  const out = Buffer.from(binary);
  const start = out.indexOf(Buffer.from('[\0[[\0', 'latin1'));
  const fail = (why: string) =>
    new DiagError('EMULATOR_START_FAILED', `cannot build the busybox image: ${why}`, {
      source: 'environment',
    });
  if (start < 0) throw fail('applet table not found in /bin/busybox');
  const names: string[] = [];
  let at = start;
  for (;;) {
    const end = out.indexOf(0, at);
    if (end < 0 || end === at) break;
    const name = out.toString('latin1', at, end);
    if (remove.includes(name)) out.write(REMOVED_MARK, end - 1, 'latin1');
    names.push(out.toString('latin1', at, end));
    at = end + 1;
  }
  for (let i = 1; i < names.length; i++) {
    if (
      Buffer.compare(Buffer.from(names[i - 1] ?? '', 'latin1'), Buffer.from(names[i] ?? '', 'latin1')) >= 0
    ) {
      throw fail(`renaming applets would unsort the table at ${names[i]}`);
    }
  }
  return out;
}
