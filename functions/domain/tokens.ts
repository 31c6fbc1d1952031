// Session tokens: short-lived HS256 JWTs naming the user. The signing secret comes from a SecretStore
// (a DynamoDB item: free while idle, unlike a secrets service), cached for the life of the process.
import { SignJWT, jwtVerify } from 'jose';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from './errors.js';
import type { SecretStore } from './ports.js';

export interface TokenClaims {
  userId: string;
  name: string;
  guest: boolean;
  email?: string;
  /** When the person signed in (or became a guest), in seconds: refreshes keep it, so a sign-in can age out. */
  authTime?: number;
}

const unauthorized = () => new DomainError('unauthorized', 'Your session is missing or has expired. Sign in again.');

export class TokenService {
  #signingKey?: Uint8Array;

  constructor(
    private readonly secrets: SecretStore,
    private readonly ttlSeconds: number,
  ) {}

  async issue(claims: TokenClaims): Promise<string> {
    const key = await this.#loadKey(true);
    if (!key) throw new Error('token secret unavailable');
    const authTime = claims.authTime ?? Math.floor(Date.now() / 1000);
    return new SignJWT({
      name: claims.name,
      guest: claims.guest,
      auth_time: authTime,
      ...(claims.email ? { email: claims.email } : {}),
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(key);
  }

  /** The claims of a valid token; throws `unauthorized` for a missing, forged or expired one. */
  async verify(token: string | undefined): Promise<TokenClaims> {
    if (!token) throw unauthorized();
    const key = await this.#loadKey(false);
    if (!key) throw unauthorized(); // no secret yet: no token was ever issued
    try {
      // Every token we issue has both; one without them was not made by this code (defence in depth).
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['exp', 'iat'] });
      if (typeof payload.sub !== 'string' || typeof payload.name !== 'string') throw unauthorized();
      return {
        userId: payload.sub,
        name: payload.name,
        guest: payload.guest === true,
        ...(typeof payload.email === 'string' ? { email: payload.email } : {}),
        ...(typeof payload.auth_time === 'number' ? { authTime: payload.auth_time } : typeof payload.iat === 'number' ? { authTime: payload.iat } : {}),
      };
    } catch {
      throw unauthorized();
    }
  }

  /** A keyed MAC over `parts`, for small proofs such as a peer's resume key. */
  async mac(...parts: string[]): Promise<string> {
    const key = await this.#loadKey(true);
    if (!key) throw new Error('token secret unavailable');
    return createHmac('sha256', key).update(parts.join('\n')).digest('base64url').slice(0, 32);
  }

  async checkMac(mac: string, ...parts: string[]): Promise<boolean> {
    const expected = Buffer.from(await this.mac(...parts));
    const given = Buffer.from(mac);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async #loadKey(create: boolean): Promise<Uint8Array | undefined> {
    // Cache only a found secret: a verifier that ran before any token existed must look again later.
    if (!this.#signingKey) {
      const secret = await this.secrets.getSecret(create);
      if (secret) this.#signingKey = new TextEncoder().encode(secret);
    }
    return this.#signingKey;
  }
}
