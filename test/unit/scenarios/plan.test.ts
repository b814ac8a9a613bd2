import { describe, expect, it } from 'vitest';
import { expandCases, parseScenario } from '../../../src/scenarios/matrix.js';
import { buildPlan, caseSlots, orderCases, type PlanTask, renderPlan } from '../../../src/scenarios/plan.js';

const scenario = parseScenario(
  [
    'name: t',
    'variants:',
    '  - {name: d, kind: detached, durations: [100, 300, 200, 50]}',
    '  - {name: p1, kind: session-preferences, preferences: {idleSessionTimeout: 1}, durations: [40]}',
    '  - {name: n, kind: nohup, durations: [250]}',
    '  - {name: p2, kind: session-preferences, preferences: {maxSessionDuration: 10}, durations: [70, 30]}',
  ].join('\n'),
  't.yaml',
);
const cases = expandCases(scenario);
const tasks = (n: number, limit = 2): PlanTask[] =>
  Array.from({ length: n }, (_, i) => ({ task: `t${i}`, container: 'app', sessionLimit: limit }));

describe('plan', () => {
  it('keeps one slot per container for readbacks', () => {
    expect(caseSlots(2)).toBe(1);
    expect(caseSlots(1)).toBe(1);
    expect(caseSlots(10)).toBe(9);
  });

  it('orders the default preferences first, then each change as a group, longest first within', () => {
    expect(orderCases(cases).map((c) => c.caseId)).toEqual([
      'd-300',
      'n-250',
      'd-200',
      'd-100',
      'd-50',
      'p1-40',
      'p2-70',
      'p2-30',
    ]);
  });

  it('never runs more cases on a task than its slots, and phases do not overlap', () => {
    const plan = buildPlan(cases, tasks(2, 3), { timeScale: 1, overheadRealS: 0 });
    expect(plan.phases).toBe(3);
    for (const t of [0, 1]) {
      const mine = plan.cases.filter((c) => c.taskIndex === t);
      for (const a of mine) {
        // Cases running at the moment `a` starts.
        const atStart = mine.filter((b) => b.startRealS <= a.startRealS && a.startRealS < b.endRealS);
        expect(atStart.length).toBeLessThanOrEqual(caseSlots(3));
      }
    }
    const endOf = (pred: (id: string) => boolean) =>
      Math.max(...plan.cases.filter((c) => pred(c.spec.caseId)).map((c) => c.endRealS));
    const startOf = (pred: (id: string) => boolean) =>
      Math.min(...plan.cases.filter((c) => pred(c.spec.caseId)).map((c) => c.startRealS));
    expect(startOf((id) => id.startsWith('p1'))).toBeGreaterThanOrEqual(endOf((id) => /^(d|n)-/.test(id)));
    expect(startOf((id) => id.startsWith('p2'))).toBeGreaterThanOrEqual(endOf((id) => id.startsWith('p1')));
  });

  it('computes waves and the lower bound per phase, scaled', () => {
    // 4 slots: phase 1 has 5 cases (2 waves, longest 300), p1 1 case (40), p2 2 cases (70).
    const plan = buildPlan(cases, tasks(4), { timeScale: 0.01, overheadRealS: 0 });
    expect(plan.slots).toBe(4);
    expect(plan.waves).toBe(2 + 1 + 1);
    expect(plan.lowerBoundRealS).toBeCloseTo((300 * 2 + 40 + 70) * 0.01);
    expect(plan.expectedWallRealS).toBeGreaterThanOrEqual(plan.lowerBoundRealS * 0.5);
  });

  it('spreads a capped run over tasks', () => {
    const plan = buildPlan(cases.slice(0, 2), tasks(3, 3), { timeScale: 1, concurrency: 2 });
    expect(new Set(plan.cases.map((c) => c.taskIndex)).size).toBe(2);
  });

  it('renders the plan with every case', () => {
    const text = renderPlan(buildPlan(cases, tasks(2), { timeScale: 0.01 })).join('\n');
    for (const c of cases) expect(text).toContain(c.caseId);
  });
});
