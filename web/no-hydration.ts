// What only a server-rendered page needs, compiled out of the client. Every page here renders in the browser
// (`ssr = false` in src/routes/+layout.ts): SvelteKit starts each page by mounting it, and nothing rendered
// on the server is ever in the page to hydrate or to read. The client still carried that code, 2.2 KB
// gzipped on the meeting page:
// - Svelte guards its hydration code with one flag, `hydrating`, meant to tree-shake away when nothing calls
//   `hydrate()`. SvelteKit's root wrapper (svelte/legacy's asClassComponent) refers to `hydrate()`, so the
//   flag stayed a variable and every block kept its hydration branch. The flag is made a constant `false`,
//   and the root is mounted by web/mount-root.ts instead, which leaves out the rest of the Svelte 4 class.
//   Compiled components also step through the server's HTML as they build (`$.reset(node)`, `$.next()`);
//   with the flag false those calls do nothing, and they go too.
// - SvelteKit's start() hydrates when the page's bootstrap script hands it server-rendered data, and reads
//   the data SSR serialised into the page; without SSR the bootstrap calls `start(app, element)` and there is
//   no such data. Likewise, a `load` function's first fetches look for responses SSR inlined into the page
//   before they go to the network; here they go straight to it, as they did when none was found.
// If either library changes one of these lines, the plugin warns and leaves that module as it is (the size
// comes back); test/no-hydration.test.ts fails then too, as it does if a page turns SSR on.
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const MOUNT_ROOT = fileURLToPath(new URL('./mount-root.ts', import.meta.url));

interface Rewrite {
  module: RegExp;
  /** Each line to change (it must occur once), and what it becomes: as many lines, so source maps line up. */
  lines: [from: string, to: string][];
}

/** A compiled component's hydration steps: whole statements, which do nothing unless hydrating. */
const HYDRATION_STEP = /^\t*\$\.(reset|next)\([\w$]*\);$/gm;

const REWRITES: Rewrite[] = [
  {
    module: /[\\/]svelte[\\/]src[\\/]internal[\\/]client[\\/]dom[\\/]hydration\.js$/,
    lines: [
      ['export let hydrating = false;', 'export const hydrating = false;'],
      // Only hydrate() sets the flag to true (the other calls that do run only while hydrating).
      ['\thydrating = value;', ''],
    ],
  },
  {
    module: /[\\/]\.svelte-kit[\\/]generated[\\/]root\.js$/,
    lines: [["import { asClassComponent } from 'svelte/legacy';", `import { asClassComponent } from ${JSON.stringify(MOUNT_ROOT)};`]],
  },
  {
    module: /[\\/]@sveltejs[\\/]kit[\\/]src[\\/]runtime[\\/]client[\\/]client\.js$/,
    lines: [
      ['\tif (__SVELTEKIT_PAYLOAD__.data) {', '\tif (false) {'],
      ['\tif (hydrate) {\n\t\trestore_scroll();', '\tif (false) {\n\t\trestore_scroll();'],
      ['\t\t: initial_fetch(requested, init);', '\t\t: window.fetch(requested, init);'],
    ],
  },
];

export function noHydration(): Plugin {
  return {
    name: 'meshmeet:no-hydration',
    apply: 'build',
    // The server build keeps SvelteKit's own root: it renders each page's (empty) shell.
    applyToEnvironment: (environment) => environment.config.consumer === 'client',
    transform: {
      // After the Svelte plugin has compiled components.
      order: 'post',
      handler(code, id) {
        // (Emptied lines, not removed: the line count stays.)
        if (id.endsWith('.svelte')) return { code: code.replace(HYDRATION_STEP, ''), map: null };
        const rewrite = REWRITES.find(({ module }) => module.test(id));
        if (!rewrite) return null;
        const missing = rewrite.lines.find(([from]) => code.split(from).length !== 2);
        if (missing) {
          this.warn(`${id} no longer has ${JSON.stringify(missing[0])} once; see web/no-hydration.ts`);
          return null;
        }
        return { code: rewrite.lines.reduce((out, [from, to]) => out.replace(from, () => to), code), map: null };
      },
    },
  };
}
