import { defineConfig } from "drizzle-kit";

// The PostgreSQL twin of drizzle.config.ts (docs/postgresql.md): `npm run db:generate:pg` writes drizzle-pg/ from
// db/pg/schema.ts. Generating needs no server.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/pg/schema.ts",
  out: "./drizzle-pg",
});
