/**
 * SigV4 verification: parse the Authorization header, re-sign the request with the configured
 * secret through @smithy/signature-v4 (the SDK's own signer) and compare in constant time.
 *
 * @see /work/shared/docs/aws-api.md §1.4.4 (error codes and texts), §1.5 (header shape, recipe)
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsServiceError } from './aws-error.js';

/** The credentials requests must be signed with. */
export interface EmulatorCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** What a verified request was signed for. */
export interface SignedScope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

/** A request as received, enough to re-sign it. */
export interface RawRequest {
  readonly method: string;
  /** Path and query as received, e.g. `/` or `/ecs-emu/?a=b`. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Uint8Array;
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;\-_.]+),\s*Signature=([0-9a-f]{64})\s*$/;

/** The AWS texts. @see aws-api.md §1.4.4 */
export const AUTH_TEXT = {
  missing: 'Missing Authentication Token',
  unrecognized: 'The security token included in the request is invalid.',
  badSignature:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
} as const;

/** AWS rejects requests signed more than 15 minutes away from its clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;

const header = (h: RawRequest['headers'], name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
};

/** Parses the credential scope without verifying (used to pick the error shape). */
export function parseScope(authorization: string | undefined): SignedScope | undefined {
  const m = authorization ? AUTH_RE.exec(authorization) : null;
  if (!m) return undefined;
  return {
    accessKeyId: m[1] as string,
    date: m[2] as string,
    region: m[3] as string,
    service: m[4] as string,
  };
}

/**
 * Verifies a request's SigV4 signature. Resolves to the signed scope; throws AwsServiceError with
 * AWS's code and text: MissingAuthenticationTokenException (no Authorization),
 * IncompleteSignatureException (malformed), UnrecognizedClientException (unknown key),
 * InvalidSignatureException (bad signature or expired), all 400.
 */
export async function verifySigV4(
  req: RawRequest,
  creds: EmulatorCredentials,
  nowMs: number,
): Promise<SignedScope> {
  const authorization = header(req.headers, 'authorization');
  if (!authorization) throw new AwsServiceError('MissingAuthenticationTokenException', AUTH_TEXT.missing);
  const m = AUTH_RE.exec(authorization);
  if (!m) {
    throw new AwsServiceError(
      'IncompleteSignatureException',
      `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters with the AWS4-HMAC-SHA256 algorithm. Authorization=${authorization.split(' ')[0]}`,
    );
  }
  const [, accessKeyId, date, region, service, signedHeaders, signature] = m as unknown as string[];
  if (accessKeyId !== creds.accessKeyId)
    throw new AwsServiceError('UnrecognizedClientException', AUTH_TEXT.unrecognized);
  const amzDate = header(req.headers, 'x-amz-date');
  const signingDate = amzDate ? parseAmzDate(amzDate) : undefined;
  if (!amzDate || !signingDate || !amzDate.startsWith(date as string)) {
    throw new AwsServiceError(
      'IncompleteSignatureException',
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  if (Math.abs(signingDate.getTime() - nowMs) > MAX_SKEW_MS) {
    const fmt = (ms: number) =>
      new Date(ms)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
    throw new AwsServiceError(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${fmt(nowMs - MAX_SKEW_MS)} (${fmt(nowMs)} - 15 min.)`,
    );
  }
  const contentSha = header(req.headers, 'x-amz-content-sha256');
  if (contentSha !== undefined && contentSha !== 'UNSIGNED-PAYLOAD' && contentSha !== sha256Hex(req.body)) {
    // The signer trusts this header as the payload hash: check it against the body we got.
    throw new AwsServiceError('InvalidSignatureException', AUTH_TEXT.badSignature);
  }
  const names = (signedHeaders as string).split(';');
  const headers: Record<string, string> = {};
  for (const name of names) {
    const v = header(req.headers, name);
    if (v !== undefined) headers[name] = v;
  }
  const qIndex = req.url.indexOf('?');
  const path = qIndex === -1 ? req.url : req.url.slice(0, qIndex);
  const query: Record<string, string | string[]> = {};
  if (qIndex !== -1) {
    for (const [k, v] of new URLSearchParams(req.url.slice(qIndex + 1))) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
  }
  const sessionToken = header(req.headers, 'x-amz-security-token');
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: accessKeyId as string,
      secretAccessKey: creds.secretAccessKey,
      ...(sessionToken ? { sessionToken } : {}),
    },
    region: region as string,
    service: service as string,
    sha256: Sha256,
    // The client decided which headers to sign and whether to send x-amz-content-sha256
    // (the SDK v3 does, botocore does not): sign exactly what it listed, add nothing.
    applyChecksum: false,
  });
  const [hostname, port] = (headers['host'] ?? '').split(':');
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: 'http:',
      hostname: hostname ?? '',
      ...(port ? { port: Number(port) } : {}),
      path,
      query,
      headers,
      body: req.body,
    },
    { signingDate, signableHeaders: new Set(names), unsignableHeaders: new Set() },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization'] ?? ''))?.[1] ?? '';
  const ok =
    expected.length === 64 &&
    timingSafeEqual(Buffer.from(expected, 'utf8'), Buffer.from(signature as string, 'utf8'));
  if (!ok) throw new AwsServiceError('InvalidSignatureException', AUTH_TEXT.badSignature);
  return {
    accessKeyId: accessKeyId as string,
    date: date as string,
    region: region as string,
    service: service as string,
  };
}

/** `20261129T173400Z` → Date. */
function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

const sha256Hex = (body: Uint8Array) => createHash('sha256').update(body).digest('hex');
