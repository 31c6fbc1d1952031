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
