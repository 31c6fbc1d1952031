// The build-time removal of what only server-rendered pages need (web/no-hydration.ts), against the Svelte and
// SvelteKit installed here: an upgrade that changes a rewritten line fails this test, rather than quietly
// putting 2 KB back on the meeting page. It holds only while no page is rendered on the server, which this
// test checks too.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { compile } from 'svelte/compiler';
import { describe, expect, it } from 'vitest';
import { noHydration } from '../web/no-hydration.js';

const packageDir = (name: string) => join(createRequire(import.meta.url).resolve(`${name}/package.json`), '..');
const svelteHydration = join(packageDir('svelte'), 'src/internal/client/dom/hydration.js');
const kitClient = join(packageDir('@sveltejs/kit'), 'src/runtime/client/client.js');
const routes = join(import.meta.dirname, '../web/src/routes');

type Transform = { handler: (this: { warn(message: string): void }, code: string, id: string) => { code: string } | null };

function transform(code: string, id: string): { result: { code: string } | null; warnings: string[] } {
  const warnings: string[] = [];
  const hook = noHydration().transform as Transform;
  return { result: hook.handler.call({ warn: (message) => warnings.push(message) }, code, id), warnings };
}

/** The installed module, rewritten; fails on any warning (a line not found once). */
function rewritten(file: string): { source: string; code: string } {
  const source = readFileSync(file, 'utf8');
  const { result, warnings } = transform(source, file);
  expect(warnings).toEqual([]);
  expect(result!.code.split('\n').length).toBe(source.split('\n').length);
  return { source, code: result!.code };
}

describe('what only server-rendered pages need, left out', () => {
  it("makes the installed Svelte's hydration flag a constant false", () => {
    const { code } = rewritten(svelteHydration);
    expect(code).toContain('export const hydrating = false;');
    expect(code).not.toMatch(/\bhydrating = value\b/);
  });

  it("has the installed SvelteKit's start() mount, and its first fetches go to the network", () => {
    const { code } = rewritten(kitClient);
    expect(code).not.toContain('if (__SVELTEKIT_PAYLOAD__.data)');
    expect(code).not.toContain('if (hydrate) {\n\t\trestore_scroll();');
    expect(code).not.toContain(': initial_fetch(requested, init);');
    expect(code).toContain('await _hydrate(target, hydrate);'); // still there, in a branch that never runs
  });

  it("mounts SvelteKit's root with web/mount-root.ts instead of svelte/legacy", () => {
    // SvelteKit writes .svelte-kit/generated/root.js from this template at `svelte-kit sync`.
    const template = readFileSync(join(packageDir('@sveltejs/kit'), 'src/core/sync/write_root.js'), 'utf8');
    const generated = template.match(/import \{ asClassComponent \} from 'svelte\/legacy';\n\s*import Root from '\.\/root\.svelte';\n\s*export default asClassComponent\(Root\);/)?.[0];
    expect(generated).toBeDefined();
    const id = '/app/web/.svelte-kit/generated/root.js';
    const code = transform(generated!, id).result?.code;
    expect(code).toMatch(/^import \{ asClassComponent \} from ".*[\\/]web[\\/]mount-root\.ts";$/m);
    expect(code).toContain('export default asClassComponent(Root);');
  });

  it("drops a compiled component's hydration steps, and nothing else", () => {
    const source = `<script>let { items, on } = $props();</script>
      <ul>{#each items as item}<li><b>{item}</b> <i>x</i></li>{/each}</ul>
      {#if on}<p><span>a</span> b</p>{/if}`;
    const compiled = compile(source, { generate: 'client', runes: true, filename: 'X.svelte' }).js.code;
    expect(compiled).toMatch(/^\t*\$\.reset\(\w+\);$/m);
    expect(compiled).toMatch(/^\t*\$\.next\(\d*\);$/m);
    const code = transform(compiled, '/app/src/lib/X.svelte').result!.code;
    expect(code).not.toMatch(/\$\.(reset|next)\(/);
    const kept = (text: string) => text.split('\n').filter((line) => !/^\t*\$\.(reset|next)\(/.test(line));
    expect(code.split('\n').filter((line) => line !== '')).toEqual(kept(compiled).filter((line) => line !== ''));
    expect(code.split('\n').length).toBe(compiled.split('\n').length);
  });

  it('leaves every other module alone', () => {
    expect(transform('export let hydrating = false;', '/app/src/lib/x.js').result).toBeNull();
  });

  it('holds because no page is rendered on the server (SvelteKit then never hydrates)', () => {
    expect(readFileSync(join(routes, '+layout.ts'), 'utf8')).toMatch(/^export const ssr = false;$/m);
    const configs = readdirSync(routes, { recursive: true, encoding: 'utf8' }).filter((file) => /(^|[\\/])\+(page|layout)(@[^.]*)?(\.server)?\.[jt]s$/.test(file));
    for (const file of configs) {
      const settings = [...readFileSync(join(routes, file), 'utf8').matchAll(/\bssr\s*=\s*([^;\s]+)/g)].map((match) => match[1]);
      expect(settings.every((value) => value === 'false'), file).toBe(true);
    }
  });
});
