// The App's last word on a failed request when no error middleware answered (Express's finalhandler): the
// error's own `status`/`statusCode` (as `http-errors` sets) when it is 4xx/5xx, else 500. A 4xx shows its message
// (unless `expose: false`); a 5xx shows only the status text and is reported, so no internals leak.

import { STATUS_CODES } from "node:http";

interface HttpErrorLike {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  message?: unknown;
  headers?: unknown;
}

/** The status an error asks for: its `status` or `statusCode` when it is an integer from 400 to 599, else 500. */
export function statusOf(error: unknown): number {
  if (error === null || typeof error !== "object") return 500;
  const { status, statusCode } = error as HttpErrorLike;
  const code = typeof status === "number" ? status : statusCode;
  return typeof code === "number" && Number.isInteger(code) && code >= 400 && code <= 599 ? code : 500;
}

export interface ErrorAnswer {
  status: number;
  body: string;
  /** Headers the error carries (`http-errors` puts `Allow`, `WWW-Authenticate`, ... there). */
  headers: Array<[string, string]>;
  /** A 5xx: the error goes to `onError`. */
  report: boolean;
}

export function errorAnswer(error: unknown): ErrorAnswer {
  const status = statusOf(error);
  const { expose, message, headers } = (error ?? {}) as HttpErrorLike;
  const safe = status < 500 && expose !== false && typeof message === "string" && message !== "";
  const extra: Array<[string, string]> = [];
  if (status < 500 && headers !== null && typeof headers === "object") {
    for (const [name, value] of Object.entries(headers)) if (typeof value === "string") extra.push([name, value]);
  }
  return { status, body: safe ? message : (STATUS_CODES[status] ?? "Error"), headers: extra, report: status >= 500 };
}
