// One test for "did this handler return a promise?", shared by every layer that awaits user code only when it must.
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === "object" && typeof (value as { then?: unknown }).then === "function";
}
