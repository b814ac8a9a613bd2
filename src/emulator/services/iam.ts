/**
 * IAM SimulatePrincipalPolicy on a simple policy model, plus GetRole and GetInstanceProfile
 * (awsQuery XML, scope `iam`).
 *
 * The model: every action is allowed unless a denial in the doctor state matches the principal,
 * action and resource (globs). Note: emulator deviation. No policy documents, conditions,
 * boundaries or SCP evaluation; an `organizations` denial reports `AllowedByOrganizations=false`.
 *
 * @see botocore data/iam/2010-05-08; src/emulator/spec/doctor-services.md
 */
import { AwsServiceError } from '../http/aws-error.js';
import type { ServiceRequest, ServiceResponse } from '../service-module.js';
import type { EmulatorWorld } from '../world.js';
import { gatedModule } from './api-denial.js';
import { doctorState, evaluate } from './doctor-state.js';
import { el, formList, queryResponse } from './query-xml.js';

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

const invalidInput = (message: string) => new AwsServiceError('InvalidInput', message, { status: 400 });
const noSuchEntity = (message: string) => new AwsServiceError('NoSuchEntity', message, { status: 404 });

/** IAM ARNs (user, role, group) the simulator accepts as a policy source. */
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(user|role|group)\/.+$|^arn:aws[a-z-]*:iam::\d{12}:root$/;

function simulatePrincipalPolicy(req: ServiceRequest, w: EmulatorWorld): ServiceResponse {
  const source = req.input['PolicySourceArn'];
  if (typeof source !== 'string' || source === '') {
    throw invalidInput(
      "1 validation error detected: Value null at 'policySourceArn' failed to satisfy constraint: Member must not be null",
    );
  }
  if (!PRINCIPAL_ARN.test(source)) throw invalidInput(`Invalid ARN: ${source}`);
  const actions = formList(req.input, 'ActionNames.member');
  if (actions.length === 0) {
    throw invalidInput(
      "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null",
    );
  }
  const resources = formList(req.input, 'ResourceArns.member');
  const s = doctorState(w.state, w.accountId);
  const members: string[] = [];
  for (const action of actions) {
    for (const resource of resources.length > 0 ? resources : ['*']) {
      const r = evaluate(s, source, action, resource);
      members.push(
        `<member>${el('EvalActionName', action)}${el('EvalResourceName', resource)}${el('EvalDecision', r.decision)}` +
          '<MatchedStatements/><MissingContextValues/>' +
          `<OrganizationsDecisionDetail>${el('AllowedByOrganizations', r.allowedByOrganizations)}</OrganizationsDecisionDetail></member>`,
      );
    }
  }
  return queryResponse(
    'SimulatePrincipalPolicy',
    NS,
    `<IsTruncated>false</IsTruncated><EvaluationResults>${members.join('')}</EvaluationResults>`,
    w.deps.ids.uuid(),
  );
}

function getRole(req: ServiceRequest, w: EmulatorWorld): ServiceResponse {
  const name = req.input['RoleName'];
  if (typeof name !== 'string' || name === '') throw invalidInput('RoleName is required');
  // Emulator choice: every role exists, at path `/`.
  const arn = `arn:aws:iam::${w.accountId}:role/${name}`;
  const created = new Date(w.clock.now()).toISOString();
  return queryResponse(
    'GetRole',
    NS,
    `<Role>${el('Path', '/')}${el('RoleName', name)}${el(
      'RoleId',
      `AROA${name
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '')
        .slice(0, 17)}`,
    )}${el('Arn', arn)}${el('CreateDate', created)}</Role>`,
    w.deps.ids.uuid(),
  );
}

function getInstanceProfile(req: ServiceRequest, w: EmulatorWorld): ServiceResponse {
  const name = req.input['InstanceProfileName'];
  if (typeof name !== 'string' || name === '') throw invalidInput('InstanceProfileName is required');
  const roleArn = doctorState(w.state, w.accountId).iam.instanceProfiles[name];
  if (roleArn === undefined) throw noSuchEntity(`Instance Profile ${name} cannot be found.`);
  const created = new Date(w.clock.now()).toISOString();
  const role = `<member>${el('Path', '/')}${el('RoleName', roleArn.split('/').pop() ?? '')}${el('RoleId', 'AROAEMULATORROLE')}${el('Arn', roleArn)}${el('CreateDate', created)}</member>`;
  return queryResponse(
    'GetInstanceProfile',
    NS,
    `<InstanceProfile>${el('Path', '/')}${el('InstanceProfileName', name)}${el('InstanceProfileId', 'AIPAEMULATOR')}${el('Arn', `arn:aws:iam::${w.accountId}:instance-profile/${name}`)}${el('CreateDate', created)}<Roles>${role}</Roles></InstanceProfile>`,
    w.deps.ids.uuid(),
  );
}

/** The IAM module. */
export const iamModule = gatedModule('iam', 'query', {
  SimulatePrincipalPolicy: simulatePrincipalPolicy,
  GetRole: getRole,
  GetInstanceProfile: getInstanceProfile,
});
