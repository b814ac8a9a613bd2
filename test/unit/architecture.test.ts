/**
 * The layering of style.md P1, checked mechanically:
 *   cli → scenarios → session → protocol; aws, emulator, logs, report are adapters.
 * - src/protocol imports nothing from the project but src/errors.ts.
 * - src/session never imports ws, net or @aws-sdk/*, and nothing above it.
 * - nothing below cli imports src/cli (except the emulator's serve command living in cli).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Every import specifier of a file, resolved to a path relative to src/ when it is relative. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...text.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => (m[1] ?? m[2]) as string);
  return specs.map((s) => (s.startsWith('.') ? relative(SRC, resolve(dirname(file), s)) : s));
}

const layerOf = (rel: string) => rel.split('/')[0] ?? '';

describe('architecture', () => {
  const all = files(SRC).map((f) => ({ rel: relative(SRC, f), imports: importsOf(f) }));

  it('finds the source tree', () => {
    expect(all.length).toBeGreaterThan(5);
  });

  it('protocol imports only itself and errors', () => {
    const bad = all
      .filter((f) => layerOf(f.rel) === 'protocol')
      .flatMap((f) =>
        f.imports
          .filter((i) => !i.startsWith('node:') && !(layerOf(i) === 'protocol' || i === 'errors.js'))
          .map((i) => `${f.rel} -> ${i}`),
      );
    expect(bad).toEqual([]);
  });

  it('session imports no transport, SDK or upper layer', () => {
    const allowed = new Set(['session', 'protocol', 'errors.js', 'deps.js', 'exit-codes.js']);
    const bad = all
      .filter((f) => layerOf(f.rel) === 'session')
      .flatMap((f) =>
        f.imports
          .filter((i) => {
            if (i.startsWith('node:')) return i === 'node:net' || i === 'node:http' || i === 'node:https';
            if (!i.includes('/') && !i.endsWith('.js')) return true; // bare package
            if (i.startsWith('@')) return true;
            return !allowed.has(layerOf(i));
          })
          .map((i) => `${f.rel} -> ${i}`),
      );
    expect(bad).toEqual([]);
  });

  it('only cli imports cli', () => {
    const bad = all
      .filter((f) => layerOf(f.rel) !== 'cli')
      .flatMap((f) => f.imports.filter((i) => layerOf(i) === 'cli').map((i) => `${f.rel} -> ${i}`));
    expect(bad).toEqual([]);
  });

  it('scenarios do not import the emulator (they reach it over the wire)', () => {
    const bad = all
      .filter((f) => layerOf(f.rel) === 'scenarios')
      .flatMap((f) => f.imports.filter((i) => layerOf(i) === 'emulator').map((i) => `${f.rel} -> ${i}`));
    expect(bad).toEqual([]);
  });
});
