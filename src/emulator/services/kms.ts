/**
 * KMS DescribeKey (awsJson1_1, `TrentService.DescribeKey`, scope `kms`).
 * Accepts a key id, key ARN, `alias/name` or alias ARN.
 *
 * @see botocore data/kms/2014-11-01 DescribeKey; src/emulator/spec/doctor-services.md
 */
import { AwsServiceError, jsonResponse } from '../http/aws-error.js';
import type { ServiceModule } from '../service-module.js';
import type { EmulatorWorld } from '../world.js';
import { assertApiAllowed } from './api-denial.js';
import { doctorState, type KmsKeyRecord } from './doctor-state.js';

const kmsError = (code: string, message: string) =>
  new AwsServiceError(code, message, { status: 400, messageKey: 'message' });

/** Finds a key by id, ARN, alias name or alias ARN. */
export function findKey(keys: readonly KmsKeyRecord[], ref: string): KmsKeyRecord | undefined {
  const alias = ref.includes(':alias/')
    ? ref.slice(ref.indexOf(':alias/') + 1)
    : ref.startsWith('alias/')
      ? ref
      : undefined;
  if (alias !== undefined) return keys.find((k) => k.aliases.includes(alias));
  return keys.find((k) => k.keyId === ref || k.arn === ref);
}

/** The KMS module. */
export const kmsModule: ServiceModule<EmulatorWorld> = {
  service: 'kms',
  protocol: 'json',
  async handle(req, w) {
    if (req.operation !== 'DescribeKey') return undefined;
    assertApiAllowed(req, w);
    const ref = req.input['KeyId'];
    if (typeof ref !== 'string' || ref === '') {
      throw kmsError(
        'ValidationException',
        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
      );
    }
    const key = findKey(doctorState(w.state, w.accountId).kms.keys, ref);
    if (!key) {
      throw kmsError(
        'NotFoundException',
        ref.includes('alias/') ? `Alias '${ref}' is not found.` : `Key '${ref}' does not exist`,
      );
    }
    return jsonResponse({
      KeyMetadata: {
        AWSAccountId: w.accountId,
        KeyId: key.keyId,
        Arn: key.arn,
        CreationDate: key.createdAt / 1000,
        Enabled: key.keyState === 'Enabled',
        Description: '',
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeyState: key.keyState,
        Origin: 'AWS_KMS',
        KeyManager: 'CUSTOMER',
        CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
        KeySpec: 'SYMMETRIC_DEFAULT',
        EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
        MultiRegion: false,
      },
    });
  },
};
