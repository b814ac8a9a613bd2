/**
 * SSM documents: enough of CreateDocument, UpdateDocument, UpdateDocumentDefaultVersion,
 * GetDocument and DescribeDocument to read and change the Session Manager preferences
 * (`SSM-SessionManagerRunShell`), with versions as SSM keeps them.
 *
 * @see /work/shared/docs/aws-api.md §3.6, §3.7
 */
import { createHash } from 'node:crypto';
import YAML from 'yaml';
import { AwsServiceError } from './http/aws-error.js';
import { Input, SSM_VALIDATION } from './http/input.js';
import type { SessionPreferences } from './service-model/session-model.js';
import type { DocumentRecord, DocumentVersionRecord } from './state/world-state.js';
import type { EmulatorWorld } from './world.js';

/** The Session Manager preferences document. */
export const PREFERENCES_DOCUMENT = 'SSM-SessionManagerRunShell';

/** Texts (moto's, which follow AWS's) and the one observed AWS text. @see aws-api.md §3.6 */
export const DOC_TEXT = {
  notFound: 'The specified document does not exist.',
  badVersion: 'The document version is not valid or does not exist.',
  duplicateContent:
    'The content of the association document matches another document. Change the content of the document and try again.',
  duplicateVersionName: 'The specified version name is a duplicate.',
  alreadyExists: (name: string) => `Document with same name ${name} already exists`,
} as const;

const MAX_CONTENT_BYTES = 64 * 1024;
const NAME_RE = /^[a-zA-Z0-9_\-.]{3,128}$/;
const RESERVED_RE = /^(aws|amazon|amzn)/i;

/** An SSM error (`Message` key). */
export const ssmError = (code: string, message: string, status = 400) =>
  new AwsServiceError(code, message, { status, messageKey: 'Message' });

/** The AWS-owned documents every account sees. Content is a guess (aws-api.md §3.7). */
export function builtinDocuments(createdDate: number): DocumentRecord[] {
  const content = JSON.stringify({
    schemaVersion: '1.0',
    description:
      'Document to run a single interactive command on a container of an Amazon ECS task (ECS Exec).',
    sessionType: 'InteractiveCommands',
    parameters: { command: { type: 'String', description: 'The command to run.' } },
    properties: { linux: { commands: '{{command}}', runAsElevated: false } },
  });
  return [
    {
      name: 'AmazonECS-ExecuteInteractiveCommand',
      documentType: 'Session',
      owner: 'Amazon',
      createdDate,
      defaultVersion: 1,
      versions: [{ version: 1, content, format: 'JSON', createdDate, hash: sha256(content) }],
      tags: [],
    },
  ];
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Parses content in its format; throws InvalidDocumentContent. */
function parseContent(content: string, format: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = format === 'YAML' ? YAML.parse(content) : JSON.parse(content);
  } catch {
    throw ssmError('InvalidDocumentContent', 'The content for the document is not valid.');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw ssmError('InvalidDocumentContent', 'The content for the document is not valid.');
  }
  return v as Record<string, unknown>;
}

/**
 * Validates a Session document as SSM's schema does, including the preferences' ranges:
 * idleSessionTimeout "1"–"60", maxSessionDuration "" or "1"–"1440" (strings of minutes).
 * Range checks on write are an emulator choice (aws-api.md §3.6: undocumented).
 */
