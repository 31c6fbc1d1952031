// Vite config for the web client; built with `npm run build:web` into web/build.
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { kitNamespaceFix } from './kit-namespace-fix.js';
import { noHydration } from './no-hydration.js';
import { terserPass } from './terser-pass.js';

interface ModuleGraph {
  getModuleInfo(id: string): { importers: readonly string[] } | null;
}

// Where a module's static importers lead: route files, or SvelteKit's own entry points.
const ROOT = /[\\/]src[\\/]routes[\\/](.*[\\/])?\+(page|layout|error)(@[^.]*)?\.(svelte|[jt]s)$|[\\/]client-optimized[\\/]app\.js$|[\\/]runtime[\\/]client[\\/]entry\.js$/;
const EVERY_PAGE = /\+layout[^\\/]*$|app\.js$|entry\.js$/;

function rootsReaching(id: string, graph: ModuleGraph): Set<string> {
  const roots = new Set<string>();
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length) {
    const current = stack.pop()!;
    if (seen.has(current)) continue;
    seen.add(current);
    if (ROOT.test(current)) roots.add(current);
    else stack.push(...(graph.getModuleInfo(current)?.importers ?? []));
  }
  return roots;
}

/**
 * One chunk for what (nearly) every page loads: Svelte, SvelteKit and the modules the root layout or three
 * or more routes use. Without it Rollup-style splitting leaves a dozen small shared chunks, and each file
 * gzips on its own, so a page paid a few KB for the split alone. Route components and what only one or two
 * routes use (the meeting screen, the sign-in form) stay in their own chunks, loaded by those routes only.
 */
function sharedChunk(id: string, graph: ModuleGraph): string | null {
  // SvelteKit's route nodes and its app entry stay entry chunks of their own.
  if (/[\\/]client-optimized[\\/](app\.js|nodes[\\/])/.test(id)) return null;
  // Universal +page.ts/+layout.ts modules are tiny; kept apart they pull the bundler's namespace helper into a chunk of its own.
  if (/[\\/]src[\\/]routes[\\/](.*[\\/])?\+(page|layout)\.[jt]s$/.test(id)) return 'shared';
  const roots = [...rootsReaching(id, graph)];
  return roots.length >= 3 || roots.some((root) => EVERY_PAGE.test(root)) ? 'shared' : null;
}

/** The routes that only show the meeting screen: a meeting's own URL, and /new. */
const MEETING_PAGES = /[\\/]src[\\/]routes[\\/](m[\\/]\[code\]|new)[\\/]\+page\.svelte$/;

/**
 * The meeting screen's chunk: what only the meeting routes use, their two small page components included. A
 * page component left in its route's node file makes the meeting page load one more small file that gzips on
 * its own (~0.1 KB more); the node file then only re-exports it. Applied after the shared chunk took its
 * modules, so nothing the other pages need is pulled in with it.
 */
function meetingChunk(id: string, graph: ModuleGraph): string | null {
  const roots = [...rootsReaching(id, graph)];
  return roots.length > 0 && roots.every((root) => MEETING_PAGES.test(root)) ? 'meeting' : null;
}

export default defineConfig({
  plugins: [kitNamespaceFix(), noHydration(), sveltekit(), terserPass()],
  build: {
    rolldownOptions: {
      // The timing report is for bundler work; on every `npm start` it is noise.
      checks: { bundlerTimings: false },
      output: {
        codeSplitting: {
          groups: [
            { name: sharedChunk, debugName: 'shared', priority: 2 },
            { name: meetingChunk, debugName: 'meeting', priority: 1 },
          ],
        },
      },
    },
  },
});
