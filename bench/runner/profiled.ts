// Runs a bench server under `bun --cpu-prof-md` and exits cleanly after PROFILE_SECONDS, so Bun writes the profile.
// Used by bench/profile.ts; not part of the timed runs.

setTimeout(() => process.exit(0), Number(process.env.PROFILE_SECONDS ?? 5) * 1000);
await import(process.argv[2]!);
export {};
