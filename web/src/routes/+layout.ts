// The whole app runs in the browser (a static SPA); it starts by reading the deployment's settings.
import { loadConfig } from '$lib/config.js';
import type { LayoutLoad } from './$types';

export const ssr = false;

export const load: LayoutLoad = async ({ fetch }) => ({ config: await loadConfig(fetch) });
