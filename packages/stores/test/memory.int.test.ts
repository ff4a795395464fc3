import { createMemoryStores } from '../src/index.ts';
import { auditChainConformance } from './audit-conformance.ts';
import { boundedStateConformance } from './bounded-conformance.ts';
import { storeConformance } from './conformance.ts';

storeConformance('memory', async (now) => createMemoryStores(now));
boundedStateConformance('memory', async (now) => createMemoryStores(now));
auditChainConformance('memory', async (now) => createMemoryStores(now));
