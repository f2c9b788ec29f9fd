import { protocol, type Session } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { APP_HOST, APP_SCHEME } from '../../preload/contract/index.js';
import { contentSecurityPolicy, HARDENING_HEADERS } from '../util/csp.js';
import { CONTENT_TYPES, resolveStaticPath } from '../util/static-files.js';

/**
 * Must run before `app.whenReady()`. A standard, secure scheme gives the renderer a real origin
 * (app://slicewise) instead of file://, which could read any local file (checklist item 18).
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Builds the response for one app:// request: a file of the renderer build, or 404. */
export async function appProtocolResponse(rendererDir: string, requestUrl: string): Promise<Response> {
  const headers = { 'Content-Security-Policy': contentSecurityPolicy(), ...HARDENING_HEADERS };
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return new Response('Bad request', { status: 400, headers });
  }
  const file = url.host === APP_HOST ? resolveStaticPath(rendererDir, url.pathname) : null;
  if (!file) return new Response('Not found', { status: 404, headers });
  try {
    const body = await readFile(file);
    return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' } });
  } catch {
    return new Response('Not found', { status: 404, headers });
  }
}

/** Serves the built renderer on app://slicewise/ for one session, with the CSP as a header. */
export function serveRenderer(session: Session, rendererDir: string): void {
  session.protocol.handle(APP_SCHEME, (request) => appProtocolResponse(rendererDir, request.url));
}
