// bench/relay: relayed signal messages per second and p50/p99 latency through the local stack
// (socket -> local API Gateway -> ws-signal handler -> dynalite read -> @connections -> socket),
// against a bare `ws` relay measured in the same run. Run: npx tsx bench/relay.ts [messages]
import '../local/quiet-sdk-warning.js'; // first: the AWS SDK's Node 20 notice would bury the figures
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { startLocalStack } from '../local/stack.js';

const MESSAGES = Number(process.argv[2] ?? 400);
const IN_FLIGHT = 16;
const PAYLOAD = 'x'.repeat(3 * 1024); // about an SDP offer

interface Result {
  perSecond: number;
  p50: number;
  p99: number;
}

/** Sends MESSAGES through `send`, at most IN_FLIGHT unanswered, timing each until `receiver` sees it. */
async function drive(count: number, send: (seq: number, sentAt: number) => void, receiver: WebSocket, seqOf: (raw: string) => number | undefined) {
  const latencies: number[] = [];
  const sentAt = new Map<number, number>();
  let next = 0;
  const start = performance.now();
  await new Promise<void>((done) => {
    const pump = () => {
      while (next < count && sentAt.size < IN_FLIGHT) {
        const t = performance.now();
        sentAt.set(next, t);
        send(next++, t);
      }
    };
    receiver.on('message', (raw) => {
      const seq = seqOf(raw.toString());
      if (seq === undefined || !sentAt.has(seq)) return;
      latencies.push(performance.now() - sentAt.get(seq)!);
      sentAt.delete(seq);
      if (latencies.length === count) done();
      else pump();
    });
    pump();
  });
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
  return { perSecond: count / seconds, p50: pct(0.5), p99: pct(0.99) } satisfies Result;
}

const open = (url: string) =>
  new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });

/** The floor: a relay that forwards each frame to the other socket and does nothing else. */
async function bareRelay(): Promise<Result> {
  const server = createServer();
  const wss = new WebSocketServer({ server });
  const sockets: WebSocket[] = [];
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('message', (data) => sockets.find((s) => s !== ws)?.send(data.toString()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const [a, b] = [await open(url), await open(url)];
  await drive(50, (seq) => a.send(JSON.stringify({ seq })), b, (raw) => (JSON.parse(raw) as { seq: number }).seq);
  const result = await drive(
    MESSAGES,
    (seq) => a.send(JSON.stringify({ action: 'signal', to: 'b', data: { seq, sdp: PAYLOAD } })),
    b,
    (raw) => (JSON.parse(raw) as { data?: { seq?: number } }).data?.seq,
  );
  a.close();
  b.close();
  wss.close();
  server.close();
  return result;
}

async function localStackRelay(): Promise<Result> {
  const stack = await startLocalStack({ port: 0, dataDir: null, bcryptCost: 4 });
  const api = async (path: string, body: unknown, token?: string) =>
    (await fetch(`${stack.url}/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    }).then((r) => r.json())) as { token: string; meeting: { code: string } };
  const host = await api('/auth/guest', { name: 'A' });
  const guest = await api('/auth/guest', { name: 'B' });
  const { meeting } = await api('/meetings', {}, host.token);
  const ws = stack.url.replace('http', 'ws');
  const [a, b] = [await open(`${ws}/ws?token=${host.token}`), await open(`${ws}/ws?token=${guest.token}`)];
  const joined = (socket: WebSocket) =>
    new Promise<string>((resolve) =>
      socket.on('message', (raw) => {
        const m = JSON.parse(raw.toString()) as { type: string; self?: { id: string } };
        if (m.type === 'joined') resolve(m.self!.id);
      }),
    );
  const aJoined = joined(a);
  a.send(JSON.stringify({ action: 'join', meeting: meeting.code }));
  await aJoined;
  const bJoined = joined(b);
  b.send(JSON.stringify({ action: 'join', meeting: meeting.code }));
  const bId = await bJoined;
  const relay = (count: number) =>
    drive(
      count,
      (seq) => a.send(JSON.stringify({ action: 'signal', to: bId, data: { seq, sdp: PAYLOAD } })),
      b,
      (raw) => (JSON.parse(raw) as { type: string; data?: { seq?: number } }).data?.seq,
    );
  await relay(50); // warm-up: first imports, SDK clients, JIT
  const result = await relay(MESSAGES);
  a.close();
  b.close();
  await stack.close();
  return result;
}

const bare = await bareRelay();
const local = await localStackRelay();
const row = (name: string, r: Result) =>
  `${name.padEnd(28)} ${r.perSecond.toFixed(0).padStart(8)} msg/s   p50 ${r.p50.toFixed(2).padStart(7)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms`;
console.log(`relay: ${MESSAGES} signals of ${PAYLOAD.length} B, ${IN_FLIGHT} in flight, loopback`);
console.log(row('bare ws relay (baseline)', bare));
console.log(row('local stack (handlers+DB)', local));
console.log(
  `ratio local/bare: throughput ${(local.perSecond / bare.perSecond).toFixed(3)}x, p50 ${(local.p50 / bare.p50).toFixed(1)}x, p99 ${(local.p99 / bare.p99).toFixed(1)}x`,
);
