// The CDK stack grants each function exactly the DynamoDB actions routes.ts lists for its handler, on the
// partitions (key prefixes) it lists. A handler that needs one more would fail on AWS with AccessDenied and
// nowhere else, so here every handler runs on the local stack while the requests it makes are counted, with
// the keys they reach, and each action and each prefix must be granted.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from '../functions/adapters/env.js';
import { services } from '../functions/adapters/services.js';
import { TokenService } from '../functions/domain/tokens.js';
import { handlerAccess } from '../functions/routes.js';
import { DynamoMeter } from './support/dynamo-meter.js';
import { useLocalStack } from './support/local-stack.js';
import type { SocketClient } from './support/socket-client.js';

const local = useLocalStack();
let meter: DynamoMeter;
beforeAll(() => {
  meter = new DynamoMeter();
});

// On AWS each function is its own process and reads the signing secret (CONFIG) on a cold start; here every
// handler shares one process, and the first to read the secret caches it for all. So each measurement
// starts with no secret cached, as a fresh function would, and its read of CONFIG is seen.
function coldStart() {
  const tokens = new TokenService(services.store(), env.tokenTtlSeconds());
  services.tokens = () => tokens;
}

/** Partitions each handler was seen to reach, over all its measurements. */
const reached = new Map<string, Set<string>>();

/** Runs one operation (and whatever handler invocations it causes) and checks the requests against the grant. */
async function expectGranted(handler: string, run: () => Promise<unknown>) {
  coldStart();
  const used = await meter.measureAccess(async () => {
    await run();
    await local.stack.gateway.settle();
  });
  const granted = handlerAccess[handler]!;
  expect(Object.keys(used.actions).filter((action) => !granted.table.includes(action as never)), `${handler} actions`).toEqual([]);
  expect(used.prefixes.filter((prefix) => !granted.keys.includes(prefix as never)), `${handler} key prefixes`).toEqual([]);
  for (const prefix of used.prefixes) reached.set(handler, (reached.get(handler) ?? new Set()).add(prefix));
  return used;
}

describe('each handler uses only the DynamoDB actions and partitions it is granted', () => {
  it('HTTP handlers, on a fresh table (the first token creates the secret)', async () => {
    await expectGranted('http-guest', () => local.guest('First'));
    const email = `iam-${Date.now()}@example.com`;
    await expectGranted('http-register', () => local.api('POST', '/auth/register', { email, password: 'password1', name: 'I' }));
    const login = await local.api('POST', '/auth/login', { email, password: 'password1' });
    await expectGranted('http-login', () => local.api('POST', '/auth/login', { email, password: 'password1' }));
    const token = login.body.token as string;
    let code = '';
    await expectGranted('http-create-meeting', async () => (code = await local.meeting(token)));
    await expectGranted('http-list-meetings', () => local.api('GET', '/meetings', undefined, token));
    await expectGranted('http-get-meeting', () => local.api('GET', `/meetings/${code}`, undefined, token));
    await expectGranted('http-ice-servers', () => local.api('GET', '/ice-servers', undefined, token));
    await expectGranted('http-refresh', () => local.api('POST', '/auth/refresh', undefined, token));
  });

  it('WebSocket handlers, including eviction on 410', async () => {
    const host = await local.account('Host');
    const code = await local.meeting(host.token);
    const guest = await local.guest('A');
    let a!: SocketClient;
    await expectGranted('ws-authorize', async () => (a = await local.connect(guest.token)));
    let aId = '';
    await expectGranted('ws-join', async () => {
      a.send({ action: 'join', meeting: code });
      aId = (await a.next('joined')).self.id;
    });
    const b = await local.joined(code, 'B');
    await a.next('peer-joined');
    await expectGranted('ws-signal', async () => {
      b.client.send({ action: 'signal', to: aId, data: {} });
      await a.next('signal');
    });
    await expectGranted('ws-chat', async () => {
      a.send({ action: 'chat', text: 'hi' });
      await b.client.next('chat');
    });
    await expectGranted('ws-ping', async () => {
      a.send({ action: 'ping' });
      await a.next('pong');
    });
    await expectGranted('ws-default', async () => {
      a.send({ action: 'nope' });
      await a.next('error');
    });
    await expectGranted('ws-leave', async () => {
      b.client.send({ action: 'leave' });
      await a.next('peer-left');
    });
    // An account's join also writes its history line.
    const held = await local.connect(host.token);
    await expectGranted('ws-join', async () => {
      held.send({ action: 'join', meeting: code });
      await held.next('joined');
    });
    await a.next('peer-joined');
    await local.hangUp(held);
    await a.next('peer-left');
    b.client.send({ action: 'join', meeting: code });
    await b.client.next('joined');
    await a.next('peer-joined');
    await expectGranted('ws-disconnect', () => local.hangUp(b.client));
    await a.next('peer-left');

    // A stale participant whose $disconnect never came: a chat to the meeting meets 410 and evicts it.
    const before = new Set(local.stack.gateway.connectionIds());
    const c = await local.joined(code, 'C');
    await a.next('peer-joined');
    local.stack.gateway.drop(local.stack.gateway.connectionIds().find((id) => !before.has(id))!);
    await c.client.closed();
    await expectGranted('ws-chat', async () => {
      a.send({ action: 'chat', text: 'anyone there?' });
      await a.next('peer-left');
    });
    a.close();
  });

  // Runs after the two above (vitest keeps a file's tests in order): a partition listed but never reached is
  // access nobody needs, so the lists stay exact and not merely wide enough.
  it('and no handler is granted a partition it never reached', () => {
    for (const [handler, access] of Object.entries(handlerAccess)) {
      expect([...access.keys].sort(), handler).toEqual([...(reached.get(handler) ?? [])].sort());
    }
  });
});
