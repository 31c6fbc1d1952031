// Cost by design: the DynamoDB requests each signalling operation makes, counted on the real client
// against dynalite. A relay is one read and no write; a join two writes (the socket's claim, conditional, and
// the seat), one strongly consistent query and one read (is the claim still this join's?), and one more
// write for an account's history line.
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoMeter } from './support/dynamo-meter.js';
import { useLocalStack } from './support/local-stack.js';

const local = useLocalStack();
let meter: DynamoMeter;
beforeAll(() => {
  meter = new DynamoMeter();
});

describe('DynamoDB requests per operation', () => {
  it('relay: one BatchGetItem, no write', async () => {
    const { a, b } = await local.meetingWithTwo();
    const used = await meter.measure(async () => {
      b.client.send({ action: 'signal', to: a.joined.self.id, data: { candidates: [] } });
      await a.client.next('signal');
      await local.stack.gateway.settle();
    });
    expect(used).toEqual({ BatchGetItem: 1 });
    await local.hangUp(a.client, b.client);
  });

  it('join: a conditional PutItem (the socket), a PutItem (the seat), a Query and a conditional UpdateItem (admitted); one more PutItem for an account', async () => {
    const { code, a, b } = await local.meetingWithTwo();
    const guest = await local.guest('C');
    const account = await local.account('D');
    for (const [token, extra] of [
      [guest.token, {}],
      [account.token, { PutItem: 3 }],
    ] as const) {
      const socket = await local.connect(token);
      const used = await meter.measure(async () => {
        socket.send({ action: 'join', meeting: code });
        await socket.next('joined');
        await local.stack.gateway.settle();
      });
      expect(used).toEqual({ PutItem: 2, Query: 1, UpdateItem: 1, ...extra });
      await local.hangUp(socket); // its $disconnect is not the next join's cost
    }
    await local.hangUp(a.client, b.client);
  });

  it('ping: no DynamoDB request at all', async () => {
    const { token } = await local.guest();
    const socket = await local.connect(token);
    const used = await meter.measure(async () => {
      socket.send({ action: 'ping' });
      await socket.next('pong');
      await local.stack.gateway.settle();
    });
    expect(used).toEqual({});
    socket.close();
  });
});
