// What every page needs: the deployment's settings and the API client built from them.
import { getContext, setContext } from 'svelte';
import type { AppConfig } from '$lib/config.js';
import { ApiClient } from '$lib/api/ApiClient.js';

export class AppServices {
  readonly config: AppConfig;
  readonly api: ApiClient;

  constructor(config: AppConfig) {
    this.config = config;
    this.api = new ApiClient(config.apiUrl);
  }
}

const KEY = Symbol('app');
export function setApp(app: AppServices): AppServices {
  return setContext(KEY, app);
}
export function useApp(): AppServices {
  return getContext<AppServices>(KEY);
}
