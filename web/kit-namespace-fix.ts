// SvelteKit's client runtime reads two functions out of `import * as svelte` by destructuring:
//   const { onMount, tick } = svelte;
// Rolldown (Vite 8's bundler) treats a destructured namespace as wholly used, so every export of 'svelte'
// (createEventDispatcher, createRawSnippet, hydratable, ...) was kept: 0.9 KB gzipped on every page.
// Member reads (`svelte.tick`) tree-shake, so this rewrites that one line at build time. If SvelteKit
// changes the line, the plugin warns and does nothing; the size bench then shows the cost come back.
import type { Plugin } from 'vite';

const CLIENT = /[\\/]@sveltejs[\\/]kit[\\/]src[\\/]runtime[\\/]client[\\/]client\.js$/;
const DESTRUCTURE = 'const { onMount, tick } = svelte;';
const MEMBER_READS = 'const onMount = svelte.onMount, tick = svelte.tick;';

export function kitNamespaceFix(): Plugin {
  return {
    name: 'meshmeet:kit-namespace-fix',
    apply: 'build',
    transform(code, id) {
      if (!CLIENT.test(id)) return null;
      if (!code.includes(DESTRUCTURE)) {
        this.warn(`SvelteKit's client no longer has "${DESTRUCTURE}"; see web/kit-namespace-fix.ts`);
        return null;
      }
      // Same line count, so source maps still line up.
      return { code: code.replace(DESTRUCTURE, MEMBER_READS), map: null };
    },
  };
}
