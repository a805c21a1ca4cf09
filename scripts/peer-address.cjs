"use strict";
/*
 * Preloaded into `next start` with `node --require` (npm start, scripts/e2e-server.sh, scripts/demo.sh).
 *
 * The app must know which address a request came from (docs/sign-in.md#client-address), but Next.js
 * copies the socket's address into X-Forwarded-For only when the client sent none, so app code cannot
 * tell a forged header from a real one. This stamps every request with the TCP peer's address under
 * `x-peer-address` before Next.js sees it; whatever the client sent under that name is dropped.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- node --require loads CommonJS
const http = require("node:http");

const header = "x-peer-address";
const emit = http.Server.prototype.emit;

http.Server.prototype.emit = function emitWithPeerAddress(event, request, ...rest) {
  if (event === "request") {
    delete request.headers[header];
    const address = request.socket.remoteAddress;
    if (address) request.headers[header] = address;
  }
  return emit.call(this, event, request, ...rest);
};
