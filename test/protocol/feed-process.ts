// One feed instance (the App door of recovery-doors.ts: Redis bus and history at argv[2]) in a process of its own,
// for tests that kill it with kill -9. Prints "PORT <n>" when listening.
import { DOORS } from "./recovery-doors.ts";

const app = DOORS.find(([label]) => label === "App")![1];
const instance = await app(process.argv[2]!);
console.log(`PORT ${instance.port}`);
