// Socket renewal before API Gateway's 2-hour cap, in real Chromium. Alice's page runs on Playwright's
// clock, which we move ahead as if she had been in the call for almost two hours; time still flows
// normally otherwise, and WebRTC (native, not JS timers) does not notice. Her client must then open a
// second socket, claim its peer id on it, and only then close the first (make before break), while Bob,
// on a real clock, notices nothing: no peer-left, one tile, media flowing, chat still arriving. A renewal
// whose join fails (DynamoDB has a bad moment) is dropped and retried later, under the same peer id.
// The gateway delays every invocation at random, so messages may be handled out of order as on AWS.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.js';
import {
  cameraTiles,
  expectMediaFlowing,
  joinMeeting,
  launchBrowser,
  mediaCounters,
  newParticipant,
  poll,
  startMeetingAsGuest,
  startStack,
  tileOf,
  waitUntil,
  type Participant,
} from './helpers.js';
import { dynamoFault } from '../support/dynamo-fault.js';

/**
 * What every socket of the page hears from the server, and its closing, in one ordered log; `socket` is
 * its index in `__test.sockets` (the helpers' recorder, which this wraps). Signals are kept as their type.
 */
const HEARD = `(() => {
  const WS = window.WebSocket;
  const heard = [];
  window.WebSocket = class extends WS {
    constructor(...args) {
      super(...args);
      const socket = window.__test.sockets.indexOf(this);
      this.addEventListener('message', (event) => {
        try {
          const m = JSON.parse(event.data);
          heard.push({ socket, type: m.type, id: m.id, peer: m.peer?.id, self: m.self?.id, text: m.text });
        } catch {}
      });
      this.addEventListener('close', () => heard.push({ socket, type: 'socket-closed' }));
    }
  };
  Object.defineProperty(window, '__heard', { value: heard });
})();`;

interface Heard {
  socket: number;
  /** A server message's type, or 'socket-closed'. */
  type: string;
  /** peer-left: who left. */
  id?: string;
  /** peer-joined: who. */
  peer?: string;
  /** joined: our own peer id. */
  self?: string;
  text?: string;
}

const heard = (page: Page): Promise<Heard[]> => page.evaluate(() => (window as any).__heard);
/** readyState of every socket the page opened, oldest first (1 open, 3 closed). */
const sockets = (page: Page): Promise<number[]> =>
  page.evaluate(() => (window as any).__test.sockets.map((s: WebSocket) => s.readyState));
/** Every RTCPeerConnection the page ever made: a renewal that rebuilt the call would add one. */
const peerConnections = (page: Page): Promise<number> => page.evaluate(() => (window as any).__test.pcs.length);
const OPEN = 1;
const CLOSED = 3;

/** The meeting's seats as the server keeps them: which connection each peer id is reached on. */
async function seats(code: string): Promise<Record<string, string>> {
  const { services } = await import('../../functions/adapters/services.js');
  const participants = await services.store().listParticipants(code);
  return Object.fromEntries(participants.map((p) => [p.peerId, p.connectionId]));
}

