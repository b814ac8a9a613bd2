import { describe, expect, it } from 'vitest';
import { REPORT_FORMATS, REPORTERS } from '../../../src/report/index.js';
import { DEFAULT_SPECS, makeReport } from './fixtures.js';

const report = makeReport(DEFAULT_SPECS);
const PARIS = { timeZone: 'Europe/Paris' };

describe('REPORTERS', () => {
  it('is keyed by the --format value of each reporter', () => {
    expect(REPORT_FORMATS).toEqual(['table', 'md', 'html', 'json']);
    for (const f of REPORT_FORMATS) expect(REPORTERS[f].format).toBe(f);
  });
});

describe('table reporter', () => {
  const text = REPORTERS.table.render(report, PARIS);
  it('shows every variant, every duration and the kill window', () => {
    for (const v of report.variants) expect(text).toContain(v.variant);
    for (const d of [600, 1210, 1250, 1800]) expect(text).toContain(`${d} s`);
    expect(text).toContain('n=4, min 1209 s, median 1235 s, max 1246 s');
  });
  it('names the target as the emulator model', () => {
    expect(text).toMatch(/local emulator \(profile default, time scale 0\.01/);
    expect(text).toContain('not a field measurement');
  });
});

describe('markdown reporter', () => {
  const md = REPORTERS.md.render(report, PARIS);
  it('has the per-variant grid with a row per variant', () => {
    expect(md).toContain('| variant | 600 s | 1210 s | 1250 s | 1800 s |');
    expect(md).toContain('| nohup | – | – | – | survived |');
    expect(md).toContain('| detached | completed | killed (1209 s) | killed (1231 s) | killed (1246 s) |');
  });
  it('lists one row per case', () => {
    for (const c of report.cases) expect(md).toContain(`| ${c.caseId} |`);
  });
  it("shows times in the reader's zone and in UTC", () => {
    expect(md).toContain('2026-11-29 18:00:00 GMT+1 (17:00:00 UTC)');
    expect(REPORTERS.md.render(report, { timeZone: 'UTC' })).toContain('2026-11-29 17:00:00 UTC');
  });
  it('flags a partial run and escapes table cells', () => {
    const odd = makeReport([{ variant: 'a|b', durationS: 60, outcome: 'completed' }], { partial: true });
    const out = REPORTERS.md.render(odd, PARIS);
    expect(out).toContain('Partial run');
    expect(out).toContain('| a\\|b |');
  });
  it('shows the agent versions for AWS runs', () => {
    const aws = makeReport(DEFAULT_SPECS, {
      target: { kind: 'aws', figureKind: 'field-measurement', emulator: undefined },
    });
    const out = REPORTERS.md.render(aws, PARIS);
    expect(out).toContain('field measurement');
    expect(out).toContain('ExecuteCommandAgent `3.3.1802.0`');
  });
});

describe('html reporter', () => {
  const html = REPORTERS.html.render(report, PARIS);
  it('is self-contained: no external asset, no script', () => {
    expect(html).not.toMatch(/<script|<link|<img|\bsrc=|url\(|@import/i);
    expect(html.match(/https?:\/\/[^"\s<]*/g) ?? []).toEqual(['http://www.w3.org/2000/svg']);
  });
  it('draws one bar per case, in outcome colours', () => {
    const bars = html.match(/<rect class="case-bar outcome-(\w+)"/g) ?? [];
    expect(bars).toHaveLength(report.cases.length);
    expect(bars.filter((b) => b.includes('outcome-killed'))).toHaveLength(report.killWindow.n);
  });
  it('draws the kill window as a band from min to max', () => {
    const band = /<rect class="kill-window" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(html);
    expect(band).not.toBeNull();
    const kills = [
      ...html.matchAll(/class="case-bar outcome-killed"[^>]*x="([\d.]+)"[^>]*width="([\d.]+)"/g),
    ].map((m) => Number(m[1]) + Number(m[2]));
    const left = Number(band![1]);
    const right = left + Number(band![2]);
    expect(Math.min(...kills)).toBeCloseTo(left, 0);
    expect(Math.max(...kills)).toBeCloseTo(right, 0);
  });
  it("marks survivors past their session's end", () => {
    expect(html.match(/class="past-session"/g)).toHaveLength(2);
    expect(html.match(/class="survivor-mark"/g)).toHaveLength(2);
  });
  it('has the per-variant and case tables, times in both zones', () => {
    expect(html).toContain('<table id="variants">');
    expect(html).toContain('<table id="cases">');
    expect(html).toContain('2026-11-29 18:00:00 GMT+1 (17:00:00 UTC)');
  });
  it('escapes names', () => {
    const evil = makeReport([{ variant: '<script>alert(1)</script>', durationS: 60, outcome: 'completed' }]);
    const out = REPORTERS.html.render(evil, PARIS);
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;script&gt;');
  });
  it('renders a run without cases', () => {
    const out = REPORTERS.html.render(makeReport([]), PARIS);
    expect(out).toContain('No case results');
    expect(out.match(/class="case-bar/g)).toBeNull();
  });
});

describe('json reporter', () => {
  it('round-trips the report', () => {
    expect(JSON.parse(REPORTERS.json.render(report, PARIS))).toEqual(report);
  });
});
