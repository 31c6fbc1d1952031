// The local API Gateway is only useful if it behaves like the real one where our handlers can tell:
// the @connections management API as the real SDK sees it, route selection, and the 2-hour/idle limits.
import { ApiGatewayManagementApiClient, GetConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { describe, expect, it } from 'vitest';
import { ApiGatewaySender } from '../functions/adapters/api-gateway-sender.js';
import { MAX_FRAME_BYTES, MAX_MESSAGE_BYTES } from '../functions/protocol/index.js';
import { useLocalStack } from './support/local-stack.js';

const local = useLocalStack({ idleTimeoutMs: 1500 });

const management = () =>
  new ApiGatewayManagementApiClient({
    endpoint: `${local.url}/local`,
    region: 'local',
    // The key the local stack made for its handlers: @connections takes no other.
    credentials: { accessKeyId: process.env.LOCAL_MANAGEMENT_KEY!, secretAccessKey: 'x' },
  });

describe('@connections', () => {
  it('posts to a live connection and describes it, with ids that need URL-encoding', async () => {
    const { token } = await local.guest();
    const before = new Set(local.stack.gateway.connectionIds());
    const client = await local.connect(token);
    const id = local.stack.gateway.connectionIds().find((c) => !before.has(c))!;
    expect(id).toMatch(/^[A-Za-z0-9+/]{15}=$/);

    await management().send(new PostToConnectionCommand({ ConnectionId: id, Data: new TextEncoder().encode('{"type":"pong"}') }));
    await client.next('pong');
    const info = await management().send(new GetConnectionCommand({ ConnectionId: id }));
    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.Identity?.SourceIp).toBe('127.0.0.1');
    client.close();
  });

  it('answers a gone connection with 410 GoneException, which our sender reports as gone', async () => {
    const error = await management()
      .send(new PostToConnectionCommand({ ConnectionId: 'Qm7rTh5JoAMCLbQ=', Data: new Uint8Array([123, 125]) }))
      .catch((e: unknown) => e as { name: string; $metadata: { httpStatusCode: number } });
    expect(error).toMatchObject({ name: 'GoneException', $metadata: { httpStatusCode: 410 } });
    expect(await new ApiGatewaySender(`${local.url}/local`).send('Qm7rTh5JoAMCLbQ=', { type: 'pong' })).toBe('gone');
  });

  it('answers a post over 128 KB with 413 PayloadTooLargeException and delivers nothing', async () => {
    const { token } = await local.guest();
    const before = new Set(local.stack.gateway.connectionIds());
    const client = await local.connect(token);
    const id = local.stack.gateway.connectionIds().find((c) => !before.has(c))!;
    const post = (bytes: number) =>
      management().send(new PostToConnectionCommand({ ConnectionId: id, Data: new TextEncoder().encode(`"${'x'.repeat(bytes - 2)}"`) }));
    const error = await post(MAX_MESSAGE_BYTES + 1).catch((e: unknown) => e as { name: string; $metadata: { httpStatusCode: number } });
    expect(error).toMatchObject({ name: 'PayloadTooLargeException', $metadata: { httpStatusCode: 413 } });
    // Not 'gone': the sender throws, so a caller cannot mistake it for a closed socket.
    await expect(new ApiGatewaySender(`${local.url}/local`).send(id, 'x'.repeat(MAX_MESSAGE_BYTES))).rejects.toMatchObject({
      name: 'PayloadTooLargeException',
    });
    await post(MAX_MESSAGE_BYTES);
    await new Promise((r) => setTimeout(r, 100));
    expect(client.messages).toEqual(['x'.repeat(MAX_MESSAGE_BYTES - 2)]);
    client.close();
  });

  it('refuses a request that is not from the handlers: unsigned, signed with another key, or for another host name', async () => {
    const { token } = await local.guest();
    const before = new Set(local.stack.gateway.connectionIds());
    const client = await local.connect(token);
    const id = local.stack.gateway.connectionIds().find((c) => !before.has(c))!;
    const url = `${local.url}/local/@connections/${encodeURIComponent(id)}`;
    const signed = { authorization: `AWS4-HMAC-SHA256 Credential=${process.env.LOCAL_MANAGEMENT_KEY}/20260101/local/execute-api/aws4_request` };
    const unsigned = await fetch(url, { method: 'POST', body: '{"type":"chat","name":"Host"}' });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
    // Signed, but not with this stack's key (what anyone could send through a proxy on this machine).
    const guessed = await fetch(url, {
      method: 'POST',
      body: '{"type":"chat","name":"Host"}',
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/local/execute-api/aws4_request' },
    });
    expect(guessed.status).toBe(403);
    // A page whose DNS rebinds to this machine sends its own name as the Host (fetch cannot set it: node:http can).
    const { request } = await import('node:http');
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'GET', headers: { ...signed, host: 'evil.example' } }, (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject).end();
    });
    expect(rebound).toBe(403);
    await client.nothing('chat', 100);
    client.close();
  });

  it('answers a malformed connection id with 400 and keeps serving', async () => {
    const res = await fetch(`${local.url}/local/@connections/%E0%A4%A`, {
      method: 'POST',
      body: '{}',
      headers: { authorization: `AWS4-HMAC-SHA256 Credential=${process.env.LOCAL_MANAGEMENT_KEY}/20260101/local/execute-api/aws4_request` },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    expect((await fetch(`${local.url}/config.json`)).status).toBe(200);
  });
});

describe('connection limits', () => {
  it('closes a socket idle for longer than the idle timeout with 1001', async () => {
    const { token } = await local.guest();
    const client = await local.connect(token);
    expect(await client.closed()).toBe(1001);
  });

  it('keeps a socket that pings alive past the idle timeout', async () => {
    const { token } = await local.guest();
    const client = await local.connect(token);
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 600));
      client.send({ action: 'ping' });
      await client.next('pong');
    }
    expect(client.closeCode).toBeUndefined();
    client.close();
  });

  it('takes a frame of 32 KB and closes one a byte longer with 1009, as API Gateway does', async () => {
    const { token } = await local.guest();
    const client = await local.connect(token);
    const frame = (bytes: number) => {
      const head = '{"action":"nope","pad":"';
      return `${head}${'p'.repeat(bytes - head.length - 2)}"}`;
    };
    client.send(frame(MAX_FRAME_BYTES));
    expect((await client.next('error')).code).toBe('unknown-action');
    client.send(frame(MAX_FRAME_BYTES + 1));
    expect(await client.closed()).toBe(1009);
  });

  it('closes binary frames with 1003, as API Gateway does', async () => {
    const { token } = await local.guest();
    const client = await local.connect(token);
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.closed()).toBe(1003);
  });
});
