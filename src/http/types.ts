import type { IncomingHttpHeaders } from 'node:http';

/** A request as the daemon's routes see it: the raw body is kept for signature checks. */
export interface HttpRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export type RouteHandler = (request: HttpRequest) => Promise<HttpResponse>;

/** The one HTTP listener on `http.port`; health, metrics and Slack's events share it. */
export interface HttpRoutes {
  route(method: 'GET' | 'POST', path: string, handler: RouteHandler): void;
}
