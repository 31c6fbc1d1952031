// Who is using the app: a signed-in account, a guest with a name, or nobody yet.
import { getContext, setContext } from 'svelte';
import type { AuthResponse, User } from '$protocol';
import { ApiError } from '$lib/api/ApiError.js';
import type { AppServices } from './app.svelte.js';
import { clearSession, isExpired, loadSession, rememberedName, saveSession } from '$lib/api/session-storage.js';

export interface SessionState {
  readonly user: User | null;
  readonly token: string | null;
  /** Signed in with an account (not a guest). */
  readonly signedIn: boolean;
  /** Whether a name must still be asked for before joining. */
  readonly needsName: boolean;
  /** Pre-fills "Your name" wherever it is asked. */
  name: string;
  signIn(email: string, password: string): Promise<void>;
  register(name: string, email: string, password: string): Promise<void>;
  /** A token to call the API with: the current one, or a new guest identity for `name`. */
  ensureToken(name?: string): Promise<string>;
  tokenValid(): boolean;
  signOut(): void;
}

export function createSession(app: AppServices): SessionState {
  let session = $state.raw<AuthResponse | null>(loadSession());
  let name = $state.raw(session?.user.name ?? rememberedName());

  function set(next: AuthResponse): string {
    saveSession(next);
    session = next;
    name = next.user.name;
    return next.token;
  }

  return {
    get user() {
      return session?.user ?? null;
    },
    get token() {
      return session?.token ?? null;
    },
    get signedIn() {
      return !!session && !session.user.guest;
    },
    get needsName() {
      return !session;
    },
    get name() {
      return name;
    },
    set name(value) {
      name = value;
    },

    async signIn(email, password) {
      set(await app.api.login(email, password));
    },

    async register(newName, email, password) {
      set(await app.api.register(email, password, newName));
    },

    async ensureToken(guestName = name) {
      if (session && !isExpired(session.token)) return session.token;
      session = null;
      if (!guestName.trim()) throw new ApiError('invalid-request', 'Enter your name first.', 400);
      return set(await app.api.guest(guestName.trim()));
    },

    tokenValid: () => !!session && !isExpired(session.token),

    signOut() {
      clearSession();
      session = null;
    },
  };
}

const KEY = Symbol('session');
export function setSession(session: SessionState): SessionState {
  return setContext(KEY, session);
}
export function useSession(): SessionState {
  return getContext<SessionState>(KEY);
}
