// Prints "N passed, N failed" over the unit (Vitest, on SQLite and on PostgreSQL) and end-to-end (Playwright) JSON reports.
// A failing `npm test` that produced no failed test (a type error, a lint error, a crash) counts as one failure.
import { existsSync, readFileSync } from "node:fs";

const read = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null);

let passed = 0;
let failed = 0;

// The unit suite, then its database tests again on PostgreSQL (scripts/test.sh).
for (const unit of [read("reports/unit.json"), read("reports/unit-postgres.json")]) {
  if (!unit) continue;
  passed += unit.numPassedTests ?? 0;
  failed += (unit.numFailedTests ?? 0) + (unit.numFailedTestSuites > 0 && unit.numFailedTests === 0 ? 1 : 0);
}

const e2e = read("reports/e2e.json");
if (e2e?.stats) {
  passed += (e2e.stats.expected ?? 0) + (e2e.stats.flaky ?? 0);
  failed += e2e.stats.unexpected ?? 0;
  if (e2e.errors?.length && !e2e.stats.unexpected) failed += 1;
}

const status = Number(process.argv[2] ?? 0);
if (status !== 0 && failed === 0) failed = 1;

console.log(`${passed} passed, ${failed} failed`);
