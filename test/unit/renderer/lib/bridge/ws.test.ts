import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createWebSocketBridge } from '../../../../../renderer/lib/bridge/ws.js';
import { BridgeError, type ConnectionState } from '../../../../../preload/contract/index.js';
import { freePort } from '../../../../helpers/processes.js';

/** A tiny stand-in for the Slicewise server: answers calls, acknowledges subscriptions, counts them. */
async function fakeServer(port: number) {
  const server = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise((resolve) => server.once('listening', resolve));
  const subscribes: string[] = [];
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.kind === 'call') {
        if (message.method === 'app.info') socket.send(JSON.stringify({ kind: 'result', id: message.id, ok: true, result: { version: `v-${port}` } }));
        else socket.send(JSON.stringify({ kind: 'result', id: message.id, ok: false, error: { code: 'bad-request', message: 'nope' } }));
      } else if (message.kind === 'subscribe') {
        subscribes.push(message.topic);
        socket.send(JSON.stringify({ kind: 'result', id: message.id, ok: true, result: null }));
        socket.send(JSON.stringify({ kind: 'event', id: message.id, seq: 1, payload: { n: subscribes.length } }));
      }
    });
  });
  return {
    subscribes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

const sockets: WebSocket[] = [];
const factory = (url: string) => {
  const socket = new WebSocket(url);
  sockets.push(socket);
  return socket as unknown as globalThis.WebSocket;
};

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.terminate();
});

describe('WebSocket bridge (browser mode transport)', () => {
  it('makes typed calls and maps wire errors to BridgeError', async () => {
    const port = await freePort();
    const server = await fakeServer(port);
    const bridge = createWebSocketBridge(`ws://127.0.0.1:${port}/ws`, factory);
    expect(await bridge.call('app.info', null)).toEqual({ version: `v-${port}` });
    const failure = await bridge.call('contexts.list', null).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BridgeError);
    expect(failure).toMatchObject({ code: 'bad-request', message: 'nope' });
    await server.close();
  });

  it('reconnects after the server restarts and resubscribes live subscriptions only', async () => {
    const port = await freePort();
    let server = await fakeServer(port);
    const bridge = createWebSocketBridge(`ws://127.0.0.1:${port}/ws`, factory);
    const states: ConnectionState[] = [];
    bridge.onConnectionChange((state) => states.push(state));
    const payloads: unknown[] = [];
    bridge.subscribe('session.status', null, (payload) => payloads.push(payload));
    const stopped = bridge.subscribe('session.status', null, () => payloads.push('must not arrive after unsubscribe'));
    await expect.poll(() => payloads.length).toBe(2);
    stopped();

    await server.close();
    await expect.poll(() => states.at(-1)).toBe('reconnecting');
    server = await fakeServer(port);
    await expect.poll(() => states.at(-1), { timeout: 10_000 }).toBe('open');
    await expect.poll(() => server.subscribes).toEqual(['session.status']);
    await expect.poll(() => payloads.length).toBe(3);
    expect(payloads.at(-1)).toEqual({ n: 1 });
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    expect(await bridge.call('app.info', null)).toEqual({ version: `v-${port}` });
    await server.close();
  });

  it('fails calls in flight when the connection drops, with a closed error', async () => {
    const port = await freePort();
    const server = new WebSocketServer({ host: '127.0.0.1', port });
    server.on('connection', (socket) => socket.on('message', () => socket.terminate()));
    const bridge = createWebSocketBridge(`ws://127.0.0.1:${port}/ws`, factory);
    const failure = await bridge.call('app.info', null).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'closed' });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
