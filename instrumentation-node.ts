import { env, EnvError } from "@/lib/env";

// A bad configuration stops the server at start with one message per variable, not at the first request.
try {
  env();
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(error.message);
  process.exit(1);
}
