// Shared by the browser tests (and bench/join-to-frame.ts): a fresh web build when the sources changed,
// the local stack, Chromium with fake devices, participants driven through the UI by accessible names,
// and media read as numbers from getStats().
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WEB = join(ROOT, 'web');
const BUILD_MARKER = join(WEB, 'build', '200.html');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
];

// ---- the web build ----

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Builds web/ when web/build is missing or older than its sources (so `npm test` works on a fresh clone). */
export function ensureWebBuild(): void {
  const sources = [
    join(WEB, 'src'),
    join(WEB, 'static'),
    join(WEB, 'svelte.config.js'),
    join(WEB, 'vite.config.ts'),
    join(WEB, 'csp-adapter.js'),
    join(ROOT, 'functions', 'protocol'),
  ];
  const built = existsSync(BUILD_MARKER) ? statSync(BUILD_MARKER).mtimeMs : 0;
  if (built > Math.max(...sources.map(newestMtime))) return;
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
    cwd: WEB,
    encoding: 'utf8',
    // vitest sets NODE_ENV=test, which would resolve Svelte and SvelteKit to their development builds.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error(`web build failed:\n${result.stdout}\n${result.stderr}`);
}

// ---- the stack and the browser ----

export async function startStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  ensureWebBuild();
  return startLocalStack({ port: 0, dataDir: null, bcryptCost: 4, webRoot: join(WEB, 'build'), ...options });
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * A local stack and a Chromium for the tests of one describe block: started before them, closed after.
 * Read them through the returned object once the tests run; `participant()` opens a new one on this stack.
 */
export function useStackAndBrowser(options: LocalStackOptions = {}) {
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(options), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });
  return {
    get stack(): LocalStack {
      return stack!;
    },
    get browser(): Browser {
      return browser!;
    },
    participant: (viewport?: { width: number; height: number }) => newParticipant(browser!, stack!.url, viewport),
  };
}

export interface Participant {
  context: BrowserContext;
  page: Page;
}

/**
 * Records every RTCPeerConnection and WebSocket the page makes, so tests can read media stats and close
 * the page's own signalling socket. Test-only: the app itself exposes nothing.
 */
const RECORDER = `(() => {
  const pcs = [];
  const sockets = [];
  const PC = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends PC { constructor(...args) { super(...args); pcs.push(this); } };
  const WS = window.WebSocket;
  window.WebSocket = class extends WS { constructor(...args) { super(...args); sockets.push(this); } };
  Object.defineProperty(window, '__test', { value: { pcs, sockets } });
})();`;

export async function newParticipant(
  browser: Browser,
  baseUrl: string,
  viewport = { width: 1280, height: 720 },
): Promise<Participant> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport });
  await context.grantPermissions(['camera', 'microphone', 'clipboard-read', 'clipboard-write'], { origin: baseUrl });
  await context.addInitScript(RECORDER);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  return { context, page };
}

// ---- accounts ----

export interface Account {
  email: string;
  password: string;
}

