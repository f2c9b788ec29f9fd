import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * Authentication of simulator requests: static bearer tokens, client certificates signed by the
 * run's CA (CN = user), and exec-plugin tokens.
 *
 * Exec tokens are stateless: `simexec.<base64url(JSON {u, iat, exp})>.<base64url(HMAC-SHA256(secret, middle part))>`,
 * minted by test/sim/exec-plugin.mjs with the per-run secret it receives through the kubeconfig's
 * `exec.env`. `expireExecTokens()` rejects every token issued before the call, so clients get 401
 * until they re-run the plugin (client-go does on 401; protocols.md §1.4).
 */

export type AuthMethod = 'token' | 'client-cert' | 'exec' | 'anonymous';

export interface Identity {
  readonly user: string;
  readonly method: AuthMethod;
}

export const EXEC_TOKEN_PREFIX = 'simexec.';

export function signExecPayload(secret: string, payloadB64: string): string {
  return createHmac('sha256', secret).update(payloadB64).digest('base64url');
}

/** Mints an exec token the way the plugin does (tests use it to forge expired or foreign tokens). */
export function mintExecToken(secret: string, user: string, issuedMs: number, expiresMs: number): string {
  const payload = Buffer.from(JSON.stringify({ u: user, iat: issuedMs, exp: expiresMs })).toString('base64url');
  return `${EXEC_TOKEN_PREFIX}${payload}.${signExecPayload(secret, payload)}`;
}

export class Authenticator {
  readonly #tokens: ReadonlyMap<string, string>;
  readonly #execSecret: string;
  #execNotBeforeMs = 0;

  constructor(options: { tokens: ReadonlyMap<string, string>; execSecret: string }) {
    this.#tokens = options.tokens;
    this.#execSecret = options.execSecret;
  }

  /** Rejects every exec token issued up to now. */
  expireExecTokens(nowMs = Date.now()): void {
    this.#execNotBeforeMs = nowMs;
  }

  authenticate(req: IncomingMessage): Identity | null {
    const header = req.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) return null;
      return this.#fromToken(match[1]);
    }
    const socket = req.socket as TLSSocket;
    if (socket.authorized) {
      const cert = socket.getPeerCertificate();
      const cn = cert?.subject?.CN;
      const user = Array.isArray(cn) ? cn[0] : cn;
      if (user) return { user, method: 'client-cert' };
    }
    return null;
  }

  #fromToken(token: string): Identity | null {
    const user = this.#tokens.get(token);
    if (user) return { user, method: 'token' };
    if (!token.startsWith(EXEC_TOKEN_PREFIX)) return null;
    const [payload, signature] = token.slice(EXEC_TOKEN_PREFIX.length).split('.');
    if (!payload || !signature) return null;
    const expected = Buffer.from(signExecPayload(this.#execSecret, payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { u?: string; iat?: number; exp?: number };
      const now = Date.now();
      if (typeof claims.u !== 'string' || typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return null;
      if (claims.exp <= now || claims.iat <= this.#execNotBeforeMs) return null;
      return { user: claims.u, method: 'exec' };
    } catch {
      return null;
    }
  }
}
