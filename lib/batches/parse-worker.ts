import { parentPort } from "node:worker_threads";
import { parseBatchFile } from "./parse";

/**
 * The worker thread that reads one uploaded file (started by parse-off-thread.ts): it receives the file's
 * bytes and answers with the ParseResult. Pure code only: no database, no server-only modules.
 */
parentPort?.once("message", (bytes: Uint8Array) => parentPort?.postMessage(parseBatchFile(bytes)));
