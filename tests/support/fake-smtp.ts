import net, { type AddressInfo } from "node:net";

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The raw message, headers and body, as the client sent it after DATA. */
  data: string;
}

/**
 * Just enough of an SMTP server for nodemailer (no TLS, no auth): it keeps every message it receives. It listens on
 * a port chosen up front, so a test can point SMTP_URL at it while it is still down (nothing listens: the connection
 * is refused) and start it later on the same port.
 */
export class FakeSmtpServer {
  readonly received: ReceivedMail[] = [];
  private server: net.Server | null = null;

  private constructor(readonly port: number) {}

  /** Reserves a free port (by listening on it for a moment); the server stays down until start(). */
  static async onFreePort(): Promise<FakeSmtpServer> {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    return new FakeSmtpServer(port);
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = net.createServer((socket) => this.converse(socket));
    await new Promise<void>((resolve) => this.server!.listen(this.port, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private converse(socket: net.Socket): void {
    let buffer = "";
    let mail: ReceivedMail | null = null;
    let inData = false;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply("220 fake-smtp ready");
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end === -1) return;
          // Undo the client's dot-stuffing.
          mail!.data = buffer.slice(0, end).replace(/^\.\./gm, ".");
          this.received.push(mail!);
          buffer = buffer.slice(end + 5);
          inData = false;
          mail = null;
          reply("250 queued");
          continue;
        }
        const eol = buffer.indexOf("\r\n");
        if (eol === -1) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const command = line.slice(0, 4).toUpperCase();
        if (command === "EHLO" || command === "HELO") reply("250 fake-smtp");
        else if (command === "MAIL") {
          mail = { from: /<(.*)>/.exec(line)?.[1] ?? "", to: [], data: "" };
          reply("250 ok");
        } else if (command === "RCPT") {
          mail?.to.push(/<(.*)>/.exec(line)?.[1] ?? "");
          reply("250 ok");
        } else if (command === "DATA") {
          inData = true;
          reply("354 go ahead");
        } else if (command === "QUIT") {
          reply("221 bye");
          socket.end();
          return;
        } else reply("250 ok");
      }
    });
    socket.on("error", () => socket.destroy());
  }
}
