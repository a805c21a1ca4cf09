import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

/** One message as a real SMTP server received it: the envelope and the parsed mail. */
export type Received = { envelopeFrom: string; envelopeTo: string[]; raw: string; mail: ParsedMail };

/**
 * A real SMTP server in the test process (the `smtp-server` package) on a loopback port: it records every
 * message it accepts. `hold` keeps a message's DATA unanswered until it resolves (to kill a sender mid-send).
 */
export async function startSmtp({ port = 0, hold, refuse }: { port?: number; hold?: () => Promise<void>; /** Refuse every recipient with this reply code. */ refuse?: number } = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    // Connections still open at close (a held DATA) are cut after this long.
    closeTimeout: 200,
    onRcptTo(address, _session, callback) {
      if (!refuse) return callback();
      const error = Object.assign(new Error(`Mailbox ${address.address} unavailable`), { responseCode: refuse });
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", async () => {
        try {
          if (hold) await hold();
          const raw = Buffer.concat(chunks).toString("utf8");
          received.push({
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            raw,
            mail: await simpleParser(raw),
          });
          callback();
        } catch (error) {
          callback(error as Error);
        }
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const bound = (server.server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `smtp://127.0.0.1:${bound}`,
    received,
    /** The messages one address received. */
    to: (address: string) => received.filter((r) => r.envelopeTo.includes(address)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type Smtp = Awaited<ReturnType<typeof startSmtp>>;
