/**
 * `npm run bench -- <name>`: runs one benchmark (or all with no name).
 * Each benchmark prints its figures and a ratio against a baseline measured in the same run.
 */
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

type Bench = () => Promise<void>;

const BENCHES: Record<string, () => Promise<{ run: Bench }>> = {
  analyze: () => import('./analyze.js'),
  collect: () => import('./collect.js'),
  datachannel: () => import('./datachannel.js'),
  emulator: () => import('./emulator.js'),
  matrix: () => import('./matrix.js'),
};

const name = process.argv[2];
const names = name ? [name] : Object.keys(BENCHES);
for (const n of names) {
  const load = BENCHES[n];
  if (!load) {
    process.stderr.write(`unknown benchmark ${n}; known: ${Object.keys(BENCHES).join(', ')}\n`);
    process.exit(2);
  }
  process.stdout.write(`== bench ${n}\n`);
  await (await load()).run();
}