function validateSessionDocument(doc: Record<string, unknown>): void {
  if (doc['schemaVersion'] !== '1.0') {
    throw ssmError('InvalidDocumentSchemaVersion', 'The version of the document schema is not supported.');
  }
  const type = doc['sessionType'];
  const types = ['Standard_Stream', 'InteractiveCommands', 'NonInteractiveCommands', 'Port'];
  if (typeof type !== 'string' || !types.includes(type)) {
    throw ssmError('InvalidDocumentContent', `sessionType must be one of ${types.join(', ')}.`);
  }
  if (type !== 'Standard_Stream') return;
  const inputs = doc['inputs'];
  if (typeof inputs !== 'object' || inputs === null) {
    throw ssmError('InvalidDocumentContent', 'inputs is required for sessionType Standard_Stream.');
  }
  const i = inputs as Record<string, unknown>;
  const minutes = (key: string, max: number, emptyOk: boolean) => {
    const v = i[key];
    if (v === undefined || (emptyOk && v === '')) return;
    if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) {
      throw ssmError(
        'InvalidDocumentContent',
        `${key} must be a string of whole minutes between 1 and ${max}${emptyOk ? ' (or empty)' : ''}, not ${JSON.stringify(v)}.`,
      );
    }
  };
  minutes('idleSessionTimeout', 60, false);
  minutes('maxSessionDuration', 1440, true);
  for (const key of [
    's3EncryptionEnabled',
    'cloudWatchEncryptionEnabled',
    'cloudWatchStreamingEnabled',
    'runAsEnabled',
  ]) {
    if (i[key] !== undefined && typeof i[key] !== 'boolean') {
      throw ssmError('InvalidDocumentContent', `${key} must be a boolean.`);
    }
  }
}

function checkContent(content: string, format: string, type: string): void {
  if (Buffer.byteLength(content) > MAX_CONTENT_BYTES) {
    throw ssmError('MaxDocumentSizeExceeded', 'The size limit of a document is 64 KB.');
  }
  if (format === 'TEXT') return;
  const doc = parseContent(content, format);
  if (type === 'Session') validateSessionDocument(doc);
}

function findDocument(w: EmulatorWorld, ref: string): DocumentRecord {
  const name = ref.startsWith('arn:') ? ref.slice(ref.lastIndexOf('/') + 1) : ref;
  const d = w.state.documents.find((x) => x.name === name);
  if (!d) throw ssmError('InvalidDocument', DOC_TEXT.notFound);
  return d;
}

/** The version a request names ($LATEST, $DEFAULT, a number, a VersionName), else the default. */
function pickVersion(
  d: DocumentRecord,
  version: string | undefined,
  versionName: string | undefined,
): DocumentVersionRecord {
  let v: DocumentVersionRecord | undefined;
  if (version === '$LATEST') v = d.versions[d.versions.length - 1];
  else if (version === undefined || version === '$DEFAULT') {
    v =
      versionName !== undefined
        ? d.versions.find((x) => x.versionName === versionName)
        : d.versions.find((x) => x.version === d.defaultVersion);
  } else if (/^[1-9]\d*$/.test(version)) v = d.versions.find((x) => x.version === Number(version));
  if (v && versionName !== undefined && v.versionName !== versionName) v = undefined;
  if (!v) throw ssmError('InvalidDocumentVersion', DOC_TEXT.badVersion);
  return v;
}

/** DocumentDescription of a document at a version. */
function description(d: DocumentRecord, v: DocumentVersionRecord): Record<string, unknown> {
  let desc: string | undefined;
  let schemaVersion: string | undefined;
  try {
    const doc = v.format === 'TEXT' ? {} : parseContent(v.content, v.format);
    desc = typeof doc['description'] === 'string' ? doc['description'] : undefined;
    schemaVersion = typeof doc['schemaVersion'] === 'string' ? doc['schemaVersion'] : undefined;
  } catch {
    // stored content was validated on write
  }
  const latest = d.versions[d.versions.length - 1] as DocumentVersionRecord;
  const defaultV = d.versions.find((x) => x.version === d.defaultVersion);
  return {
    Hash: v.hash,
    HashType: 'Sha256',
    Name: d.name,
    ...(d.displayName ? { DisplayName: d.displayName } : {}),
    ...(v.versionName ? { VersionName: v.versionName } : {}),
    Owner: d.owner,
    CreatedDate: v.createdDate / 1000,
    Status: 'Active',
    DocumentVersion: String(v.version),
    ...(desc !== undefined ? { Description: desc } : {}),
    Parameters: [],
    PlatformTypes: ['Windows', 'Linux', 'MacOS'],
    DocumentType: d.documentType,
    ...(schemaVersion ? { SchemaVersion: schemaVersion } : {}),
    LatestVersion: String(latest.version),
    DefaultVersion: String(d.defaultVersion),
    ...(defaultV?.versionName ? { DefaultVersionName: defaultV.versionName } : {}),
    DocumentFormat: v.format,
    ...(d.targetType ? { TargetType: d.targetType } : {}),
    Tags: d.tags,
  };
}

