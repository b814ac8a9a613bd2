/**
 * The production {@link DoctorApis}: the shared ECS/SSM/STS clients plus the doctor clients.
 */
import type { AwsClients } from '../../aws/clients.js';
import type { DoctorClients } from '../../aws/doctor-clients.js';
import type { DoctorApis } from './types.js';

/** Joins the shared clients and the doctor clients behind one port. */
export function doctorApis(clients: AwsClients, extra: DoctorClients): DoctorApis {
  return {
    ecs: clients.ecs,
    ssm: clients.ssm,
    sts: clients.sts,
    iam: extra.iam,
    ec2: extra.ec2,
    kms: extra.kms,
    logs: extra.logs,
    containerInstances: extra.containerInstances,
  };
}
