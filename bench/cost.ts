// bench/cost: what one meeting's signalling costs on AWS, measured on the local stack. It plays a
// meeting through real sockets (joins, the offer/answer/candidate exchange for every pair, media-state
// updates, a screen share, chat, heartbeats, leaves), counts the DynamoDB capacity the handlers really
// consume (dynalite reports it per request) and the WebSocket messages both ways, and prices them with
// AWS's list prices, next to what hosted meeting APIs charge for the same meeting.
// Run: npx tsx bench/cost.ts [participants] [minutes]
import '../local/quiet-sdk-warning.js'; // first: the AWS SDK's Node 20 notice would bury the figures
import { dynamoClient } from '../functions/adapters/dynamo-client.js';
import { HEARTBEAT_INTERVAL_MS } from '../functions/protocol/index.js';
import { startLocalStack } from '../local/stack.js';
import type { SocketClient } from '../test/support/socket-client.js';
import { TestStack } from '../test/support/test-stack.js';

const PEOPLE = Number(process.argv[2] ?? 4);
const MINUTES = Number(process.argv[3] ?? 60);

// us-east-1 list prices (../shared/notes/numbers.md).
const PRICE = {
  wsMessage: 1.0 / 1e6, // per message, in 32 KB steps
  connectionMinute: 0.25 / 1e6,
  httpRequest: 1.0 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334, // arm64
  writeUnit: 0.625 / 1e6,
  readUnit: 0.125 / 1e6,
};
// Assumed, not measured here: a warm 256 MB function spends ~40 ms per invocation (a few DynamoDB round trips).
const GB_SECONDS_PER_INVOCATION = 0.25 * 0.04;
const HOSTED_PER_PARTICIPANT_MINUTE = { 'Amazon Chime SDK': 0.0017, 'Cloudflare RealtimeKit': 0.002, 'Twilio Video / Daily': 0.004 };

