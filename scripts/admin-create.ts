import { parseArgs } from "node:util";
import { migrateAppDatabase, openAppDatabase } from "@/db/client";
import { generateTemporaryPassword } from "@/lib/auth/temporary-password";
import { databaseEnv, EnvError, databaseLabel } from "@/lib/env";
import { formatDateTime } from "@/lib/format";
import { createUserSchema } from "@/lib/users/schemas";
import { createUser, findUserById } from "@/lib/users/service";

/**
 * `npm run admin:create -- --email a@b.id --name "…"`: the first admin of a production install
 * (docs/production.md#first-admin), where `npm run db:seed` refuses. The password is a temporary one, as an
 * admin hands out: printed once, changed at the first sign-in, void after 24 h unused. Audited as the
 * system, via this command. Exit 0 created, 2 bad input (nothing created), 1 the database or configuration.
 */

const usage = `Usage: npm run admin:create -- --email finance.lead@merchant.co.id --name "Finance Lead"

Creates an admin with a temporary password, printed once. At the first sign-in they choose their own
password and set up two-step sign-in. Uses DATABASE_URL (default file:data/app.db) and applies pending
migrations first.

Exit codes: 0 created; 2 bad input (nothing created); 1 the database or the configuration failed.`;

const via = "npm run admin:create (command line)";

class BadInput extends Error {}

function readArguments(): { email?: string; name?: string } | "help" {
  try {
    const { values } = parseArgs({ options: { email: { type: "string" }, name: { type: "string" }, help: { type: "boolean", short: "h" } } });
    return values.help ? "help" : values;
  } catch (error) {
    throw new BadInput(`${(error as Error).message}\n\n${usage}`);
  }
}

function signInPage(authUrl: string | undefined): string {
  try {
    return new URL("/login", authUrl?.trim()).href;
  } catch {
    return "the app's /login page";
  }
}

async function main(): Promise<number> {
  const args = readArguments();
  if (args === "help") {
    console.log(usage);
    return 0;
  }
  const password = generateTemporaryPassword();
  const parsed = createUserSchema.safeParse({ name: args.name, email: args.email, role: "admin", password });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  --${String(issue.path[0])}: ${issue.message}`);
    throw new BadInput(`Nothing created:\n${problems.join("\n")}`);
  }

  const signIn = signInPage(process.env.AUTH_URL);
  const file = databaseLabel(databaseEnv().DATABASE_URL);
  const db = openAppDatabase(databaseEnv().DATABASE_URL);
  try {
    await migrateAppDatabase(db);
    const result = await createUser({ db, actor: null, ip: null }, parsed.data, { temporary: true, via });
    if (!result.ok) throw new BadInput(`Nothing created: ${result.message} (${parsed.data.email}). To give them a new password, an admin resets it on the Users page.`);
    const expires = (await findUserById(db, result.data.id))?.temporaryPasswordExpiresAt;
    console.log(`Created the admin ${parsed.data.name} <${parsed.data.email}> in ${file}.

  Temporary password: ${password}

Shown only now. It works once, within 24 hours${expires ? ` (until ${formatDateTime(expires)})` : ""}: sign in at ${signIn},
then choose your own password and set up two-step sign-in with an authenticator app.`);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof BadInput) {
      console.error(error.message);
      process.exitCode = 2;
    } else {
      console.error(error instanceof EnvError ? error.message : error);
      process.exitCode = 1;
    }
  },
);
