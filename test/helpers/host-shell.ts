/**
 * A RemoteShell that runs scripts on this machine with a real POSIX shell (dash, or busybox sh),
 * for testing container-side scripts without a container. Each run is a fresh process, as each
 * remote run is a fresh session.
 */
import { spawn } from 'node:child_process';
import type { RemoteShell, ShellResult } from '../../src/scenarios/collect/remote-shell.js';

/** `sh` is the machine's /bin/sh; `busybox` runs `busybox sh` with PATH limited to busybox applets. */
export function hostShell(
  kind: 'sh' | 'busybox' = 'sh',
  env: NodeJS.ProcessEnv = {},
): RemoteShell & { runs: number } {
  const shell = {
    runs: 0,
    run(script: string): Promise<ShellResult> {
      shell.runs += 1;
      const [cmd, args] = kind === 'sh' ? ['/bin/sh', ['-c', script]] : ['busybox', ['sh', '-c', script]];
      return new Promise((resolve, reject) => {
        const child = spawn(cmd, args as string[], {
          env: { PATH: process.env['PATH'], ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const out: Buffer[] = [];
        child.stdout.on('data', (b: Buffer) => out.push(b));
        child.on('error', reject);
        child.on('close', (code) => resolve({ stdout: Buffer.concat(out), exitCode: code ?? 128 }));
      });
    },
  };
  return shell;
}
