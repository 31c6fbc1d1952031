// GET /ice-servers: STUN as configured, and TURN with coturn's REST-API credentials minted per user
// (username "<expiry>:<user id>", credential base64(HMAC-SHA1(secret, username))).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useLocalStack } from './support/local-stack.js';

const local = useLocalStack({
  environment: {
    STUN_URLS: 'stun:stun.example.org:3478',
    TURN_URLS: 'turn:turn.example.org:3478,turns:turn.example.org:5349',
    TURN_SECRET: 'a shared secret with coturn',
    TOKEN_TTL_SECONDS: '3600',
  },
});

describe('GET /ice-servers', () => {
  it('mints TURN credentials that coturn would accept, valid for the token lifetime', async () => {
    const { token, user } = await local.guest('Roamer');
    const res = await local.api('GET', '/ice-servers', undefined, token);
    expect(res.status).toBe(200);
    const [stun, turn] = res.body.iceServers;
    expect(stun).toEqual({ urls: ['stun:stun.example.org:3478'] });
    expect(turn.urls).toEqual(['turn:turn.example.org:3478', 'turns:turn.example.org:5349']);
    const [expiry, userId] = turn.username.split(':');
    expect(userId).toBe(user.id);
    expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(3500);
    expect(Number(expiry) - Date.now() / 1000).toBeLessThanOrEqual(3600);
    expect(turn.credential).toBe(createHmac('sha1', 'a shared secret with coturn').update(turn.username).digest('base64'));
  });

  it('needs a token', async () => {
    const res = await local.api('GET', '/ice-servers');
    expect(res.status).toBe(401);
  });
});
