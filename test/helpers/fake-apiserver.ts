import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** One request as the fake apiserver saw it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** Common name of the client certificate, when one was presented. */
  clientCertCn?: string;
}

export type FakeHandler = (req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest) => void | Promise<void>;

export interface FakeApiserver {
  url: string;
  port: number;
  requests: RecordedRequest[];
  setHandler(handler: FakeHandler): void;
  stop(): Promise<void>;
}

export interface FakeApiserverOptions {
  /** Serve TLS with this certificate; plain HTTP without it. */
  tls?: { cert: Buffer; key: Buffer; clientCa?: Buffer };
  handler?: FakeHandler;
}

/** Sends a Kubernetes `Status` error body with the given code. */
export function sendStatus(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
}

/** Sends a JSON body with status 200. */
export function sendJson(res: ServerResponse, body: unknown, code = 200): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * A tiny HTTPS (or HTTP) server on 127.0.0.1 and a kernel-chosen port that records every request,
 * for unit tests of the apiserver client before (and besides) the full simulator. It answers
 * `/version` like a 1.32 apiserver unless the handler does.
 */
export async function startFakeApiserver(options: FakeApiserverOptions = {}): Promise<FakeApiserver> {
  const requests: RecordedRequest[] = [];
  let handler: FakeHandler =
    options.handler ??
    ((req, res) => {
      if ((req.url ?? '').startsWith('/version')) sendJson(res, { major: '1', minor: '32', gitVersion: 'v1.32.4' });
      else sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
    });
  const sockets = new Set<Socket>();
  const listener = async (req: IncomingMessage, res: ServerResponse) => {
    const recorded: RecordedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers };
    const socket = req.socket as TLSSocket;
    if (typeof socket.getPeerCertificate === 'function') {
      const peer = socket.getPeerCertificate();
      if (peer && peer.subject) recorded.clientCertCn = peer.subject.CN as string;
    }
    requests.push(recorded);
    try {
      await handler(req, res, recorded);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    }
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key, ca: options.tls.clientCa, requestCert: Boolean(options.tls.clientCa), rejectUnauthorized: false }, listener)
    : createHttpServer(listener);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    setHandler(next) {
      handler = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
