// The TypeScript compiler over both halves: functions/local/infra/test/bench, and the web client's .ts
// modules (which Vite builds without checking types). The shared protocol's types meet here: a handler
// and the browser code that reads its messages must agree.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
// Not in the package's exports map: the bin script by path.
const svelteKit = 'node_modules/@sveltejs/kit/svelte-kit.js';

function typecheck(project: string): string {
  const result = spawnSync(process.execPath, [tsc, '--noEmit', '-p', project], { encoding: 'utf8' });
  return result.status === 0 ? '' : result.stdout + result.stderr;
}

describe('types', () => {
  it('hold for the server side, the local stack, the CDK app, tests and benches', () => {
    expect(typecheck('tsconfig.json')).toBe('');
  });

  it('hold for the web client', () => {
    // web/tsconfig.json extends the one SvelteKit generates; `svelte-kit sync` writes it without a build.
    const sync = spawnSync(process.execPath, [`../${svelteKit}`, 'sync'], { cwd: 'web', encoding: 'utf8' });
    expect(sync.status, sync.stderr).toBe(0);
    expect(typecheck('web/tsconfig.json')).toBe('');
  });
});
