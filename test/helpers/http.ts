import { request } from 'node:http';
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A plain HTTP GET with full control over headers (fetch() would not let tests forge Host). */
export function rawGet(options: { host?: string; port: number; path: string; headers?: Record<string, string>; method?: string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: options.host ?? '127.0.0.1', port: options.port, path: options.path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * Sends a WebSocket upgrade request by hand and returns the status line's code (101 when accepted),
 * so tests can forge Origin and Host the way a hostile page or a DNS-rebinding page would.
 */
export function rawUpgrade(options: { port: number; path: string; host?: string; origin?: string; cookie?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: options.port });
    let head = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      const lines = [
        `GET ${options.path} HTTP/1.1`,
        `Host: ${options.host ?? `127.0.0.1:${options.port}`}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
      ];
      if (options.origin) lines.push(`Origin: ${options.origin}`);
      if (options.cookie) lines.push(`Cookie: ${options.cookie}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    socket.on('data', (chunk: string) => {
      head += chunk;
      const match = head.match(/^HTTP\/1\.1 (\d{3})/);
      if (match) {
        socket.destroy();
        resolve(Number(match[1]));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => {
      if (!/^HTTP\/1\.1 \d{3}/.test(head)) reject(new Error(`connection closed without a status line: ${JSON.stringify(head)}`));
    });
  });
}
