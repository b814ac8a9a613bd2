/**
 * Reading awsJson1_1 input members. The SDK does not validate required members client-side
 * (aws-api.md §1.2), so the emulator does, with AWS's generic validation text.
 */
import { AwsServiceError, type MessageKey } from './aws-error.js';

/** How a service reports a validation failure: ECS InvalidParameterException, SSM ValidationException. */
export interface ValidationStyle {
  readonly code: string;
  readonly messageKey: MessageKey;
}

export const ECS_VALIDATION: ValidationStyle = { code: 'InvalidParameterException', messageKey: 'message' };
export const SSM_VALIDATION: ValidationStyle = { code: 'ValidationException', messageKey: 'Message' };

/** A validation error in AWS's generic wording. */
export function validationError(
  style: ValidationStyle,
  member: string,
  constraint = 'Member must not be null',
  value = 'null',
) {
  return new AwsServiceError(
    style.code,
    `1 validation error detected: Value ${value} at '${member}' failed to satisfy constraint: ${constraint}`,
    { messageKey: style.messageKey },
  );
}

/** Typed access to one request's members. */
export class Input {
  readonly #raw: Record<string, unknown>;
  readonly #style: ValidationStyle;

  constructor(raw: Record<string, unknown>, style: ValidationStyle) {
    this.#raw = raw;
    this.#style = style;
  }

  get raw(): Record<string, unknown> {
    return this.#raw;
  }

  /** An optional string member (wrong type → validation error). */
  optString(key: string): string | undefined {
    const v = this.#raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string')
      throw validationError(this.#style, key, 'Member must be a string', JSON.stringify(v));
    return v;
  }

  /** A required string member. */
  string(key: string): string {
    const v = this.optString(key);
    if (v === undefined) throw validationError(this.#style, key);
    return v;
  }

  optBool(key: string): boolean | undefined {
    const v = this.#raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean')
      throw validationError(this.#style, key, 'Member must be a boolean', JSON.stringify(v));
    return v;
  }

  bool(key: string): boolean {
    const v = this.optBool(key);
    if (v === undefined) throw validationError(this.#style, key);
    return v;
  }

  /** An optional integer in [min, max]. */
  optInt(key: string, min: number, max: number): number | undefined {
    const v = this.#raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw validationError(
        this.#style,
        key,
        `Member must have value ${v !== undefined && typeof v === 'number' && v < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`,
        JSON.stringify(v),
      );
    }
    return v;
  }

  /** An optional list of strings. */
  optStrings(key: string): string[] | undefined {
    const v = this.#raw[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      throw validationError(this.#style, key, 'Member must be a list of strings', '[...]');
    }
    return v as string[];
  }

  /** An optional object member. */
  optObject(key: string): Record<string, unknown> | undefined {
    const v = this.#raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v))
      throw validationError(this.#style, key, 'Member must be a structure', '...');
    return v as Record<string, unknown>;
  }

  /** An optional list of objects. */
  optObjects(key: string): Record<string, unknown>[] | undefined {
    const v = this.#raw[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'object' || x === null || Array.isArray(x))) {
      throw validationError(this.#style, key, 'Member must be a list of structures', '[...]');
    }
    return v as Record<string, unknown>[];
  }
}

/** Opaque pagination over a list: NextToken = base64url of the offset. */
export function paginate<T>(
  items: readonly T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
  defaultPage: number,
  badToken: () => AwsServiceError,
): { page: T[]; nextToken?: string } {
  let offset = 0;
  if (nextToken !== undefined) {
    const m = /^o:(\d+)$/.exec(Buffer.from(nextToken, 'base64url').toString('utf8'));
    if (!m) throw badToken();
    offset = Number(m[1]);
  }
  const size = maxResults ?? defaultPage;
  const page = items.slice(offset, offset + size);
  const next =
    offset + size < items.length ? Buffer.from(`o:${offset + size}`).toString('base64url') : undefined;
  return next === undefined ? { page } : { page, nextToken: next };
}
