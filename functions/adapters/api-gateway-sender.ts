// Sends to WebSocket clients through API Gateway's @connections management API. A 410 GoneException
// means the socket is gone (its $disconnect may never come): reported as 'gone' so the domain can clean up.
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { MessageSender, SendResult } from '../domain/ports.js';
import { env } from './env.js';

const clients = new Map<string, ApiGatewayManagementApiClient>();

/**
 * The management endpoint of the API that invoked us, as AWS documents it: https://{domainName}/{stage}.
 * The local gateway runs on plain HTTP at a loopback address.
 */
export function managementEndpoint(domainName: string, stage: string): string {
  const local = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(domainName);
  return `${local ? 'http' : 'https'}://${domainName}/${stage}`;
}

export class ApiGatewaySender implements MessageSender {
  readonly #client: ApiGatewayManagementApiClient;

  constructor(endpoint: string) {
    let client = clients.get(endpoint);
    if (!client) {
      const local = endpoint.startsWith('http://');
      client = new ApiGatewayManagementApiClient({
        endpoint,
        ...(local ? { region: 'local', credentials: { accessKeyId: env.localManagementKey() ?? 'local', secretAccessKey: 'local' } } : {}),
      });
      clients.set(endpoint, client);
    }
    this.#client = client;
  }

  async send(connectionId: string, message: unknown): Promise<SendResult> {
    try {
      await this.#client.send(
        new PostToConnectionCommand({ ConnectionId: connectionId, Data: new TextEncoder().encode(JSON.stringify(message)) }),
      );
      return 'sent';
    } catch (e) {
      if ((e as { name?: string }).name === 'GoneException') return 'gone';
      throw e;
    }
  }
}
