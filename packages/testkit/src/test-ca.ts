import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Debian's openssl CLI: what makes the certificates, as an operator would (docs/deploy.md). */
export const OPENSSL = '/usr/bin/openssl';
export const OPENSSL_INSTALL_HINT = 'install openssl (apt-get install -y openssl)';

export interface TestCa {
  /** The directory holding `ca.crt`, `server.crt`, `server.key` (what a volume would mount). */
  dir: string;
  caCertFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  /** PEM contents of the same files. */
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
  /** A client certificate signed by the same CA (extended key usage clientAuth), and its key. */
  clientCert: Buffer;
  clientKey: Buffer;
  remove(): Promise<void>;
}

const run = promisify(execFile);

/**
 * A throwaway CA, a server certificate it signed for `localhost` and 127.0.0.1 and a client
 * certificate (P-256, one day), made by the openssl CLI in a temp dir of their own: TLS tests trust
 * this CA and nothing else.
 */
export async function makeTestCa(name = 'Vigil Test CA'): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-ca-'));
  const at = (f: string) => join(dir, f);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  try {
    await run(OPENSSL, [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      at('ca.key'),
      '-out',
      at('ca.crt'),
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await run(OPENSSL, ['req', ...ec, '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=localhost']);
    await writeFile(
      at('server.ext'),
      [
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=serverAuth',
        '',
      ].join('\n'),
    );
    await run(OPENSSL, [
      'x509',
      '-req',
      '-in',
      at('server.csr'),
      '-CA',
      at('ca.crt'),
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-out',
      at('server.crt'),
      '-days',
      '1',
      '-extfile',
      at('server.ext'),
    ]);
    await run(OPENSSL, ['req', ...ec, '-keyout', at('client.key'), '-out', at('client.csr'), '-subj', '/CN=device']);
    await writeFile(at('client.ext'), 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
    await run(OPENSSL, [
      'x509',
      '-req',
      '-in',
      at('client.csr'),
      '-CA',
      at('ca.crt'),
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-out',
      at('client.crt'),
      '-days',
      '1',
      '-extfile',
      at('client.ext'),
    ]);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    dir,
    caCertFile: at('ca.crt'),
    serverCertFile: at('server.crt'),
    serverKeyFile: at('server.key'),
    ca: await readFile(at('ca.crt')),
    cert: await readFile(at('server.crt')),
    key: await readFile(at('server.key')),
    clientCert: await readFile(at('client.crt')),
    clientKey: await readFile(at('client.key')),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
