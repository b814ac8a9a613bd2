import { main } from '../../src/cli/main.js';

class Buf {
  text = '';
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

/** Runs the CLI in process with text buffers for stdout/stderr. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = new Buf();
  const stderr = new Buf();
  const code = await main(args, { stdout, stderr, env });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
