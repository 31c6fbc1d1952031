// SvelteKit config: a static single-page app (adapter-static + 200.html fallback) so one build serves
// every deployment; the protocol module is shared with the Lambda handlers through the $protocol alias.
import adapter from './csp-adapter.js';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  // No window.__svelte version stamp (its own tiny chunk on every page).
  compilerOptions: { discloseVersion: false },
  // Our components are all runes-mode; a component without a rune would otherwise compile in legacy mode and
  // pull Svelte's legacy runtime onto every page.
  vitePlugin: { dynamicCompileOptions: ({ filename }) => (filename.includes('node_modules') ? undefined : { runes: true }) },
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: '200.html', strict: true }),
    alias: { $protocol: '../functions/protocol' },
    // Absolute asset paths: the same bootstrap works for every URL the SPA fallback serves.
    paths: { relative: false },
  },
};
