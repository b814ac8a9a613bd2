#!/usr/bin/env node
/**
 * The executable. Wires the process (stdio, env, Ctrl-C) to `main`.
 * First Ctrl-C: abort the signal so commands end cleanly and write what they know.
 * Second Ctrl-C: exit at once with 130.
 */
import { EXIT } from '../exit-codes.js';
import { main } from './main.js';

// We pin Node 20 on purpose (see README); the SDK's notice about its future Node 22 floor is noise here.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const controller = new AbortController();
let interrupts = 0;
const onSignal = (name: NodeJS.Signals) => {
  interrupts += 1;
  if (interrupts > 1) process.exit(EXIT.INTERRUPTED);
  process.stderr.write(`\n${name}: finishing cleanly (press Ctrl-C again to quit at once)\n`);
  controller.abort(new Error(`interrupted by ${name}`));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
const finalCode = controller.signal.aborted && code === EXIT.OK ? EXIT.INTERRUPTED : code;
// Let stdout drain before exiting (pipes are async).
process.stdout.write('', () => process.exit(finalCode));
