// SvelteKit config: a static single-page app (adapter-static + 200.html fallback) so one build serves
// every deployment; the protocol module is shared with the Lambda handlers through the $protocol alias.
import adapter from './csp-adapter.js';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/**
 * The class that scopes a component's styles. Every styled element in the JS templates carries it, so the
 * default ('svelte-' and seven characters) cost about 0.1 KB gzipped on the meeting page. Three base-36
 * characters from the file name give 46,656 names; two components sharing one would share styles, so
 * that fails the build instead.
 * @type {Map<string, string>}
 */
const scopes = new Map();
/** @param {{ hash: (input: string) => string, filename: string }} component */
function scopeClass({ hash, filename }) {
  const name = `s-${hash(filename).slice(-3)}`;
  const owner = scopes.get(name) ?? filename;
  if (owner !== filename) throw new Error(`${filename} and ${owner} got the same style scope "${name}"; change scopeClass in web/svelte.config.js`);
  scopes.set(name, filename);
  return name;
}

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  compilerOptions: {
    // No window.__svelte version stamp (its own tiny chunk on every page).
    discloseVersion: false,
    cssHash: scopeClass,
  },
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
