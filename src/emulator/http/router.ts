/**
 * The emulator's one HTTP port: reads the body, verifies SigV4, parses the request by protocol
 * and hands it to the ServiceModule whose `service` matches the signing scope.
 *
 *   POST (any path) ── content-type application/x-amz-json-1.x → X-Amz-Target `Prefix.Operation`
 *                   └─ content-type x-www-form-urlencoded     → `Action` + flat form fields
 *
 * Errors go out in the request's protocol shape (aws-error.ts); an unexpected exception becomes
 * the service's server fault (500) and is reported to the event sink.
 *
 * @see /work/shared/docs/aws-api.md §1 and §7 (checklist)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventSink } from '../../deps.js';
import type { ServiceModule, ServiceRequest, ServiceResponse } from '../service-module.js';
import { AwsServiceError, jsonErrorResponse, queryErrorResponse } from './aws-error.js';
import { type EmulatorCredentials, parseScope, type RawRequest, verifySigV4 } from './sigv4-verify.js';

/** What the router needs besides the modules. */
export interface RouterOptions<W> {
  readonly modules: ReadonlyArray<ServiceModule<W>>;
  readonly world: W;
  readonly credentials: EmulatorCredentials;
  /** Real wall-clock now (SigV4 skew check), epoch ms. */
  readonly realNow: () => number;
  readonly requestId: () => string;
  readonly log: EventSink;
}

/** Server faults per service, for exceptions nobody modelled. */
const SERVER_FAULT: Readonly<Record<string, { code: string; key: 'message' | 'Message' }>> = {
  ecs: { code: 'ServerException', key: 'message' },
  ssm: { code: 'InternalServerError', key: 'Message' },
};

/** Largest request body accepted (SSM documents are at most 64 KB). */
const MAX_BODY = 1024 * 1024;

/** Builds the node:http request listener. */
export function createRouter<W>(opts: RouterOptions<W>): (req: IncomingMessage, res: ServerResponse) => void {
  const byService = new Map(opts.modules.map((m) => [m.service, m]));
  return (req, res) => {
    readBody(req)
      .then((body) => route({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body }))
      .then((r) => send(res, r))
      .catch((err: unknown) => {
        opts.log.emit({
          time: opts.realNow(),
          level: 'error',
          code: 'EMU_E0500',
          message: `emulator request failed: ${(err as Error).message}`,
        });
        if (!res.headersSent) send(res, { status: 500, contentType: 'text/plain', body: 'internal error' });
        else res.destroy();
      });
  };

  function send(res: ServerResponse, r: ServiceResponse & { requestId?: string }) {
    const requestId = r.requestId ?? opts.requestId();
    res.writeHead(r.status, {
      'content-type': r.contentType,
      'content-length': Buffer.byteLength(r.body),
      'x-amzn-requestid': requestId,
      ...(r.headers ?? {}),
    });
    res.end(r.body);
  }

  async function route(raw: RawRequest): Promise<ServiceResponse & { requestId: string }> {
    const requestId = opts.requestId();
    const contentType = String(raw.headers['content-type'] ?? '');
    const isJson = contentType.startsWith('application/x-amz-json');
    const scope = parseScope(raw.headers['authorization'] as string | undefined);
    const service = scope?.service ?? '';
    const renderError = (err: AwsServiceError) =>
      isJson ? jsonErrorResponse(err) : queryErrorResponse(err, requestId, service);
    try {
      if (raw.method !== 'POST') {
        throw new AwsServiceError(
          'UnknownOperationException',
          `${raw.method} is not supported; AWS APIs take POST`,
        );
      }
      const signed = await verifySigV4(raw, opts.credentials, opts.realNow());
      const text = Buffer.from(raw.body).toString('utf8');
      let request: ServiceRequest;
      if (isJson) {
        const target = String(raw.headers['x-amz-target'] ?? '');
        const operation = target.slice(target.indexOf('.') + 1);
        if (!target.includes('.') || operation.length === 0) {
          throw new AwsServiceError('UnknownOperationException', 'UnknownOperationException', {
            messageKey: null,
          });
        }
        let input: unknown;
        try {
          input = text.trim().length === 0 ? {} : JSON.parse(text);
        } catch {
          throw new AwsServiceError(
            'SerializationException',
            'Start of structure or map found where not expected.',
          );
        }
        if (typeof input !== 'object' || input === null || Array.isArray(input)) {
          throw new AwsServiceError(
            'SerializationException',
            'Start of structure or map found where not expected.',
          );
        }
        request = {
          service: signed.service,
          operation,
          protocol: 'json',
          input: input as Record<string, unknown>,
          accessKeyId: signed.accessKeyId,
          region: signed.region,
        };
      } else {
        const form = Object.fromEntries(new URLSearchParams(text));
        const action = form['Action'];
        if (!action) throw new AwsServiceError('MissingAction', 'Missing Action');
        request = {
          service: signed.service,
          operation: action,
          protocol: 'query',
          input: form,
          accessKeyId: signed.accessKeyId,
          region: signed.region,
        };
      }
      const module = byService.get(request.service);
      if (!module || module.protocol !== request.protocol) {
        throw new AwsServiceError(
          'UnknownOperationException',
          `The emulator does not serve ${request.service} (${request.operation}).`,
        );
      }
      const response = await module.handle(request, opts.world);
      if (!response) {
        if (request.protocol === 'query') {
          throw new AwsServiceError(
            'InvalidAction',
            `The action ${request.operation} is not valid for this web service.`,
          );
        }
        throw new AwsServiceError('UnknownOperationException', 'UnknownOperationException', {
          messageKey: null,
        });
      }
      return { ...response, requestId };
    } catch (err) {
      if (err instanceof AwsServiceError) return { ...renderError(err), requestId };
      const fault = SERVER_FAULT[service] ?? { code: 'InternalFailure', key: 'message' as const };
      opts.log.emit({
        time: opts.realNow(),
        level: 'error',
        code: 'EMU_E0501',
        message: `emulator ${service} handler failed: ${(err as Error).message}`,
        data: { stack: (err as Error).stack },
      });
      return {
        ...renderError(
          new AwsServiceError(fault.code, 'An internal error occurred in the emulator.', {
            status: 500,
            messageKey: fault.key,
          }),
        ),
        requestId,
      };
    }
  }
}

function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
