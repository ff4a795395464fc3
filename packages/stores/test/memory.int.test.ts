import { createMemoryStores } from '../src/index.ts';
import { storeConformance } from './conformance.ts';

storeConformance('memory', async (now) => createMemoryStores(now));
