import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface User {
    sessionVersion: number;
    sessionId: string;
  }
  interface Session {
    sessionVersion: number;
    sessionId: string;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid: number;
    sv: number;
    sid: string;
    /** When the password was proved (epoch ms): the session ends 8 h later whatever happens. */
    sat: number;
  }
}
