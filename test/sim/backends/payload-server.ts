import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';

/**
 * A small HTTP server on 127.0.0.1 that answers with a payload computed per request. Recorded and
 * generated payloads are served this way, so port-forwards and proxies always reach a real TCP
 * server, exactly like they reach a real exporter process.
 */

export interface Payload {
  readonly status?: number;
  readonly contentType: string;
  readonly body: string;
}

export interface PayloadServer {
  readonly port: number;
  readonly url: string;
  /** How many requests it answered (tests assert that a scrape really reached it). */
  readonly requestCount: number;
  close(): Promise<void>;
}

/** Content-Type of Prometheus text format 0.0.4 as client_golang sends it. */
export const TEXT_FORMAT = 'text/plain; version=0.0.4; charset=utf-8';

export async function startPayloadServer(name: string, handler: (path: string, req: IncomingMessage) => Payload | undefined): Promise<PayloadServer> {
  let requestCount = 0;
  const server: Server = createServer((req, res) => {
    requestCount++;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let payload: Payload | undefined;
    try {
      payload = handler(path, req);
    } catch (error) {
      payload = { status: 500, contentType: 'text/plain; charset=utf-8', body: `${name}: ${error instanceof Error ? error.message : String(error)}\n` };
    }
    if (!payload) {
      payload = path === '/' ? { contentType: 'text/html; charset=utf-8', body: `<html><head><title>${name}</title></head><body><h1>${name}</h1><p><a href="/metrics">Metrics</a></p></body></html>\n` } : { status: 404, contentType: 'text/plain; charset=utf-8', body: '404 page not found\n' };
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) && payload.body.length > 1024;
    const body = gzip ? gzipSync(payload.body) : payload.body;
    res.writeHead(payload.status ?? 200, { 'Content-Type': payload.contentType, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}), 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get requestCount() {
      return requestCount;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
