import "server-only";
import { and, desc, gte, inArray, max, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { contains, dialectOf, minuteOf } from "@/db/dialect";
import { loginAttempts } from "@/db/schema";
import { first, paramsRecord, type SearchParamsInput } from "@/lib/search-params";

/** The admin's Sign-ins page (docs/sign-in.md#watching-sign-ins): failed and refused sign-ins per e-mail, address and minute. */

export const signInFiltersSchema = z.object({
  /** Part of an e-mail address, any case. */
  email: z
    .preprocess(first, z.string().trim().toLowerCase().max(254).optional())
    .transform((v) => v || undefined)
    .catch(undefined),
});

export type SignInFilters = z.output<typeof signInFiltersSchema>;

export function parseSignInFilters(params: SearchParamsInput): SignInFilters {
  return signInFiltersSchema.parse(paramsRecord(params));
}

export const failedSignInsShown = { days: 7, groups: 200 } as const;

export type FailedSignInGroup = { email: string; ip: string; minute: Date; failures: number; throttled: number };

/** Newest minute first; within a minute, the group whose last attempt is latest first. */
export async function listFailedSignIns(db: Db, filters: SignInFilters, now: Date): Promise<FailedSignInGroup[]> {
  const dialect = dialectOf(db);
  const minute = minuteOf(dialect, loginAttempts.at);
  const times = (outcome: "failure" | "throttled") => sql<number>`sum(case when ${loginAttempts.outcome} = ${outcome} then 1 else 0 end)`.mapWith(Number);
  return await db
    .select({
      email: loginAttempts.email,
      ip: loginAttempts.ip,
      minute: sql`${minute}`.mapWith((value: number | string) => new Date(Number(value))),
      failures: times("failure"),
      throttled: times("throttled"),
    })
    .from(loginAttempts)
    .where(
      and(
        inArray(loginAttempts.outcome, ["failure", "throttled"]),
        gte(loginAttempts.at, new Date(now.getTime() - failedSignInsShown.days * 24 * 60 * 60_000)),
        // Not LIKE: a "%" or "_" typed into the filter is matched as itself.
        filters.email ? contains(dialect, loginAttempts.email, filters.email) : undefined,
      ),
    )
    .groupBy(loginAttempts.email, loginAttempts.ip, minute)
    .orderBy(desc(minute), desc(max(loginAttempts.at)))
    .limit(failedSignInsShown.groups);
}
