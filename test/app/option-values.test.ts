// Wrong option values of the App's middleware are refused when the middleware is made (INVALID_OPTION naming the
// option, what it takes and what it got), not found later as a 500 at request time or a `max-age=NaN` header.
import { expect, test } from "bun:test";
import { bunwire, cors, httpRouter, rateLimit, serveStatic, session } from "bunwire";
import { refusal } from "../support/thrown.ts";

test.each([
  ["serveStatic maxAge as Express's string", () => serveStatic("public", { maxAge: "1d" as never }), 'option maxAge must be a number of milliseconds >= 0, got "1d"'],
  ["serveStatic index as a number", () => serveStatic("public", { index: 5 as never }), "option index must be a non-empty string, or an array of strings, or false, got 5"],
  ["serveStatic dotfiles misspelt", () => serveStatic("public", { dotfiles: "Deny" as never }), 'option dotfiles must be "ignore", "deny" or "allow", got "Deny"'],
  ["serveStatic extensions as a string", () => serveStatic("public", { extensions: "html" as never }), 'option extensions must be an array of strings, got "html"'],
  ["serveStatic fallthrough as a number", () => serveStatic("public", { fallthrough: 1 as never }), "option fallthrough must be true or false, got 1"],
  ["session maxAge negative", () => session({ secret: "s", maxAge: -1 }), "option maxAge must be a number of milliseconds > 0, got -1"],
  ["session cookieName as a number", () => session({ secret: "s", cookieName: 5 as never }), "option cookieName must be a non-empty string, got 5"],
  ["session saveUninitialized as a string", () => session({ secret: "s", saveUninitialized: "yes" as never }), 'option saveUninitialized must be true or false, got "yes"'],
  ["session cookie sameSite", () => session({ secret: "s", cookie: { sameSite: "Strict" as never } }), `session()'s cookie: option sameSite must be "strict", "lax" or "none", got "Strict"`],
  ["rateLimit key as a number", () => rateLimit({ key: 5 as never }), "option key must be a function, got 5"],
  ["rateLimit message as a number", () => rateLimit({ message: 5 as never }), "option message must be a string, got 5"],
  ["cors methods as a number", () => cors({ methods: 5 as never }), "option methods must be a string or an array of strings, got 5"],
  ["cors optionsSuccessStatus out of range", () => cors({ optionsSuccessStatus: 99 }), "option optionsSuccessStatus must be an HTTP status (200-599), got 99"],
])("%s", (_name, make, message) => {
  const got = refusal(make);
  expect(got.startsWith("INVALID_OPTION: ")).toBe(true);
  expect(got).toContain(message);
});

test("right values still pass, and res.sendFile refuses a wrong option as a 500 naming it", async () => {
  expect(refusal(() => serveStatic("public", { maxAge: 86_400_000, index: false, dotfiles: "deny", extensions: ["html"], fallthrough: false }))).toBe("accepted");
  expect(refusal(() => session({ secret: "s", maxAge: 1000, cookie: { secure: true, sameSite: "strict" } }))).toBe("accepted");
  expect(refusal(() => rateLimit({ windowMs: 1000, max: 0, key: (req) => req.ip, message: "slow down" }))).toBe("accepted");
  expect(refusal(() => cors({ origin: ["https://a.example"], methods: "GET", credentials: true, maxAge: 600 }))).toBe("accepted");

  const errors: string[] = [];
  const app = bunwire({ onError: (error) => void errors.push((error as Error).message) });
  app.get("/file", (_req, res) => res.sendFile("package.json", { root: ".", acceptRanges: "yes" as never }));
  const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  try {
    expect((await fetch(`http://127.0.0.1:${server.port}/file`)).status).toBe(500);
    expect(errors.join()).toContain('res.sendFile("package.json"): option acceptRanges must be true or false, got "yes"');
  } finally {
    await app.close();
  }
});

test("httpRouter() and a route's own options refuse an unknown name or a wrong value", () => {
  expect(refusal(() => httpRouter({ mergeparams: true } as never))).toBe('INVALID_OPTION: httpRouter(): unknown option "mergeparams" (did you mean "mergeParams"?)');
  expect(refusal(() => httpRouter({ mergeParams: "yes" as never }))).toBe('INVALID_OPTION: httpRouter(): option mergeParams must be true or false, got "yes"');
  expect(refusal(() => bunwire().get("/x", { bodyLimt: 1 } as never, (_req, res) => res.end()))).toBe('INVALID_OPTION: GET /x: unknown option "bodyLimt" (did you mean "bodyLimit"?)');
  expect(refusal(() => httpRouter({ mergeParams: true, bodyLimit: 1024 }).post("/y", { bodyLimit: 2048 }, (_req, res) => res.end()))).toBe("accepted");
});
