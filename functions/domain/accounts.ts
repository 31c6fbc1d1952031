// Accounts and guests: registration, sign-in, guest names. Passwords are hashed with bcrypt; emails are
// unique regardless of case (stored lower-cased, shown as typed).
import bcrypt from 'bcryptjs';
import type { AuthResponse, GuestRequest, LoginRequest, RegisterRequest, User } from '../protocol/index.js';
import { passwordForm } from '../protocol/text.js';
import { DomainError } from './errors.js';
import { newId } from './ids.js';
import type { Account, AccountStore, Clock } from './ports.js';
import type { TokenClaims, TokenService } from './tokens.js';

/** How long a sign-in can be renewed by refreshing its token: a week for an account, a day for a guest. */
const MAX_SIGN_IN_AGE_S = 7 * 24 * 3600;
const MAX_GUEST_AGE_S = 24 * 3600;

/**
 * A hash to compare against when the email is unknown, so a wrong email takes as long as a wrong password.
 * Kept for the process, per cost: an Accounts is made per request, and hashing anew each time would make
 * an unknown email take twice as long, which tells whether an email has an account.
 */
const dummyHashes = new Map<number, Promise<string>>();

/**
 * Guessing a password is slowed per account: after FREE_ATTEMPTS wrong ones in a row, each further attempt
 * waits, 30 s and then twice as long after each wrong one, up to 15 minutes; a sign-in resets it. That
 * turns the millions of guesses a day the API's shared throttle allows into about a hundred, while someone
 * who forgot which password they used loses a few minutes. (An account existing is no secret here:
 * registering tells it.)
 */
const FREE_ATTEMPTS = 5;
const FIRST_WAIT_MS = 30_000;
const LONGEST_WAIT_MS = 15 * 60_000;

/** When the account may next try a password, given its record of wrong ones. */
export function nextAttemptAt(account: Pick<Account, 'failedSignIns' | 'lastFailedSignInAt'>): number {
  const failures = account.failedSignIns ?? 0;
  if (failures < FREE_ATTEMPTS) return 0;
  const wait = Math.min(FIRST_WAIT_MS * 2 ** (failures - FREE_ATTEMPTS), LONGEST_WAIT_MS);
  return (account.lastFailedSignInAt ?? 0) + wait;
}

const tooManyAttempts = (waitMs: number) => {
  const seconds = Math.ceil(waitMs / 1000);
  const wait = seconds < 90 ? `${seconds} second${seconds === 1 ? '' : 's'}` : `${Math.ceil(seconds / 60)} minutes`;
  return new DomainError('too-many-attempts', `Too many wrong passwords for this account. Try again in ${wait}.`);
};
const tooManyAtOnce = () =>
  new DomainError('too-many-attempts', 'Too many sign-in attempts for this account at once. Try again in a moment.');

export class Accounts {
  constructor(
    private readonly store: AccountStore,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly bcryptCost: number,
  ) {}

  async register(req: RegisterRequest): Promise<AuthResponse> {
    const email = req.email.trim();
    const passwordHash = await bcrypt.hash(passwordForm(req.password), this.bcryptCost);
    const account = { userId: newId('u_'), email, name: req.name, passwordHash, passwordForm: 'NFKC' as const, createdAt: this.clock.now() };
    if (!(await this.store.createAccount(account))) {
      throw new DomainError('email-taken', 'An account with this email already exists. Sign in instead.');
    }
    return this.#session({ id: account.userId, name: account.name, email, guest: false });
  }

  async login(req: LoginRequest): Promise<AuthResponse> {
    const email = req.email.trim();
    const account = await this.#countAttempt(email);
    const ok = await this.#passwordMatches(req.password, account);
    if (!account || !ok) throw new DomainError('invalid-credentials', 'Wrong email or password.');
    await this.store.clearFailedSignIns(email); // it was counted as wrong until now
    return this.#session({ id: account.userId, name: account.name, email: account.email, guest: false });
  }

  /**
   * The account, once this attempt is counted: as a wrong one until its password proves right. Counted
   * first, with a write conditional on the count read, so that of attempts made at the same moment one goes
   * ahead per count: a burst cannot try more passwords than one at a time would. Refused (before the
   * password is compared: a right guess must not show) while the account must wait.
   */
  async #countAttempt(email: string): Promise<Account | undefined> {
    for (let tries = 0; tries < 3; tries++) {
      const account = await this.store.findAccount(email);
      if (!account) return undefined;
      const now = this.clock.now();
      const next = nextAttemptAt(account);
      if (next > now) throw tooManyAttempts(next - now);
      if (await this.store.countSignInAttempt(email, account.failedSignIns ?? 0, now)) return account;
    }
    throw tooManyAtOnce();
  }

  /**
   * Compared in the form it is hashed in; for an account made before passwords were normalised, also as
   * typed. (Only for those: a second bcrypt on every odd password would let anyone double our work.)
   */
  async #passwordMatches(password: string, account: Account | undefined): Promise<boolean> {
    const normal = passwordForm(password);
    const hash = account?.passwordHash ?? (await this.#dummy());
    if (await bcrypt.compare(normal, hash)) return true;
    return !!account && account.passwordForm !== 'NFKC' && normal !== password && bcrypt.compare(password, hash);
  }

  #dummy(): Promise<string> {
    let hash = dummyHashes.get(this.bcryptCost);
    if (!hash) dummyHashes.set(this.bcryptCost, (hash = bcrypt.hash('not a password', this.bcryptCost)));
    return hash;
  }

  guest(req: GuestRequest): Promise<AuthResponse> {
    return this.#session({ id: newId('g_'), name: req.name, guest: true });
  }

  /**
   * A fresh token for whoever holds a valid one: a meeting must not end because a token issued hours
   * earlier expires while its socket reconnects. Same user, same name, same sign-in time; only the expiry
   * moves, and only while the sign-in is younger than MAX_SIGN_IN_AGE_S (a day for a guest): a leaked
   * token cannot be kept alive for ever, and an account signs in again at least weekly.
   */
  refresh(claims: TokenClaims): Promise<AuthResponse> {
    const { userId: id, name, guest, email, authTime = 0 } = claims;
    const age = this.clock.now() / 1000 - authTime;
    if (age > (guest ? MAX_GUEST_AGE_S : MAX_SIGN_IN_AGE_S)) {
      throw new DomainError('unauthorized', 'Your sign-in is too old to renew. Sign in again.');
    }
    return this.#session({ id, name, guest, ...(email ? { email } : {}) }, authTime);
  }

  async #session(user: User, authTime?: number): Promise<AuthResponse> {
    const token = await this.tokens.issue({
      userId: user.id,
      name: user.name,
      guest: user.guest,
      ...(user.email ? { email: user.email } : {}),
      ...(authTime ? { authTime } : {}),
    });
    return { token, user };
  }
}
