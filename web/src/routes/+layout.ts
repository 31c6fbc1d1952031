// The whole app runs in the browser (a static SPA); +layout.svelte starts by reading the deployment's settings.
export const ssr = false;
