// Reading one cookie (what session() does on every request) gives exactly what the full parse gives for that name.

import { expect, test } from "bun:test";
import { findCookie, parseCookies } from "../../src/app/cookie.ts";

const headers = [
  "",
  "sid=abc",
  "theme=dark; sid=s%3Aabc.def; lang=fr",
  "sidx=1; sid=2",
  "xsid=1; sid=2; sid=3",
  ' sid = "quoted" ;other=1',
  "sid=; a=b",
  "a=b;sid=%E2%82%AC",
  "sid=%E2%82",
  "noequals; sid=after",
  "=nameless; sid=x",
  "a=1;;; sid=2",
  "\tsid=tab",
];
const names = ["sid", "theme", "lang", "a", "other", "missing", "x", "sidx"];

test("findCookie(header, name) equals parseCookies(header)[name] for every name", () => {
  for (const header of headers) {
    const all: Record<string, string> = {};
    parseCookies(header, all);
    for (const name of names) expect({ header, name, value: findCookie(header, name) }).toEqual({ header, name, value: Object.hasOwn(all, name) ? all[name] : undefined });
  }
});
