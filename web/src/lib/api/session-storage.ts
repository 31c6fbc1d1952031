// Where the sign-in lives. Accounts stay signed in across tabs and restarts (localStorage); a guest
// identity lasts for its tab (sessionStorage: survives a reload, not a new tab), since it is only a
// name for one meeting. The last name typed is remembered to pre-fill "Your name".
import type { AuthResponse } from '$protocol';

const SESSION_KEY = 'meshmeet.session';
const NAME_KEY = 'meshmeet.name';

export function loadSession(): AuthResponse | null {
  for (const store of stores()) {
    const session = parse(store.getItem(SESSION_KEY));
    if (session && !isExpired(session.token)) return session;
    if (session) store.removeItem(SESSION_KEY);
  }
  return null;
}

export function saveSession(session: AuthResponse): void {
  clearSession();
  const store = session.user.guest ? sessionStorage : localStorage;
  store.setItem(SESSION_KEY, JSON.stringify(session));
  rememberName(session.user.name);
}

/**
 * Stores a refreshed token only where the one it replaces is still stored: if another tab signed out (or in
 * as someone else) meanwhile, that choice stands and the refreshed token stays in this tab's memory.
 */
export function replaceSession(held: AuthResponse, fresh: AuthResponse): void {
  const store = held.user.guest ? sessionStorage : localStorage;
  if (safe(() => parse(store.getItem(SESSION_KEY))?.token) === held.token) saveSession(fresh);
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
 * Milliseconds until the token's `exp` (negative once passed; Infinity when it has none). Tokens are
 * opaque to the client otherwise: this only lets it refresh one in time, or ask for a new sign-in
 * instead of failing to connect.
 */
export function timeLeft(token: string, now = Date.now()): number {
  try {
    const { exp } = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof exp === 'number' ? exp * 1000 - now : Infinity;
  } catch {
    return Infinity;
  }
}

export const isExpired = (token: string, now?: number): boolean => timeLeft(token, now) <= 0;

function stores(): Storage[] {
  return safe(() => [localStorage, sessionStorage]) ?? [];
}

function parse(raw: string | null): AuthResponse | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as AuthResponse;
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
