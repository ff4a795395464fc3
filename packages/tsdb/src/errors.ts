/** Why a TSDB read failed (STYLE.md §6: errors carry codes, tests assert codes). */
export type TsdbErrorCode =
  /** Options that cannot work (no URL, neither bucket nor database). */
  | 'tsdb_config'
  /** Connection refused, reset, DNS: the server could not be reached. */
  | 'tsdb_unavailable'
  /** No answer within `timeoutMs`. */
  | 'tsdb_timeout'
  /** The server answered with an HTTP error or an InfluxQL error. */
  | 'tsdb_query_failed'
  /** A 2xx whose body is not the InfluxQL JSON shape. */
  | 'tsdb_bad_response';

export class TsdbError extends Error {
  constructor(
    readonly code: TsdbErrorCode,
    message: string,
    /** HTTP status, when the server answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TsdbError';
  }
}
