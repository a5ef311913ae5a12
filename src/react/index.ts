// bunwire/react: React bindings for bunwire/client (React >= 18 as an optional peer dependency).

export { useSocket, useSocketEvent, useSocketRequest } from "./use-socket.ts";
export type { Socket } from "./socket.ts";
export { SocketBinding } from "./binding.ts";