/** An account made through the API (the sign-up form is not what the tests that use this are about). */
export async function registerAccount(stack: LocalStack, name: string): Promise<Account> {
  const account = { email: `${name.toLowerCase()}-${Date.now()}@example.com`, password: `${name.toLowerCase()}-secret` };
  const response = await fetch(`${stack.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...account, name }),
  });
  expect(response.status).toBe(201);
  return account;
}

/** Signs in on /signin and waits until the page shows it and has moved on to the home page. */
export async function signIn(page: Page, { email, password }: Account): Promise<void> {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
  // The header says so a moment before the form navigates away: a reload in between would stay on /signin.
  await page.waitForURL((url) => url.pathname === '/');
}

// ---- driving the UI (accessible names only) ----

/** Home -> "Your name" -> "New meeting" -> pre-join -> "Join now"; returns the meeting code. */
export async function startMeetingAsGuest(page: Page, name: string): Promise<string> {
  await page.goto('/');
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'New meeting', exact: true }).click();
  await page.waitForURL(/\/m\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
  const code = new URL(page.url()).pathname.split('/').pop()!;
  await joinFromPreJoin(page);
  return code;
}

/** Opens a meeting URL, gives a name if asked, clicks "Join now" and waits for the room. */
export async function joinMeeting(page: Page, path: string, name?: string): Promise<void> {
  await page.goto(path);
  await joinFromPreJoin(page, name);
}

export async function joinFromPreJoin(page: Page, name?: string): Promise<void> {
  const join = page.getByRole('button', { name: 'Join now', exact: true });
  await join.waitFor();
  if (name) {
    const field = page.getByLabel('Your name');
    if (await field.isVisible()) await field.fill(name);
  }
  await join.click();
  await page.getByRole('button', { name: 'Leave', exact: true }).waitFor();
}

/**
 * Alice starts a meeting as a guest and Bob joins it by its URL, each in a browser context of their own;
 * returns once both see and hear each other. `prepare` runs on the new pages before anyone joins (to
 * route their sockets, install a clock, add a recorder).
 */
export async function twoInAMeeting(
  browser: Browser,
  stack: LocalStack,
  prepare?: (alice: Participant, bob: Participant) => Promise<void>,
): Promise<{ alice: Participant; bob: Participant; code: string }> {
  const [alice, bob] = await Promise.all([newParticipant(browser, stack.url), newParticipant(browser, stack.url)]);
  await prepare?.(alice, bob);
  const code = await startMeetingAsGuest(alice.page, 'Alice');
  await joinMeeting(bob.page, `/m/${code}`, 'Bob');
  await Promise.all([expectMediaFlowing(alice.page, 1), expectMediaFlowing(bob.page, 1)]);
  return { alice, bob, code };
}

/** Camera tiles shown (ours included). */
export function cameraTiles(page: Page) {
  return page.locator('[data-participant][data-kind="camera"]');
}

export function tileOf(page: Page, name: string, kind: 'camera' | 'screen' = 'camera') {
  return page.locator(`[data-participant][data-kind="${kind}"][data-name="${name}"]`);
}

// ---- media as numbers ----

export interface InboundStats {
  connectionState: RTCPeerConnectionState;
  video: { id: string; mid?: string; framesDecoded: number; frameWidth?: number; frameHeight?: number; packetsReceived: number }[];
  audio: { id: string; packetsReceived: number }[];
}

/** Inbound RTP of every open RTCPeerConnection in the page. */
export function inboundStats(page: Page): Promise<InboundStats[]> {
  return page.evaluate(async () => {
    const recorded = (window as unknown as { __test: { pcs: RTCPeerConnection[] } }).__test.pcs;
    const open = recorded.filter((pc) => pc.connectionState !== 'closed');
    return Promise.all(
      open.map(async (pc) => {
        const result: InboundStats = { connectionState: pc.connectionState, video: [], audio: [] };
        (await pc.getStats()).forEach((s) => {
          if (s.type !== 'inbound-rtp') return;
          if (s.kind === 'video') {
            result.video.push({
              id: s.id,
              mid: s.mid,
              framesDecoded: s.framesDecoded ?? 0,
              frameWidth: s.frameWidth,
              frameHeight: s.frameHeight,
              packetsReceived: s.packetsReceived ?? 0,
            });
          } else {
            result.audio.push({ id: s.id, packetsReceived: s.packetsReceived ?? 0 });
          }
        });
        return result;
      }),
    );
  });
}

/** Per connection: the most frames decoded on any video stream, and the most audio packets. */
export async function mediaCounters(page: Page): Promise<{ state: RTCPeerConnectionState; frames: number; audioPackets: number }[]> {
  return (await inboundStats(page)).map((pc) => ({
    state: pc.connectionState,
    frames: Math.max(0, ...pc.video.map((v) => v.framesDecoded)),
    audioPackets: Math.max(0, ...pc.audio.map((a) => a.packetsReceived)),
  }));
}

/** expect.poll with room for a loaded two-core machine (its default gives up after one second). */
export function poll<T>(probe: () => T | Promise<T>, timeout = 10_000) {
  return expect.poll(probe, { timeout, interval: 100 });
}

export async function waitUntil<T>(
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
  { timeout = 20_000, interval = 200, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: T = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, interval));
    last = await probe();
  }
  return last;
}

/**
 * Waits until the page has `peers` connected RTCPeerConnections on each of which video frames are being
 * decoded and audio packets arrive: counters seen increasing between two samples a moment apart.
 * Streams are matched by their stats id; a counter that starts over (a receiver recreated during a
 * renegotiation) is not mistaken for a stall, nor a screen share that ended.
 */
export async function expectMediaFlowing(page: Page, peers: number, timeout = 20_000): Promise<void> {
  const grew = <T extends { id: string }>(now: T[], then: T[], count: (s: T) => number) =>
    now.some((s) => {
      const before = then.find((t) => t.id === s.id);
      return before !== undefined && count(s) > count(before);
    });
  const deadline = Date.now() + timeout;
  const flowing = new Set<number>();
  let previous = await inboundStats(page);
  let last = '';
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 300));
    const current = await inboundStats(page);
    if (current.length !== peers || previous.length !== peers) {
      flowing.clear();
    } else {
      current.forEach((pc, i) => {
        const before = previous[i]!;
        const ok =
          pc.connectionState === 'connected' &&
          grew(pc.video, before.video, (v) => v.framesDecoded) &&
          grew(pc.audio, before.audio, (a) => a.packetsReceived);
        if (ok) flowing.add(i);
      });
      if (flowing.size === peers) return;
    }
    last = JSON.stringify(current);
    previous = current;
  }
  throw new Error(`media not flowing on ${peers} connection(s) (flowing: ${[...flowing]}); last stats: ${last}`);
}