describe('socket renewal before the 2-hour cap', () => {
  let stack: LocalStack;
  let browser: Browser;
  let alice: Participant;
  let bob: Participant;
  let code: string;
  let aliceId: string;
  let bobId: string;
  let aliceConnection: string;
  let bobConnection: string;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack({ invokeDelayMs: 150 }), launchBrowser()]);
    [alice, bob] = await Promise.all([newParticipant(browser, stack.url), newParticipant(browser, stack.url)]);
    await Promise.all([alice.context.addInitScript(HEARD), bob.context.addInitScript(HEARD)]);
    // Before the page loads, so every timer the client sets is on this clock. It keeps running in real
    // time until we jump; Bob's context keeps the real clock.
    await alice.context.clock.install();

    code = await startMeetingAsGuest(alice.page, 'Alice');
    expect(stack.gateway.connectionIds()).toHaveLength(1);
    aliceConnection = stack.gateway.connectionIds()[0]!;
    await joinMeeting(bob.page, `/m/${code}`, 'Bob');
    await Promise.all([expectMediaFlowing(alice.page, 1), expectMediaFlowing(bob.page, 1)]);

    const ids = stack.gateway.connectionIds();
    expect(ids).toHaveLength(2);
    bobConnection = ids.find((id) => id !== aliceConnection)!;
    aliceId = (await heard(alice.page)).find((m) => m.type === 'joined')!.self!;
    bobId = (await heard(bob.page)).find((m) => m.type === 'joined')!.self!;
    expect(await seats(code)).toEqual({ [aliceId]: aliceConnection, [bobId]: bobConnection });
    expect(await tileOf(bob.page, 'Alice').getAttribute('data-participant')).toBe(aliceId);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('keeps the first socket through 1 h 49 min, only pinging it', async () => {
    const pongs = async () => (await heard(alice.page)).filter((m) => m.type === 'pong' && m.socket === 0).length;
    const before = await pongs();
    await alice.page.clock.fastForward('01:49:00');
    // fastForward returns after every timer due by then has run: a renewal would have its socket already.
    expect(await sockets(alice.page)).toEqual([OPEN]);
    // The heartbeat did run, and its pong is in, so the next jump cannot find a ping unanswered.
    await waitUntil(pongs, (n) => n > before, { what: 'the pong to the heartbeat' });
  });

  it('at 1 h 56 min moves Alice to a new connection with the same peer id, and Bob notices nothing', async () => {
    const peerConnectionsBefore = [await peerConnections(alice.page), await peerConnections(bob.page)];
    const mediaBefore = [await mediaCounters(alice.page), await mediaCounters(bob.page)];

    // 1 h 56 min in all: past the renewal time (2 h minus 5 to 10 minutes, jittered), short of 2 h.
    await alice.page.clock.fastForward('00:07:00');
    expect((await sockets(alice.page)).length).toBe(2); // renew() ran inside the jump

    // The gateway ends with Bob's connection and a new one for Alice: her old one closes ~1 s after the new
    // one joined.
    const ids = await waitUntil(
      async () => stack.gateway.connectionIds(),
      (now) => now.length === 2 && !now.includes(aliceConnection),
      { timeout: 10_000, what: "Alice's old connection to close" },
    );
    const renewed = ids.find((id) => id !== bobConnection)!;
    expect(ids).toContain(bobConnection);
    expect(renewed).not.toBe(aliceConnection);
    // The old connection's $disconnect has run: anything it told Bob is already on Bob's socket.
    await stack.gateway.settle();
    // Same peer id, now reached on the new connection; Bob's seat untouched.
    expect(await seats(code)).toEqual({ [aliceId]: renewed, [bobId]: bobConnection });

    // Alice's page: the first socket closed, the second open, and it joined as the same peer before the
    // first one closed (break before make would leave a moment in which Bob may hear that she left).
    expect(await sockets(alice.page)).toEqual([CLOSED, OPEN]);
    const aliceHeard = await heard(alice.page);
    expect(aliceHeard.filter((m) => m.type === 'joined').map((m) => [m.socket, m.self])).toEqual([
      [0, aliceId],
      [1, aliceId],
    ]);
    const handover = aliceHeard.filter(
      (m) => (m.socket === 1 && m.type === 'joined') || (m.socket === 0 && m.type === 'socket-closed'),
    );
    expect(handover.map((m) => `${m.type} on socket ${m.socket}`)).toEqual(['joined on socket 1', 'socket-closed on socket 0']);

    // Signalling works on the new socket (the old one is closed): Alice's chat reaches Bob. It is relayed
    // after the $disconnect above, so a peer-left from it would have reached Bob before this message.
    await alice.page.getByRole('button', { name: 'Chat', exact: true }).click();
    await alice.page.getByLabel('Message').fill('Still here after two hours');
    await alice.page.getByRole('button', { name: 'Send', exact: true }).click();
    await bob.page.getByRole('button', { name: 'Chat', exact: true }).click();
    const bobChat = bob.page.getByRole('complementary', { name: 'Chat' });
    await poll(() => bobChat.getByText('Still here after two hours', { exact: true }).count()).toBe(1);
    // Alice's own copy comes back on the new socket: the server sends to her seat's new connection.
    await poll(async () => (await heard(alice.page)).filter((m) => m.type === 'chat').map((m) => m.socket)).toEqual([1]);

    // Bob heard Alice come back under her id (an update) and never heard her leave; his socket never changed.
    const bobHeard = await heard(bob.page);
    expect(bobHeard.filter((m) => m.type === 'peer-left')).toEqual([]);
    expect(bobHeard.filter((m) => m.type === 'peer-joined').map((m) => m.peer)).toEqual([aliceId]);
    expect(bobHeard.filter((m) => m.type === 'chat').map((m) => m.text)).toEqual(['Still here after two hours']);
    expect(await sockets(bob.page)).toEqual([OPEN]);

    // Exactly one tile for Alice on Bob's side, under the same id, connected; and one for Bob on hers.
    expect(await cameraTiles(bob.page).count()).toBe(2);
    expect(await tileOf(bob.page, 'Alice').count()).toBe(1);
    expect(await tileOf(bob.page, 'Alice').getAttribute('data-participant')).toBe(aliceId);
    expect(await tileOf(bob.page, 'Alice').getAttribute('data-health')).toBe('connected');
    expect(await cameraTiles(alice.page).count()).toBe(2);
    expect(await tileOf(alice.page, 'Bob').getAttribute('data-participant')).toBe(bobId);

    // Media never stopped: the same RTCPeerConnection on each side, its counters past where they were
    // before the jump and still rising.
    expect([await peerConnections(alice.page), await peerConnections(bob.page)]).toEqual(peerConnectionsBefore);
    const mediaAfter = [await mediaCounters(alice.page), await mediaCounters(bob.page)];
    for (const side of [0, 1]) {
      expect(mediaAfter[side]).toHaveLength(1);
      expect(mediaAfter[side]![0]!.state).toBe('connected');
      expect(mediaAfter[side]![0]!.frames).toBeGreaterThan(mediaBefore[side]![0]!.frames);
      expect(mediaAfter[side]![0]!.audioPackets).toBeGreaterThan(mediaBefore[side]![0]!.audioPackets);
    }
    await Promise.all([expectMediaFlowing(alice.page, 1), expectMediaFlowing(bob.page, 1)]);
  });

  it('retries a renewal whose join failed, keeping the peer id and the first socket meanwhile', async () => {
    const fault = dynamoFault();
    const peerConnectionsBefore = [await peerConnections(alice.page), await peerConnections(bob.page)];
    const pongs = async () => (await heard(alice.page)).filter((m) => m.type === 'pong' && m.socket === 1).length;
    const before = await pongs();
    await alice.page.clock.fastForward('01:49:00');
    await waitUntil(pongs, (n) => n > before, { what: 'the pong to the heartbeat' });

    // The renewal's join meets a DynamoDB failure after it moved the seat (its read of the meeting fails):
    // the handler puts the seat back on the old socket and answers `internal`. From here Alice's clock
    // stands still unless the test moves it, so her retry (after a backoff of under a second) waits for us
    // and no timer of hers runs out while a real request is in flight.
    fault.failNext('Query');
    await alice.page.clock.pauseAt((await alice.page.evaluate(() => Date.now())) + 7 * 60_000);
    await waitUntil(async () => (await sockets(alice.page)).join(), (states) => states === [CLOSED, OPEN, CLOSED].join(), {
      what: 'the failed renewal socket to be dropped',
    });
    expect(fault.pending('Query')).toBe(0);
    await stack.gateway.settle();
    const seated = (await seats(code))[aliceId];
    expect(stack.gateway.connectionIds()).toContain(seated);

    // Meanwhile Bob can still reach her on the old socket: his mute arrives.
    await bob.page.getByRole('button', { name: 'Mute', exact: true }).click();
    await poll(() => tileOf(alice.page, 'Bob').getAttribute('data-audio')).toBe('off');

    // The backoff passes: she tries again, and this time moves under the same id; a moment later (the old
    // socket's grace) the old socket closes.
    await alice.page.clock.fastForward(1000);
    await waitUntil(
      async () => (await heard(alice.page)).some((m) => m.type === 'joined' && m.socket === 3),
      (joined) => joined,
      { timeout: 10_000, what: 'the second renewal to join' },
    );
    await alice.page.clock.fastForward(2000);
    await waitUntil(
      async () => (await sockets(alice.page)).join(),
      (states) => states === [CLOSED, CLOSED, CLOSED, OPEN].join(),
      { timeout: 10_000, what: 'the old socket to close' },
    );
    await alice.page.clock.resume();
    await stack.gateway.settle();
    const renewed = (await seats(code))[aliceId];
    expect(renewed).toBeDefined();
    expect(renewed).not.toBe(seated);
    expect(Object.keys(await seats(code)).sort()).toEqual([aliceId, bobId].sort());
    const joinedAs = (await heard(alice.page)).filter((m) => m.type === 'joined').map((m) => m.self);
    expect(new Set(joinedAs)).toEqual(new Set([aliceId]));

    // Bob never heard her leave, still has one tile for her, and nothing was rebuilt.
    expect((await heard(bob.page)).filter((m) => m.type === 'peer-left')).toEqual([]);
    expect(await tileOf(bob.page, 'Alice').count()).toBe(1);
    expect([await peerConnections(alice.page), await peerConnections(bob.page)]).toEqual(peerConnectionsBefore);
    await Promise.all([expectMediaFlowing(alice.page, 1), expectMediaFlowing(bob.page, 1)]);
  });
});
