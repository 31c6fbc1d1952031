// ICE servers for a browser: the STUN list, plus TURN with credentials minted per user by the
// "TURN REST API" scheme coturn implements (use-auth-secret): username = "<expiry>:<user>",
// credential = base64(HMAC-SHA1(shared secret, username)). Nothing is stored; coturn checks the MAC.
import { createHmac } from 'node:crypto';
import type { IceServer } from '../protocol/index.js';

export interface IceConfig {
  stunUrls: string[];
  turnUrls: string[];
  turnSecret?: string;
  /** How long minted TURN credentials stay valid. */
  ttlSeconds: number;
}

export function iceServersFor(userId: string, config: IceConfig, nowMs: number): IceServer[] {
  const servers: IceServer[] = config.stunUrls.length ? [{ urls: config.stunUrls }] : [];
  if (config.turnUrls.length && config.turnSecret) {
    const username = `${Math.floor(nowMs / 1000) + config.ttlSeconds}:${userId}`;
    const credential = createHmac('sha1', config.turnSecret).update(username).digest('base64');
    servers.push({ urls: config.turnUrls, username, credential });
  }
  return servers;
}
