import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { WebSocketServer } from 'ws';
import { WEB_SOCKET_PATH, WEB_TOKEN_COOKIE, WEB_TOKEN_PARAM } from '../../preload/contract/index.js';
import type { Dispatcher } from '../core/dispatch.js';
import type { Logger } from '../util/log.js';
import { bindWebSocket } from './ws-bridge.js';
import { contentSecurityPolicy, HARDENING_HEADERS } from '../util/csp.js';
import { CONTENT_TYPES, resolveStaticPath } from '../util/static-files.js';


/** Largest message a page may send; calls carry small arguments only. */
const MAX_CLIENT_MESSAGE_BYTES = 1024 * 1024;

export interface WebServerOptions {
  dispatcher: Dispatcher;
  log: Logger;
  /** Folder holding the built renderer (`out/renderer`). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Normally random per launch; fixed only by tests that restart a server under one page. */
  token?: string;
}

export interface WebServer {
  readonly port: number;
  readonly token: string;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Browser mode: the built renderer and the contract over one WebSocket, on 127.0.0.1 only. Every
 * request needs the per-launch token (query or cookie); Host must name the loopback server (DNS
 * rebinding) and a WebSocket Origin, when present, must be this server (Lens CVE-2021-44458).
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const log = options.log.child('web');
  let port = 0;

  const isAllowedHost = (host: string | undefined): boolean =>
    host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  const isAllowedOrigin = (origin: string | undefined): boolean =>
    origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
  const tokenMatches = (candidate: string | null | undefined): boolean => {
    if (!candidate) return false;
    const bytes = Buffer.from(candidate);
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  };
  const requestToken = (request: IncomingMessage, url: URL): { fromQuery: boolean; ok: boolean } => {
    if (tokenMatches(url.searchParams.get(WEB_TOKEN_PARAM))) return { fromQuery: true, ok: true };
    return { fromQuery: false, ok: tokenMatches(readCookie(request.headers.cookie, WEB_TOKEN_COOKIE)) };
  };
  const csp = (): string => contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]);

  const reply = (response: ServerResponse, status: number, text: string): void => {
    response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': csp(), ...HARDENING_HEADERS });
    response.end(text);
  };

  const server = createServer(async (request, response) => {
    try {
      if (!isAllowedHost(request.headers.host)) {
        reply(response, 403, 'Forbidden: Slicewise answers only to http://127.0.0.1 or http://localhost on its own port.\n');
        return;
      }
      const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
      const auth = requestToken(request, url);
      if (!auth.ok) {
        reply(response, 401, 'Unauthorized: open the exact URL Slicewise printed when it started; it carries the access token.\n');
        return;
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        reply(response, 405, 'Method not allowed.\n');
        return;
      }
      const file = resolveStaticPath(options.rendererDir, url.pathname);
      if (!file) {
        reply(response, 404, 'Not found.\n');
        return;
      }
      let body: Buffer;
      try {
        body = await readFile(file);
      } catch {
        reply(response, 404, 'Not found.\n');
        return;
      }
      const headers: Record<string, string> = {
        'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': csp(),
        ...HARDENING_HEADERS,
      };
      if (auth.fromQuery) {
        headers['Set-Cookie'] = `${WEB_TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
      }
      response.writeHead(200, headers);
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch (error) {
      log.error('serving a request failed', error);
      if (!response.headersSent) reply(response, 500, 'Internal error.\n');
      else response.destroy();
    }
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  sockets.on('connection', (socket) => {
    bindWebSocket(socket, options.dispatcher, log);
  });

  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    socket.on('error', () => socket.destroy());
    if (!isAllowedHost(request.headers.host)) return refuse(403, 'Forbidden');
    if (!isAllowedOrigin(request.headers.origin)) return refuse(403, 'Forbidden');
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname !== WEB_SOCKET_PATH) return refuse(404, 'Not Found');
    if (!requestToken(request, url).ok) return refuse(401, 'Unauthorized');
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  });

  const openSockets = new Set<Socket>();
  server.on('connection', (socket) => {
    openSockets.add(socket);
    socket.on('close', () => openSockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: options.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?${WEB_TOKEN_PARAM}=${token}`,
    async close() {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of openSockets) socket.destroy();
      await closed;
    },
  };
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return null;
}
