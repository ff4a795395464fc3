export * from './errors.ts';
export * from './fields.ts';
export { createTsdbHistory, TsdbVitalsHistory, type TsdbHistoryStats } from './history.ts';
export { quoteIdent, quoteString } from './influxql.ts';
export { InfluxQLReader, type InfluxQLReaderOptions } from './reader.ts';
export { resolveTsdbSettings, type TsdbHistoryOptions, type TsdbSettings } from './settings.ts';
export { TsdbWriter, type TsdbWriterOptions, type TsdbWriterStats } from './writer.ts';
