import { createPrivateKey, X509Certificate } from 'node:crypto';

/** What the embedded broker needs for MQTT over TLS (docs/deploy.md "Devices over TLS and WebSocket"). */
export interface MqttTlsConfig {
  port: number;
  cert: Buffer;
  key: Buffer;
  /** Devices must also present a certificate signed by one of these (MQTT_TLS_CLIENT_CA). */
  clientCa?: Buffer;
}

interface TlsEnv {
  MQTTS_PORT: number;
  MQTT_TLS_CERT?: string | undefined;
  MQTT_TLS_KEY?: string | undefined;
  MQTT_TLS_CLIENT_CA?: string | undefined;
}

/**
 * The certificate and key named by MQTT_TLS_CERT / MQTT_TLS_KEY (PEM files, e.g. mounted secrets):
 * read, parsed and checked to belong together at start, so a wrong file is a configuration problem
 * rather than a listener that fails every handshake. Problems never quote the files' content.
 */
export function mqttTls(e: TlsEnv, readFile: (path: string) => string): MqttTlsConfig | string[] | undefined {
  if (e.MQTT_TLS_CERT === undefined && e.MQTT_TLS_KEY === undefined)
    return e.MQTT_TLS_CLIENT_CA === undefined ? undefined : ['MQTT_TLS_CLIENT_CA needs MQTT_TLS_CERT and MQTT_TLS_KEY'];
  if (e.MQTT_TLS_CERT === undefined || e.MQTT_TLS_KEY === undefined)
    return ['MQTT_TLS_CERT and MQTT_TLS_KEY must be set together (PEM files of the certificate and its key)'];
  const problems: string[] = [];
  const clientCaText =
    e.MQTT_TLS_CLIENT_CA === undefined
      ? undefined
      : read('MQTT_TLS_CLIENT_CA', e.MQTT_TLS_CLIENT_CA, readFile, problems);
  if (clientCaText !== undefined && !isCertificate(clientCaText))
    problems.push(`MQTT_TLS_CLIENT_CA: ${e.MQTT_TLS_CLIENT_CA} is not a PEM certificate`);
  const certText = read('MQTT_TLS_CERT', e.MQTT_TLS_CERT, readFile, problems);
  const keyText = read('MQTT_TLS_KEY', e.MQTT_TLS_KEY, readFile, problems);
  let cert: X509Certificate | undefined;
  let key: ReturnType<typeof createPrivateKey> | undefined;
  if (certText !== undefined) {
    try {
      cert = new X509Certificate(certText);
    } catch {
      problems.push(`MQTT_TLS_CERT: ${e.MQTT_TLS_CERT} is not a PEM certificate`);
    }
  }
  if (keyText !== undefined) {
    try {
      key = createPrivateKey(keyText);
    } catch {
      problems.push(`MQTT_TLS_KEY: ${e.MQTT_TLS_KEY} is not a PEM private key (or it is encrypted)`);
    }
  }
  if (cert && key && !cert.checkPrivateKey(key))
    problems.push('MQTT_TLS_KEY is not the private key of the certificate in MQTT_TLS_CERT');
  if (problems.length > 0 || certText === undefined || keyText === undefined) return problems;
  return {
    port: e.MQTTS_PORT,
    cert: Buffer.from(certText),
    key: Buffer.from(keyText),
    ...(clientCaText !== undefined && { clientCa: Buffer.from(clientCaText) }),
  };
}

function isCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}

function read(name: string, path: string, readFile: (path: string) => string, problems: string[]) {
  try {
    return readFile(path);
  } catch (err) {
    problems.push(`${name}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    return undefined;
  }
}
