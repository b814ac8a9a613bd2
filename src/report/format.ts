/**
 * Small formatting helpers shared by the reporters: times in the reader's zone and in UTC,
 * seconds, outcome cells. Pure: the zone comes in as an argument.
 */
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import type { CaseOutcome, KillWindow, RunReport, VariantCell } from '../scenarios/result.js';

dayjs.extend(utc);
dayjs.extend(timezone);

/** The order outcomes are listed in, everywhere. */
export const OUTCOMES: readonly CaseOutcome[] = ['completed', 'survived', 'killed', 'error', 'interrupted'];

/** `2026-11-29 18:00:00 CET (17:00:00 UTC)`; the UTC part only when the zone is not UTC. */
export function formatTime(iso: string, timeZone: string): string {
  const t = dayjs.utc(iso);
  if (!t.isValid()) return iso;
  const inUtc = `${t.format('YYYY-MM-DD HH:mm:ss')} UTC`;
  if (isUtcZone(timeZone)) return inUtc;
  const local = t.tz(timeZone);
  return `${local.format('YYYY-MM-DD HH:mm:ss')} ${zoneAbbreviation(iso, timeZone)} (${t.format('HH:mm:ss')} UTC)`;
}

/** Seconds between two ISO times, rounded; null when either is invalid. */
export function secondsBetween(fromIso: string, toIso: string): number | null {
  const a = dayjs.utc(fromIso);
  const b = dayjs.utc(toIso);
  if (!a.isValid() || !b.isValid()) return null;
  return Math.round(b.diff(a, 'millisecond') / 1000);
}

/** `1234 s (20m34s)` for long values, `45 s` below a minute. */
export function formatSeconds(s: number | null | undefined): string {
  if (s === null || s === undefined) return '–';
  s = Math.round(s);
  if (Math.abs(s) < 60) return `${s} s`;
  const sign = s < 0 ? '-' : '';
  const abs = Math.abs(s);
  const m = Math.floor(abs / 60);
  const r = Math.round(abs - m * 60);
  return `${s} s (${sign}${m}m${String(r).padStart(2, '0')}s)`;
}

/** `n=12, min 1212 s, median 1230 s, max 1248 s`, or `no kills`. */
export function formatKillWindow(w: KillWindow): string {
  if (w.n === 0) return 'no case was killed';
  const r = (x: number | null) => (x === null ? '–' : Math.round(x));
  return `n=${w.n}, min ${r(w.min)} s, median ${r(w.median)} s, max ${r(w.max)} s`;
}

/** One cell of the per-variant table: `killed ×2 (1212, 1230 s)`, `completed`, `survived ×3`. */
export function formatCell(cell: VariantCell): string {
  const parts: string[] = [];
  for (const o of OUTCOMES) {
    const n = cell.outcomes[o] ?? 0;
    if (n === 0) continue;
    let text = n === 1 ? o : `${o} ×${n}`;
    if (o === 'killed' && cell.killedAtS.length > 0) {
      text += ` (${cell.killedAtS.map((k) => Math.round(k)).join(', ')} s)`;
    }
    parts.push(text);
  }
  return parts.length > 0 ? parts.join(', ') : '–';
}

/** The sorted durations used by any variant: the columns of the per-variant table. */
export function allDurations(report: RunReport): number[] {
  const set = new Set<number>();
  for (const v of report.variants) for (const c of v.cells) set.add(c.durationS);
  return [...set].sort((a, b) => a - b);
}

/** A sentence naming who produced the figures. */
export function describeTarget(report: RunReport): string {
  const t = report.target;
  if (t.kind === 'local') {
    const e = t.emulator;
    const profile = e
      ? `profile ${e.profile}, time scale ${e.timeScale}, idle timeout ${e.idleTimeoutS} s, sweep every ${e.sweepIntervalS} s`
      : 'profile unknown';
    return `local emulator (${profile}); these figures demonstrate the emulator's model, they are not a field measurement`;
  }
  const where = [t.region, t.endpoint].filter((x) => x !== undefined).join(', ');
  return `AWS${where ? ` (${where})` : ''}, cluster ${t.cluster}; field measurement`;
}

/** A task ARN shortened to its id (the last path segment); other strings unchanged. */
export function shortTask(task: string): string {
  return task.startsWith('arn:') ? (task.split('/').pop() ?? task) : task;
}

/** The agent versions as `name version` pairs, sorted by name. */
export function agentVersionList(report: RunReport): Array<[string, string]> {
  return Object.entries(report.target.agentVersions ?? {}).sort(([a], [b]) => a.localeCompare(b));
}

function isUtcZone(zone: string): boolean {
  return zone === 'UTC' || zone === 'Etc/UTC' || zone === 'GMT' || zone === 'Etc/GMT';
}

/** The short name of a zone at an instant (`CET`, `GMT+1`), from Intl. */
function zoneAbbreviation(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' }).formatToParts(
    new Date(iso),
  );
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}
