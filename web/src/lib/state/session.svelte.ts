// Who is using the app: a signed-in account, a guest with a name, or nobody yet.
import { getContext, setContext } from 'svelte';
import type { AuthResponse, User } from '$protocol';
import { ApiError } from '$lib/api/ApiError.js';
import type { AppServices } from './app.svelte.js';
import {
  clearSession,
  forgetSession,
  isExpired,
  loadSession,
  received,
  rememberedName,
  replaceSession,
  saveSession,
  timeLeft,
  watchOtherTabs,
  type HeldSession,
} from '$lib/api/session-storage.js';

/**
 * A token with less than this left is refreshed: more than a socket's 2-hour life, so whenever the meeting's
 * socket reconnects or renews, the token it presents is still valid.
 */
const REFRESH_WITHIN_MS = 3 * 3600_000;
/** How often, at most, a meeting checks; a token refreshed long ago is looked at again before it matters. */
const CHECK_EVERY_MS = 30_000;

export interface SessionState {
  readonly user: User | null;
  readonly token: string | null;
  /** Signed in with an account (not a guest). */
  readonly signedIn: boolean;
  /** Whether to ask for a name before joining: nobody yet, or a guest (who may go by another name this time). */
  readonly needsName: boolean;
  /** Pre-fills "Your name" wherever it is asked. */
  name: string;
  signIn(email: string, password: string): Promise<void>;
  register(name: string, email: string, password: string): Promise<void>;
  /** A token to call the API with: the current one (refreshed when near expiry), or a new guest identity for `name`. */
  ensureToken(): Promise<string>;
  tokenValid(): boolean;
  /**
   * While the app is open: keeps the token fresh (on a timer, and when the tab is shown again), so that a
   * sign-in lasts as long as its tab is used, in a meeting or not. Called once, by the root layout.
   */
  stayFresh(): void;
  signOut(): void;
  /**
   * A meeting keeps the sign-in it joined with, even if another tab signs out or in meanwhile (its token
   * stays in memory); that change is taken on when the returned function is called.
   */
  hold(): () => void;
}

const LAPSED = 'Your sign-in has expired. Sign in again, or give your name to join as a guest.';
const LAPSED_ON_ACTION = 'Your sign-in has expired. Sign in again to keep your meeting history, or press again to go on as a guest.';

/** `onLapse` tells the user that their account's sign-in ran out (it is then signed out). */
export function createSession(app: AppServices, onLapse: (message: string) => void): SessionState {
  const stored = loadSession();
  let session = $state.raw<HeldSession | null>(stored);
  let name = $state.raw(stored?.user.name ?? rememberedName());
  /** Set by stayFresh(): looks at the token now (a new one may need its first refresh sooner than planned). */
  let recheck: (() => void) | undefined;
  /**
   * An account's sign-in ran out and its user has not acted since. The next step that would make them a
   * guest stops once to say so, where they are looking (the notice alone is easy to miss).
   */
  let lapsed = false;

  /**
   * Drops a sign-in whose token has run out (a tab left open for a day, a laptop asleep overnight). An
   * account's is said out loud: otherwise "New meeting" would quietly make its user a guest. A guest's
   * identity was only a name for a meeting: it just goes.
   */
  function dropIfExpired(notice = true): boolean {
    const held = session;
    if (!held || !isExpired(held)) return false;
    forgetSession(held);
    session = null;
    if (!held.user.guest) {
      lapsed = true;
      if (notice) onLapse(LAPSED);
    }
    return true;
  }
  dropIfExpired();

  let holds = 0;
  let changedElsewhere = false;
  /** Another tab signed out (or in): this one follows, as in Meet; unless a meeting here still holds on. */
  function followOtherTabs(): void {
    if (holds > 0) return void (changedElsewhere = true);
    changedElsewhere = false;
    session = loadSession();
    if (session) {
      name = session.user.name;
      lapsed = false;
    }
    if (!dropIfExpired()) recheck?.();
  }
  watchOtherTabs(followOtherTabs);

  function set(answer: AuthResponse): string {
    const next = received(answer);
    saveSession(next);
    session = next;
    name = next.user.name;
    lapsed = false;
    recheck?.();
    return next.token;
  }

  /**
   * Refreshes a valid token that is near expiry (never mints a new identity: a meeting keeps its user).
   * Resolves to the delay after which to check again.
   */
  async function keepFresh(): Promise<number> {
    const held = session;
    const left = held ? timeLeft(held) : Infinity;
    if (held && left > 0 && left < REFRESH_WITHIN_MS) {
      try {
        const fresh = received(await app.api.refresh(held.token));
        // Signed out or switched meanwhile (here or in another tab): keep what is there now.
        if (session === held) {
          replaceSession(held, fresh);
          session = fresh;
        }
        return Math.max(CHECK_EVERY_MS, timeLeft(fresh) - REFRESH_WITHIN_MS);
      } catch (error) {
        // Refused for good (a sign-in older than a week): the token works until it runs out, then goes.
        if (error instanceof ApiError && error.status === 401) return Math.max(CHECK_EVERY_MS, timeLeft(held));
        // Offline for a moment: the token still works; try again soon.
        return CHECK_EVERY_MS;
      }
    }
    return Math.max(CHECK_EVERY_MS, Math.min(left - REFRESH_WITHIN_MS, 3600_000));
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
      return !session || session.user.guest;
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

    async ensureToken() {
      dropIfExpired(false); // (what follows says it where the user is looking)
      if (lapsed) {
        lapsed = false;
        throw new ApiError('unauthorized', LAPSED_ON_ACTION, 401);
      }
      const held = session;
      const wanted = name.trim();
      // A guest who typed another name goes by it: names are in the token, so that takes a new guest identity.
      if (held && !isExpired(held) && (!held.user.guest || !wanted || wanted === held.user.name)) {
        await keepFresh();
        // (Signed out meanwhile: the token held is still valid for this call.)
        return session?.token ?? held.token;
      }
      session = null;
      if (!wanted) throw new ApiError('invalid-request', 'Enter your name first.', 400);
      return set(await app.api.guest(wanted));
    },

    tokenValid: () => !!session && !isExpired(session),

    stayFresh() {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let checking = false;
      let again = false;
      const check = async (): Promise<void> => {
        // One at a time; a call meanwhile (a new token, the tab shown) runs once this one is done.
        if (checking) return void (again = true);
        clearTimeout(timer);
        if (dropIfExpired()) return; // until set() brings a new token
        checking = true;
        const wait = await keepFresh();
        checking = false;
        if (again) {
          again = false;
          return check();
        }
        timer = setTimeout(check, wait);
      };
      recheck = () => void check();
      // A tab that was hidden (or a computer that slept) may come back with its token run out or near it.
      document.addEventListener('visibilitychange', () => void (document.visibilityState === 'visible' && check()));
      void check();
    },

    hold() {
      holds++;
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        if (--holds === 0 && changedElsewhere) followOtherTabs();
      };
    },

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
