// The built client runs under Content-Security-Policy: the one the cloud stack sends (built by the very
// function the CDK app uses), and a stricter one with no inline styles either. Home, pre-join and the room
// work, and nothing but SvelteKit's route announcer's inline style (hidden by our stylesheet instead) is
// refused.
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../infra/constructs/security-headers.js';
import type { LocalStack } from '../../local/stack.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, joinFromPreJoin, newParticipant, startStack } from './helpers.js';

const STRICT =
  "default-src 'self'; script-src 'self' 'report-sample'; style-src 'self' 'report-sample'; img-src 'self' data:; media-src 'self' blob:; " +
  "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";
// SvelteKit's announcer <div style="position: absolute; left: 0; top: 0; ..."> (see web/src/app.css);
// a deployment that wants a silent console can allow it with 'unsafe-hashes' plus
// 'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo=' in style-src.
const ANNOUNCER = 'style-src-attr inline position: absolute; left: 0; top: 0';

describe('under a strict Content-Security-Policy', () => {
  let stack: LocalStack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startStack();
    // Pages answered by route.fulfill() count as public, so Chrome's local-network checks would then
    // refuse their socket to 127.0.0.1; that is an artefact of adding the header here, not of the app.
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS, '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it.each([
    // connect-src 'self' only: locally the API and the socket are on the page's own origin.
    ['the policy the cloud stack sends', contentSecurityPolicy([])],
    ['a strict policy, no inline style either', STRICT],
  ])('starts a meeting (a guest naming themselves on the pre-join screen) under %s', async (_what, policy) => {
    const { context, page } = await newParticipant(browser, stack.url);
    await context.route('**/*', async (route) => {
      const response = await route.fetch();
      if (!(response.headers()['content-type'] ?? '').includes('text/html')) return route.fulfill({ response });
      return route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': policy } });
    });
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
    await context.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { reportViolation(v: string): void }).reportViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`),
      ),
    );
    // A guest who has not typed a name: "New meeting" goes straight to a pre-join screen that asks for it,
    // and the meeting gets its own URL on "Join now".
    await page.goto('/');
    await page.getByRole('button', { name: 'New meeting', exact: true }).click();
    await page.waitForURL('**/new');
    await joinFromPreJoin(page, 'Alice');
    expect(new URL(page.url()).pathname).toMatch(/^\/m\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    await page.getByLabel('Message', { exact: true }).fill('hello');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('complementary', { name: 'Chat' }).getByText('hello', { exact: true }).waitFor();
    expect(violations.filter((v) => !v.startsWith(ANNOUNCER))).toEqual([]);
    // The announcer, refused its inline style, stays hidden all the same.
    expect(await page.locator('#svelte-announcer').evaluate((e) => e.getBoundingClientRect().width <= 1)).toBe(true);
    await context.close();
  });
});