function format(input: Input): 'JSON' | 'YAML' | 'TEXT' {
  const f = input.optString('DocumentFormat') ?? 'JSON';
  if (f !== 'JSON' && f !== 'YAML' && f !== 'TEXT') {
    throw ssmError(
      'ValidationException',
      `1 validation error detected: Value '${f}' at 'documentFormat' failed to satisfy constraint: Member must satisfy enum value set: [YAML, JSON, TEXT]`,
    );
  }
  return f;
}

/** CreateDocument. */
export function createDocument(raw: Record<string, unknown>, w: EmulatorWorld): Record<string, unknown> {
  const input = new Input(raw, SSM_VALIDATION);
  const content = input.string('Content');
  const name = input.string('Name');
  if (!NAME_RE.test(name)) {
    throw ssmError(
      'ValidationException',
      `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\\-.]{3,128}$`,
    );
  }
  if (RESERVED_RE.test(name)) {
    throw ssmError(
      'ValidationException',
      'Document names cannot start with aws, amazon or amzn (reserved prefixes).',
    );
  }
  if (w.state.documents.some((d) => d.name === name))
    throw ssmError('DocumentAlreadyExists', DOC_TEXT.alreadyExists(name));
  const type = input.optString('DocumentType') ?? 'Command';
  const fmt = format(input);
  checkContent(content, fmt, type);
  const now = w.clock.now();
  const versionName = input.optString('VersionName');
  const displayName = input.optString('DisplayName');
  const targetType = input.optString('TargetType');
  const tags = (input.optObjects('Tags') ?? []) as DocumentRecord['tags'];
  const d: DocumentRecord = {
    name,
    documentType: type,
    owner: w.accountId,
    createdDate: now,
    defaultVersion: 1,
    versions: [
      {
        version: 1,
        content,
        format: fmt,
        createdDate: now,
        hash: sha256(content),
        ...(versionName ? { versionName } : {}),
      },
    ],
    ...(targetType ? { targetType } : {}),
    ...(displayName ? { displayName } : {}),
    tags,
  };
  w.state.documents.push(d);
  w.changed();
  return { DocumentDescription: description(d, d.versions[0] as DocumentVersionRecord) };
}

/** UpdateDocument: a new version (latest + 1); the default version does not move. */
export function updateDocument(raw: Record<string, unknown>, w: EmulatorWorld): Record<string, unknown> {
  const input = new Input(raw, SSM_VALIDATION);
  const content = input.string('Content');
  const d = findDocument(w, input.string('Name'));
  if (d.owner !== w.accountId)
    throw ssmError('InvalidDocumentOperation', "You can't update a document that you don't own.");
  const latest = d.versions[d.versions.length - 1] as DocumentVersionRecord;
  const version = input.optString('DocumentVersion');
  if (version !== undefined && version !== '$LATEST' && version !== String(latest.version)) {
    throw ssmError('InvalidDocumentVersion', DOC_TEXT.badVersion);
  }
  const fmt = input.optString('DocumentFormat') === undefined ? latest.format : format(input);
  checkContent(content, fmt, d.documentType);
  const hash = sha256(content);
  if (d.versions.some((v) => v.hash === hash))
    throw ssmError('DuplicateDocumentContent', DOC_TEXT.duplicateContent);
  const versionName = input.optString('VersionName');
  if (versionName !== undefined && d.versions.some((v) => v.versionName === versionName)) {
    throw ssmError('DuplicateDocumentVersionName', DOC_TEXT.duplicateVersionName);
  }
  if (d.versions.length >= 1000)
    throw ssmError('DocumentVersionLimitExceeded', 'The document has too many versions.');
  const v: DocumentVersionRecord = {
    version: latest.version + 1,
    content,
    format: fmt,
    createdDate: w.clock.now(),
    hash,
    ...(versionName ? { versionName } : {}),
  };
  d.versions.push(v);
  w.changed();
  return { DocumentDescription: description(d, v) };
}

