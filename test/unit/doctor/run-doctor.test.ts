import { describe, expect, it } from 'vitest';
import { mapBounded } from '../../../src/scenarios/doctor/pool.js';
import { hasRed, runDoctor } from '../../../src/scenarios/doctor/run-doctor.js';
import { CLUSTER, fakeEnv, healthyWorld, TASK_ARN, TASK_ID } from './fake-aws.js';

describe('runDoctor targets', () => {
  it('throws AWS_CLUSTER_NOT_FOUND (user) for a missing cluster', async () => {
    await expect(
      runDoctor(fakeEnv(healthyWorld()), { selection: { kind: 'tasks', cluster: 'nope', tasks: [TASK_ID] } }),
    ).rejects.toMatchObject({ code: 'AWS_CLUSTER_NOT_FOUND', source: 'user' });
  });

  it('throws AWS_TASK_NOT_FOUND (user) for a missing explicit task', async () => {
    await expect(
      runDoctor(fakeEnv(healthyWorld()), {
        selection: { kind: 'tasks', cluster: CLUSTER, tasks: ['f'.repeat(32)] },
      }),
    ).rejects.toMatchObject({ code: 'AWS_TASK_NOT_FOUND', source: 'user' });
  });

  it('accepts a task ARN', async () => {
    const r = await runDoctor(fakeEnv(healthyWorld()), {
      selection: { kind: 'tasks', cluster: CLUSTER, tasks: [TASK_ARN] },
    });
    expect(r.targets[0]?.taskArn).toBe(TASK_ARN);
  });

  it('--all-tasks checks every listed task; --service only the service tasks', async () => {
    const w = healthyWorld();
    const base = w.tasks[0];
    if (!base) throw new Error('no task');
    const ids = ['a'.repeat(32), 'b'.repeat(32), 'c'.repeat(32)];
    w.tasks = ids.map((id, i) => ({
      ...base,
      taskArn: TASK_ARN.replace(TASK_ID, id),
      group: i === 0 ? 'service:web' : 'family:x',
    }));
    const all = await runDoctor(fakeEnv(w), {
      selection: { kind: 'all-tasks', cluster: CLUSTER },
      concurrency: 2,
    });
    expect(all.targets.map((t) => t.task.split('/').pop())).toEqual(ids);
    expect(all.summary.tasks).toBe(3);
    const svc = await runDoctor(fakeEnv(w), {
      selection: { kind: 'service', cluster: CLUSTER, service: 'web' },
    });
    expect(svc.targets.map((t) => t.task.split('/').pop())).toEqual([ids[0]]);
  });

  it('a listed task that vanished is a red finding, not a crash', async () => {
    const w = healthyWorld();
    const env = fakeEnv(w);
    const listTasks = env.apis.ecs.listTasks;
    const apis = {
      ...env.apis,
      ecs: {
        ...env.apis.ecs,
        listTasks: async (i: Parameters<typeof listTasks>[0]) => {
          const out = await listTasks(i);
          return { ...out, taskArns: [...(out.taskArns ?? []), TASK_ARN.replace(TASK_ID, 'd'.repeat(32))] };
        },
      },
    };
    const r = await runDoctor({ ...env, apis }, { selection: { kind: 'all-tasks', cluster: CLUSTER } });
    expect(r.targets[1]?.checks[0]).toMatchObject({ id: 'task.status', status: 'red' });
    expect(hasRed(r)).toBe(true);
  });

  it('hasRed is false on a healthy task', async () => {
    const r = await runDoctor(fakeEnv(healthyWorld()), {
      selection: { kind: 'tasks', cluster: CLUSTER, tasks: [TASK_ID] },
    });
    expect(hasRed(r)).toBe(false);
  });
});

describe('mapBounded', () => {
  it('never runs more than the limit at once and keeps order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapBounded([1, 2, 3, 4, 5, 6, 7], 3, new AbortController().signal, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
      return n * 2;
    });
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(peak).toBe(3);
  });

  it('starts nothing new after abort', async () => {
    const ac = new AbortController();
    const seen: number[] = [];
    const out = await mapBounded([1, 2, 3, 4], 1, ac.signal, async (n) => {
      seen.push(n);
      if (n === 2) ac.abort();
      return n;
    });
    expect(seen).toEqual([1, 2]);
    expect(out).toEqual([1, 2]);
  });
});

describe('interrupt', () => {
  it('an attempt cut by Ctrl-C is unknown, not red', async () => {
    const ac = new AbortController();
    const env = fakeEnv(healthyWorld(), {
      signal: ac.signal,
      execProbe: async () => {
        ac.abort();
        throw new Error('aborted');
      },
    });
    const r = await runDoctor(env, { selection: { kind: 'tasks', cluster: CLUSTER, tasks: [TASK_ID] } });
    expect(r.targets[0]?.checks.find((c) => c.id === 'exec.attempt')?.status).toBe('unknown');
    expect(hasRed(r)).toBe(false);
  });
});
