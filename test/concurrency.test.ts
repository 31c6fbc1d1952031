// Many people joining one meeting at the same instant, on a gateway that delays each invocation at
// random (as Lambda's concurrency does), must all end up knowing each other.
import { describe, expect, it } from 'vitest';
import { useLocalStack } from './support/local-stack.js';
import type { SocketClient } from './support/socket-client.js';

const local = useLocalStack({ invokeDelayMs: 40, environment: { MAX_PARTICIPANTS: '20' } });

/** Everyone a client knows of: the peers in `joined` plus every `peer-joined` minus `peer-left`. */
function known(client: SocketClient, joinedPeers: string[]): Set<string> {
  const ids = new Set(joinedPeers);
  for (const m of client.messages) {
    if (m.type === 'peer-joined') ids.add(m.peer.id);
    if (m.type === 'peer-left') ids.delete(m.id);
  }
  return ids;
}

/** What a join came to: its `joined` or its `error`. */
async function outcome(client: SocketClient) {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    const found = client.messages.find((m) => m.type === 'joined' || m.type === 'error');
    if (found?.type === 'joined' || found?.type === 'error') return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no joined or error within 15 s; got ${JSON.stringify(client.messages.map((m) => m.type))}`);
}

describe('simultaneous joins', () => {
  it('20 clients joining at once all know each other', async () => {
    const host = await local.account('Host');
    const code = await local.meeting(host.token, 'Town hall');
    const people = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const { token } = await local.guest(`P${i}`);
        return local.connect(token);
      }),
    );
    for (const client of people) client.send({ action: 'join', meeting: code });
    const joined = await Promise.all(people.map((c) => c.next('joined', () => true, 15_000)));
    const everyone = joined.map((j) => j.self.id);
    expect(new Set(everyone).size).toBe(20);

    const deadline = Date.now() + 10_000;
    let complete = false;
    while (!complete && Date.now() < deadline) {
      complete = people.every((c, i) => known(c, joined[i]!.peers.map((p) => p.id)).size === 19);
      if (!complete) await new Promise((r) => setTimeout(r, 100));
    }
    people.forEach((client, i) => {
      const ids = known(client, joined[i]!.peers.map((p) => p.id));
      expect([...ids].sort()).toEqual(everyone.filter((id) => id !== joined[i]!.self.id).sort());
    });
    for (const client of people) client.close();
  });

  it('fills the last free seats with the earliest of those joining at once, and leaves no ghost of the others', async () => {
    // Handlers read MAX_PARTICIPANTS on every invocation, as a Lambda reads its environment.
    const max = process.env.MAX_PARTICIPANTS;
    process.env.MAX_PARTICIPANTS = '3';
    try {
      for (let round = 0; round < 8; round++) {
        const host = await local.account('Host');
        const code = await local.meeting(host.token);
        const first = await local.connect(host.token);
        first.send({ action: 'join', meeting: code });
        const hostJoined = await first.next('joined');
        const guests = await Promise.all(['G1', 'G2', 'G3'].map(async (name) => local.connect((await local.guest(name)).token)));
        for (const client of guests) client.send({ action: 'join', meeting: code });
        const outcomes = await Promise.all(guests.map((client) => outcome(client)));
        const admitted = outcomes.flatMap((o) => (o.type === 'joined' ? [o] : []));
        expect(outcomes.filter((o) => o.type === 'error').map((o) => o.type === 'error' && o.code)).toEqual(['meeting-full']);
        expect(admitted).toHaveLength(2);

        // Everyone in ends up knowing exactly the others in: a refused joiner someone saw is taken back.
        await local.stack.gateway.settle();
        const inside = [first, ...guests.filter((_, i) => outcomes[i]!.type === 'joined')];
        const joinedOf = [hostJoined, ...admitted];
        const seated = joinedOf.map((j) => j.self.id);
        const othersOf = (i: number) => [...known(inside[i]!, joinedOf[i]!.peers.map((p) => p.id))].sort();
        const expected = (i: number) => seated.filter((id) => id !== joinedOf[i]!.self.id).sort();
        for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
          if (inside.every((_, i) => JSON.stringify(othersOf(i)) === JSON.stringify(expected(i)))) break;
        }
        inside.forEach((_, i) => expect(othersOf(i)).toEqual(expected(i)));
        for (const client of [first, ...guests]) client.close();
      }
    } finally {
      process.env.MAX_PARTICIPANTS = max ?? '';
    }
  });

  it('delivers every relayed message even when invocations finish out of order', async () => {
    const host = await local.account('Host');
    const code = await local.meeting(host.token);
    const a = await local.joined(code, 'A');
    const b = await local.joined(code, 'B');
    for (let i = 0; i < 30; i++) b.client.send({ action: 'signal', to: a.joined.self.id, data: { seq: i } });
    const got: number[] = [];
    for (let i = 0; i < 30; i++) got.push((await a.client.next('signal')).data.seq as number);
    expect([...got].sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    // The point of the delay: order is not guaranteed, so clients must not rely on it.
    expect(got).not.toEqual([...got].sort((x, y) => x - y));
    a.client.close();
    b.client.close();
  });
});
