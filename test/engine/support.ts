// Engine test helpers: a logger that records what bunwire says (instead of printing it), and retrying an
// upgrade until the server has seen a previous socket close (its slot frees a moment after the client's close).

import type { Logger } from "bunwire";
import { TestSocket } from "../support/socket.ts";

export interface Line {
  level: "debug" | "info" | "warn" | "error";
  obj: object;
  msg: string | undefined;
}

export function recordingLogger(): Logger & { lines: Line[]; messages(level?: Line["level"]): string[] } {
  const lines: Line[] = [];
  const at = (level: Line["level"]) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  return {
    lines,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    messages: (level) => lines.filter((line) => level === undefined || line.level === level).map((line) => line.msg ?? ""),
  };
}

/** Opens a socket, retrying while the server still counts a socket the client already closed. */
export async function openEventually(url: string, options?: { headers?: Record<string, string> }): Promise<TestSocket> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      return await TestSocket.open(url, options);
    } catch (error) {
      lastError = error;
      await Bun.sleep(10);
    }
  }
  throw lastError;
}
