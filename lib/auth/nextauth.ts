import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { db } from "@/db/client";
import { authenticate } from "@/lib/auth/authenticate";
import { clientIp } from "@/lib/auth/client-ip";
import { signInSchema } from "@/lib/users/schemas";
import { authConfig } from "./auth.config";
import { endSessionById, startSession } from "./sessions";
import { recordAuditNow } from "@/lib/audit/record";
import { log } from "@/lib/log";
import { setLocaleCookie } from "@/lib/users/language";

export class ThrottledSignIn extends CredentialsSignin {
  override code = "throttled";
}

export class DeactivatedSignIn extends CredentialsSignin {
  override code = "deactivated";
}

export class ExpiredPasswordSignIn extends CredentialsSignin {
  override code = "expired_password";
}

/** The sign-in allow-list does not admit this address for the person's role (docs/sign-in-addresses.md). */
export class AddressRefusedSignIn extends CredentialsSignin {
  override code = "address_refused";
}

export const { handlers, signIn, signOut } = NextAuth({
  ...authConfig,
  logger: {
    // A refused sign-in is an expected answer (recorded in login_attempts), not a server error.
    error(error) {
      if (error instanceof CredentialsSignin) return;
      log().error({ err: error }, "[auth] error");
    },
  },
  events: {
    // Auth.js's own sign-out route (POST /api/auth/signout) revokes the session on the server like ours.
    async signOut(message) {
      const sid = "token" in message ? message.token?.sid : undefined;
      if (typeof sid === "string") await endSessionById(db(), sid);
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
          const ip = clientIp(request.headers);
          // A temporary password works once within 24 h (docs/sign-in.md#passwords); after that only an admin's reset helps.
          if (user.temporaryPasswordExpiresAt && user.temporaryPasswordExpiresAt <= new Date()) {
            await recordAuditNow(db(), { actor: user, action: "auth.sign_in_refused", target: { type: "user", id: user.id }, after: { reason: "temporary_password_expired" }, ip });
            throw new ExpiredPasswordSignIn();
          }
          const sessionId = await startSession(db(), user.id, ip);
          // A saved language follows the person to this browser (docs/language.md#choosing-the-language);
          // without one, the browser's cookie (the sign-in page's switcher) stays as it is.
          if (user.locale) await setLocaleCookie(user.locale);
          return { sessionId, id: String(user.id), name: user.name, email: user.email, sessionVersion: user.sessionVersion };
        }
        if (result.reason === "throttled") throw new ThrottledSignIn();
        if (result.reason === "deactivated") throw new DeactivatedSignIn();
        if (result.reason === "address_refused") throw new AddressRefusedSignIn();
        return null;
      },
    }),
  ],
});
