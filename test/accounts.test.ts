// Accounts and meetings over the real local HTTP API, on dynalite.
import bcrypt from 'bcryptjs';
import { describe, expect, it, vi } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from '../functions/adapters/dynamo-client.js';
import { env } from '../functions/adapters/env.js';
import { services } from '../functions/adapters/services.js';
import { nextAttemptAt } from '../functions/domain/accounts.js';
import { dynamoFault } from './support/dynamo-fault.js';
import { useLocalStack } from './support/local-stack.js';
import { expiredToken, foreignToken, ourSecret, signToken, tokenWithoutExpiry } from './support/tokens.js';

const local = useLocalStack();

describe('accounts', () => {
  it('slows guessing: after five wrong passwords the account waits, even for the right one, then signs in', async () => {
    const account = await local.account('Guess');
    const login = (password: string) => local.api('POST', '/auth/login', { email: account.user.email, password });
    for (let i = 0; i < 5; i++) expect((await login(`wrong-${i}-password`)).status).toBe(401);
    const waiting = await login('correct horse');
    expect(waiting.status).toBe(429);
    expect(waiting.body.error).toEqual({ code: 'too-many-attempts', message: expect.stringMatching(/^Too many wrong passwords for this account\. Try again in (29|30) seconds\.$/) });
    // Another account is not held up.
    const other = await local.account('Other');
    expect((await local.api('POST', '/auth/login', { email: other.user.email, password: 'correct horse' })).status).toBe(200);

    // Half a minute on (the last wrong password moved back): the right password gets in, and that resets the count.
    await dynamoClient().send(
      new UpdateCommand({
        TableName: env.tableName(),
        Key: { pk: `ACCOUNT#${account.user.email!.toLowerCase()}`, sk: 'ACCOUNT' },
        UpdateExpression: 'SET lastFailedSignInAt = lastFailedSignInAt - :wait',
        ExpressionAttributeValues: { ':wait': 30_000 },
      }),
    );
    expect((await login('correct horse')).status).toBe(200);
    expect((await login('wrong-again')).status).toBe(401);
    expect((await login('correct horse')).status).toBe(200);
  });

  it('checks no more passwords in a burst than one at a time would', async () => {
    const account = await local.account('Burst');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => local.api('POST', '/auth/login', { email: account.user.email, password: `guess-${i}-guess` })),
    );
    const checked = answers.filter((a) => a.status === 401).length;
    // Five free attempts, then the account waits: the other fifteen are refused unchecked.
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(20 - checked);
  });

  it('waits twice as long after each further wrong password, up to 15 minutes', () => {
    const after = (failedSignIns: number) => nextAttemptAt({ failedSignIns, lastFailedSignInAt: 0 }) / 1000;
    expect([0, 4, 5, 6, 7, 9, 10, 11, 50].map(after)).toEqual([0, 0, 30, 60, 120, 480, 900, 900, 900]);
  });

  it('registers, then signs in with the same password', async () => {
    const email = `grace-${Date.now()}@example.com`;
    const reg = await local.api('POST', '/auth/register', { email, password: 'lovelace1843', name: 'Grace' });
    expect(reg.status).toBe(201);
    expect(reg.body.user).toMatchObject({ name: 'Grace', email, guest: false });
    expect(reg.body.token).toMatch(/^ey/);

    const login = await local.api('POST', '/auth/login', { email, password: 'lovelace1843' });
    expect(login.status).toBe(200);
    expect(login.body.user.id).toBe(reg.body.user.id);
  });

  it('refuses a wrong password, and an unknown email, with the same 401', async () => {
    const { user } = await local.account('Alan');
    const wrong = await local.api('POST', '/auth/login', { email: user.email, password: 'not the password' });
    const unknown = await local.api('POST', '/auth/login', { email: 'nobody@example.com', password: 'whatever1' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error).toEqual({ code: 'invalid-credentials', message: 'Wrong email or password.' });
  });

  it('hashes its stand-in password once, not on every login to an unknown email (which would take twice as long)', async () => {
    const hash = vi.spyOn(bcrypt, 'hash');
    try {
      for (const who of ['nobody-1', 'nobody-2', 'nobody-3']) {
        const res = await local.api('POST', '/auth/login', { email: `${who}@example.com`, password: 'whatever1' });
        expect(res.status).toBe(401);
      }
      // Every request makes its own Accounts: the stand-in hash must outlive them.
      expect(hash.mock.calls.filter(([password]) => password === 'not a password').length).toBeLessThanOrEqual(1);
    } finally {
      hash.mockRestore();
    }
  });

  it('refuses a duplicate email in another case, and keeps the first account', async () => {
    const email = `Linus-${Date.now()}@Example.com`;
    const first = await local.api('POST', '/auth/register', { email, password: 'first-password', name: 'Linus' });
    const again = await local.api('POST', '/auth/register', { email: email.toUpperCase(), password: 'second-password', name: 'Impostor' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('email-taken');
    const login = await local.api('POST', '/auth/login', { email: email.toLowerCase(), password: 'first-password' });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ id: first.body.user.id, name: 'Linus' });
  });

  it('gives a guest a token for just a name', async () => {
    const res = await local.api('POST', '/auth/guest', { name: '  Margaret  ' });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ name: 'Margaret', guest: true });
    expect(res.body.user.email).toBeUndefined();
  });

  it.each([
    ['malformed JSON', '/auth/register', '{"email":', 'bad-json'],
    ['a missing field', '/auth/register', { email: 'a@b.co', name: 'A' }, 'invalid-request'],
    ['a wrong type', '/auth/register', { email: 'a@b.co', password: 12345678, name: 'A' }, 'invalid-request'],
    ['an invalid email', '/auth/register', { email: 'not-an-email', password: 'password1', name: 'A' }, 'invalid-request'],
    ['a short password', '/auth/register', { email: 'a@b.co', password: 'short', name: 'A' }, 'invalid-request'],
    ['an empty guest name', '/auth/guest', { name: '   ' }, 'invalid-request'],
    ['a body that is not an object', '/auth/guest', '[1,2]', 'invalid-request'],
    ['a guest name of invisible characters', '/auth/guest', { name: '\u200b\u3164\u2800' }, 'invalid-request'],
    ['a name that turns the text after it backwards', '/auth/guest', { name: '\u202eevil' }, 'invalid-request'],
    ['a name with a control character', '/auth/register', { email: 'a@b.co', password: 'password1', name: 'Ann\u001b[31m' }, 'invalid-request'],
    ['a name broken over two lines', '/auth/guest', { name: 'Ann\u2028Admin' }, 'invalid-request'],
    ['a name with hidden annotation text', '/auth/guest', { name: 'A\ufff9hidden\ufffb' }, 'invalid-request'],
    // bcrypt reads 72 bytes: 37 accented letters are 74, and whatever came after the 72nd would not count.
    ['a password over 72 bytes', '/auth/register', { email: 'a@b.co', password: 'é'.repeat(37), name: 'A' }, 'invalid-request'],
    ['a sign-in password of megabytes', '/auth/login', { email: 'a@b.co', password: 'x'.repeat(1_000_001) }, 'invalid-request'],
    ['a meeting body that is a list', '/meetings', '[]', 'invalid-request'],
  ])('answers %s with 400 and a message', async (_what, path, body, code) => {
    const token = path === '/meetings' ? (await local.guest('Host')).token : undefined;
    const res = await local.api('POST', path, body, token);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    // A sentence for a person: no schema jargon.
    expect(res.body.error.message).toMatch(/^[A-Z"].{5,}\.$/);
    expect(res.body.error.message).not.toMatch(/Invalid|Expected|received/);
  });

  it('marks every answer as JSON a browser must not sniff, since errors quote what was sent', async () => {
    const res = await fetch(`${local.url}/api/meetings/%3Cscript%3Ealert(1)%3C%2Fscript%3E`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('<script>');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('still signs in an account made before the 72-byte rule, whose password is longer', async () => {
    // Registered by an earlier version, which allowed 72 characters: 40 accented letters are 80 bytes.
    const email = `old-${Date.now()}@example.com`;
    const password = 'é'.repeat(40);
    await services.store().createAccount({ userId: 'u_old', email, name: 'Old', passwordHash: await bcrypt.hash(password, 4), createdAt: 0 });
    expect((await local.api('POST', '/auth/login', { email, password })).status).toBe(200);
  });

  it('signs in with a password typed as other code points for the same letters (NFKC)', async () => {
    // "e" + combining acute, as some keyboards send it; then "é" as one character, as most do.
    const email = `nfkc-${Date.now()}@example.com`;
    expect((await local.api('POST', '/auth/register', { email, password: 'cafe\u0301 au lait', name: 'Ly' })).status).toBe(201);
    expect((await local.api('POST', '/auth/login', { email, password: 'caf\u00e9 au lait' })).status).toBe(200);
    expect((await local.api('POST', '/auth/login', { email, password: 'cafe au lait' })).status).toBe(401);
  });

  it('still signs in an account whose password was hashed as typed, before normalising', async () => {
    const email = `typed-${Date.now()}@example.com`;
    const password = 'cafe\u0301 au lait';
    await services.store().createAccount({ userId: 'u_typed', email, name: 'Typed', passwordHash: await bcrypt.hash(password, 4), createdAt: 0 });
    expect((await local.api('POST', '/auth/login', { email, password })).status).toBe(200);
  });

  it('tries the password as typed only for accounts made before normalising, not on every odd password', async () => {
    // Hashed as typed but marked as normalised: the as-typed password is not tried, so it does not sign in.
    const email = `marked-${Date.now()}@example.com`;
    const password = 'cafe\u0301 au lait';
    await services.store().createAccount({ userId: 'u_marked', email, name: 'M', passwordHash: await bcrypt.hash(password, 4), passwordForm: 'NFKC', createdAt: 0 });
    expect((await local.api('POST', '/auth/login', { email, password })).status).toBe(401);
  });

  it('counts the minimum length in the normalised form too', async () => {
    // Eight code units as sent, four letters once the accents are composed.
    const reg = await local.api('POST', '/auth/register', { email: `short-${Date.now()}@example.com`, password: 'e\u0301'.repeat(4), name: 'X' });
    expect(reg.status).toBe(400);
    expect(reg.body.error.message).toBe('A password has at least 8 characters.');
  });

  it('counts the 72 bytes in the normalised form, which some characters lengthen', async () => {
    // U+FDFA is 3 bytes as typed and 33 after NFKC: 17 bytes sent, 107 hashed.
    const email = `long-${Date.now()}@example.com`;
    const reg = await local.api('POST', '/auth/register', { email, password: `abcdefgh${'\uFDFA'.repeat(3)}`, name: 'X' });
    expect(reg.status).toBe(400);
    expect(reg.body.error.message).toMatch(/at most 72/);
  });

  it('stores nothing for a refused registration', async () => {
    const email = `refused-${Date.now()}@example.com`;
    await local.api('POST', '/auth/register', { email, password: 'short', name: 'X' });
    const reg = await local.api('POST', '/auth/register', { email, password: 'long enough', name: 'X' });
    expect(reg.status).toBe(201);
  });
});

describe('meetings', () => {
  it('creates a meeting with a readable code and finds it by code', async () => {
    const { token } = await local.account('Host');
    const created = await local.api('POST', '/meetings', { title: 'Weekly sync' }, token);
    expect(created.status).toBe(201);
    expect(created.body.meeting).toMatchObject({ title: 'Weekly sync', hostName: 'Host' });
    expect(created.body.meeting.code).toMatch(/^[a-z]{3}-[a-z]{4}-[a-z]{3}$/);

    // Anyone with the code may look it up, with no token (a pre-join screen before a name is given); the
    // host's account id is not shown.
    const found = await local.api('GET', `/meetings/${created.body.meeting.code.toUpperCase()}`);
    expect(found.status).toBe(200);
    expect(found.body.meeting).toEqual({ code: created.body.meeting.code, title: 'Weekly sync', hostName: 'Host', createdAt: expect.any(Number) });
    expect(created.body.meeting.hostId).toBeUndefined();
    for (const bad of ['abc-defg-hij', 'not%20a%20code', '%E0%A4%A']) {
      const missing = await local.api('GET', `/meetings/${bad}`, undefined, token);
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('meeting-not-found');
    }
  });

  it('names an untitled meeting after its host; guests may host too', async () => {
    const { token } = await local.guest('Pat');
    const created = await local.api('POST', '/meetings', {}, token);
    expect(created.status).toBe(201);
    expect(created.body.meeting.title).toBe("Pat's meeting");
  });

  it('lists the meetings a user created or joined, newest first', async () => {
    const ada = await local.account('Ada');
    const bob = await local.account('Bob');
    const first = await local.meeting(ada.token, 'First');
    const second = await local.meeting(ada.token, 'Second');
    const bobs = await local.meeting(bob.token, "Bob's");

    const socket = await local.connect(ada.token);
    socket.send({ action: 'join', meeting: bobs });
    await socket.next('joined');
    socket.close();

    const history = await local.api('GET', '/meetings', undefined, ada.token);
    expect(history.status).toBe(200);
    expect(history.body.meetings.map((m: { title: string }) => m.title)).toEqual(["Bob's", 'Second', 'First']);
    expect(history.body.meetings[0]).toMatchObject({ code: bobs, role: 'participant' });
    expect(history.body.meetings[1]).toMatchObject({ code: second, role: 'host' });
    expect(history.body.meetings[2].code).toBe(first);

    const bobHistory = await local.api('GET', '/meetings', undefined, bob.token);
    expect(bobHistory.body.meetings.map((m: { code: string }) => m.code)).toEqual([bobs]);
  });

  it('keeps a history line when a later join is refused, and adds none for a meeting never entered', async () => {
    const ada = await local.account('Ada');
    const host = await local.account('Host');
    const code = await local.meeting(host.token, 'Full house');
    const socket = await local.connect(ada.token);
    socket.send({ action: 'join', meeting: code });
    await socket.next('joined');
    await local.hangUp(socket);
    const before = (await local.api('GET', '/meetings', undefined, ada.token)).body.meetings;
    expect(before.map((m: { code: string }) => m.code)).toEqual([code]);

    const full = [];
    for (let i = 0; i < 8; i++) full.push(await local.joined(code, `P${i}`));
    const again = await local.connect(ada.token);
    again.send({ action: 'join', meeting: code });
    expect((await again.next('error')).code).toBe('meeting-full');
    again.send({ action: 'join', meeting: 'zzz-zzzz-zzz' });
    expect((await again.next('error')).code).toBe('meeting-not-found');
    await local.stack.gateway.settle();
    expect((await local.api('GET', '/meetings', undefined, ada.token)).body.meetings).toEqual(before);
    await local.hangUp(again, ...full.map((p) => p.client));
  });

  it('answers 500 internal, not a 4xx, when no free meeting code is found', async () => {
    const host = await local.account('Unlucky');
    // Every code tried is taken: the store's conditional write fails each time.
    dynamoFault().failNext('PutItem', 5, 'ConditionalCheckFailedException');
    const res = await local.api('POST', '/meetings', { title: 'Nowhere' }, host.token);
    expect(dynamoFault().pending('PutItem')).toBe(0);
    expect(res.status).toBe(500);
    expect(res.body.error).toMatchObject({ code: 'internal', message: expect.stringMatching(/Try again/) });
  });

  it('gives guests an empty history, and keeps none for them', async () => {
    const { token, user } = await local.guest('Visitor');
    await local.meeting(token);
    const history = await local.api('GET', '/meetings', undefined, token);
    expect(history.body).toEqual({ meetings: [] });
    // Nobody ever reads a guest's history: hosting a meeting writes no line of it.
    expect(user.id).toMatch(/^g_/);
    expect(await services.store().listHistory(user.id)).toEqual([]);
  });

  it.each([
    ['no token', undefined],
    ['a forged token', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1X2FkbWluIiwibmFtZSI6IkV2ZSJ9.c2lnbmF0dXJl'],
    ['garbage', 'not-a-token'],
  ])('refuses %s with 401 and creates nothing', async (_what, token) => {
    const create = await local.api('POST', '/meetings', { title: 'Nope' }, token);
    expect(create.status).toBe(401);
    expect(create.body.error.code).toBe('unauthorized');
    const list = await local.api('GET', '/meetings', undefined, token);
    expect(list.status).toBe(401);
  });

  describe('refresh', () => {
    it('gives the holder of a valid token a fresh one for the same account or guest', async () => {
      for (const held of [await local.account('Ada'), await local.guest('Pat')]) {
        const res = await local.api('POST', '/auth/refresh', undefined, held.token);
        expect(res.status).toBe(200);
        expect(res.body.user).toEqual(held.user);
        expect((await local.api('GET', '/meetings', undefined, res.body.token)).status).toBe(200);
      }
    });

    it('moves the expiry of a token about to run out to a full lifetime from now', async () => {
      const expiry = (token: string): number => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp;
      const soon = await signToken(await ourSecret(), 10);
      const res = await local.api('POST', '/auth/refresh', undefined, soon);
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ id: 'u_victim', name: 'Eve', guest: false });
      // The local stack issues tokens for TOKEN_TTL_SECONDS' default, 12 hours.
      expect(expiry(res.body.token) - expiry(soon)).toBeGreaterThan(11 * 3600);
    });

    it('keeps the sign-in time, and stops renewing a sign-in older than a week (a day for a guest)', async () => {
      const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
      const now = Math.floor(Date.now() / 1000);
      const day = 24 * 3600;
      const sign = async (ageS: number, guest: boolean) => signToken(await ourSecret(), 3600, { auth_time: now - ageS, guest });
      const renewed = await local.api('POST', '/auth/refresh', undefined, await sign(6 * day, false));
      expect(renewed.status).toBe(200);
      expect(claims(renewed.body.token).auth_time).toBe(now - 6 * day);
      for (const [age, guest] of [
        [8 * day, false],
        [2 * day, true],
      ] as const) {
        const res = await local.api('POST', '/auth/refresh', undefined, await sign(age, guest));
        expect(res.status).toBe(401);
        expect(res.body.error.message).toMatch(/sign in again/i);
      }
      // A fresh sign-in carries its own time.
      const guest = await local.guest('New');
      expect(Math.abs(claims(guest.token).auth_time - now)).toBeLessThan(60);
    });

    it.each([
      ['no token', async () => undefined],
      ['garbage', async () => 'not-a-token'],
      ['a token signed with another secret', foreignToken],
      ['an expired token', expiredToken],
    ])('refuses %s with 401', async (_what, token) => {
      const res = await local.api('POST', '/auth/refresh', undefined, await token());
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    });
  });

  it('refuses a token of ours that lacks an expiry', async () => {
    const res = await local.api('GET', '/meetings', undefined, await tokenWithoutExpiry());
    expect(res.status).toBe(401);
  });

  it('refuses a token signed with another secret', async () => {
    const res = await local.api('GET', '/meetings', undefined, await foreignToken());
    expect(res.status).toBe(401);
  });

  it('answers an unknown route with 404 as API Gateway does', async () => {
    const res = await local.api('GET', '/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'Not Found' });
  });
});
