// The WebSocket protocol end to end: real sockets -> local API Gateway -> handlers -> dynalite -> @connections.
import { describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from '../functions/adapters/dynamo-client.js';
import { env } from '../functions/adapters/env.js';
import { services } from '../functions/adapters/services.js';
import {
  CHAT_HISTORY_BYTES,
  CHAT_MESSAGES_PER_WINDOW,
  CHAT_WINDOW_MS,
  MAX_CHAT_LENGTH,
  MAX_FRAME_BYTES,
  MAX_MESSAGE_BYTES,
  MAX_SIGNAL_DATA_BYTES,
} from '../functions/protocol/index.js';
import { dynamoFault } from './support/dynamo-fault.js';
import { HandshakeRefused } from './support/socket-client.js';
import { useLocalStack } from './support/local-stack.js';
import { expiredToken } from './support/tokens.js';

const local = useLocalStack();

const meetingWithTwo = () => local.meetingWithTwo('Design review');

/** Opens a socket and finds its connection id at the gateway. */
async function connectWithId(token: string) {
  const before = new Set(local.stack.gateway.connectionIds());
  const client = await local.connect(token);
  return { client, id: local.stack.gateway.connectionIds().find((id) => !before.has(id))! };
}

/** Waits (at most 5 s) until `check` holds. */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 5000; !(await check()); ) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** Waits for a fresh chat window if this one ends within 3 s, so that a test's messages all fall in one. */
async function startOfChatWindow(): Promise<void> {
  const left = CHAT_WINDOW_MS - (Date.now() % CHAT_WINDOW_MS);
  if (left < 3000) await new Promise((r) => setTimeout(r, left + 10));
}

describe('handshake', () => {
  it.each([
    ['no token', undefined, 401],
    ['an empty token', '', 401],
    ['a forged token', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.Zm9yZ2Vk', 401],
  ])('refuses %s', async (_what, token, status) => {
    const refused = await local.connect(token as string).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HandshakeRefused);
    expect((refused as HandshakeRefused).status).toBe(status);
  });

  it('refuses an expired token', async () => {
    const refused = await local.connect(await expiredToken()).catch((e: unknown) => e);
    expect((refused as HandshakeRefused).status).toBe(401);
  });

  it('accepts a valid token and answers ping with pong', async () => {
    const { token } = await local.guest();
    const client = await local.connect(token);
    client.send({ action: 'ping' });
    await client.next('pong');
    client.close();
  });
});

