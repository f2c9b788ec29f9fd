import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A CA, an apiserver serving certificate and a client certificate, generated per run with the
 * `openssl` CLI (OpenSSL 3: `req -x509 -CA` issues and signs in one step). EC P-256 keys keep it
 * fast (~40 ms for all three). Nothing is hand-rolled.
 */
export interface SimCertificates {
  readonly caPem: string;
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
  /** The CA certificate file (Prometheus' tls_config reads a file). */
  readonly caFile: string;
}

const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'];

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: 20_000 });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`openssl failed (is the openssl CLI installed?): ${detail}`);
  }
}

/** Writes ca.crt/ca.key, server.crt/key and client.crt/key into `dir`. */
export async function createCertificates(dir: string, client: { user: string; group: string }): Promise<SimCertificates> {
  const path = (name: string) => join(dir, name);
  await openssl(['req', '-x509', ...KEY_ARGS, '-keyout', path('ca.key'), '-out', path('ca.crt'), '-subj', '/CN=kube-sim-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const issued = (name: string, subject: string, extensions: string[]) =>
    openssl(['req', '-x509', ...KEY_ARGS, '-keyout', path(`${name}.key`), '-out', path(`${name}.crt`), '-subj', subject, '-CA', path('ca.crt'), '-CAkey', path('ca.key'), '-addext', 'basicConstraints=critical,CA:FALSE', ...extensions.flatMap((e) => ['-addext', e])]);
  await Promise.all([
    issued('server', '/CN=kube-apiserver', ['subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc', 'extendedKeyUsage=serverAuth', 'keyUsage=critical,digitalSignature,keyEncipherment']),
    // Kubernetes maps the client certificate's CN to the user name and O to groups.
    issued('client', `/O=${client.group}/CN=${client.user}`, ['extendedKeyUsage=clientAuth', 'keyUsage=critical,digitalSignature,keyEncipherment']),
  ]);
  const read = (name: string) => readFile(path(name), 'utf8');
  const [caPem, serverCertPem, serverKeyPem, clientCertPem, clientKeyPem] = await Promise.all([read('ca.crt'), read('server.crt'), read('server.key'), read('client.crt'), read('client.key')]);
  return { caPem, serverCertPem, serverKeyPem, clientCertPem, clientKeyPem, caFile: path('ca.crt') };
}
