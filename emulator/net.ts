// Listening and addresses, shared by the emulators (MamuteCloud's four listeners, The Cloud's one).
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** 127.0.0.0/8, ::1 and localhost: only this machine can reach the listener. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127\.\d+\.\d+\.\d+$/.test(bare) || bare === "::ffff:127.0.0.1";
}

/** The host to put in URLs: a wildcard address is where the server listens, not one a client can dial. */
export function clientHost(host: string): string {
  const bare = host.replace(/^\[|\]$/g, "");
  if (bare === "0.0.0.0") return "127.0.0.1";
  if (bare === "::" || bare === "::0") return "[::1]";
  return bare.includes(":") ? `[${bare}]` : bare;
}

/** Listens and answers the port (the one picked when `port` is 0); rejects with the listen error (EADDRINUSE). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops listening and drops open connections (keep-alive ones included). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
