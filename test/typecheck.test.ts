// The TypeScript compiler over both halves: functions/local/infra/test/bench, and the web client's .ts
// modules (which Vite builds without checking types). The shared protocol's types meet here: a handler
// and the browser code that reads its messages must agree.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
// Not in the package's exports map: the bin script by path.
const svelteKit = 'node_modules/@sveltejs/kit/svelte-kit.js';
// tsc takes 10-15 s alone and more next to the browser tests on two cores.
const TIMEOUT_MS = 180_000;

/** The compiler's complaints, or '' when the project type-checks. */
async function typecheck(project: string): Promise<string> {
  try {
    await run(process.execPath, [tsc, '--noEmit', '-p', project], { maxBuffer: 16 * 1024 * 1024 });
    return '';
  } catch (error) {
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    return stdout + stderr || message;
  }
}

describe('types', () => {
  it('hold for the server side, the local stack, the CDK app, tests and benches', async () => {
    expect(await typecheck('tsconfig.json')).toBe('');
  }, TIMEOUT_MS);

  it('hold for the web client', async () => {
    // web/tsconfig.json extends the one SvelteKit generates; `svelte-kit sync` writes it without a build.
    await run(process.execPath, [`../${svelteKit}`, 'sync'], { cwd: 'web' });
    expect(await typecheck('web/tsconfig.json')).toBe('');
  }, TIMEOUT_MS);
});
