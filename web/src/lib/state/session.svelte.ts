// Who is using the app: a signed-in account, a guest with a name, or nobody yet.
import { getContext, setContext } from 'svelte';
import type { AuthResponse, User } from '$protocol';
import type { ApiClient } from '$lib/api/ApiClient.js';
import { ApiError } from '$lib/api/ApiError.js';
import { clearSession, isExpired, loadSession, rememberedName, rememberName, saveSession } from '$lib/api/session-storage.js';

export class SessionState {
  readonly #api: ApiClient;
  #session = $state.raw<AuthResponse | null>(null);
  /** Pre-fills "Your name" wherever it is asked. */
  #name = $state.raw('');

  constructor(api: ApiClient) {
    this.#api = api;
    this.#session = loadSession();
    this.#name = this.#session?.user.name ?? rememberedName();
  }

  get user(): User | null {
    return this.#session?.user ?? null;
  }
  get token(): string | null {
    return this.#session?.token ?? null;
  }
  /** Signed in with an account (not a guest). */
  get signedIn(): boolean {
    return this.#session !== null && !this.#session.user.guest;
  }
  /** Whether a name must still be asked for before joining. */
  get needsName(): boolean {
    return this.#session === null;
  }
  get name(): string {
    return this.#name;
  }
  set name(value: string) {
    this.#name = value;
  }

  async signIn(email: string, password: string): Promise<void> {
    this.#set(await this.#api.login(email, password));
  }

  async register(name: string, email: string, password: string): Promise<void> {
    this.#set(await this.#api.register(email, password, name));
  }

  /** A token to call the API with: the current one, or a new guest identity for `name`. */
  async ensureToken(name = this.#name): Promise<string> {
    const current = this.#session;
    if (current && !isExpired(current.token)) return current.token;
    this.#session = null;
    if (!name.trim()) throw new ApiError('invalid-request', 'Enter your name first.', 400);
    this.#set(await this.#api.guest(name.trim()));
    return this.#session!.token;
  }

  tokenValid(): boolean {
    return this.#session !== null && !isExpired(this.#session.token);
  }

  signOut(): void {
    clearSession();
    this.#session = null;
  }

  #set(session: AuthResponse): void {
    saveSession(session);
    rememberName(session.user.name);
    this.#session = session;
    this.#name = session.user.name;
  }
}

const KEY = Symbol('session');
export function setSession(session: SessionState): SessionState {
  return setContext(KEY, session);
}
export function useSession(): SessionState {
  return getContext<SessionState>(KEY);
}
