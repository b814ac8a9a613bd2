/**
 * Errors in AWS's wire shape. Service modules throw {@link AwsServiceError}; the router renders it
 * in the protocol of the request: awsJson1_1 `{"__type": Code, "message"|"Message": text}` or the
 * awsQuery / ec2Query XML error documents.
 *
 * @see /work/shared/docs/aws-api.md §1.4 (status 400 for client errors, 500 for server faults;
 *   ECS error shapes use `message`, SSM ones `Message`; some SSM errors have no members at all)
 */
import type { ServiceResponse } from '../service-module.js';

/** How the error's text is keyed in a JSON body. `null`: the shape has no members. */
export type MessageKey = 'message' | 'Message' | null;

/** An AWS service error, thrown by service modules and the router. */
export class AwsServiceError extends Error {
  readonly code: string;
  readonly status: number;
  readonly messageKey: MessageKey;
  /** Extra modeled members copied into the JSON body. */
  readonly members: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    opts: { status?: number; messageKey?: MessageKey; members?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'AwsServiceError';
    this.code = code;
    this.status = opts.status ?? 400;
    this.messageKey = opts.messageKey === undefined ? 'message' : opts.messageKey;
    this.members = opts.members ?? {};
  }
}

/** awsJson1_1 content type. */
export const AMZ_JSON_1_1 = 'application/x-amz-json-1.1';

/** Renders an error as awsJson1_1. */
export function jsonErrorResponse(err: AwsServiceError): ServiceResponse {
  const body: Record<string, unknown> = { __type: err.code, ...err.members };
  if (err.messageKey !== null) body[err.messageKey] = err.message;
  return { status: err.status, contentType: AMZ_JSON_1_1, body: JSON.stringify(body) };
}

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Renders an error as awsQuery XML (STS, IAM), or ec2Query XML when `service` is `ec2`
 * (`<Response><Errors><Error>…</Error></Errors><RequestID>…</RequestID></Response>`).
 */
export function queryErrorResponse(
  err: AwsServiceError,
  requestId: string,
  service: string,
): ServiceResponse {
  const code = xmlEscape(err.code);
  const message = xmlEscape(err.message);
  const body =
    service === 'ec2'
      ? `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`
      : `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="https://${service || 'sts'}.amazonaws.com/doc/"><Error><Type>${err.status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: err.status, contentType: 'text/xml', body };
}

/** A JSON success response. */
export function jsonResponse(value: unknown): ServiceResponse {
  return { status: 200, contentType: AMZ_JSON_1_1, body: JSON.stringify(value) };
}