describe('join', () => {
  it('tells the joiner who is there and the others who came', async () => {
    const { code, a, b } = await meetingWithTwo();
    expect(a.joined.meeting).toEqual({ code, title: 'Design review' });
    expect(a.joined.peers).toEqual([]);
    expect(a.joined.self.name).toBe('Ann');
    expect(b.joined.peers).toEqual([expect.objectContaining({ id: a.joined.self.id, name: 'Ann', guest: true })]);
    expect(b.joined.self.id).not.toBe(a.joined.self.id);
    a.client.close();
    b.client.close();
  });

  it('makes each tab of the same user its own peer', async () => {
    const host = await local.account('Multi');
    const code = await local.meeting(host.token);
    const tab1 = await local.connect(host.token);
    const tab2 = await local.connect(host.token);
    tab1.send({ action: 'join', meeting: code });
    const first = await tab1.next('joined');
    tab2.send({ action: 'join', meeting: code });
    const second = await tab2.next('joined');
    expect(second.peers.map((p) => p.id)).toEqual([first.self.id]);
    expect((await tab1.next('peer-joined')).peer.id).toBe(second.self.id);
    tab1.close();
    tab2.close();
  });

  it('accepts a code typed in capitals and without dashes', async () => {
    const host = await local.account('Caps');
    const code = await local.meeting(host.token);
    const { token } = await local.guest();
    const client = await local.connect(token);
    client.send({ action: 'join', meeting: code.replace(/-/g, '').toUpperCase() });
    expect((await client.next('joined')).meeting.code).toBe(code);
    client.close();
  });

  it('refuses a ninth person with meeting-full and leaves the meeting as it was', async () => {
    const host = await local.account('Host');
    const code = await local.meeting(host.token);
    const eight = [];
    for (let i = 0; i < 8; i++) eight.push(await local.joined(code, `P${i}`));
    for (let i = 1; i < 8; i++) await eight[0]!.client.next('peer-joined');
    const { token } = await local.guest('Ninth');
    const ninth = await local.connect(token);
    ninth.send({ action: 'join', meeting: code });
    expect(await ninth.next('error')).toMatchObject({ code: 'meeting-full', action: 'join' });
    await eight[0]!.client.nothing('peer-joined', 100);
    ninth.send({ action: 'chat', text: 'let me in' });
    expect((await ninth.next('error')).code).toBe('not-in-meeting');
    // When someone leaves there is room again.
    const leaving = eight[7]!.joined.self.id;
    eight[7]!.client.send({ action: 'leave' });
    await eight[0]!.client.next('peer-left', (m) => m.id === leaving);
    ninth.send({ action: 'join', meeting: code });
    expect((await ninth.next('joined')).peers).toHaveLength(7);
    for (const p of eight) p.client.close();
    ninth.close();
  });

  it('refuses a second join on the same socket, to this meeting or another, and leaves no ghost', async () => {
    const { code, a, b } = await meetingWithTwo();
    const other = await local.meeting((await local.account('Elsewhere')).token);
    for (const meeting of [other, code]) {
      b.client.send({ action: 'join', meeting });
      expect(await b.client.next('error')).toMatchObject({ code: 'already-in-meeting', action: 'join' });
    }
    // B is still in the first meeting, once, and reachable; the other meeting has nobody in it.
    await a.client.nothing('peer-joined', 50);
    await a.client.nothing('peer-left', 0);
    b.client.send({ action: 'signal', to: a.joined.self.id, data: { seq: 1 } });
    expect((await a.client.next('signal')).from).toBe(b.joined.self.id);
    expect((await local.joined(other, 'Checker')).joined.peers).toEqual([]);
    expect((await local.joined(code, 'Third')).joined.peers.map((p) => p.id).sort()).toEqual([a.joined.self.id, b.joined.self.id].sort());
    // After leaving, the same socket may join again.
    b.client.send({ action: 'leave' });
    await a.client.next('peer-left');
    b.client.send({ action: 'join', meeting: other });
    expect((await b.client.next('joined')).meeting.code).toBe(other);
    a.client.close();
    b.client.close();
  });

  it('seats a socket once when two joins race on it', async () => {
    const { code, a, b } = await meetingWithTwo();
    const { token } = await local.guest('Twice');
    const racer = await local.connect(token);
    // Both invocations run at once in the gateway: the conditional claim lets exactly one through.
    racer.send({ action: 'join', meeting: code });
    racer.send({ action: 'join', meeting: code });
    const joined = await racer.next('joined');
    expect(await racer.next('error')).toMatchObject({ code: 'already-in-meeting', action: 'join' });
    await local.stack.gateway.settle();
    expect((await a.client.next('peer-joined')).peer.id).toBe(joined.self.id);
    await a.client.nothing('peer-joined', 100);
    const seen = await local.joined(code, 'Counter');
    expect(seen.joined.peers.filter((p) => p.name === 'Twice')).toHaveLength(1);
    for (const c of [a.client, b.client, racer, seen.client]) c.close();
  });

  it('takes a join back when its joined message cannot be sent, so the socket may join again', async () => {
    const { code, a, b } = await meetingWithTwo();
    const { token } = await local.guest('Unlucky');
    const { client, id } = await connectWithId(token);
    // Any failure but 410 Gone (a 413, a 403 here): the seat was written, but the join did not hold.
    local.stack.gateway.refuseNextPost(id, 403, 'ForbiddenException');
    client.send({ action: 'join', meeting: code });
    expect(await client.next('error')).toMatchObject({ code: 'internal', action: 'join' });
    await a.client.nothing('peer-joined', 100);
    const checker = await local.joined(code, 'Checker');
    expect(checker.joined.peers.map((p) => p.id).sort()).toEqual([a.joined.self.id, b.joined.self.id].sort());
    client.send({ action: 'join', meeting: code });
    const joined = await client.next('joined');
    expect(joined.peers.map((p) => p.id).sort()).toEqual([a.joined.self.id, b.joined.self.id, checker.joined.self.id].sort());
    for (const c of [a.client, b.client, checker.client, client]) c.close();
  });

  it('leaves no seat behind when a leave overtakes a join on the same socket', async () => {
    const { code, a, b } = await meetingWithTwo();
    const { token } = await local.guest('Hasty');
    const { client, id } = await connectWithId(token);
    // The join has claimed the socket; its seat is held back until the leave has read the claim and
    // cleared it, finding no seat to remove.
    const seat = dynamoFault().holdNext('PutItem', (input) => input.Item?.connectionId === id && String(input.Item?.sk).startsWith('PEER#'));
    client.send({ action: 'join', meeting: code });
    await seat.reached;
    client.send({ action: 'leave' });
    await until(async () => !(await services.store().getConnection(id))?.peerId);
    seat.release();
    expect(await client.next('error')).toMatchObject({ code: 'not-in-meeting', action: 'join', message: expect.stringMatching(/left the meeting before/) });
    await a.client.nothing('peer-joined', 100);
    // Nothing left behind: the socket joins again, once, and its close removes it.
    client.send({ action: 'join', meeting: code });
    const again = await client.next('joined');
    expect(again.peers.map((p) => p.id).sort()).toEqual([a.joined.self.id, b.joined.self.id].sort());
    await local.hangUp(client);
    await a.client.next('peer-left', (m) => m.id === again.self.id);
    const after = await local.joined(code, 'After');
    expect(after.joined.peers.map((p) => p.id).sort()).toEqual([a.joined.self.id, b.joined.self.id].sort());
    for (const c of [a.client, b.client, after.client]) c.close();
  });

  it('lets nobody chat or signal while their join is being refused', async () => {
    const max = process.env.MAX_PARTICIPANTS;
    process.env.MAX_PARTICIPANTS = '2';
    try {
      const { code, a } = await meetingWithTwo();
      const eve = await local.connect((await local.guest('Eve')).token);
      // Eve's join has claimed her socket and written her seat; its read of the meeting (which will find it
      // full) is held while she sends a chat and an offer.
      const read = dynamoFault().holdNext('Query', () => true);
      eve.send({ action: 'join', meeting: code });
      await read.reached;
      eve.send({ action: 'chat', text: 'let me in' });
      eve.send({ action: 'signal', to: a.joined.self.id, data: { description: { type: 'offer', sdp: 'v=0' } } });
      expect((await eve.next('error', (m) => m.action === 'chat')).code).toBe('not-in-meeting');
      expect((await eve.next('error', (m) => m.action === 'signal')).code).toBe('not-in-meeting');
      read.release();
      expect((await eve.next('error', (m) => m.action === 'join')).code).toBe('meeting-full');
      await a.client.nothing('chat', 100);
      await a.client.nothing('signal', 100);
      // Nor was her message kept for those who come later.
      const { chat } = await services.store().readMeeting(code, 10);
      expect(chat).toEqual([]);
      eve.close();
    } finally {
      process.env.MAX_PARTICIPANTS = max ?? '';
    }
  });

  it('answers an unknown meeting with meeting-not-found and leaves no trace', async () => {
    const { token } = await local.guest('Lost');
    const client = await local.connect(token);
    client.send({ action: 'join', meeting: 'zzz-zzzz-zzz' });
    const error = await client.next('error');
    expect(error).toMatchObject({ code: 'meeting-not-found', action: 'join' });
    // Not in any meeting: chat is refused.
    client.send({ action: 'chat', text: 'hello?' });
    expect((await client.next('error')).code).toBe('not-in-meeting');
    client.close();
  });
});

