import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import type { Db } from "@/db/client";
import { dashboardFigures, type DashboardFigures } from "./figures";
import type { DashboardRange } from "./range";

/**
 * The worker thread that reads the dashboard's figures (started by off-thread.ts): its own read-only connection
 * to the database file (WAL lets it read beside the app's writes), one question at a time, so the app's thread
 * never waits for a second-long grouping. No server-only modules: a worker is not a React server.
 */
export type FiguresRequest = { id: number; range: DashboardRange };
export type FiguresAnswer = { id: number; figures: DashboardFigures } | { id: number; error: string };

const { file } = workerData as { file: string };
const sqlite = new Database(file, { readonly: true, fileMustExist: true });
sqlite.pragma("busy_timeout = 5000");
const db = drizzle(sqlite) as unknown as Db;

parentPort?.on("message", ({ id, range }: FiguresRequest) => {
  dashboardFigures(db, range).then(
    (figures) => parentPort?.postMessage({ id, figures } satisfies FiguresAnswer),
    (error: unknown) => parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies FiguresAnswer),
  );
});
