import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project's scripts as a person runs them: a separate process, configured through the environment only. */

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSX = join(ROOT, "node_modules/.bin/tsx");

export type ScriptRun = { code: number | null; stdout: string; stderr: string };

/** `npm run <script>` without npm: scripts/<file> under tsx (with the react-server condition the app's modules need). */
export function runScript(file: string, args: string[], env: Record<string, string>, { reactServer = true } = {}): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [...(reactServer ? ["--conditions=react-server"] : []), join(ROOT, "scripts", file), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
