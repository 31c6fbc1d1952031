// The build-time rewrite of SvelteKit's client (web/kit-namespace-fix.ts) against the SvelteKit installed
// here: an upgrade that changes the rewritten line fails this test, rather than quietly putting 0.9 KB back
// on every page.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kitNamespaceFix } from '../web/kit-namespace-fix.js';

const kitClient = join(createRequire(import.meta.url).resolve('@sveltejs/kit/package.json'), '..', 'src/runtime/client/client.js');

type Transform = (this: { warn(message: string): void }, code: string, id: string) => { code: string } | null;

function transform(code: string, id: string): { result: { code: string } | null; warnings: string[] } {
  const warnings: string[] = [];
  const hook = kitNamespaceFix().transform as Transform;
  return { result: hook.call({ warn: (message) => warnings.push(message) }, code, id), warnings };
}

describe('SvelteKit client rewrite', () => {
  it("reads svelte's exports as members in the installed SvelteKit client, changing nothing else", () => {
    const source = readFileSync(kitClient, 'utf8');
    const { result, warnings } = transform(source, kitClient);
    expect(warnings).toEqual([]);
    expect(result?.code).toContain('const onMount = svelte.onMount, tick = svelte.tick;');
    expect(result?.code).not.toMatch(/const \{[^}]*\} = svelte;/);
    expect(result!.code.split('\n').length).toBe(source.split('\n').length);
  });

  it('leaves every other module alone', () => {
    expect(transform('const { onMount, tick } = svelte;', '/app/src/lib/x.js').result).toBeNull();
  });
});
