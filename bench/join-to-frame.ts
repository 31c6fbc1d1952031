// Time from clicking "Join now" to the first decoded remote video frame, on loopback, through the
// real UI and the local stack: 2 participants (one already in the meeting) and 4 (three already in).
// The floor, measured in the same run: two RTCPeerConnections in one page, offer to first decoded
// frame, with no signalling server at all. Medians of several runs.
//   npx tsx bench/join-to-frame.ts [runs]
import '../local/quiet-sdk-warning.js'; // first: the AWS SDK's Node 20 notice would bury the figures
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { joinMeeting, launchBrowser, newParticipant, startStack, type Participant } from '../test/browser/helpers.js';

const RUNS = Number(process.argv[2] ?? 7);
const TARGET_MS = 1000;

// Keep WebRTC on this machine: re-run inside a network namespace that has only loopback, as the tests do.
if (!process.env.MESHMEET_IN_NETNS && spawnSync('unshare', ['-n', 'true']).status === 0) {
  const script = fileURLToPath(import.meta.url);
  const inner = 'ip link set lo up 2>/dev/null || true; exec "$@"';
  const result = spawnSync('unshare', ['-n', 'sh', '-c', inner, 'sh', process.execPath, ...process.execArgv, script, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, MESHMEET_IN_NETNS: '1' },
  });
  process.exit(result.status ?? 1);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[]) =>
  `median ${median(xs).toFixed(0).padStart(5)} ms   min ${Math.min(...xs).toFixed(0).padStart(5)}   max ${Math.max(...xs).toFixed(0).padStart(5)}   (n=${xs.length})`;

/** Two RTCPeerConnections in one page: the fastest a first frame can possibly arrive here. */
async function floor(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true });
    const t0 = performance.now();
    const a = new RTCPeerConnection();
    const b = new RTCPeerConnection();
    a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
    for (const track of stream.getTracks()) a.addTrack(track, stream);
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    for (;;) {
      let frames = 0;
      (await b.getStats()).forEach((s) => s.type === 'inbound-rtp' && s.kind === 'video' && (frames = s.framesDecoded ?? 0));
      if (frames > 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const elapsed = performance.now() - t0;
    a.close();
    b.close();
    stream.getTracks().forEach((t) => t.stop());
    return elapsed;
  });
}

/** Clicks "Join now" and returns ms until the first, and until the last, remote peer's first decoded frame. */
async function joinToFrames(page: Page, peers: number): Promise<{ first: number; all: number }> {
  await page.evaluate(() => {
    addEventListener('click', () => ((window as unknown as { __t0: number }).__t0 ??= performance.now()), { capture: true, once: true });
  });
  await page.getByRole('button', { name: 'Join now', exact: true }).click();
  return page.evaluate(async (expected) => {
    const w = window as unknown as { __t0: number; __test: { pcs: RTCPeerConnection[] } };
    const firstFrameAt = new Map<RTCPeerConnection, number>();
    const deadline = performance.now() + 20_000;
    while (firstFrameAt.size < expected && performance.now() < deadline) {
      for (const pc of w.__test.pcs) {
        if (firstFrameAt.has(pc)) continue;
        let frames = 0;
        (await pc.getStats()).forEach((s) => s.type === 'inbound-rtp' && s.kind === 'video' && (frames += s.framesDecoded ?? 0));
        if (frames > 0) firstFrameAt.set(pc, performance.now());
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    if (firstFrameAt.size < expected) throw new Error(`only ${firstFrameAt.size} of ${expected} peers sent a frame`);
    const times = [...firstFrameAt.values()].map((t) => t - w.__t0);
    return { first: Math.min(...times), all: Math.max(...times) };
  }, peers);
}

async function meetingWith(browser: Awaited<ReturnType<typeof launchBrowser>>, url: string, present: number): Promise<{ code: string; people: Participant[] }> {
  const people: Participant[] = [];
  const host = await newParticipant(browser, url, { width: 640, height: 400 });
  people.push(host);
  await host.page.goto('/');
  await host.page.getByLabel('Your name').fill('Host');
  await host.page.getByRole('button', { name: 'New meeting', exact: true }).click();
  await host.page.waitForURL(/\/m\//);
  const code = new URL(host.page.url()).pathname.split('/').pop()!;
  await host.page.getByRole('button', { name: 'Join now', exact: true }).click();
  await host.page.getByRole('button', { name: 'Leave', exact: true }).waitFor();
  for (let i = 1; i < present; i++) {
    const person = await newParticipant(browser, url, { width: 640, height: 400 });
    await joinMeeting(person.page, `/m/${code}`, `Person ${i}`);
    people.push(person);
  }
  return { code, people };
}

const stack = await startStack();
const browser = await launchBrowser();
try {
  const floorPage = await newParticipant(browser, stack.url);
  await floorPage.page.goto('/');
  await floor(floorPage.page); // warm-up
  const floorTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) floorTimes.push(await floor(floorPage.page));
  await floorPage.context.close();

  const results: [string, number[]][] = [['floor: 2 RTCPeerConnections, one page', floorTimes]];
  for (const size of [2, 4]) {
    const { code, people } = await meetingWith(browser, stack.url, size - 1);
    const joiner = await newParticipant(browser, stack.url, { width: 640, height: 400 });
    const first: number[] = [];
    const all: number[] = [];
    for (let run = 0; run <= RUNS; run++) {
      await joiner.page.goto(`/m/${code}`);
      const name = joiner.page.getByLabel('Your name');
      await joiner.page.getByRole('button', { name: 'Join now', exact: true }).waitFor();
      if (await name.isVisible()) await name.fill('Joiner');
      // Pre-join is ready (camera open) before the clock starts, as for a person who looks at it first.
      await joiner.page.locator('.preview video').waitFor();
      await joiner.page.waitForTimeout(300);
      const t = await joinToFrames(joiner.page, size - 1);
      if (run > 0) {
        first.push(t.first); // run 0 warms up caches
        all.push(t.all);
      }
      await joiner.page.getByRole('button', { name: 'Leave', exact: true }).click();
      await joiner.page.waitForTimeout(300);
    }
    results.push([`${size} participants: first remote frame`, first]);
    if (size > 2) results.push([`${size} participants: frames from all ${size - 1}`, all]);
    for (const p of [...people, joiner]) await p.context.close();
  }

  console.log(`Join to first decoded remote frame, loopback, ${RUNS} runs each (target: median < ${TARGET_MS} ms for 2 participants)\n`);
  for (const [label, times] of results) console.log(`${label.padEnd(42)} ${fmt(times)}`);
  const two = median(results[1]![1]);
  console.log(`\n2 participants: ${two < TARGET_MS ? 'within' : 'OVER'} target; ${(two - median(floorTimes)).toFixed(0)} ms above the floor`);
} finally {
  await browser.close();
  await stack.close();
}
