import { describe, expect, it } from 'vitest';
import { classifyError, classifyText, type FindingCategory } from '../../../src/aws/classify.js';
import { DiagError } from '../../../src/errors.js';
import { awsError } from './fake-aws.js';

describe('classifyError', () => {
  const table: Array<[string, unknown, FindingCategory]> = [
    ['TargetNotConnectedException', awsError('TargetNotConnectedException'), 'target-not-connected'],
    ['SSM TargetNotConnected', awsError('TargetNotConnected'), 'target-not-connected'],
    [
      'InvalidParameter exec not enabled (typographic apostrophe)',
      awsError(
        'InvalidParameterException',
        'execute command was not enabled when the task was run or the execute command agent isn’t running.',
      ),
      'exec-not-enabled',
    ],
    [
      'InvalidParameter other',
      awsError('InvalidParameterException', 'Interactive is the only mode supported currently.'),
      'invalid-parameter',
    ],
    [
      'AccessDeniedException',
      awsError('AccessDeniedException', 'User: x is not authorized to perform: ecs:ExecuteCommand'),
      'access-denied',
    ],
    ['EC2 UnauthorizedOperation', awsError('UnauthorizedOperation'), 'access-denied'],
    ['ThrottlingException', awsError('ThrottlingException', 'Rate exceeded'), 'throttling'],
    ['EC2 RequestLimitExceeded', awsError('RequestLimitExceeded'), 'throttling'],
    ['ClusterNotFoundException', awsError('ClusterNotFoundException'), 'not-found'],
    ['KMS NotFoundException', awsError('NotFoundException'), 'not-found'],
    ['KMSInvalidStateException', awsError('KMSInvalidStateException'), 'kms'],
    ['InvalidCiphertextException', awsError('InvalidCiphertextException'), 'kms'],
    ['ServerException 500', awsError('ServerException', 'x', 500), 'server'],
    ['unknown 503', awsError('SomethingWeird', 'x', 503), 'server'],
    ['unknown 403', awsError('Forbidden', 'x', 403), 'access-denied'],
    [
      'session limit',
      awsError('ClientException', 'the maximum session limit of 2 has been reached.'),
      'session-limit',
    ],
    ['ExpiredToken', awsError('ExpiredTokenException'), 'credentials'],
    ['network', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'network'],
    [
      'DiagError wrapping an SDK error',
      new DiagError('AWS_SERVICE_ERROR', 'exec failed', { cause: awsError('TargetNotConnectedException') }),
      'target-not-connected',
    ],
    ['DiagError code only', new DiagError('AWS_EXEC_NOT_ENABLED', 'not enabled'), 'exec-not-enabled'],
    ['plain error', new Error('boom'), 'unknown'],
    ['a string', 'boom', 'unknown'],
  ];
  it.each(table)('%s', (_name, err, category) => {
    expect(classifyError(err).category).toBe(category);
  });

  it('keeps the SDK name, status and fault', () => {
    const c = classifyError(
      new DiagError('AWS_SERVICE_ERROR', 'x', { cause: awsError('ServerException', 'down', 500) }),
    );
    expect(c).toMatchObject({
      name: 'ServerException',
      httpStatus: 500,
      fault: 'server',
      category: 'server',
    });
  });
});

describe('classifyText', () => {
  it('recognises the CloudWatch encryption closing text', () => {
    expect(
      classifyText(
        "We couldn't start the session because encryption is not set up on the selected CloudWatch Logs log group.",
      ),
    ).toBe('log-group-encryption');
  });
  it('returns undefined for ordinary text', () => {
    expect(classifyText('Exiting session with sessionId: x.')).toBeUndefined();
  });
});
