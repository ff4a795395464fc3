import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { z } from 'zod';
import type { Clock, Logger } from '@vigil/runtime';
import { DynsecError } from './errors.ts';
import { isSubscribeRefusal } from './mqtt-client.ts';

/** Mosquitto 2.0 dynamic-security control API: commands in, responses out, JSON both ways. */
export const DYNSEC_TOPIC = '$CONTROL/dynamic-security/v1';
export const DYNSEC_RESPONSE_TOPIC = `${DYNSEC_TOPIC}/response`;

/** One command, e.g. `{ command: 'deleteClient', username: 'band-1' }`. */
export interface DynsecCommand {
  command: string;
  [field: string]: unknown;
}

/** Mosquitto's answer to one command: `error` set when it failed, `data` for the get/list commands. */
export interface DynsecResponse {
  command: string;
  error?: string;
  data?: unknown;
}

/** `{"responses":[{"command":"createClient","error":"Client already exists","correlationData":"…"}]}` */
const ResponseBody = z.object({
  responses: z.array(
    z.object({
      command: z.string(),
      error: z.string().optional(),
      data: z.unknown().optional(),
      correlationData: z.string().optional(),
    }),
  ),
});

interface Pending {
  resolve: (r: DynsecResponse) => void;
  reject: (err: Error) => void;
  cancel: () => void;
}

/**
 * Request/response over the control topic. Every admin client subscribed to the response topic sees
 * every response, so each command carries a `correlationData` unique to this channel and only those
 * are matched; the rest (another provisioner's) are ignored.
 */
export class DynsecChannel {
  private readonly pending = new Map<string, Pending>();
  private readonly tag = randomBytes(6).toString('hex');
  private seq = 0;

  constructor(
    private readonly deps: {
      client: () => MqttClient | undefined;
      connected: () => boolean;
      timeoutMs: number;
      clock: Clock;
      log: Logger;
    },
  ) {}

  attach(client: MqttClient): void {
    client.on('message', (topic, payload) => {
      if (topic === DYNSEC_RESPONSE_TOPIC) this.receive(payload);
    });
  }

  /** On every (clean) connection: without it no response can arrive. */
  async subscribe(client: MqttClient): Promise<void> {
    const notAdmin = () => new DynsecError('DYNSEC_NOT_ADMIN', `not allowed to subscribe to ${DYNSEC_RESPONSE_TOPIC}`);
    let granted: { qos: number }[];
    try {
      granted = await client.subscribeAsync(DYNSEC_RESPONSE_TOPIC, { qos: 1 });
    } catch (err) {
      if (isSubscribeRefusal(err)) throw notAdmin();
      throw err;
    }
    if (granted.some((g) => g.qos >= 0x80)) throw notAdmin();
  }

  /** Sends the commands in one message; resolves with one response each, in order (errors included). */
  send(commands: DynsecCommand[]): Promise<DynsecResponse[]> {
    const client = this.deps.client();
    if (!client || !this.deps.connected()) {
      return Promise.reject(new DynsecError('DYNSEC_OFFLINE', 'not connected to the broker', commands[0]?.command));
    }
    const tagged = commands.map((c) => ({ ...c, correlationData: `${this.tag}-${++this.seq}` }));
    const answers = tagged.map(
      (c) =>
        new Promise<DynsecResponse>((resolve, reject) => {
          const cancel = this.deps.clock.setTimeout(() => {
            this.pending.delete(c.correlationData);
            reject(new DynsecError('DYNSEC_TIMEOUT', `no response to ${c.command}`, c.command));
          }, this.deps.timeoutMs);
          this.pending.set(c.correlationData, { resolve, reject, cancel });
        }),
    );
    client.publish(DYNSEC_TOPIC, JSON.stringify({ commands: tagged }), { qos: 1 }, (err) => {
      if (!err) return;
      for (const c of tagged) {
        this.settle(c.correlationData, (p) =>
          p.reject(new DynsecError('DYNSEC_OFFLINE', `${c.command} not sent: ${err.message}`, c.command)),
        );
      }
    });
    return Promise.all(answers);
  }

  private receive(payload: Buffer): void {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      this.deps.log.warn('dynsec response is not JSON');
      return;
    }
    const parsed = ResponseBody.safeParse(json);
    if (!parsed.success) {
      this.deps.log.warn('dynsec response of an unexpected shape');
      return;
    }
    for (const { correlationData, ...response } of parsed.data.responses) {
      if (correlationData) this.settle(correlationData, (p) => p.resolve(response));
    }
  }

  private settle(id: string, fn: (p: Pending) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.cancel();
    fn(p);
  }

  /** Rejects everything still waiting (on close). */
  failAll(err: DynsecError): void {
    for (const id of [...this.pending.keys()]) this.settle(id, (p) => p.reject(err));
  }
}
