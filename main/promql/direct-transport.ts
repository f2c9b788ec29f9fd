import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AppError } from '../util/app-error.js';
import type { PrometheusTransport } from './client.js';

/** Largest API answer accepted (a big label-values list or a long range); beyond it the call fails. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export interface DirectTransportOptions {
  /** PEM CA bundle for a private CA; the system roots are used otherwise. */
  caPem?: string;
  insecureSkipTlsVerify?: boolean;
}

/**
 * Reaches a Prometheus-compatible API at a URL the user gave (Thanos, Mimir, VictoriaMetrics, or an
 * in-cluster Prometheus behind an ingress). The base URL may carry a path prefix (`/prometheus`,
 * `/select/0/prometheus`); API paths are appended to it.
 */
export function directTransport(baseUrl: string, options: DirectTransportOptions = {}): PrometheusTransport {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new AppError('bad-request', `"${baseUrl}" is not a URL; give one like https://prometheus.example.com or http://127.0.0.1:9090.`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new AppError('bad-request', 'A Prometheus URL must start with http:// or https://.');
  if (base.username || base.password) throw new AppError('bad-request', 'Put credentials in the bearer-token field, not in the URL.');
  const prefix = base.pathname.replace(/\/+$/, '');
  const display = `${base.protocol}//${base.host}${prefix}`;

  return (pathAndQuery, init) =>
    new Promise((resolve, reject) => {
      const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port || undefined,
          path: `${prefix}${pathAndQuery}`,
          method: init.method,
          headers: { ...init.headers, ...(init.body ? { 'Content-Length': Buffer.byteLength(init.body).toString() } : {}) },
          ca: options.caPem,
          rejectUnauthorized: !options.insecureSkipTlsVerify,
          signal: init.signal,
          timeout: init.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy(new AppError('limit', `The answer from ${display} is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB; narrow the query.`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (error) => reject(mapError(error, display)));
        },
      );
      req.on('timeout', () => req.destroy(new AppError('timeout', `${display} did not answer within ${Math.round(init.timeoutMs / 1000)} s.`)));
      req.on('error', (error) => reject(mapError(error, display)));
      req.end(init.body);
    });
}

function mapError(error: unknown, display: string): AppError {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new AppError('dns', `Cannot resolve the host of ${display}.`);
  if (code === 'ECONNREFUSED') return new AppError('unreachable', `Nothing answers at ${display} (connection refused).`);
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN') {
    return new AppError('tls', `The TLS certificate of ${display} is not trusted (${code}).`, { hint: 'Give the CA bundle, or allow an insecure connection for this URL.' });
  }
  if (code === 'ABORT_ERR') return new AppError('closed', 'The request was cancelled.');
  return new AppError('unreachable', `Cannot reach ${display}: ${(error as Error).message}`);
}