describe('signal', () => {
  it('relays data verbatim from one participant to another, naming the sender', async () => {
    const { a, b } = await meetingWithTwo();
    const data = { description: { type: 'offer', sdp: 'v=0\r\n...' }, candidates: [{ candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' }] };
    b.client.send({ action: 'signal', to: a.joined.self.id, data });
    const got = await a.client.next('signal');
    expect(got).toEqual({ type: 'signal', from: b.joined.self.id, data });
    await b.client.nothing('signal');
    a.client.close();
    b.client.close();
  });

  // Browsers trust what their server relays, so a peer's malformed payload must stop here.
  it.each([
    ['a description of an unknown type', { description: { type: 'hijack', sdp: 'v=0' } }],
    ['an SDP that is not text', { description: { type: 'offer', sdp: { evil: true } } }],
    ['candidates that are not a list', { candidates: 'candidate:1' }],
    ['a candidate with a numeric mid', { candidates: [{ candidate: 'c', sdpMid: 0 }] }],
    ['a sequence number as text', { seq: '3' }],
    ['a state that is not an object', { state: 'muted' }],
  ])('refuses a signal carrying %s and delivers nothing', async (_what, data) => {
    const { a, b } = await meetingWithTwo();
    b.client.send({ action: 'signal', to: a.joined.self.id, data });
    const error = await b.client.next('error');
    expect(error).toMatchObject({ code: 'invalid-message', action: 'signal' });
    await a.client.nothing('signal');
    a.client.close();
    b.client.close();
  });

  it('passes on fields a newer client adds, next to the ones it checks', async () => {
    const { a, b } = await meetingWithTwo();
    const data = {
      seq: 2,
      state: { rev: 1, audio: true, reaction: 'wave' },
      description: { type: 'offer', sdp: 'v=0', simulcast: true },
      candidates: [{ candidate: 'c', sdpMid: '0' }],
      raisedHand: true,
    };
    b.client.send({ action: 'signal', to: a.joined.self.id, data });
    expect((await a.client.next('signal')).data).toEqual(data);
    a.client.close();
    b.client.close();
  });

  it('refuses a signal to a peer of another meeting and never delivers it', async () => {
    const one = await meetingWithTwo();
    const two = await meetingWithTwo();
    one.a.client.send({ action: 'signal', to: two.a.joined.self.id, data: { secret: 'for meeting two?' } });
    expect(await one.a.client.next('error')).toMatchObject({ code: 'peer-not-found', action: 'signal' });
    // A forged id naming the other meeting's code but the sender's own random part, and an id with no code.
    const forged = `${two.code}.${one.a.joined.self.id.split('.')[1]}`;
    one.a.client.send({ action: 'signal', to: forged, data: {} });
    expect((await one.a.client.next('error')).code).toBe('peer-not-found');
    one.a.client.send({ action: 'signal', to: 'no-meeting-here', data: {} });
    expect((await one.a.client.next('error')).code).toBe('peer-not-found');
    await two.a.client.nothing('signal');
    await two.b.client.nothing('signal');
    for (const c of [one.a, one.b, two.a, two.b]) c.client.close();
  });

  it('relays a signal whose data is just under the limit', async () => {
    const { a, b } = await meetingWithTwo();
    const data = { description: { type: 'offer', sdp: 'v'.repeat(MAX_SIGNAL_DATA_BYTES - 100) } };
    b.client.send({ action: 'signal', to: a.joined.self.id, data });
    expect((await a.client.next('signal')).data).toEqual(data);
    a.client.close();
    b.client.close();
  });

  it('refuses a signal whose data would be too large to relay, though its own frame was not', async () => {
    const { a, b } = await meetingWithTwo();
    // 1e20 is 4 characters as sent and 21 once the server writes it out again: a 30 KB frame that
    // would be relayed as 130 KB, over what API Gateway lets the server send.
    const data = { numbers: new Array(6000).fill(1e20) };
    const sent = JSON.stringify({ action: 'signal', to: a.joined.self.id, data }).replaceAll('100000000000000000000', '1e20');
    expect(sent.length).toBeLessThan(MAX_FRAME_BYTES);
    expect(jsonBytes(data)).toBeGreaterThan(MAX_MESSAGE_BYTES);
    b.client.send(sent);
    const error = await b.client.next('error');
    expect(error).toMatchObject({ code: 'too-large', action: 'signal' });
    expect(error.message).toContain(String(MAX_SIGNAL_DATA_BYTES));
    await a.client.nothing('signal');
    a.client.close();
    b.client.close();
  });

  it('refuses a signal to oneself', async () => {
    const { a } = await meetingWithTwo();
    a.client.send({ action: 'signal', to: a.joined.self.id, data: { seq: 1 } });
    expect(await a.client.next('error')).toMatchObject({ code: 'invalid-message', action: 'signal' });
    await a.client.nothing('signal', 100);
    a.client.close();
  });

  it('refuses a signal from a socket that has not joined', async () => {
    const { a } = await meetingWithTwo();
    const { token } = await local.guest('Outsider');
    const outsider = await local.connect(token);
    outsider.send({ action: 'signal', to: a.joined.self.id, data: { hello: 1 } });
    expect((await outsider.next('error')).code).toBe('not-in-meeting');
    await a.client.nothing('signal');
    outsider.close();
    a.client.close();
  });

  it('refuses numbers that JSON cannot carry on (1e400 reads as Infinity, is written as null) and delivers nothing', async () => {
    const { a, b } = await meetingWithTwo();
    const to = JSON.stringify(b.joined.self.id);
    a.client.send(`{"action":"signal","to":${to},"data":{"seq":1e400,"description":{"type":"offer","sdp":"v=0"}}}`);
    expect(await a.client.next('error')).toMatchObject({ code: 'invalid-message', message: '"data.seq" should be a whole number, not Infinity.' });
    a.client.send(`{"action":"signal","to":${to},"data":{"candidates":[{"candidate":"c","sdpMLineIndex":-1e999}]}}`);
    expect((await a.client.next('error')).code).toBe('invalid-message');
    await b.client.nothing('signal', 100);
    a.client.close();
    b.client.close();
  });
});

describe('chat', () => {
  it('reaches everyone, sender included, verbatim, and comes back with joined', async () => {
    const { code, a, b } = await meetingWithTwo();
    const text = '<img src=x onerror=alert(1)> & "quotes" — ünïcödé';
    a.client.send({ action: 'chat', text });
    const toA = await a.client.next('chat');
    const toB = await b.client.next('chat');
    // The same message, marked as hers for the sender only.
    expect(toA).toEqual({ ...toB, mine: true });
    expect(toB).toEqual({ type: 'chat', id: expect.any(String), from: a.joined.self.id, name: 'Ann', text, at: expect.any(Number) });
    b.client.send({ action: 'chat', text: 'second' });
    await a.client.next('chat', (m) => m.text === 'second' && !m.mine);

    const late = await local.joined(code, 'Late');
    expect(late.joined.chat.map((m) => m.text)).toEqual([text, 'second']);
    expect(late.joined.chat[0]).toEqual(toB);
    // Ann again, from another tab: a new peer id, and her message is still marked as hers.
    const again = await local.connect(a.token);
    again.send({ action: 'join', meeting: code });
    const { chat: history } = await again.next('joined');
    expect(history.map((m) => [m.text, m.mine])).toEqual([[text, true], ['second', undefined]]);
    again.close();
    // Kept for a month, then DynamoDB's TTL removes it.
    const [stored] = (await services.store().readMeeting(code, 10)).chat;
    expect(stored!.expiresAt).toBe(Math.floor(toA.at / 1000) + 30 * 24 * 3600);
    for (const c of [a, b, late]) c.client.close();
  });

  it("hands a message's ref back to its sender's account only, live and in the history", async () => {
    const { code, a, b } = await meetingWithTwo();
    a.client.send({ action: 'chat', text: 'numbered', ref: 'tab1-7' });
    expect(await a.client.next('chat')).toMatchObject({ text: 'numbered', mine: true, ref: 'tab1-7' });
    const toB = await b.client.next('chat');
    expect(toB.ref).toBeUndefined();
    expect(toB.mine).toBeUndefined();
    // Ann from another tab finds it in her history, so a resend after a drop can be skipped.
    const again = await local.connect(a.token);
    again.send({ action: 'join', meeting: code });
    expect((await again.next('joined')).chat.at(-1)).toMatchObject({ text: 'numbered', mine: true, ref: 'tab1-7' });
    const late = await local.joined(code, 'Late');
    expect(late.joined.chat.at(-1)!.ref).toBeUndefined();
    for (const c of [a.client, b.client, again, late.client]) c.close();
  });

  it(`refuses a seat's chat past ${CHAT_MESSAGES_PER_WINDOW} messages in ${CHAT_WINDOW_MS / 1000} s, stores none of it, and holds no one else up`, async () => {
    const { code, a, b } = await meetingWithTwo();
    await startOfChatWindow();
    // As if Ann had sent all but two of her messages for this window (sending them all could take long
    // enough on a busy machine for the window to turn).
    await dynamoClient().send(
      new UpdateCommand({
        TableName: env.tableName(),
        Key: { pk: `MEETING#${code}`, sk: `PEER#${a.joined.self.id}` },
        UpdateExpression: 'SET chatWindow = :w, chatSent = :sent',
        ExpressionAttributeValues: { ':w': Math.floor(Date.now() / CHAT_WINDOW_MS), ':sent': CHAT_MESSAGES_PER_WINDOW - 2 },
      }),
    );
    for (const text of ['nineteenth', 'twentieth']) {
      a.client.send({ action: 'chat', text });
      await b.client.next('chat', (m) => m.text === text);
    }
    a.client.send({ action: 'chat', text: 'one too many' });
    const refused = await a.client.next('error', (m) => m.action === 'chat');
    expect(refused).toMatchObject({ code: 'too-many-messages', message: 'You are sending messages too quickly. Wait a few seconds, then send again.' });
    await b.client.nothing('chat', 100);
    b.client.send({ action: 'chat', text: 'I can still talk' });
    await a.client.next('chat', (m) => m.text === 'I can still talk');
    const { chat } = await services.store().readMeeting(code, 50);
    expect(chat.map((m) => m.text)).toEqual(['nineteenth', 'twentieth', 'I can still talk']);
    a.client.close();
    b.client.close();
  });

  it('counts each message of a burst sent at once: all pass up to the limit, none past it', async () => {
    const { code, a, b } = await meetingWithTwo();
    await startOfChatWindow();
    /** Sends `count` messages at once and waits until every one has been handled. */
    const burst = async (count: number, label: string) => {
      for (let i = 0; i < count; i++) a.client.send({ action: 'chat', text: `${label} ${i}` });
      // Frames are taken in order: once the pong is back, every message has reached its handler.
      a.client.send({ action: 'ping' });
      await a.client.next('pong');
      await local.stack.gateway.settle();
      return (await services.store().readMeeting(code, 50)).chat.length;
    };
    expect(await burst(CHAT_MESSAGES_PER_WINDOW / 2, 'first')).toBe(CHAT_MESSAGES_PER_WINDOW / 2);
    expect(await burst(CHAT_MESSAGES_PER_WINDOW, 'second')).toBe(CHAT_MESSAGES_PER_WINDOW);
    a.client.close();
    b.client.close();
  });

  it('hands a joiner only the newest chat that fits in its byte budget, however the text escapes', async () => {
    const { code, a, b } = await meetingWithTwo();
    // A lone surrogate is one character but six bytes of JSON (\ud800): six such messages are over 128 KB.
    const sent = [];
    for (let i = 0; i < 6; i++) {
      a.client.send({ action: 'chat', text: `${i}${'\ud800'.repeat(MAX_CHAT_LENGTH - 1)}` });
      sent.push(await b.client.next('chat')); // as someone else gets it: not marked `mine`
    }
    expect(jsonBytes(sent)).toBeGreaterThan(MAX_MESSAGE_BYTES);
    const late = await local.joined(code, 'Late');
    const kept = late.joined.chat.length;
    expect(kept).toBeGreaterThan(0);
    expect(late.joined.chat).toEqual(sent.slice(-kept));
    expect(jsonBytes(late.joined.chat)).toBeLessThanOrEqual(CHAT_HISTORY_BYTES);
    expect(jsonBytes(sent.slice(-kept - 1))).toBeGreaterThan(CHAT_HISTORY_BYTES);
    for (const c of [a, b, late]) c.client.close();
  });
});

describe('a recipient that cannot take a message', () => {
  // API Gateway answers 429 for a client whose receive buffer is full (one that stopped reading, or a
  // congested link). That is the recipient's trouble: the sender's action has taken effect.
  it('costs the others nothing: the join, the chat and the signal still hold for the sender', async () => {
    const { code, a, b } = await meetingWithTwo();
    const annConnection = async () => {
      for (const id of local.stack.gateway.connectionIds()) {
        if ((await services.store().getConnection(id))?.peerId === a.joined.self.id) return id;
      }
      throw new Error("Ann's connection not found");
    };
    const ann = await annConnection();
    // Every attempt the SDK makes (3) is refused.
    const refuseAnn = () => local.stack.gateway.refuseNextPost(ann, 429, 'LimitExceededException', 3);

    // Each step waits until all three attempts were refused, and the invocation has finished.
    let refused = refuseAnn();
    const { client: cy, joined } = await local.joined(code, 'Cy');
    expect(joined.peers.map((p) => p.id).sort()).toEqual([a.joined.self.id, b.joined.self.id].sort());
    await b.client.next('peer-joined', (m) => m.peer.id === joined.self.id);
    await refused;
    await local.stack.gateway.settle();

    refused = refuseAnn();
    cy.send({ action: 'chat', text: 'hello' });
    await cy.next('chat', (m) => m.text === 'hello');
    await b.client.next('chat', (m) => m.text === 'hello');
    await refused;
    await local.stack.gateway.settle();

    refused = refuseAnn();
    cy.send({ action: 'signal', to: a.joined.self.id, data: { seq: 1 } });
    await refused;
    await local.stack.gateway.settle();
    await cy.nothing('error', 200); // an error frame would have come by now
    // Ann missed all three (the refusals were used up), is still in, and hears what comes next.
    expect(a.client.messages.filter((m) => m.type === 'chat' || m.type === 'signal' || (m.type === 'peer-joined' && m.peer.id === joined.self.id))).toEqual([]);
    cy.send({ action: 'signal', to: a.joined.self.id, data: { seq: 2 } });
    expect((await a.client.next('signal')).data).toEqual({ seq: 2 });
    for (const c of [a.client, b.client, cy]) c.close();
  });
});

describe('leave and disconnect', () => {
  it('tells the others when someone leaves, naming the seat, and the socket stays usable', async () => {
    const { code, a, b, benSeat } = await meetingWithTwo();
    b.client.send({ action: 'leave' });
    // joinedAt names the seat that went: clients tell a late departure from a later seat of the same peer.
    expect(await a.client.next('peer-left')).toEqual({ type: 'peer-left', id: b.joined.self.id, reason: 'left', joinedAt: benSeat.joinedAt });
    b.client.send({ action: 'chat', text: 'still here?' });
    expect((await b.client.next('error')).code).toBe('not-in-meeting');
    b.client.send({ action: 'leave' });
    expect((await b.client.next('error')).code).toBe('not-in-meeting');
    // It can join again, and then counts as present once.
    b.client.send({ action: 'join', meeting: code });
    const again = await b.client.next('joined');
    expect(again.peers.map((p) => p.id)).toEqual([a.joined.self.id]);
    a.client.close();
    b.client.close();
  });

  it('leaves no connection record behind when the socket closes while its leave is on the way', async () => {
    const { code, a } = await meetingWithTwo();
    const { client, id } = await connectWithId((await local.guest('Quick')).token);
    client.send({ action: 'join', meeting: code });
    const joined = await client.next('joined');
    await a.client.next('peer-joined', (m) => m.peer.id === joined.self.id);
    // The leave has read the claim; its write is held until the socket's $disconnect has removed the record.
    const release = dynamoFault().holdNext('PutItem', (input) => input.Item?.pk === `CONN#${id}`);
    client.send({ action: 'leave' });
    await release.reached;
    client.socket.terminate();
    await a.client.next('peer-left', (m) => m.id === joined.self.id);
    await until(async () => !(await services.store().getConnection(id)));
    release.release();
    await local.stack.gateway.settle();
    expect(await services.store().getConnection(id)).toBeUndefined();
    await a.client.nothing('peer-left', 100);
  });

  it('cleans up a socket that vanishes without leave and tells its meeting', async () => {
    const { code, a, b, benSeat } = await meetingWithTwo();
    b.client.socket.terminate();
    expect(await a.client.next('peer-left')).toEqual({ type: 'peer-left', id: b.joined.self.id, reason: 'disconnected', joinedAt: benSeat.joinedAt });
    const c = await local.joined(code, 'Cat');
    expect(c.joined.peers.map((p) => p.id)).toEqual([a.joined.self.id]);
    a.client.close();
    c.client.close();
  });

  it('removes a stale connection on 410 Gone when its $disconnect never came', async () => {
    const host = await local.account('Host');
    const code = await local.meeting(host.token);
    const a = await local.joined(code, 'Ann');
    const before = new Set(local.stack.gateway.connectionIds());
    const b = await local.joined(code, 'Ben');
    const bConnection = local.stack.gateway.connectionIds().find((id) => !before.has(id))!;
    await a.client.next('peer-joined');

    // Drop B's socket without a $disconnect, as AWS sometimes does: B still looks present.
    local.stack.gateway.drop(bConnection);
    await b.client.closed();
    await a.client.nothing('peer-left', 200);

    // A's signal to B meets 410: B is removed and the meeting told; A, the sender, stays.
    a.client.send({ action: 'signal', to: b.joined.self.id, data: { ping: 1 } });
    expect(await a.client.next('peer-left')).toMatchObject({ id: b.joined.self.id, reason: 'disconnected' });
    await a.client.nothing('error', 0);
    const after = await local.joined(code, 'After');
    expect(after.joined.peers.map((p) => p.id)).toEqual([a.joined.self.id]);
    a.client.close();
    after.client.close();
  });
});

describe('expiry', () => {
  it('ignores records past their expiry that DynamoDB has not deleted yet', async () => {
    const { code, a, b } = await meetingWithTwo();
    const { services } = await import('../functions/adapters/services.js');
    const past = Math.floor(Date.now() / 1000) - 10;
    const ghost = { connectionId: 'GhostConn00000=', userId: 'g_ghost', name: 'Ghost', guest: true, expiresAt: past };
    const peerId = `${code}.ghostghostgh`;
    await services.store().addParticipant({ ...ghost, meeting: code, peerId, joinedAt: 0 });
    await services.store().saveConnection({ ...ghost, meeting: code, peerId });

    const c = await local.joined(code, 'Cy');
    expect(c.joined.peers.map((p) => p.id).sort()).toEqual([a.joined.self.id, b.joined.self.id].sort());
    a.client.send({ action: 'signal', to: peerId, data: {} });
    expect((await a.client.next('error')).code).toBe('peer-not-found');
    for (const x of [a, b, c]) x.client.close();
  });

  it('leaves chat past its 30 days out of the history DynamoDB has not deleted yet', async () => {
    const { code, a, b } = await meetingWithTwo();
    const { services } = await import('../functions/adapters/services.js');
    const old = Date.now() - 31 * 24 * 3600 * 1000;
    const expired = { meeting: code, id: 'old-message', from: a.joined.self.id, name: 'Ann', text: 'last month', at: old };
    await services.store().addChat({ ...expired, expiresAt: Math.floor(Date.now() / 1000) - 3600 });
    // Written before chat had an expiry: kept.
    await services.store().addChat({ ...expired, id: 'older-record', text: 'no expiry', at: old + 1 });
    a.client.send({ action: 'chat', text: 'today' });
    await b.client.next('chat');

    const c = await local.joined(code, 'Cy');
    expect(c.joined.chat.map((message) => message.text)).toEqual(['no expiry', 'today']);
    for (const x of [a, b, c]) x.client.close();
  });
});

describe('bad input', () => {
  it.each([
    ['malformed JSON', '{"action":"join",', 'bad-json'],
    ['an unknown action', { action: 'teleport' }, 'unknown-action'],
    ['no action', { meeting: 'abc-defg-hij' }, 'unknown-action'],
    ['a non-object', '42', 'unknown-action'],
    ['join without a meeting', { action: 'join' }, 'invalid-message'],
    ['join with a number', { action: 'join', meeting: 42 }, 'invalid-message'],
    ['signal without data', { action: 'signal', to: 'x' }, 'invalid-message'],
    ['signal with data as a string', { action: 'signal', to: 'x', data: 'offer' }, 'invalid-message'],
    ['chat with empty text', { action: 'chat', text: '' }, 'invalid-message'],
    ['chat with an array', { action: 'chat', text: ['a'] }, 'invalid-message'],
    ['chat of only blanks', { action: 'chat', text: ' \n\u200b ' }, 'invalid-message'],
    ['chat with a ref that is no name', { action: 'chat', text: 'hi', ref: 'a b' }, 'invalid-message'],
    ['chat with a ref too long', { action: 'chat', text: 'hi', ref: 'r'.repeat(25) }, 'invalid-message'],
    ['signal with data as a list', { action: 'signal', to: 'x', data: ['offer'] }, 'invalid-message'],
    ['signal with a state that is a list', { action: 'signal', to: 'x', data: { state: [1, 2] } }, 'invalid-message'],
    ['an action nested thousands deep', `{"action":${'['.repeat(6000)}${']'.repeat(6000)}}`, 'unknown-action'],
  ])('answers %s with an error and keeps the socket open', async (_what, message, code) => {
    const { a, b } = await meetingWithTwo();
    a.client.send(message);
    const error = await a.client.next('error');
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(5);
    // Still in the meeting, nothing changed for the other side.
    a.client.send({ action: 'chat', text: 'still fine' });
    await b.client.next('chat', (m) => m.text === 'still fine');
    await b.client.nothing('peer-left', 50);
    await b.client.nothing('error', 0);
    a.client.close();
    b.client.close();
  });

  it('calls a frame that is not JSON a message, not a request body', async () => {
    const { a, b } = await meetingWithTwo();
    a.client.send('{"action":"chat",');
    expect(await a.client.next('error')).toMatchObject({ code: 'bad-json', message: 'The message is not valid JSON.' });
    a.client.close();
    b.client.close();
  });

  it('closes the socket with 1009 for a frame over 32 KB, as API Gateway does', async () => {
    const { a, b } = await meetingWithTwo();
    // One frame, as a browser sends every message: over 32 KB, though well under the 128 KB message limit.
    a.client.send({ action: 'signal', to: b.joined.self.id, data: { description: { type: 'offer', sdp: 'x'.repeat(MAX_FRAME_BYTES) } } });
    expect(await a.client.closed()).toBe(1009);
    await b.client.nothing('signal', 200);
    b.client.close();
  });

  it('refuses a signal whose data is nested too deeply to write out again, and delivers nothing', async () => {
    const { a, b } = await meetingWithTwo();
    a.client.send(`{"action":"signal","to":"${b.joined.self.id}","data":{"state":{"x":${'['.repeat(6000)}${']'.repeat(6000)}}}}`);
    expect((await a.client.next('error')).code).toBe('invalid-message');
    await b.client.nothing('signal', 100);
    a.client.close();
    b.client.close();
  });

  it('refuses a chat message over the text limit without storing it', async () => {
    const { code, a, b } = await meetingWithTwo();
    a.client.send({ action: 'chat', text: 'y'.repeat(5000) });
    expect((await a.client.next('error')).code).toBe('invalid-message');
    const late = await local.joined(code, 'Reader');
    expect(late.joined.chat).toEqual([]);
    for (const c of [a, b, late]) c.client.close();
  });
});

describe('resume', () => {
  it('gives a reconnecting tab its peer id back, once, and only with its key', async () => {
    const { code, a, b } = await meetingWithTwo();
    // B's socket drops; A is told B disconnected.
    b.client.socket.terminate();
    await a.client.next('peer-left');
    const fresh = await local.connect(b.token);
    fresh.send({ action: 'join', meeting: code, resume: { peer: b.joined.self.id, key: b.joined.resumeKey } });
    const resumed = await fresh.next('joined');
    expect(resumed.self.id).toBe(b.joined.self.id);
    expect((await a.client.next('peer-joined')).peer.id).toBe(b.joined.self.id);

    // Someone else cannot claim B's id, even knowing it, without the key (or with B's key but another user).
    const thief = await local.guest('Thief');
    const socket = await local.connect(thief.token);
    socket.send({ action: 'join', meeting: code, resume: { peer: b.joined.self.id, key: b.joined.resumeKey } });
    const theirs = await socket.next('joined');
    expect(theirs.self.id).not.toBe(b.joined.self.id);
    expect(theirs.peers.map((p) => p.id).sort()).toEqual([a.joined.self.id, b.joined.self.id].sort());
    for (const c of [a.client, fresh, socket]) c.close();
  });

  it('lets a socket that joined before the admitted flag existed (open across a deploy) chat and signal', async () => {
    const { a, b } = await meetingWithTwo();
    const ids = local.stack.gateway.connectionIds();
    // Ann's connection record as the previous version wrote it: a claim, no flag.
    let rewritten = 0;
    for (const id of ids) {
      const record = await services.store().getConnection(id);
      if (record?.peerId !== a.joined.self.id) continue;
      expect(record.admitted).toBe(true);
      const { admitted: _admitted, ...old } = record;
      await services.store().saveConnection(old);
      rewritten++;
    }
    expect(rewritten).toBe(1);
    a.client.send({ action: 'chat', text: 'still here' });
    await b.client.next('chat', (m) => m.text === 'still here');
    a.client.send({ action: 'signal', to: b.joined.self.id, data: { seq: 1 } });
    await b.client.next('signal');
    a.client.close();
    b.client.close();
  });

  it("delivers what the old socket of a renewal sent while the new one took over", async () => {
    const { code, a, b } = await meetingWithTwo();
    // A renewal: B joins on a new socket with its old id while the old socket is still open, and a chat and
    // a signal B sent just before switching over are still on their way through the old one.
    const fresh = await local.connect(b.token);
    fresh.send({ action: 'join', meeting: code, resume: { peer: b.joined.self.id, key: b.joined.resumeKey } });
    await fresh.next('joined');
    await local.stack.gateway.settle(); // the resume's invocation has finished all it does
    b.client.send({ action: 'chat', text: 'sent just before the switch' });
    b.client.send({ action: 'signal', to: a.joined.self.id, data: { seq: 1 } });
    await a.client.next('chat', (m) => m.text === 'sent just before the switch');
    expect(await a.client.next('signal')).toMatchObject({ from: b.joined.self.id, data: { seq: 1 } });
    await b.client.nothing('error', 100);
    for (const c of [a.client, b.client, fresh]) c.close();
  });

  it('refuses chat from the old socket of a renewal once its peer has left from the new one', async () => {
    const { code, a, b } = await meetingWithTwo();
    const fresh = await local.connect(b.token);
    fresh.send({ action: 'join', meeting: code, resume: { peer: b.joined.self.id, key: b.joined.resumeKey } });
    await fresh.next('joined');
    fresh.send({ action: 'leave' });
    await a.client.next('peer-left', (m) => m.id === b.joined.self.id);
    b.client.send({ action: 'chat', text: 'from a seat that is gone' });
    expect((await b.client.next('error')).code).toBe('not-in-meeting');
    await a.client.nothing('chat', 100);
    // Nor kept for whoever joins later.
    const later = await local.guest('Later');
    const socket = await local.connect(later.token);
    socket.send({ action: 'join', meeting: code });
    expect((await socket.next('joined')).chat).toEqual([]);
    for (const c of [a.client, b.client, fresh, socket]) c.close();
  });

  it('does not put a resumed seat back over a departure the others were told of', async () => {
    const { code, a, b } = await meetingWithTwo();
    // B resumes on a new socket (the old one still open, as during a renewal). The join has moved the
    // seat to the new socket; its admission (a conditional write on the claim) is held back while that socket closes.
    const { client: fresh, id } = await connectWithId(b.token);
    const check = dynamoFault().holdNext('UpdateItem', (input) => input.Key?.pk === `CONN#${id}`);
    fresh.send({ action: 'join', meeting: code, resume: { peer: b.joined.self.id, key: b.joined.resumeKey } });
    await check.reached;
    fresh.socket.terminate();
    // $disconnect removed the seat and told A: B is gone.
    expect(await a.client.next('peer-left')).toMatchObject({ id: b.joined.self.id, reason: 'disconnected' });
    check.release();
    await local.stack.gateway.settle();
    // The failed join does not bring the seat back behind A's back.
    const after = await local.joined(code, 'After');
    expect(after.joined.peers.map((p) => p.id)).toEqual([a.joined.self.id]);
    for (const c of [a.client, b.client, after.client]) c.close();
  });

  it('never refuses a member of a full meeting who resumes while a newcomer tries to get in', async () => {
    // Handlers read MAX_PARTICIPANTS on every invocation, as a Lambda reads its environment.
    const max = process.env.MAX_PARTICIPANTS;
    process.env.MAX_PARTICIPANTS = '2';
    try {
      const { code, a, b } = await meetingWithTwo();
      const newcomer = await local.connect((await local.guest('Zed')).token);
      const renewal = await local.connect(b.token);
      // The newcomer has written its seat; its read of the meeting waits until B's resume is through, so B's
      // new seat is written after the newcomer's.
      const zedRead = dynamoFault().holdNext('Query');
      newcomer.send({ action: 'join', meeting: code });
      await zedRead.reached;
      renewal.send({ action: 'join', meeting: code, resume: { peer: b.joined.self.id, key: b.joined.resumeKey } });
      // (Before, B counted the newcomer as seated first and was refused: a member dropped for a newcomer.)
      expect(await renewal.next('joined')).toMatchObject({ self: { id: b.joined.self.id } });
      zedRead.release();
      expect(await newcomer.next('error')).toMatchObject({ code: 'meeting-full' });
      for (const c of [a.client, b.client, renewal, newcomer]) c.close();
    } finally {
      process.env.MAX_PARTICIPANTS = max ?? '';
    }
  });
});

