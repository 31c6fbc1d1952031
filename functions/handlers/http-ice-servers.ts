// GET /ice-servers -> 200 {iceServers}: STUN, and TURN with credentials minted for this user.
import { env } from '../adapters/env.js';
import { iceServersFor } from '../domain/ice-servers.js';
import { httpHandler } from '../edge/http.js';

export const handler = httpHandler(async (req) => {
  const user = await req.user();
  const turnSecret = env.turnSecret();
  const config = {
    stunUrls: env.stunUrls(),
    turnUrls: env.turnUrls(),
    ...(turnSecret ? { turnSecret } : {}),
    ttlSeconds: env.tokenTtlSeconds(),
  };
  return { status: 200, body: { iceServers: iceServersFor(user.userId, config, Date.now()) } };
});
