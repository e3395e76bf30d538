/** Why a request to Netdata failed, coarse enough for the caller to decide what to do next. */
export type NetdataErrorKind =
  'connection_refused' | 'timeout' | 'chart_not_found' | 'http_error' | 'malformed' | 'network';

export interface NetdataErrorOptions {
  kind: NetdataErrorKind;
  /** Origin, path and query only: credentials and fragments are stripped by `safeUrl`. */
  url: string;
  status?: number;
  cause?: unknown;
}

/**
 * The only error the Netdata client throws. The message tells the operator what to check;
 * `kind` lets the caller tell a missing chart (a config problem) from a node that is down.
 */
export class NetdataError extends Error {
  readonly kind: NetdataErrorKind;
  readonly url: string;
  readonly status: number | undefined;

  constructor(message: string, options: NetdataErrorOptions) {
    super(message, { cause: options.cause });
    this.name = 'NetdataError';
    this.kind = options.kind;
    this.url = options.url;
    this.status = options.status;
  }
}

export function isNetdataError(error: unknown): error is NetdataError {
  return error instanceof NetdataError;
}

/**
 * A URL fit for logs and messages: user and password removed, fragment dropped. Netdata itself
 * takes no secrets, but a reverse proxy in front of it may be configured with basic auth in the
 * URL.
 */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.hash = '';
    return parsed.toString();
  } catch {
    // Not a URL at all (a typo in netdata.url): show it, minus anything that looks like
    // `user:password@` after the scheme.
    return url.replace(/\/\/[^/]*@/, '//');
  }
}
