// startTheCloudEmulator: The Cloud's API on one port (see README.md, the contract). Work in
// progress: the routes are declared (routes.ts) and answer 501 until written.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ROUTES } from "./routes";
import { Router, splitTarget } from "./router";

export const DEFAULT_PORT = 4690;

export interface TheCloudEmulatorOptions {
  port?: number;
  host?: string;
}

export interface TheCloudEmulator {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startTheCloudEmulator(options: TheCloudEmulatorOptions = {}): Promise<TheCloudEmulator> {
  const router = new Router(ROUTES);
  const server: Server = createServer((req, res) => {
    const { path } = splitTarget(req.url);
    const match = router.resolve(req.method ?? "GET", path, { reservedNamesAllowed: false, basePath: false });
    const [status, code] = match.kind === "route" ? [501, "NOT_IMPLEMENTED"] : [404, "NOT_FOUND"];
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code, message: `${req.method} ${path}` } }));
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve) => server.listen(options.port ?? DEFAULT_PORT, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
