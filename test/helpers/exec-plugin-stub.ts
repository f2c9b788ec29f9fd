import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A fake exec credential plugin: a Node script with an absolute shebang, steered by env entries in
 * the kubeconfig (`STUB_DIR`, `STUB_MODE`, ...). Every run appends one JSON line to `calls.jsonl`
 * (argv, KUBERNETES_EXEC_INFO, pid) and writes `marker`, so tests can prove whether it ran at all.
 *
 * Modes: `token` (default; token `<STUB_TOKEN_PREFIX>-<run number>`, valid `STUB_TTL_MS` ms if set),
 * `cert` (returns STUB_CERT_FILE/STUB_KEY_FILE contents), `sleep` (writes its pid, then sleeps 30 s),
 * `huge` (prints 2 MiB), `fail` (exits 3); STUB_STDERR_FILE's contents go to stderr in every mode (not an env value, which
 * would be redacted as a whole), `not-json`,
 * `wrong-version` (answers with the other apiVersion).
 */
export const STUB_SOURCE = `
const fs = require('node:fs');
const path = require('node:path');
const dir = process.env.STUB_DIR;
const countFile = path.join(dir, 'count');
const run = (fs.existsSync(countFile) ? Number(fs.readFileSync(countFile, 'utf8')) : 0) + 1;
fs.writeFileSync(countFile, String(run));
fs.writeFileSync(path.join(dir, 'marker'), 'ran');
fs.appendFileSync(path.join(dir, 'calls.jsonl'), JSON.stringify({ argv: process.argv.slice(2), info: process.env.KUBERNETES_EXEC_INFO ?? null, pid: process.pid }) + '\\n');
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO || '{}');
const apiVersion = info.apiVersion || 'client.authentication.k8s.io/v1';
const mode = process.env.STUB_MODE || 'token';
const answer = (status, version = apiVersion) => process.stdout.write(JSON.stringify({ kind: 'ExecCredential', apiVersion: version, status }));
if (process.env.STUB_STDERR_FILE) process.stderr.write(fs.readFileSync(process.env.STUB_STDERR_FILE, 'utf8'));
if (mode === 'sleep') {
  fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
  setTimeout(() => answer({ token: 'too-late' }), 30000);
} else if (mode === 'huge') {
  process.stdout.write('x'.repeat(2 * 1024 * 1024));
} else if (mode === 'fail') {
  process.exitCode = 3;
} else if (mode === 'not-json') {
  process.stdout.write('token=' + (process.env.STUB_TOKEN_PREFIX || 'stub') + '\\n');
} else if (mode === 'wrong-version') {
  answer({ token: 'x' }, apiVersion.endsWith('v1') ? 'client.authentication.k8s.io/v1beta1' : 'client.authentication.k8s.io/v1');
} else if (mode === 'cert') {
  answer({ clientCertificateData: fs.readFileSync(process.env.STUB_CERT_FILE, 'utf8'), clientKeyData: fs.readFileSync(process.env.STUB_KEY_FILE, 'utf8') });
} else {
  const status = { token: (process.env.STUB_TOKEN_PREFIX || 'stub') + '-' + run };
  if (process.env.STUB_TTL_MS) status.expirationTimestamp = new Date(Date.now() + Number(process.env.STUB_TTL_MS)).toISOString();
  answer(status);
}
`;

export interface StubCall {
  argv: string[];
  info: string | null;
  pid: number;
}

/** Writes the stub into `dir` and returns its path plus readers for what it recorded. */
export function writeExecPluginStub(dir: string, name = 'fake-login'): { command: string; calls: () => StubCall[]; ran: () => boolean; runs: () => number } {
  const command = join(dir, name);
  writeFileSync(command, `#!${process.execPath}\n${STUB_SOURCE}`);
  chmodSync(command, 0o755);
  return {
    command,
    calls: () =>
      existsSync(join(dir, 'calls.jsonl'))
        ? readFileSync(join(dir, 'calls.jsonl'), 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as StubCall)
        : [],
    ran: () => existsSync(join(dir, 'marker')),
    runs: () => (existsSync(join(dir, 'count')) ? Number(readFileSync(join(dir, 'count'), 'utf8')) : 0),
  };
}
