/**
 * One interface for every report format. A reporter is a pure function of a validated
 * {@link RunReport}: it never reads the clock, the environment or the file system.
 * The CLI picks one from {@link REPORTERS} (src/report/index.ts) by its `--format` value.
 */
import type { RunReport } from '../scenarios/result.js';

/** What every reporter may be told besides the run itself. */
export interface RenderOptions {
  /**
   * IANA time zone the reader lives in (e.g. `Europe/Paris`); times are shown in it and in UTC.
   * The CLI passes the machine's zone; tests pass a fixed one.
   */
  readonly timeZone: string;
}

/** Renders a run in one format. */
export interface Reporter {
  /** The `--format` value that selects this reporter. */
  readonly format: string;
  /** File extension used when writing to a file, without the dot. */
  readonly extension: string;
  render(report: RunReport, options: RenderOptions): string;
}
