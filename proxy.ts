import NextAuth from "next-auth";
import { NextResponse } from "next/server";
import { authConfig } from "@/app/(auth)/auth.config";

const { auth } = NextAuth(authConfig);

// First gate only: a request without a session goes to sign-in (the `authorized` callback) and comes
// back afterwards. Pages and actions still re-read the user and check the role on the server; they get
// the requested path from this header so an ended session can also return to it.
export default auth((request) => {
  const headers = new Headers(request.headers);
  headers.set("x-request-path", request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.next({ request: { headers } });
});

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
