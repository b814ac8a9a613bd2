/**
 * The `deniedApis` knob: a doctor read call answered with the service's AccessDenied error, in
 * the service's own shape (awsQuery `AccessDenied`, EC2 `UnauthorizedOperation`, JSON
 * `AccessDeniedException`).
 */
import { AwsServiceError } from '../http/aws-error.js';
import type { ServiceModule, ServiceRequest, ServiceResponse } from '../service-module.js';
import type { EmulatorWorld } from '../world.js';
import { doctorState } from './doctor-state.js';

const SHAPES: Readonly<Record<string, { code: string; status: number }>> = {
  sts: { code: 'AccessDenied', status: 403 },
  iam: { code: 'AccessDenied', status: 403 },
  ec2: { code: 'UnauthorizedOperation', status: 403 },
  kms: { code: 'AccessDeniedException', status: 400 },
  logs: { code: 'AccessDeniedException', status: 400 },
};

/** Throws when the knob denies `service:operation` to the caller. */
export function assertApiAllowed(req: ServiceRequest, w: EmulatorWorld): void {
  const api = `${req.service}:${req.operation}`;
  if (!doctorState(w.state, w.accountId).deniedApis.has(api)) return;
  const shape = SHAPES[req.service] ?? { code: 'AccessDeniedException', status: 400 };
  const message =
    req.service === 'ec2'
      ? 'You are not authorized to perform this operation.'
      : `User: ${callerArn(req, w)} is not authorized to perform: ${api} because no identity-based policy allows the ${api} action`;
  throw new AwsServiceError(shape.code, message, { status: shape.status, messageKey: 'message' });
}

/** The caller's ARN: the sts knob, else the emulator's principal for the access key. */
export function callerArn(req: ServiceRequest, w: EmulatorWorld): string {
  return doctorState(w.state, w.accountId).sts.callerArn ?? w.principalArn(req.accessKeyId);
}

/** An operation of a {@link gatedModule}. */
export type GatedHandler = (req: ServiceRequest, w: EmulatorWorld) => ServiceResponse;

/** A module whose operations are a handler table, each behind the API denial knob. */
export function gatedModule(
  service: string,
  protocol: 'json' | 'query',
  handlers: Readonly<Record<string, GatedHandler>>,
): ServiceModule<EmulatorWorld> {
  return {
    service,
    protocol,
    async handle(req, w) {
      const handler = handlers[req.operation];
      if (!handler) return undefined;
      assertApiAllowed(req, w);
      return handler(req, w);
    },
  };
}
