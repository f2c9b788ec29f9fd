import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** PEM files and their bytes for one throwaway certificate. */
export interface PemPair {
  certPath: string;
  keyPath: string;
  cert: Buffer;
  key: Buffer;
}

/** A CA, certificates it signed, and a second unrelated CA: enough to provoke every TLS failure. */
export interface TestPki {
  ca: PemPair;
  /** Valid for 127.0.0.1 and localhost. */
  server: PemPair;
  /** Signed by `ca` but for the name `elsewhere.example` only: a name mismatch on 127.0.0.1. */
  wrongName: PemPair;
  /** Signed by `ca`, valid for 127.0.0.1, but already expired. */
  expired: PemPair;
  /** A client certificate for user `alice` in group `devs`. */
  client: PemPair;
  /** An unrelated CA (a server signed by `ca` is "unknown" to it). */
  otherCa: PemPair;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function pair(dir: string, name: string): PemPair {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  return { certPath, keyPath, cert: readFileSync(certPath), key: readFileSync(keyPath) };
}

/** Generates the PKI with the Debian `openssl` into `dir` (about 0.2 s). */
export function createTestPki(dir: string): TestPki {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  for (const ca of ['ca', 'other-ca']) openssl(['req', '-x509', ...ec, '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-subj', `/CN=slicewise-test-${ca}`, '-days', '2'], dir);
  const sign = (name: string, subject: string, ext: string, days: string) => {
    writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
    openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', days, '-extfile', `${name}.ext`], dir);
  };
  sign('server', '/CN=apiserver', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '2');
  sign('wrong-name', '/CN=elsewhere', 'subjectAltName=DNS:elsewhere.example', '2');
  // -days -1 makes notAfter a day before notBefore (= now): expired from the start.
  sign('expired', '/CN=apiserver', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-1');
  sign('client', '/O=devs/CN=alice', 'extendedKeyUsage=clientAuth', '2');
  return { ca: pair(dir, 'ca'), server: pair(dir, 'server'), wrongName: pair(dir, 'wrong-name'), expired: pair(dir, 'expired'), client: pair(dir, 'client'), otherCa: pair(dir, 'other-ca') };
}
