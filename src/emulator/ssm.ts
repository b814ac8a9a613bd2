/**
 * The SSM control plane (awsJson1_1, `AmazonSSM.*`, scope `ssm`): the session operations ECS Exec
 * clients use, and the documents that hold the Session Manager preferences.
 * @see /work/shared/docs/aws-api.md §3
 */
import { newToken } from './ecs-exec.js';
import { AwsServiceError, jsonResponse } from './http/aws-error.js';
import { Input, paginate, SSM_VALIDATION, validationError } from './http/input.js';
import { isActiveStatus } from './service-model/session-model.js';
import type { ServiceModule, ServiceRequest, ServiceResponse } from './service-module.js';
import {
  createDocument,
  describeDocument,
  getDocument,
  ssmError,
  updateDocument,
  updateDocumentDefaultVersion,
} from './ssm-documents.js';
import type { SessionRecord } from './state/world-state.js';
import type { EmulatorWorld } from './world.js';

type Handler = (req: ServiceRequest, w: EmulatorWorld) => Promise<ServiceResponse>;

/** Emulator text: AWS's wording is not public (aws-api.md §3.8). */
export const sessionGoneText = (id: string) => `Session ${id} does not exist or has been terminated.`;

const FILTER_KEYS = new Set([
  'InvokedAfter',
  'InvokedBefore',
  'Target',
  'Owner',
  'Status',
  'SessionId',
  'AccessType',
]);

function sessionShape(s: SessionRecord): Record<string, unknown> {
  return {
    SessionId: s.sessionId,
    Target: s.target,
    Status: s.status,
    StartDate: s.startDate / 1000,
    ...(s.endDate !== undefined && !isActiveStatus(s.status) ? { EndDate: s.endDate / 1000 } : {}),
    DocumentName: s.documentName,
    Owner: s.owner,
    OutputUrl: {},
    ...(s.maxSessionDuration !== undefined ? { MaxSessionDuration: s.maxSessionDuration } : {}),
    AccessType: 'Standard',
  };
}

function describeSessions(req: ServiceRequest, w: EmulatorWorld): Promise<ServiceResponse> {
  const input = new Input(req.input, SSM_VALIDATION);
  const state = input.string('State');
  if (state !== 'Active' && state !== 'History') {
    throw validationError(
      SSM_VALIDATION,
      'state',
      'Member must satisfy enum value set: [Active, History]',
      `'${state}'`,
    );
  }
  const filters = input.optObjects('Filters') ?? [];
  if (filters.length > 6)
    throw validationError(
      SSM_VALIDATION,
      'filters',
      'Member must have length less than or equal to 6',
      '[...]',
    );
  const preds: Array<(s: SessionRecord) => boolean> = [];
  for (const f of filters) {
    const key = f['key'];
    const value = f['value'];
    if (typeof key !== 'string' || !FILTER_KEYS.has(key)) {
      throw new AwsServiceError('InvalidFilterKey', '', { messageKey: null });
    }
    if (typeof value !== 'string' || value.length === 0) {
      throw validationError(SSM_VALIDATION, 'filters.member.value');
    }
    const at = () => {
      const t = Date.parse(value);
      if (Number.isNaN(t))
        throw ssmError('ValidationException', `Invalid timestamp for filter ${key}: ${value}`);
      return t;
    };
    switch (key) {
      case 'InvokedAfter': {
        const t = at();
        preds.push((s) => s.startDate >= t);
        break;
      }
      case 'InvokedBefore': {
        const t = at();
        preds.push((s) => s.startDate <= t);
        break;
      }
      case 'Target':
        preds.push((s) => s.target === value);
        break;
      case 'Owner':
        preds.push((s) => s.owner === value);
        break;
      case 'Status':
        preds.push((s) => s.status === value);
        break;
      case 'SessionId':
        preds.push((s) => s.sessionId === value);
        break;
      default:
        preds.push(() => value === 'Standard');
    }
  }
  const matching = w.state.sessions
    .filter((s) => isActiveStatus(s.status) === (state === 'Active'))
    .filter((s) => preds.every((p) => p(s)))
    .sort((a, b) => b.startDate - a.startDate);
  const { page, nextToken } = paginate(
    matching,
    input.optInt('MaxResults', 1, 200),
    input.optString('NextToken'),
    20,
    () => ssmError('InvalidNextToken', "The specified token isn't valid."),
  );
  return Promise.resolve(
    jsonResponse({ Sessions: page.map(sessionShape), ...(nextToken ? { NextToken: nextToken } : {}) }),
  );
}

async function terminateSession(req: ServiceRequest, w: EmulatorWorld): Promise<ServiceResponse> {
  const id = new Input(req.input, SSM_VALIDATION).string('SessionId');
  // Unknown ids are not an error in the model: the id is echoed (aws-api.md §3.2).
  await w.sessions.terminate(id, 'terminated');
  return jsonResponse({ SessionId: id });
}

function resumeSession(req: ServiceRequest, w: EmulatorWorld): Promise<ServiceResponse> {
  const id = new Input(req.input, SSM_VALIDATION).string('SessionId');
  const s = w.sessions.get(id);
  if (!s || !isActiveStatus(s.status)) throw ssmError('DoesNotExistException', sessionGoneText(id));
  // A fresh token and stream URL; the idle timer is not touched (ResumeSession extends nothing).
  const token = newToken(w);
  w.gateway.addToken(id, token);
  return Promise.resolve(
    jsonResponse({ SessionId: id, TokenValue: token, StreamUrl: w.gateway.streamUrl(id) }),
  );
}

/**
 * GetConnectionStatus: `connected` when the target is an ECS Exec target
 * (`ecs:<cluster>_<taskId>_<runtimeId>`) whose task runs with its exec agent RUNNING.
 */
function getConnectionStatus(req: ServiceRequest, w: EmulatorWorld): Promise<ServiceResponse> {
  const target = new Input(req.input, SSM_VALIDATION).string('Target');
  const m = /^ecs:(.+)_([0-9a-f]{32})_([0-9a-f]+)$/.exec(target);
  const task = m ? w.state.tasks.find((t) => t.clusterName === m[1] && t.taskId === m[2]) : undefined;
  const container = task?.containers.find((c) => c.runtimeId === m?.[3]);
  const connected =
    task?.lastStatus === 'RUNNING' && task.enableExecuteCommand && container?.agentStatus === 'RUNNING';
  return Promise.resolve(jsonResponse({ Target: target, Status: connected ? 'connected' : 'notconnected' }));
}

const sync =
  (fn: (raw: Record<string, unknown>, w: EmulatorWorld) => Record<string, unknown>): Handler =>
  (req, w) =>
    Promise.resolve(jsonResponse(fn(req.input, w)));

const HANDLERS: Readonly<Record<string, Handler>> = {
  DescribeSessions: describeSessions,
  TerminateSession: terminateSession,
  ResumeSession: resumeSession,
  GetConnectionStatus: getConnectionStatus,
  GetDocument: sync(getDocument),
  DescribeDocument: sync(describeDocument),
  CreateDocument: sync(createDocument),
  UpdateDocument: sync(updateDocument),
  UpdateDocumentDefaultVersion: sync(updateDocumentDefaultVersion),
};

/** The SSM service module. */
export const ssmModule: ServiceModule<EmulatorWorld> = {
  service: 'ssm',
  protocol: 'json',
  handle(req, world) {
    const h = HANDLERS[req.operation];
    return h ? h(req, world) : Promise.resolve(undefined);
  },
};
