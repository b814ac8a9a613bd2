/**
 * The one small limiter the matrix runs on (style.md P12).
 *
 * Cells start in the order given, each on the target with the most free slots (ties: the first),
 * never more than `limit` at once on one target nor `concurrency` overall. A cell that throws
 * becomes a result through `onError` and the pool goes on. Once `signal` aborts, no new cell
 * starts; running cells get the signal and are awaited; cells never started are left out.
 */

/** A target with its own slot limit (a container and its SessionWorkersLimit). */
export interface LimitedTarget {
  readonly id: string;
  readonly limit: number;
}

/** Options of {@link runMatrix}. */
export interface RunMatrixOptions<C, R> {
  readonly cells: readonly C[];
  readonly targets: readonly LimitedTarget[];
  /** Overall cap. @default the sum of the targets' limits */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Runs one cell on a target. Should honour `signal`. */
  runCell(cell: C, targetId: string, signal: AbortSignal): Promise<R>;
  /** Turns a thrown error into the cell's result. */
  onError(cell: C, targetId: string, error: unknown): R;
}

/** What the pool did with each cell. */
export interface MatrixOutcome<C, R> {
  /** Results of the cells that ran, in completion order. */
  readonly results: readonly { readonly cell: C; readonly targetId: string; readonly result: R }[];
  /** Cells that never started (the run was aborted first). */
  readonly notStarted: readonly C[];
}

/** Runs the cells under the limits. Never rejects because of a cell. */
export async function runMatrix<C, R>(o: RunMatrixOptions<C, R>): Promise<MatrixOutcome<C, R>> {
  const signal = o.signal ?? new AbortController().signal;
  const load = new Map(o.targets.map((t) => [t.id, 0]));
  const totalSlots = o.targets.reduce((n, t) => n + t.limit, 0);
  const cap = Math.max(1, Math.min(o.concurrency ?? totalSlots, totalSlots));
  const pending = [...o.cells];
  const results: { cell: C; targetId: string; result: R }[] = [];
  let running = 0;

  if (o.targets.length === 0 || totalSlots === 0) return { results, notStarted: pending };

  return new Promise((resolve) => {
    const finish = () => resolve({ results, notStarted: signal.aborted ? pending : [] });
    const pickTarget = (): LimitedTarget | undefined => {
      let best: LimitedTarget | undefined;
      let bestFree = 0;
      for (const t of o.targets) {
        const free = t.limit - (load.get(t.id) ?? 0);
        if (free > bestFree) {
          best = t;
          bestFree = free;
        }
      }
      return best;
    };
    const pump = () => {
      while (!signal.aborted && running < cap && pending.length > 0) {
        const target = pickTarget();
        if (!target) break;
        const cell = pending.shift() as C;
        running++;
        load.set(target.id, (load.get(target.id) ?? 0) + 1);
        void start(cell, target.id);
      }
      if (running === 0 && (pending.length === 0 || signal.aborted)) finish();
    };
    const start = async (cell: C, targetId: string) => {
      let result: R;
      try {
        result = await o.runCell(cell, targetId, signal);
      } catch (err) {
        result = o.onError(cell, targetId, err);
      }
      results.push({ cell, targetId, result });
      running--;
      load.set(targetId, (load.get(targetId) ?? 1) - 1);
      pump();
    };
    signal.addEventListener('abort', () => pump(), { once: true });
    pump();
  });
}
