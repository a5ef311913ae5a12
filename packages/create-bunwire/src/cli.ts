#!/usr/bin/env node
// `npm create bunwire my-app`, `bun create bunwire my-app`, `npx create-bunwire my-app`. Runs on Node >= 20 and
// on Bun, with no dependencies.
import { createBunwire } from "./main.ts";

process.exitCode = createBunwire(process.argv.slice(2), {
  cwd: process.cwd(),
  log: (text) => console.log(text),
  error: (text) => console.error(text),
  userAgent: process.env.npm_config_user_agent,
  npmBunwire: process.env.npm_config_bunwire,
});
