// The whole app runs in the browser (a static SPA); +layout.svelte starts by reading the deployment's settings.
// Nothing is ever hydrated, so the build leaves Svelte's hydration code out (web/no-hydration.ts).
export const ssr = false;
