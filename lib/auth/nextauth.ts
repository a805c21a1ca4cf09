import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { db } from "@/db/client";
import { authenticate } from "@/lib/auth/authenticate";
import { clientIp } from "@/lib/auth/client-ip";
import { signInSchema } from "@/lib/users/schemas";
import { authConfig } from "./auth.config";
import { startSession } from "./sessions";

export class ThrottledSignIn extends CredentialsSignin {
  override code = "throttled";
}

export class DeactivatedSignIn extends CredentialsSignin {
  override code = "deactivated";
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  logger: {
    // A refused sign-in is an expected answer (recorded in login_attempts), not a server error.
    error(error) {
      if (error instanceof CredentialsSignin) return;
      console.error("[auth]", error);
    },
  },
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials, request) {
        const parsed = signInSchema.safeParse(credentials);
        if (!parsed.success) return null;
        const result = await authenticate(db(), { ...parsed.data, ip: clientIp(request.headers) });
        if (result.ok) {
          const { user } = result;
          const sessionId = startSession(db(), user.id, clientIp(request.headers));
          return {
            sessionId, id: String(user.id), name: user.name, email: user.email, sessionVersion: user.sessionVersion };
        }
        if (result.reason === "throttled") throw new ThrottledSignIn();
        if (result.reason === "deactivated") throw new DeactivatedSignIn();
        return null;
      },
    }),
  ],
});
