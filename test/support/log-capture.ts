import { sendLogsTo } from "@/lib/log";

export type LogLine = Record<string, unknown> & { level: string; time: string; msg: string };

/** The lines lib/log.ts writes from now until `restore()`, as text and parsed (each must be one JSON object). */
export function captureLogs() {
  const chunks: string[] = [];
  const restore = sendLogsTo({ write: (chunk: string) => void chunks.push(chunk) });
  const text = () => chunks.join("");
  return {
    text,
    lines: (): LogLine[] => text().split("\n").filter(Boolean).map((line) => JSON.parse(line) as LogLine),
    restore,
  };
}
