// Process accounting read from /proc: CPU time (user + system) and resident memory of a pid.
// CPU comes from the process's own counters, so the figure stays fair on a shared, noisy machine.

import { readdirSync, readFileSync } from "node:fs";

/** Linux USER_HZ; 100 on every mainstream kernel build. */
const TICKS_PER_SECOND = 100;

/** CPU seconds used so far by `pid` (or "self"), or NaN when /proc is unavailable. */
export function cpuSeconds(pid: number | "self"): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name may contain spaces: fields are counted after its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds used so far by the live threads of `pid`, in nanoseconds from /proc/<pid>/task/<tid>/schedstat. Finer
 * than `cpuSeconds` (10 ms ticks), which matters when a shared machine leaves a server a few ticks per window. NaN
 * when /proc is unavailable.
 */
export function threadCpuSeconds(pid: number): number {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      } catch {} // the thread ended between the listing and the read
    }
    return ns / 1e9;
  } catch {
    return NaN;
  }
}

/** Resident set size of `pid` in bytes, or NaN. */
export function rssBytes(pid: number | "self"): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

export interface Snapshot {
  at: number;
  serverCpu: number;
  /** each server process's CPU seconds, in the order given */
  byPid: number[];
  genCpu: number;
}

/** `serverPid` may list several processes (two instances + Redis): their CPU time is summed. */
export function snapshot(serverPid: number | number[], cpu: (pid: number) => number = cpuSeconds): Snapshot {
  const pids = Array.isArray(serverPid) ? serverPid : [serverPid];
  const byPid = pids.map((p) => cpu(p));
  return { at: performance.now(), serverCpu: byPid.reduce((s, c) => s + c, 0), byPid, genCpu: cpuSeconds("self") };
}

export interface WindowStats {
  seconds: number;
  serverCpuSeconds: number;
  /** share of one core, 1 = 100% */
  serverCpuShare: number;
  genCpuShare: number;
  /** CPU seconds of each server process over the window (several when serverPid lists several) */
  serverCpuSecondsByPid?: number[];
}

export function windowStats(a: Snapshot, b: Snapshot): WindowStats {
  const seconds = (b.at - a.at) / 1000;
  const serverCpuSeconds = b.serverCpu - a.serverCpu;
  return {
    seconds,
    serverCpuSeconds,
    serverCpuShare: serverCpuSeconds / seconds,
    genCpuShare: (b.genCpu - a.genCpu) / seconds,
    serverCpuSecondsByPid: b.byPid.map((c, i) => c - a.byPid[i]!),
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
