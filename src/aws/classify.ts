/**
 * AWS error classification: a pure table from an SDK error's `name`, `$metadata.httpStatusCode`
 * and `$fault` (or a session's closing text) to a finding category.
 *
 * In the spirit of smithy's `service-error-classification.ts`: no I/O, no SDK imports, so it
 * classifies an SDK exception, a {@link DiagError} wrapping one (its `cause` chain is walked), or
 * the plain text a session ended with.
 *
 * @see /work/shared/docs/aws-api.md §1.4 (how the SDK names errors), §2.1 (ExecuteCommand errors)
 */

/** What went wrong, as a diagnosis sees it. */
export type FindingCategory =
  | 'access-denied'
  | 'target-not-connected'
  | 'exec-not-enabled'
  | 'kms'
  | 'log-group-encryption'
  | 'session-limit'
  | 'throttling'
  | 'not-found'
  | 'invalid-parameter'
  | 'credentials'
  | 'network'
  | 'server'
  | 'unknown';

/** A classified error. */
export interface Classification {
  readonly category: FindingCategory;
  /** The AWS error name (`TargetNotConnectedException`), or a DiagError code, or undefined for text. */
  readonly name: string | undefined;
  readonly httpStatus: number | undefined;
  readonly fault: 'client' | 'server' | undefined;
  readonly message: string;
}

/** Exact SDK error names → category. Names are as the SDK sets `err.name` (§1.4.2). */
const BY_NAME: ReadonlyArray<readonly [RegExp, FindingCategory]> = [
  [/^(AccessDenied|AccessDeniedException|UnauthorizedOperation|AuthorizationError)$/, 'access-denied'],
  [/^TargetNotConnected(Exception)?$/, 'target-not-connected'],
  [
    /^(Throttling|ThrottlingException|TooManyRequestsException|RequestLimitExceeded|Throttled)$/,
    'throttling',
  ],
  [
    /^(ClusterNotFoundException|ServiceNotFoundException|ResourceNotFoundException|NotFoundException|NoSuchEntity|NoSuchEntityException|DoesNotExistException|InvalidSubnetID\.NotFound|InvalidVpcID\.NotFound)$/,
    'not-found',
  ],
  [
    /^(KMSInvalidStateException|KMSDisabledException|KMSNotFoundException|KMSAccessDeniedException|KMSInternalException|InvalidCiphertextException|DisabledException|KMSInvalidKeyUsageException|IncorrectKeyException)$/,
    'kms',
  ],
  [
    /^(CredentialsProviderError|ExpiredToken|ExpiredTokenException|UnrecognizedClientException|InvalidClientTokenId|InvalidSignatureException|SignatureDoesNotMatch|MissingAuthenticationTokenException|IncompleteSignatureException|TokenRefreshRequired)$/,
    'credentials',
  ],
  [/^(ServerException|InternalServerError|InternalFailure|ServiceUnavailable|InternalError)$/, 'server'],
];

/** Message texts that refine or replace the name (ordered, first match wins). */
const BY_TEXT: ReadonlyArray<readonly [RegExp, FindingCategory]> = [
  [/encryption is not set up on the selected CloudWatch Logs log group/i, 'log-group-encryption'],
  [/execute command was not enabled|execute command agent isn.t running/i, 'exec-not-enabled'],
  [/maximum session limit/i, 'session-limit'],
  [/KMS|kms:|InvalidCiphertext|encryption feature|data key/i, 'kms'],
  [/is not authorized to perform|AccessDenied|not authorized/i, 'access-denied'],
  [/TargetNotConnected|is not connected/i, 'target-not-connected'],
  [/Rate exceeded|throttl/i, 'throttling'],
];

