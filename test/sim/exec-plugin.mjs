#!/usr/bin/env node
// The simulator's exec credential plugin (client.authentication.k8s.io/v1). kubectl, client-node and
// python-kubernetes run it as the kubeconfig's `exec` user; it prints an ExecCredential whose token is
// an HMAC over {user, issued-at, expiry} with the per-run secret from the kubeconfig's `exec.env`
// (format: test/sim/api/auth.ts). Each run appends one line to SLICEWISE_SIM_EXEC_LOG so tests can
// count how often clients re-ran the plugin. Plain Node, no dependencies, so any client can spawn it.
import { createHmac } from 'node:crypto';
import { appendFileSync } from 'node:fs';

const secret = process.env.SLICEWISE_SIM_EXEC_SECRET;
const user = process.env.SLICEWISE_SIM_EXEC_USER || 'sim-exec';
const ttlSeconds = Number(process.env.SLICEWISE_SIM_EXEC_TTL_SECONDS || '600');
if (!secret) {
  process.stderr.write('exec-plugin: SLICEWISE_SIM_EXEC_SECRET is not set; use the kubeconfig the simulator wrote\n');
  process.exit(1);
}

// Answer with the apiVersion the client asked for (KUBERNETES_EXEC_INFO), as client-go requires.
let apiVersion = 'client.authentication.k8s.io/v1';
try {
  const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO || '{}');
  if (typeof info.apiVersion === 'string' && info.apiVersion) apiVersion = info.apiVersion;
} catch {
  // No or bad exec info: keep v1.
}

const issuedMs = Date.now();
const expiresMs = issuedMs + ttlSeconds * 1000;
const payload = Buffer.from(JSON.stringify({ u: user, iat: issuedMs, exp: expiresMs })).toString('base64url');
const signature = createHmac('sha256', secret).update(payload).digest('base64url');
const token = `simexec.${payload}.${signature}`;

if (process.env.SLICEWISE_SIM_EXEC_LOG) {
  try {
    appendFileSync(process.env.SLICEWISE_SIM_EXEC_LOG, `${issuedMs}\n`);
  } catch {
    // The log is a test aid only.
  }
}

process.stdout.write(
  JSON.stringify({
    apiVersion,
    kind: 'ExecCredential',
    status: { token, expirationTimestamp: new Date(expiresMs).toISOString().replace(/\.\d{3}Z$/, 'Z') },
  }) + '\n',
);
