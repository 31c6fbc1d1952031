// Reads /config.json, served next to the app by each deployment, so one build serves them all.
// Relative URLs (the local stack uses "/api" and "/ws") are resolved against the page.
import type { ClientConfig, IceServer } from '$protocol';

export interface AppConfig {
  /** Absolute base URL of the HTTP API, without a trailing slash. */
  apiUrl: string;
  /** Absolute ws:// or wss:// URL of the signalling socket. */
  wsUrl: string;
  iceServers: IceServer[];
}

export async function loadConfig(): Promise<AppConfig> {
  const base = location.href;
  const response = await fetch(new URL('/config.json', base));
  if (!response.ok) throw new Error(`Could not load the app's settings (/config.json answered ${response.status}).`);
  const config = (await response.json()) as ClientConfig;
  const ws = new URL(config.wsUrl, base);
  ws.protocol = ws.protocol.replace('http', 'ws');
  return {
    apiUrl: new URL(config.apiUrl, base).href.replace(/\/$/, ''),
    wsUrl: ws.href,
    iceServers: Array.isArray(config.iceServers) ? config.iceServers : [],
  };
}
