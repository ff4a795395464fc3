/**
 * The in-process keyed lock now lives in @vigil/stores (the memory `LockService`); re-exported for
 * the one lock that must stay local: Ingest's per-device arrival order within a process.
 */
export { KeyedLock } from '@vigil/stores';
