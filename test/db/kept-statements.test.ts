import { describe, expect, it } from "vitest";
import { openConnection } from "@/db/client";
import { testDbFile } from "../db";

describe("A connection keeps its compiled statements (db/client.ts keepStatements)", () => {
  it("hands a kept statement out again in the mode a caller expects: rows as objects unless it asks for arrays", () => {
    const { $client: sqlite } = openConnection(testDbFile());
    sqlite.exec("create table t (a integer, b text); insert into t values (1, 'x')");
    const text = "select a, b from t";
    expect(sqlite.prepare(text).raw().all()).toEqual([[1, "x"]]);
    // The same text again: the query builder's plain reads (`db.all(sql…)`) call `all()` without turning raw off.
    expect(sqlite.prepare(text).all()).toEqual([{ a: 1, b: "x" }]);
    expect(sqlite.prepare(text).get()).toEqual({ a: 1, b: "x" });
    sqlite.close();
  });

  it("still answers correctly after the schema under a kept statement changed", () => {
    const { $client: sqlite } = openConnection(testDbFile());
    sqlite.exec("create table t (a integer); insert into t values (1)");
    expect(sqlite.prepare("select * from t").all()).toEqual([{ a: 1 }]);
    sqlite.exec("alter table t add column b text default 'y'");
    expect(sqlite.prepare("select * from t").all()).toEqual([{ a: 1, b: "y" }]);
    sqlite.close();
  });
});
