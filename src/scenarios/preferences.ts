/**
 * Session Manager preferences (`SSM-SessionManagerRunShell`): save, change, restore.
 *
 * The document is account- and region-wide, and a service may read it when a session starts or
 * at any time after, so a preference change is held for the whole phase of cases that need it and
 * no other case runs meanwhile (see timeout-matrix.ts). Before the first change the current state
 * is saved (and written to the run directory by the caller, so `ecs-diag cleanup DIR` can restore
 * it after a SIGKILL); restoring sets the document's default version back to the saved one.
 *
 * @see /work/shared/docs/aws-api.md §3.6 (UpdateDocument does not move DefaultVersion)
 */
import type { SsmApi } from '../aws/clients.js';
import type { PreferenceChange } from './matrix.js';

/** The preferences document. */
export const PREFERENCES_DOCUMENT = 'SSM-SessionManagerRunShell';

/** AWS's template for the document, used when the account has never saved preferences. */
const DEFAULT_CONTENT = {
  schemaVersion: '1.0',
  description: 'Document to hold regional settings for Session Manager',
  sessionType: 'Standard_Stream',
  inputs: {
    s3BucketName: '',
    s3KeyPrefix: '',
    s3EncryptionEnabled: true,
    cloudWatchLogGroupName: '',
    cloudWatchEncryptionEnabled: true,
    cloudWatchStreamingEnabled: false,
    kmsKeyId: '',
    runAsEnabled: false,
    runAsDefaultUser: '',
    idleSessionTimeout: '20',
    maxSessionDuration: '',
    shellProfile: { windows: '', linux: '' },
  },
};

/** What was there before the run changed anything. Written to `preferences-backup.json`. */
export interface SavedPreferences {
  readonly document: typeof PREFERENCES_DOCUMENT;
  /** False when the account had no preferences document. */
  readonly existed: boolean;
  /** The default version before the run (when it existed). */
  readonly defaultVersion?: string;
  /** Its content (JSON text), when it existed. */
  readonly content?: string;
}

/** Builds the document content for a change, from the saved content (or AWS's template). */
export function changedContent(saved: SavedPreferences, change: PreferenceChange, tag: string): string {
  let base: { description?: string; inputs?: Record<string, unknown> } & Record<string, unknown>;
  try {
    base = saved.content ? JSON.parse(saved.content) : structuredClone(DEFAULT_CONTENT);
  } catch {
    base = structuredClone(DEFAULT_CONTENT);
  }
  const inputs = { ...(base.inputs ?? {}) };
  if (change.idleSessionTimeout !== undefined)
    inputs['idleSessionTimeout'] = String(change.idleSessionTimeout);
  if (change.maxSessionDuration !== undefined)
    inputs['maxSessionDuration'] = String(change.maxSessionDuration);
  // The tag keeps every version distinct (UpdateDocument refuses content equal to an old version).
  const description = `${String(base.description ?? DEFAULT_CONTENT.description)} (ecs-diag ${tag})`;
  return JSON.stringify({ ...base, description, inputs });
}

/** Reads, changes and restores the preferences document over SSM. */
export class PreferenceController {
  readonly #ssm: SsmApi;
  readonly #runId: string;
  #saved: SavedPreferences | undefined;
  #changed = false;

  constructor(ssm: SsmApi, runId: string) {
    this.#ssm = ssm;
    this.#runId = runId;
  }

  /** The saved state, once {@link save} ran. */
  get saved(): SavedPreferences | undefined {
    return this.#saved;
  }

  /** True while the document differs from the saved state. */
  get changed(): boolean {
    return this.#changed;
  }

  /** Saves the current state (once). */
  async save(): Promise<SavedPreferences> {
    if (this.#saved) return this.#saved;
    try {
      const doc = await this.#ssm.getDocument({ Name: PREFERENCES_DOCUMENT });
      this.#saved = {
        document: PREFERENCES_DOCUMENT,
        existed: true,
        ...(doc.DocumentVersion ? { defaultVersion: doc.DocumentVersion } : {}),
        ...(doc.Content ? { content: doc.Content } : {}),
      };
    } catch (err) {
      if ((err as { name?: string }).name !== 'InvalidDocument') throw err;
      this.#saved = { document: PREFERENCES_DOCUMENT, existed: false };
    }
    return this.#saved;
  }

  /** Applies a change: a new version made the default. */
  async apply(change: PreferenceChange, key: string): Promise<void> {
    const saved = await this.save();
    const content = changedContent(saved, change, `${this.#runId} ${key}`);
    this.#changed = true;
    if (!saved.existed && !(await this.#exists())) {
      await this.#ssm.createDocument({
        Name: PREFERENCES_DOCUMENT,
        Content: content,
        DocumentType: 'Session',
        DocumentFormat: 'JSON',
      });
      return;
    }
    const updated = await this.#ssm.updateDocument({
      Name: PREFERENCES_DOCUMENT,
      Content: content,
      DocumentVersion: '$LATEST',
      DocumentFormat: 'JSON',
    });
    const version = updated.DocumentDescription?.DocumentVersion;
    if (version)
      await this.#ssm.updateDocumentDefaultVersion({ Name: PREFERENCES_DOCUMENT, DocumentVersion: version });
  }

  /**
   * Puts the saved state back: the saved default version again, or (the account had none) AWS's
   * defaults, since the tool cannot delete the document it had to create.
   */
  async restore(): Promise<void> {
    if (!this.#changed || !this.#saved) return;
    await restorePreferences(this.#ssm, this.#saved, this.#runId);
    this.#changed = false;
  }

  async #exists(): Promise<boolean> {
    try {
      await this.#ssm.describeDocument({ Name: PREFERENCES_DOCUMENT });
      return true;
    } catch (err) {
      if ((err as { name?: string }).name === 'InvalidDocument') return false;
      throw err;
    }
  }
}

/** Restores saved preferences (also used by `ecs-diag cleanup` from preferences-backup.json). */
export async function restorePreferences(ssm: SsmApi, saved: SavedPreferences, runId: string): Promise<void> {
  if (saved.existed && saved.defaultVersion) {
    await ssm.updateDocumentDefaultVersion({
      Name: PREFERENCES_DOCUMENT,
      DocumentVersion: saved.defaultVersion,
    });
    return;
  }
  const content = changedContent(
    { ...saved, content: JSON.stringify(DEFAULT_CONTENT) },
    {},
    `${runId} restored`,
  );
  try {
    const updated = await ssm.updateDocument({
      Name: PREFERENCES_DOCUMENT,
      Content: content,
      DocumentVersion: '$LATEST',
      DocumentFormat: 'JSON',
    });
    const version = updated.DocumentDescription?.DocumentVersion;
    if (version)
      await ssm.updateDocumentDefaultVersion({ Name: PREFERENCES_DOCUMENT, DocumentVersion: version });
  } catch (err) {
    if ((err as { name?: string }).name !== 'DuplicateDocumentContent') throw err;
  }
}