/** UpdateDocumentDefaultVersion. */
export function updateDocumentDefaultVersion(
  raw: Record<string, unknown>,
  w: EmulatorWorld,
): Record<string, unknown> {
  const input = new Input(raw, SSM_VALIDATION);
  const d = findDocument(w, input.string('Name'));
  const version = input.string('DocumentVersion');
  if (d.owner !== w.accountId)
    throw ssmError('InvalidDocumentOperation', "You can't update a document that you don't own.");
  const v = /^[1-9]\d*$/.test(version) ? d.versions.find((x) => x.version === Number(version)) : undefined;
  if (!v) throw ssmError('InvalidDocumentVersion', DOC_TEXT.badVersion);
  d.defaultVersion = v.version;
  w.changed();
  return {
    Description: {
      Name: d.name,
      DefaultVersion: String(v.version),
      ...(v.versionName ? { DefaultVersionName: v.versionName } : {}),
    },
  };
}

/** GetDocument (the default version unless a version is named). */
export function getDocument(raw: Record<string, unknown>, w: EmulatorWorld): Record<string, unknown> {
  const input = new Input(raw, SSM_VALIDATION);
  const d = findDocument(w, input.string('Name'));
  const v = pickVersion(d, input.optString('DocumentVersion'), input.optString('VersionName'));
  const wanted = input.optString('DocumentFormat') === undefined ? v.format : format(input);
  let content = v.content;
  if (wanted !== v.format && wanted !== 'TEXT' && v.format !== 'TEXT') {
    const doc = parseContent(v.content, v.format);
    content = wanted === 'YAML' ? YAML.stringify(doc) : JSON.stringify(doc);
  }
  return {
    Name: d.name,
    CreatedDate: v.createdDate / 1000,
    ...(d.displayName ? { DisplayName: d.displayName } : {}),
    ...(v.versionName ? { VersionName: v.versionName } : {}),
    DocumentVersion: String(v.version),
    Status: 'Active',
    Content: content,
    DocumentType: d.documentType,
    DocumentFormat: wanted,
  };
}

/** DescribeDocument. */
export function describeDocument(raw: Record<string, unknown>, w: EmulatorWorld): Record<string, unknown> {
  const input = new Input(raw, SSM_VALIDATION);
  const d = findDocument(w, input.string('Name'));
  const v = pickVersion(d, input.optString('DocumentVersion'), input.optString('VersionName'));
  return { Document: description(d, v) };
}

/** The preferences in force: SSM-SessionManagerRunShell's default version, if it exists. */
export function sessionPreferences(w: Pick<EmulatorWorld, 'state'>): SessionPreferences {
  const d = w.state.documents.find((x) => x.name === PREFERENCES_DOCUMENT);
  const v = d?.versions.find((x) => x.version === d.defaultVersion);
  if (!v) return {};
  try {
    const inputs = (parseContent(v.content, v.format)['inputs'] ?? {}) as Record<string, unknown>;
    const idle = Number(inputs['idleSessionTimeout']);
    const max = Number(inputs['maxSessionDuration']);
    return {
      ...(inputs['idleSessionTimeout'] && idle > 0 ? { idleSessionTimeoutMin: idle } : {}),
      ...(inputs['maxSessionDuration'] && max > 0 ? { maxSessionDurationMin: max } : {}),
    };
  } catch {
    return {};
  }
}
