// Tokens the server did not issue, for the tests that must see them refused: signed with another secret,
// or with the deployment's own secret but already expired (so that only the expiry is wrong).
import { SignJWT } from 'jose';
import { services } from '../../functions/adapters/services.js';

/**
 * A token for `u_victim` signed with `secret`, expiring at `expires` (jose's relative time like '1h', or
 * seconds from now), with `claims` over the defaults.
 */
export function signToken(secret: string, expires: string | number, claims: Record<string, unknown> = {}): Promise<string> {
  const exp = typeof expires === 'number' ? Math.floor(Date.now() / 1000) + expires : expires;
  return new SignJWT({ name: 'Eve', guest: false, ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('u_victim')
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
}

/** Signed with a secret that is not the deployment's. */
export const foreignToken = (): Promise<string> => signToken('a secret that is not ours, long enough', '1h');

/** The deployment's own signing secret, read from the table the test stack uses. */
export const ourSecret = async (): Promise<string> => (await services.store().getSecret(true))!;

/** Signed with the deployment's own secret, expired a minute ago. */
export async function expiredToken(): Promise<string> {
  return signToken(await ourSecret(), -60);
}

/** Signed with the deployment's own secret, but with no expiry at all (every token we issue has one). */
export async function tokenWithoutExpiry(): Promise<string> {
  return new SignJWT({ name: 'Eve', guest: false })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('u_victim')
    .setIssuedAt()
    .sign(new TextEncoder().encode(await ourSecret()));
}
