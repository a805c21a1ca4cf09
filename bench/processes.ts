import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

/**
 * The bench's child processes (the mock gateway, `next start`, a build): each in its own process group,
 * so that stopping one stops whatever it started, and all of them are stopped when the bench exits,
 * however it exits.
 */

const running = new Set<ChildProcess>();

export type Child = { name: string; process: ChildProcess; log: string };

export function startNode(name: string, args: string[], { env, log }: { env: Record<string, string>; log: string }): Child {
  const output = openSync(log, "a");
  const child = spawn(process.execPath, args, {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ["ignore", output, output],
    detached: true,
  });
  closeSync(output);
  running.add(child);
  child.once("exit", () => running.delete(child));
  return { name, process: child, log };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

export async function stop(child: Child): Promise<void> {
  const { process: proc } = child;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  signalGroup(proc, "SIGTERM");
  const timer = setTimeout(() => signalGroup(proc, "SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/** For exit handlers, which cannot wait: kills every child's group at once. */
export function killAllNow(): void {
  for (const child of running) signalGroup(child, "SIGKILL");
}

/** Resolves when the child exits with status 0; rejects with the end of its log otherwise. */
export function completion(child: Child): Promise<void> {
  return new Promise((resolve, reject) => {
    child.process.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${child.name} failed (exit ${code}):\n${logTail(child)}`))));
  });
}

export function logTail(child: Child, lines = 30): string {
  return existsSync(child.log) ? readFileSync(child.log, "utf8").trimEnd().split("\n").slice(-lines).join("\n") : "(no output)";
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** `preferred` when nothing listens there, else a port the system picks. */
export async function freePort(preferred: number): Promise<number> {
  if (await portIsFree(preferred)) return preferred;
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

/** Waits until `url` answers 2xx; fails at once if the child that should serve it exits. */
export async function waitForUrl(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited (${child.process.exitCode}) before answering:\n${logTail(child)}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${child.name} did not answer ${url} within ${timeoutMs / 1000} s:\n${logTail(child)}`);
}
