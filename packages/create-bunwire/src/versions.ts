// What a scaffolded project depends on, at the versions bunwire's own tests run with (test/create checks them
// against the repository's package-lock.json, so they move together).

/** Runtime dependencies besides bunwire itself. */
export const DEPENDENCIES: Readonly<Record<string, string>> = {
  zod: "^4.6.7",
};

/** `bun` brings the runtime with `npm install`, so `npm start` needs nothing installed globally. */
export const DEV_DEPENDENCIES: Readonly<Record<string, string>> = {
  "@types/bun": "1.4.4",
  bun: "1.4.4",
  typescript: "^7.0.2",
};
