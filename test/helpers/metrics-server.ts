// A local HTTP server on 127.0.0.1 (port chosen at run time) whose routes misbehave on purpose, for
// scrape-loop tests: plain and gzip metrics, a server that hangs, a body that never ends, HTML, big
// bodies and a gzip bomb. `stop()` and `restart()` make a target disappear and return on the same
// port.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Route = (request: IncomingMessage, response: ServerResponse) => void;

export interface MetricsServer {
  readonly port: number;
  url(path: string): string;
  /** Requests seen, by path. */
  hits(path: string): number;
  /** Last request headers for a path. */
  lastHeaders(path: string): IncomingMessage['headers'] | undefined;
  route(path: string, handler: Route): void;
  /** Closes the listener and every open connection. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
}

export async function startMetricsServer(routes: Record<string, Route> = {}): Promise<MetricsServer> {
  const table = new Map(Object.entries(routes));
  const hits = new Map<string, number>();
  const headers = new Map<string, IncomingMessage['headers']>();
  const sockets = new Set<Socket>();
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    hits.set(path, (hits.get(path) ?? 0) + 1);
    headers.set(path, request.headers);
    const route = table.get(path);
    if (!route) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    route(request, response);
  };
  let server: Server = createServer(handler);
  const track = (s: Server) => s.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  track(server);
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    hits: (path) => hits.get(path) ?? 0,
    lastHeaders: (path) => headers.get(path),
    route: (path, route) => table.set(path, route),
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async restart() {
      server = createServer(handler);
      track(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: '127.0.0.1', port }, resolve);
      });
    },
  };
}

/** A route answering `body` as text 0.0.4 (or the given content type). */
export function textRoute(body: string | (() => string), contentType = 'text/plain; version=0.0.4; charset=utf-8'): Route {
  return (_request, response) => {
    response.writeHead(200, { 'Content-Type': contentType }).end(typeof body === 'function' ? body() : body);
  };
}
