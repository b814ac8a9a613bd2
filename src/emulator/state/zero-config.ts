/**
 * The zero-config state: cluster `default` with one RUNNING, exec-enabled task (task definition
 * `ecs-diag-app:1`) whose only container is `app`, so `ecs-diag exec` works with no setup.
 */
import { ecsArn } from '../ecs-shapes.js';
import { DEFAULT_INIT, newTaskRecord } from '../ecs-tasks.js';
import type { EmulatorWorld } from '../world.js';
import type { ClusterRecord, TaskDefinitionRecord } from './world-state.js';

/** The zero-config task definition family. */
export const ZERO_CONFIG_FAMILY = 'ecs-diag-app';

/** Adds the zero-config cluster, task definition and task (PROVISIONING; the server launches it). */
export function seedZeroConfig(w: EmulatorWorld): void {
  const now = w.clock.now();
  const cluster: ClusterRecord = {
    name: 'default',
    arn: ecsArn(w, 'cluster/default'),
    status: 'ACTIVE',
    createdAt: now,
  };
  const def: TaskDefinitionRecord = {
    family: ZERO_CONFIG_FAMILY,
    revision: 1,
    arn: ecsArn(w, `task-definition/${ZERO_CONFIG_FAMILY}:1`),
    status: 'ACTIVE',
    registeredAt: now,
    body: {
      family: ZERO_CONFIG_FAMILY,
      taskRoleArn: `arn:aws:iam::${w.accountId}:role/ecs-diag-task-role`,
      executionRoleArn: `arn:aws:iam::${w.accountId}:role/ecsTaskExecutionRole`,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        {
          name: 'app',
          image: 'public.ecr.aws/docker/library/debian:stable-slim',
          essential: true,
          command: [...DEFAULT_INIT],
          linuxParameters: { initProcessEnabled: true },
          readonlyRootFilesystem: false,
          environment: [],
        },
      ],
    },
  };
  w.state.clusters.push(cluster);
  w.state.taskDefinitions.push(def);
  w.state.tasks.push(
    newTaskRecord(w, cluster, def, {
      enableExecuteCommand: true,
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
    }),
  );
  w.changed();
}
