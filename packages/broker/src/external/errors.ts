/** Why an external-broker operation failed (STYLE.md §6: errors carry codes; tests assert codes). */
export type ExternalBrokerErrorCode =
  /** The broker refused the platform's credentials (CONNACK 4/5, MQTT 5 0x86/0x87). */
  | 'MQTT_AUTH_REFUSED'
  /** The broker refused the platform's subscription (SUBACK 0x80 or 0x87): its role lacks the ACL. */
  | 'MQTT_SUBSCRIBE_REFUSED'
  /** Not connected and subscribed within `startTimeoutMs`. */
  | 'MQTT_START_TIMEOUT'
  /** A publish while the connection is down: refused at once rather than queued without bound. */
  | 'MQTT_OFFLINE'
  /** No PUBACK within `publishTimeoutMs`. */
  | 'MQTT_PUBLISH_TIMEOUT'
  /** MQTT 5 PUBACK with a failure reason code (e.g. 0x87: the platform role may not publish there). */
  | 'MQTT_PUBLISH_REFUSED'
  /** `close()` was called. */
  | 'MQTT_CLOSED';

export class ExternalBrokerError extends Error {
  constructor(
    readonly code: ExternalBrokerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExternalBrokerError';
  }
}

/** Why a dynamic-security command failed. */
export type DynsecErrorCode =
  /** Mosquitto answered with `error` (see `detail`, e.g. "Client already exists"). */
  | 'DYNSEC_COMMAND_FAILED'
  /** No response on `$CONTROL/dynamic-security/v1/response` within `commandTimeoutMs`. */
  | 'DYNSEC_TIMEOUT'
  /** The admin connection is down. */
  | 'DYNSEC_OFFLINE'
  /** The user may not use `$CONTROL/dynamic-security/v1` (not a dynsec admin). */
  | 'DYNSEC_NOT_ADMIN'
  /** An id that is not a contract identifier: it would put MQTT wildcards or levels into an ACL. */
  | 'DYNSEC_INVALID_ID'
  /**
   * A device id that is the username of a client that is not a device's (the platform's login, the
   * dynsec admin) or lies in the platform's client-id space (`vigil-engine-…`): refused, never taken over.
   */
  | 'DYNSEC_RESERVED_ID';

export class DynsecError extends Error {
  constructor(
    readonly code: DynsecErrorCode,
    message: string,
    /** The dynsec command that failed, e.g. `createClient`. */
    readonly command?: string,
    /** Mosquitto's own error text, e.g. "Client not found". */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'DynsecError';
  }
}

/** A dynsec response with `error` as a `DynsecError` (`DYNSEC_COMMAND_FAILED`, Mosquitto's text in `detail`). */
export function commandFailed(r: { command: string; error?: string }): DynsecError {
  return new DynsecError('DYNSEC_COMMAND_FAILED', `${r.command} failed: ${r.error}`, r.command, r.error);
}
