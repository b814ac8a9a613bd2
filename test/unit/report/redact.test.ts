import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redact } from '../../../src/report/redact.js';

const NO_ACCOUNT = { account: false };

describe('redact', () => {
  it.each([
    [
      'token-value',
      '{"sessionId":"s-1","tokenValue":"AAEAAQxyzPlantedToken123"}',
      'AAEAAQxyzPlantedToken123',
    ],
    ['token-value', 'TokenValue: AAEAAQxyzPlantedToken456', 'AAEAAQxyzPlantedToken456'],
    [
      'url-token',
      'wss://ssmmessages.eu-west-1.amazonaws.com/v1/data-channel/ecs-execute-command-0a?role=publish_subscribe&token=QmFzZTY0dG9rZW4',
      'QmFzZTY0dG9rZW4',
    ],
    ['url-token', 'https://x.s3.amazonaws.com/k?X-Amz-Signature=0123abcd&X-Amz-Date=1', '0123abcd'],
    [
      'authorization',
      'Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/2026/x, Signature=ab12',
      'Signature=ab12',
    ],
    ['authorization', '{"authorization":"Bearer eyJhbGciOi.payload.sig"}', 'eyJhbGciOi'],
    [
      'authorization',
      'signed AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/x, SignedHeaders=host, Signature=ff00',
      'ff00',
    ],
    ['session-token', 'AWS_SESSION_TOKEN=FQoGZXIvYXdzEXAMPLEplantedSessionTok', 'FQoGZXIvYXdzEXAMPLEplanted'],
    [
      'session-token',
      'x-amz-security-token: AgoJb3JpZ2luX2VjEXAMPLEplanted',
      'AgoJb3JpZ2luX2VjEXAMPLEplanted',
    ],
    [
      'session-token',
      'bare IQoJb3JpZ2luX2VjEHoaCXVzLWVhc3QtMSJHMEUCIQD token',
      'IQoJb3JpZ2luX2VjEHoaCXVzLWVhc3Qt',
    ],
    ['secret-key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI'],
    ['secret-key', '"SecretAccessKey": "abcdefghijklmnopqrstuvwxyz0123456789ABCD"', 'abcdefghijklmnop'],
    ['secret-key', 'in text wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE9 bare', 'wJalrXUtnFEMI'],
    ['access-key-id', 'key AKIAIOSFODNN7EXAMPLE used', 'AKIAIOSFODNN7EXAMPLE'],
    ['access-key-id', '"AccessKeyId":"ASIAY34FZKBOKMUTVV7A"', 'ASIAY34FZKBOKMUTVV7A'],
  ])('%s: %s', (rule, text, secret) => {
    const r = redact(text, NO_ACCOUNT);
    expect(r.text).not.toContain(secret);
    expect(r.text).toContain(`[REDACTED:${rule}]`);
    expect(r.counts[rule as keyof typeof r.counts]).toBeGreaterThan(0);
  });

  it('keeps what is not a secret', () => {
    const text = [
      'sha256 3f786850e387550fdab836ed7e6dc881de23001b3f786850e387550fdab836ed',
      'git 3f786850e387550fdab836ed7e6dc881de23001b',
      'uuid 4d1b2f3c-1a2b-4c3d-8e9f-0a1b2c3d4e5f at 1700000000000',
      'wss://ssmmessages.eu-west-1.amazonaws.com/v1/data-channel/ecs-execute-command-0a?role=publish_subscribe',
      'the session token expired; tokens: 3',
      '/var/lib/amazon/ssm/i-0123456789abcdef0/document/orchestration',
    ].join('\n');
    expect(redact(text, NO_ACCOUNT)).toEqual({ text, counts: {}, total: 0, hits: [] });
  });

  it('redacts account ids and ARNs only when asked', () => {
    const text =
      'task arn:aws:ecs:eu-west-1:123456789012:task/prod/0abc in 123456789012 at 1700000000000 (0.123456789012)';
    expect(redact(text, NO_ACCOUNT).total).toBe(0);
    const r = redact(text, { account: true });
    expect(r.text).toBe('task [REDACTED:arn] in [REDACTED:account-id] at 1700000000000 (0.123456789012)');
    expect(r.counts).toEqual({ arn: 1, 'account-id': 1 });
  });

  it('says on which line each replacement was made', () => {
    const r = redact('a\nkey AKIAIOSFODNN7EXAMPLE\nb\n{"tokenValue":"AAEAAQxyzPlanted"}\n', NO_ACCOUNT);
    expect(r.hits).toEqual([
      { rule: 'token-value', line: 4 },
      { rule: 'access-key-id', line: 2 },
    ]);
  });

  it('keeps JSON valid', () => {
    const doc = {
      session: {
        sessionId: 's',
        streamUrl: 'wss://h/v1/data-channel/s?role=publish_subscribe&token=abcdefgh',
        tokenValue: 'AAEAAQxyz123',
      },
      creds: {
        AccessKeyId: 'ASIAY34FZKBOKMUTVV7A',
        SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        SessionToken: 'IQoJb3JpZ2luX2VjEHoaCXVz',
      },
    };
    const r = redact(JSON.stringify(doc, null, 2), NO_ACCOUNT);
    expect(r.total).toBe(5);
    expect(() => JSON.parse(r.text)).not.toThrow();
  });

  it('is idempotent', () => {
    const once = redact(
      'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY token=AKIAIOSFODNN7EXAMPLE',
      {
        account: true,
      },
    );
    expect(redact(once.text, { account: true }).total).toBe(0);
  });

  it('removes any access key id planted in arbitrary text', () => {
    const keyChar = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567');
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.constantFrom('AKIA', 'ASIA'),
        fc.array(keyChar, { minLength: 16, maxLength: 16 }),
        fc.string({ maxLength: 40 }),
        (before, prefix, rest, after) => {
          const key = prefix + rest.join('');
          const text = `${before} ${key}\n${after}`;
          expect(redact(text, NO_ACCOUNT).text).not.toContain(key);
        },
      ),
    );
  });
});
