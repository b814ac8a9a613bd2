/**
 * Extra AWS services on the emulator's port (STS, IAM, EC2, KMS, Logs for `doctor`).
 * Add a module here; the server serves every module in this list next to ECS and SSM.
 */
import type { ServiceModule } from '../service-module.js';
import type { EmulatorWorld } from '../world.js';
import { ec2Module } from './ec2.js';
import { iamModule } from './iam.js';
import { kmsModule } from './kms.js';
import { logsModule } from './logs.js';
import { stsModule } from './sts.js';

/** Service modules besides ECS and SSM. */
export const EXTRA_SERVICES: ReadonlyArray<ServiceModule<EmulatorWorld>> = [
  stsModule,
  iamModule,
  ec2Module,
  kmsModule,
  logsModule,
];