const stack = await startLocalStack({ port: 0, dataDir: null, bcryptCost: 4 });
// The handlers' client exists once the stack has set the environment; meter it from here on.
const WRITES = /^(Put|Delete|Update|BatchWrite)/;
const usage = { readUnits: 0, writeUnits: 0, requests: 0 };
let metering = false;
dynamoClient().middlewareStack.add(
  (next, context) => async (args) => {
    (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
    const result = await next(args);
    if (metering) {
      usage.requests++;
      const consumed = [(result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity].flat() as ({ CapacityUnits?: number } | undefined)[];
      const units = consumed.reduce((sum, c) => sum + (c?.CapacityUnits ?? 0), 0);
      if (WRITES.test(String(context.commandName))) usage.writeUnits += units;
      else usage.readUnits += units;
    }
    return result;
  },
  { step: 'initialize', name: 'costMeter' },
);

const local = new TestStack();
local.stack = stack;
const sdp = 'v=0\r\n' + 'a=candidate-and-codec-lines\r\n'.repeat(150); // ~4 KB, a real offer's size
let httpRequests = 0;
let sent = 0;

const send = (client: SocketClient, message: unknown) => {
  sent++;
  client.send(message);
};

// Accounts and the meeting (HTTP API).
const host = await local.account('Host');
const code = await local.meeting(host.token, 'Cost bench');
httpRequests += 2;
metering = true;
const people: { client: SocketClient; id: string }[] = [];
for (let i = 0; i < PEOPLE; i++) {
  const { token } = i === 0 ? host : await local.guest(`P${i}`);
  httpRequests += i === 0 ? 0 : 1;
  const client = await local.connect(token);
  send(client, { action: 'join', meeting: code });
  people.push({ client, id: (await client.next('joined')).self.id });
}
httpRequests += PEOPLE * 2; // each client's GET /meetings/{code} and GET /ice-servers before joining

/** What the web client sends to set up one direction of a pair: SDP, two candidate batches, its media state. */
const negotiate = (from: { client: SocketClient }, to: { id: string }, type: 'offer' | 'answer') => {
  send(from.client, { action: 'signal', to: to.id, data: { description: { type, sdp } } });
  for (let b = 0; b < 2; b++) send(from.client, { action: 'signal', to: to.id, data: { candidates: [{ candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host' }] } });
  send(from.client, { action: 'signal', to: to.id, data: { state: { audio: true, video: true } } });
};
for (let i = 0; i < PEOPLE; i++) {
  for (let j = i + 1; j < PEOPLE; j++) {
    negotiate(people[j]!, people[i]!, 'offer'); // the newcomer offers to those already there
    negotiate(people[i]!, people[j]!, 'answer');
  }
}
// One screen share, started and stopped: a renegotiation with everyone else, twice.
for (let round = 0; round < 2; round++) {
  for (const other of people.slice(1)) {
    send(people[0]!.client, { action: 'signal', to: other.id, data: { description: { type: 'offer', sdp } } });
    send(other.client, { action: 'signal', to: people[0]!.id, data: { description: { type: 'answer', sdp } } });
  }
}
// A few mute toggles, chat, and the heartbeat every HEARTBEAT_INTERVAL_MS for the whole meeting.
for (let t = 0; t < 10; t++) {
  const toggler = people[t % PEOPLE]!;
  for (const other of people) if (other !== toggler) send(toggler.client, { action: 'signal', to: other.id, data: { state: { audio: t % 2 === 0 } } });
}
for (let t = 0; t < 20; t++) send(people[t % PEOPLE]!.client, { action: 'chat', text: `message ${t} about the agenda` });
const pings = Math.floor((MINUTES * 60 * 1000) / HEARTBEAT_INTERVAL_MS);
for (const p of people) for (let t = 0; t < pings; t++) send(p.client, { action: 'ping' });
await new Promise((r) => setTimeout(r, 500));
await stack.gateway.settle();
for (const p of people) send(p.client, { action: 'leave' });
await new Promise((r) => setTimeout(r, 300));
await local.hangUp(...people.map((p) => p.client));
metering = false;

const received = people.reduce((sum, p) => sum + p.client.messages.length, 0) + people.length; // + each `joined` taken
const connects = PEOPLE * 2; // authorizer + $connect
const invocations = sent + connects + PEOPLE; // + $disconnect
const cost = {
  'WebSocket messages': (sent + received) * PRICE.wsMessage,
  'WebSocket connection-minutes': PEOPLE * MINUTES * PRICE.connectionMinute,
  'HTTP API requests': httpRequests * PRICE.httpRequest,
  'Lambda requests + compute': invocations * (PRICE.lambdaRequest + GB_SECONDS_PER_INVOCATION * PRICE.lambdaGbSecond),
  'DynamoDB reads': usage.readUnits * PRICE.readUnit,
  'DynamoDB writes': usage.writeUnits * PRICE.writeUnit,
};
const total = Object.values(cost).reduce((a, b) => a + b, 0);

const usd = (n: number) => `$${n.toFixed(6)}`;
console.log(`cost: one ${PEOPLE}-person, ${MINUTES}-minute meeting's signalling, measured on the local stack`);
console.log(`  messages in ${sent}, out ${received}; Lambda invocations ${invocations}; HTTP requests ${httpRequests}`);
console.log(`  DynamoDB: ${usage.requests} requests, ${usage.readUnits} read units, ${usage.writeUnits} write units`);
for (const [item, dollars] of Object.entries(cost)) console.log(`  ${item.padEnd(30)} ${usd(dollars)}`);
console.log(`  ${'total (Meshmeet on AWS)'.padEnd(30)} ${usd(total)}`);
for (const [product, perMinute] of Object.entries(HOSTED_PER_PARTICIPANT_MINUTE)) {
  const hosted = perMinute * PEOPLE * MINUTES;
  console.log(`  ${product.padEnd(30)} $${hosted.toFixed(2)}  (${Math.round(hosted / total)}x Meshmeet)`);
}
console.log('  TURN relaying, when a network needs it, is extra: it is bandwidth on a server you run.');
await stack.close();