/** DiagError codes (src/errors.ts, aws section) → category, for errors already wrapped by an adapter. */
const BY_DIAG_CODE: Readonly<Record<string, FindingCategory>> = {
  AWS_ACCESS_DENIED: 'access-denied',
  AWS_TARGET_NOT_CONNECTED: 'target-not-connected',
  AWS_EXEC_NOT_ENABLED: 'exec-not-enabled',
  AWS_THROTTLED: 'throttling',
  AWS_CLUSTER_NOT_FOUND: 'not-found',
  AWS_TASK_NOT_FOUND: 'not-found',
  AWS_CONTAINER_NOT_FOUND: 'not-found',
  AWS_INVALID_PARAMETER: 'invalid-parameter',
  AWS_CREDENTIALS: 'credentials',
  AWS_NETWORK: 'network',
  SESSION_KMS_UNSUPPORTED: 'kms',
  SESSION_HANDSHAKE_FAILED: 'kms',
  SESSION_CONNECT_FAILED: 'network',
  SESSION_CONNECTION_LOST: 'network',
};

/** Node network error codes. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE']);

interface ErrorLike {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

/** Classifies a closing text (a `channel_closed` output, an end reason). Undefined when nothing matches. */
export function classifyText(text: string): FindingCategory | undefined {
  for (const [re, category] of BY_TEXT) if (re.test(text)) return category;
  return undefined;
}

/**
 * Classifies anything thrown by an AWS call or a session. Walks `cause` (up to 5 levels) to
 * find the SDK error under a DiagError; the most specific answer wins.
 */
export function classifyError(err: unknown): Classification {
  const chain: ErrorLike[] = [];
  let cur: unknown = err;
  for (let i = 0; i < 5 && typeof cur === 'object' && cur !== null; i++) {
    chain.push(cur as ErrorLike);
    cur = (cur as ErrorLike).cause;
  }
  const top = chain[0];
  const message = typeof top?.message === 'string' ? top.message : String(err);
  const sdk = chain.find((e) => e.$metadata !== undefined || e.$fault !== undefined) ?? top;
  const name = typeof sdk?.name === 'string' ? sdk.name : undefined;
  const status = sdk?.$metadata?.httpStatusCode;
  const httpStatus = typeof status === 'number' ? status : undefined;
  const fault = sdk?.$fault === 'client' || sdk?.$fault === 'server' ? sdk.$fault : undefined;
  const texts = chain.map((e) => (typeof e.message === 'string' ? e.message : '')).join('\n');
  return { category: categorize(chain, name, httpStatus, fault, texts), name, httpStatus, fault, message };
}

function categorize(
  chain: readonly ErrorLike[],
  name: string | undefined,
  httpStatus: number | undefined,
  fault: 'client' | 'server' | undefined,
  texts: string,
): FindingCategory {
  // 1. Texts that name a precise cause beat the generic exception name
  //    (InvalidParameterException covers both "exec not enabled" and bad input).
  const byText = classifyText(texts);
  if (byText === 'log-group-encryption' || byText === 'exec-not-enabled' || byText === 'session-limit') {
    return byText;
  }
  // 2. The SDK name.
  if (name !== undefined) {
    for (const [re, category] of BY_NAME) if (re.test(name)) return category;
  }
  // 3. A DiagError code anywhere in the chain.
  for (const e of chain) {
    const c = typeof e.code === 'string' ? BY_DIAG_CODE[e.code] : undefined;
    if (c !== undefined) return c;
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return 'network';
  }
  if (name === 'InvalidParameterException' || name === 'ValidationException' || name === 'ClientException') {
    return byText ?? 'invalid-parameter';
  }
  // 4. Status and fault.
  if (httpStatus === 403) return 'access-denied';
  if (httpStatus === 404) return 'not-found';
  if (httpStatus === 429) return 'throttling';
  if (fault === 'server' || (httpStatus !== undefined && httpStatus >= 500)) return 'server';
  return byText ?? 'unknown';
}

/** True when the error says the caller may not make this call (the check becomes `unknown`). */
export function isAccessDenied(err: unknown): boolean {
  return classifyError(err).category === 'access-denied';
}
