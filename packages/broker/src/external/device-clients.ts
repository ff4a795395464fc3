import { z } from 'zod';
import { deviceRoleName } from './dynsec-acl.ts';
import type { DynsecCommand, DynsecResponse } from './dynsec-channel.ts';
import { commandFailed } from './errors.ts';

const NOT_FOUND = /not found/i;

/** How the dynsec helpers below reach Mosquitto: commands in, one response each, in order. */
export type DynsecSend = (commands: DynsecCommand[]) => Promise<DynsecResponse[]>;

/** The fields of a dynsec client read here (`getClient`, `listClients` with `verbose`). */
const DynsecClient = z.object({
  username: z.string(),
  clientid: z.string().optional(),
  roles: z.array(z.object({ rolename: z.string() })).default([]),
});
export type DynsecClient = z.infer<typeof DynsecClient>;

const GetClientData = z.object({ client: DynsecClient });
const ListClientsData = z.object({ totalCount: z.number(), clients: z.array(DynsecClient) });

/**
 * A client the provisioner made for a device: its only role is the device's own. Anything else
 * under that username (the platform's login, the dynsec admin, another system's user on a shared
 * Mosquitto) is never modified for a device, or a device id chosen over REST could take it over.
 */
export function isDeviceClient(client: DynsecClient): boolean {
  return client.roles.length === 1 && client.roles[0]?.rolename === deviceRoleName(client.username);
}

/** contract §1 on Mosquitto: bound to client id = device id, so the client may connect with no other. */
export const isBound = (client: DynsecClient): boolean => client.clientid === client.username;

/** The client of that username, or undefined if there is none. */
export async function getClient(send: DynsecSend, username: string): Promise<DynsecClient | undefined> {
  const [response] = await send([{ command: 'getClient', username }]);
  if (!response) throw commandFailed({ command: 'getClient', error: 'no response' });
  if (response.error) {
    if (NOT_FOUND.test(response.error)) return undefined;
    throw commandFailed(response);
  }
  return GetClientData.parse(response.data).client;
}

/** Every dynsec client, a page at a time (a fleet of 10,000 is one response of a few MB otherwise). */
export async function listClients(send: DynsecSend, pageSize = 1000): Promise<DynsecClient[]> {
  const all: DynsecClient[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const [response] = await send([{ command: 'listClients', verbose: true, count: pageSize, offset }]);
    if (!response || response.error) throw commandFailed(response ?? { command: 'listClients', error: 'no response' });
    const page = ListClientsData.parse(response.data);
    all.push(...page.clients);
    if (page.clients.length === 0 || offset + page.clients.length >= page.totalCount) return all;
  }
}
