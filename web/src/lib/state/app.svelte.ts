// What every page needs: the deployment's settings and the API client built from them.
import { getContext, setContext } from 'svelte';
import { loadConfig, type AppConfig } from '$lib/config.js';
import { ApiClient } from '$lib/api/ApiClient.js';

export class AppServices {
  /** Set by start(); the pages render once it has resolved. */
  config!: AppConfig;
  api!: ApiClient;

  /** Reads the deployment's settings (/config.json). */
  async start(): Promise<void> {
    this.config = await loadConfig();
    this.api = new ApiClient(this.config.apiUrl);
  }
}

const KEY = Symbol('app');
export function setApp(app: AppServices): AppServices {
  return setContext(KEY, app);
}
export function useApp(): AppServices {
  return getContext<AppServices>(KEY);
}
