/**
 * STS GetCallerIdentity (awsQuery XML, scope `sts`).
 * @see botocore data/sts/2011-06-15 GetCallerIdentity; src/emulator/spec/doctor-services.md
 */
import type { ServiceModule } from '../service-module.js';
import type { EmulatorWorld } from '../world.js';
import { assertApiAllowed, callerArn } from './api-denial.js';
import { el, queryResponse } from './query-xml.js';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** The STS module. */
export const stsModule: ServiceModule<EmulatorWorld> = {
  service: 'sts',
  protocol: 'query',
  async handle(req, w) {
    if (req.operation !== 'GetCallerIdentity') return undefined;
    assertApiAllowed(req, w);
    const arn = callerArn(req, w);
    const account = arn.split(':')[4] || w.accountId;
    // UserId: the access key for a user/root, `AROA…:session` for an assumed role (emulator choice).
    const userId = arn.includes(':assumed-role/') ? `AROAEMULATOR:${arn.split('/').pop()}` : req.accessKeyId;
    return queryResponse(
      'GetCallerIdentity',
      NS,
      `${el('Arn', arn)}${el('UserId', userId)}${el('Account', account)}`,
      w.deps.ids.uuid(),
    );
  },
};
