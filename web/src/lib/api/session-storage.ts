// Where the sign-in lives. Accounts stay signed in across tabs and restarts (localStorage); a guest
// identity lasts for its tab (sessionStorage: survives a reload, not a new tab), since it is only a
// name for one meeting. The last name typed is remembered to pre-fill "Your name".
import type { AuthResponse } from '$protocol';

const SESSION_KEY = 'meshmeet.session';

/**
 * A sign-in as this browser holds it, with when its token arrived by this browser's clock: the token's
 * lifetime is measured from then, on that clock. A computer whose clock is off by hours (or set to the
 * wrong day) would otherwise see a fresh token as expired, and drop its account for a guest, or refresh it
 * over and over.
 */
export type HeldSession = AuthResponse & { receivedAt?: number };

export const received = (session: AuthResponse): HeldSession => ({ ...session, receivedAt: Date.now() });
const NAME_KEY = 'meshmeet.name';

/** The sign-in this browser holds, expired or not (the caller says so to the user, or drops it). */
export function loadSession(): HeldSession | null {
  for (const store of stores()) {
    const session = parse(store.getItem(SESSION_KEY));
    if (session) return session;
  }
  return null;
}

export function saveSession(session: HeldSession): void {
  clearSession();
  const store = session.user.guest ? sessionStorage : localStorage;
  store.setItem(SESSION_KEY, JSON.stringify(session));
  rememberName(session.user.name);
}

/**
 * Stores a refreshed token only where the one it replaces is still stored: if another tab signed out (or in
 * as someone else) meanwhile, that choice stands and the refreshed token stays in this tab's memory.
 */
export function replaceSession(held: HeldSession, fresh: HeldSession): void {
  // Only this entry: a guest tab's refresh must not touch the account another tab signed in with.
  const store = storeStill(held);
  if (store) safe(() => store.setItem(SESSION_KEY, JSON.stringify(fresh)));
}

/** Calls `changed` when another tab of this site signs in or out (an account's sign-in is shared by all). */
export function watchOtherTabs(changed: () => void): void {
  addEventListener('storage', (event) => event.key === SESSION_KEY && changed());
}

/** Forgets `held` where it is stored, unless another tab has stored a newer sign-in there meanwhile. */
export function forgetSession(held: HeldSession): void {
  safe(() => storeStill(held)?.removeItem(SESSION_KEY));
}

/** The storage that holds `held`'s kind of sign-in, if `held` is still what it holds. */
function storeStill(held: HeldSession): Storage | null {
  const store = safe(() => (held.user.guest ? sessionStorage : localStorage));
  return store && safe(() => parse(store.getItem(SESSION_KEY))?.token) === held.token ? store : null;
}

export function clearSession(): void {
  for (const store of stores()) store.removeItem(SESSION_KEY);
}

export function rememberedName(): string {
  return safe(() => localStorage.getItem(NAME_KEY)) ?? '';
}

export function rememberName(name: string): void {
  safe(() => localStorage.setItem(NAME_KEY, name));
}

/**
 * Milliseconds until the token expires (negative once it has; Infinity when it does not say). Tokens are
 * opaque to the client otherwise: this only lets it refresh one in time, or ask for a new sign-in
 * instead of failing to connect. Sessions stored before `receivedAt` existed fall back to the clock.
 */
export function timeLeft({ token, receivedAt }: HeldSession): number {
  const now = Date.now();
  try {
    const { iat, exp } = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { iat?: unknown; exp?: unknown };
    if (typeof exp !== 'number') return Infinity;
    // (A clock set back since, as when it is corrected, must not make the token look younger than new.)
    return typeof iat === 'number' && receivedAt ? (exp - iat) * 1000 - Math.max(0, now - receivedAt) : exp * 1000 - now;
  } catch {
    return Infinity;
  }
}

export const isExpired = (session: HeldSession): boolean => timeLeft(session) <= 0;

function stores(): Storage[] {
  return safe(() => [localStorage, sessionStorage]) ?? [];
}

function parse(raw: string | null): HeldSession | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as HeldSession;
    return typeof value?.token === 'string' && typeof value.user?.id === 'string' ? value : null;
  } catch {
    return null;
  }
}

// Storage access throws in some privacy modes; the app then simply forgets between pages.
function safe<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}
