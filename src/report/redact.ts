/**
 * Redaction of secrets from text, before anything leaves the machine (support bundles).
 * ONE pure function, {@link redact}: it returns the redacted text and what it replaced, where
 * (line numbers) and how many times; never the secrets themselves.
 *
 * Always redacted:
 * - `token-value`: data-channel tokens (`TokenValue`, `tokenValue`, `token` keys; JSON, `k=v`, `k: v`);
 * - `url-token`: credentials in URL query strings (`token=`, `X-Amz-Signature=`, `X-Amz-Credential=`,
 *   `X-Amz-Security-Token=` …), e.g. in stream URLs;
 * - `authorization`: Authorization header values and SigV4 signatures;
 * - `session-token`: AWS session tokens (by key, and the bare STS token forms `IQoJb3JpZ2lu…`, `FwoGZXIvYXdz…`);
 * - `secret-key`: AWS secret access keys (by key, and any bare 40-char base64 word mixing cases and digits);
 * - `access-key-id`: AWS access key ids and other IAM unique ids (`AKIA…`, `ASIA…`, `AIDA…`, `AROA…` …).
 * With `account: true` (`--redact-account`) also:
 * - `arn`: whole ARNs; `account-id`: 12-digit account ids.
 *
 * Each match becomes `[REDACTED:<rule>]`. Matches never span lines, so line numbers hold.
 * Text is matched as-is: callers decode bytes as latin1 to keep non-UTF-8 content byte-exact.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids (id prefixes)
 */

/** The kinds of secret {@link redact} replaces. */
export type RedactionRule =
  | 'authorization'
  | 'url-token'
  | 'session-token'
  | 'secret-key'
  | 'token-value'
  | 'access-key-id'
  | 'arn'
  | 'account-id';

/** Options of {@link redact}. */
export interface RedactOptions {
  /** Also replace ARNs and 12-digit account ids (`--redact-account`). */
  readonly account: boolean;
}

/** One replacement: which rule, on which line (1-based). */
export interface RedactionHit {
  readonly rule: RedactionRule;
  readonly line: number;
}

/** What {@link redact} returns. */
export interface RedactResult {
  readonly text: string;
  /** Replacements per rule (rules without any are absent). */
  readonly counts: Readonly<Partial<Record<RedactionRule, number>>>;
  readonly total: number;
  /** Every replacement, in rule order then text order. */
  readonly hits: readonly RedactionHit[];
}

/** The marker a secret is replaced with. */
export function redactionMarker(rule: RedactionRule): string {
  return `[REDACTED:${rule}]`;
}

interface Rule {
  readonly rule: RedactionRule;
  /** Must have a named group `secret`; text before it in the match is kept. */
  readonly pattern: RegExp;
  readonly accountOnly?: boolean;
  /** Extra test on the secret (e.g. mixed character classes). */
  readonly accept?: (secret: string) => boolean;
}

// Separator between a key and its value: `"key": "`, `key=`, `key: `, `'key' => '`.
const SEP = String.raw`["']?\s*(?:=>|[:=])\s*["']?`;

const RULES: readonly Rule[] = [
  {
    rule: 'authorization',
    pattern: new RegExp(String.raw`\b(?:proxy-)?authorization${SEP}(?<secret>[^"'\r\n]+)`, 'gi'),
  },
  {
    rule: 'authorization',
    pattern:
      /\bAWS4-HMAC-SHA256 (?<secret>Credential=[^\s"']+(?:[ ,]+(?:SignedHeaders|Signature)=[^\s"',]+)*)/g,
  },
  {
    rule: 'url-token',
    pattern:
      /[?&](?:[\w-]*token[\w-]*|x-amz-signature|x-amz-credential|signature|sig)=(?<secret>[^&#\s"'<>\\]+)/gi,
  },
  {
    rule: 'session-token',
    pattern: new RegExp(
      String.raw`\b(?:aws_session_token|session_?token|x-amz-security-token|security_?token)${SEP}(?<secret>[A-Za-z0-9/+=%_-]{16,})`,
      'gi',
    ),
  },
  {
    rule: 'session-token',
    pattern: /(?<![A-Za-z0-9/+=])(?<secret>(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9/+=]{16,})/g,
  },
  {
    rule: 'secret-key',
    pattern: new RegExp(
      String.raw`\b(?:aws_secret_access_key|secret_?access_?key|secret_?key|aws_secret)${SEP}(?<secret>[A-Za-z0-9/+=]{16,})`,
      'gi',
    ),
  },
  {
    rule: 'secret-key',
    pattern: /(?<![A-Za-z0-9/+=])(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/g,
    accept: (s) => /[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s),
  },
  {
    rule: 'token-value',
    pattern: new RegExp(
      String.raw`\b(?:[a-z]*[_-]?)?token(?:[_-]?value)?${SEP}(?<secret>[^\s"',;&}\]\\]{6,})`,
      'gi',
    ),
  },
  {
    rule: 'access-key-id',
    pattern:
      /(?<![A-Z0-9])(?<secret>(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|AGPA)[A-Z0-9]{16})(?![A-Z0-9])/g,
  },
  {
    rule: 'arn',
    pattern: /(?<secret>\barn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:\d{12}:[^\s"'<>,;)\]}]*)/g,
    accountOnly: true,
  },
  {
    rule: 'account-id',
    pattern: /(?<![\d.])(?<secret>\d{12})(?!\d)/g,
    accountOnly: true,
  },
];

/** Replaces every secret in `text`; see the module comment for the rules. Pure. */
export function redact(text: string, options: RedactOptions): RedactResult {
  let out = text;
  const hits: RedactionHit[] = [];
  for (const r of RULES) {
    if (r.accountOnly && !options.account) continue;
    const lines = lineStarts(out);
    out = out.replace(r.pattern, (...args: unknown[]) => {
      const match = args[0] as string;
      const offset = args[args.length - 3] as number;
      const secret = (args[args.length - 1] as { secret: string }).secret;
      if (secret.startsWith('[REDACTED:') || (r.accept && !r.accept(secret))) return match;
      const at = match.lastIndexOf(secret);
      hits.push({ rule: r.rule, line: lineOf(lines, offset + at) });
      return match.slice(0, at) + redactionMarker(r.rule) + match.slice(at + secret.length);
    });
  }
  const counts: Partial<Record<RedactionRule, number>> = {};
  for (const h of hits) counts[h.rule] = (counts[h.rule] ?? 0) + 1;
  return { text: out, counts, total: hits.length, hits };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
