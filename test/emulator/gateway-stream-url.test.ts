import { describe, expect, it } from 'vitest';
import { buildStreamUrl, sessionIdOfRequestTarget } from '../../src/emulator/gateway/index.js';

describe('stream URLs', () => {
  it('builds the MGS form under the base URL', () => {
    expect(buildStreamUrl('ws://127.0.0.1:4566/', 'ecs-execute-command-0a1b')).toBe(
      'ws://127.0.0.1:4566/v1/data-channel/ecs-execute-command-0a1b?role=publish_subscribe',
    );
  });

  it('reads the session id from the path and ignores the query', () => {
    expect(sessionIdOfRequestTarget('/v1/data-channel/s-1?role=publish_subscribe')).toBe('s-1');
    expect(sessionIdOfRequestTarget('/v1/data-channel/s-1?stream=input&x=y')).toBe('s-1');
    expect(sessionIdOfRequestTarget('/v1/data-channel/a%20b')).toBe('a b');
    expect(sessionIdOfRequestTarget(buildStreamUrl('ws://h:1', 'x/y').slice('ws://h:1'.length))).toBe('x/y');
  });

  it('rejects other paths', () => {
    for (const t of [
      undefined,
      '/',
      '/v1/data-channel/',
      '/v1/data-channel/a/b',
      '/v2/data-channel/a',
      '/v1/data-channel/%E0',
    ]) {
      expect(sessionIdOfRequestTarget(t)).toBeUndefined();
    }
  });
});
