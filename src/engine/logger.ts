// Where bunwire writes what it has to say: a pino-compatible `{ debug?, info, warn, error }` taking
// `(obj, msg?)`, so `logger: pino()` plugs in as is. Without one, a console adapter prints the message.

export interface Logger {
  debug?(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What the console adapter prints beside the message: the error, when the object carries one. */
function detail(obj: object): unknown[] {
  const err = (obj as { err?: unknown }).err;
  return err === undefined ? [] : [err];
}

export const consoleLogger: Logger = {
  debug(obj, msg) {
    console.debug(msg ?? JSON.stringify(obj), ...detail(obj));
  },
  info(obj, msg) {
    console.log(msg ?? JSON.stringify(obj), ...detail(obj));
  },
  warn(obj, msg) {
    console.warn(msg ?? JSON.stringify(obj), ...detail(obj));
  },
  error(obj, msg) {
    console.error(msg ?? JSON.stringify(obj), ...detail(obj));
  },
};
