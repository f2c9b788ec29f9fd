import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { ApiError } from './status.js';

/**
 * The apiserver's HTTP proxy to a pod or service endpoint (protocols.md §5): forwards method,
 * sub-path, query and body to the backing TCP address, drops hop-by-hop and credential headers,
 * and answers 503 with the apiserver's wording when nothing listens.
 */

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'authorization', 'host']);

export function proxyHttp(
  req: IncomingMessage,
  res: ServerResponse,
  target: { host: string; port: number; displayAddress: string },
  subPath: string,
  query: string,
): Promise<void> {
  return new Promise((resolve) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    const upstream = request(
      { host: target.host, port: target.port, method: req.method, path: `/${subPath}${query ? `?${query}` : ''}`, headers },
      (answer) => {
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
        answer.on('end', () => resolve());
        answer.on('error', () => {
          res.destroy();
          resolve();
        });
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      const cause = error.code === 'ECONNREFUSED' ? 'connect: connection refused' : error.message;
      const apiError = new ApiError(503, 'ServiceUnavailable', `error trying to reach service: dial tcp ${target.displayAddress}: ${cause}`);
      if (!res.headersSent) {
        res.writeHead(503, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(apiError.body()));
      } else res.destroy();
      resolve();
    });
    req.pipe(upstream);
  });
}
