import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { EmulatorState } from "./state";
import { createManagementPlane } from "./management";
import { createS3Plane } from "./s3";
import type { Plane } from "./plane";

export interface EmulatorOptions {
  /** Management API port; 0 picks a free one. Default 4566. */
  port?: number;
  /** S3 data plane port; default port + 1, or a free one when port is 0. */
  s3Port?: number;
  host?: string;
  /** Starting API key (`mamute-…`); random when omitted. */
  apiKey?: string;
}

export interface Emulator {
  /** Management API base URL, e.g. http://127.0.0.1:4566 */
  readonly url: string;
  /** S3 endpoint, e.g. http://127.0.0.1:4567 */
  readonly s3Url: string;
  /** The API key current at start. */
  readonly apiKey: string;
  readonly state: EmulatorState;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function serve(plane: Plane): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    plane.handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "internal_error", message: String(err?.message ?? err) } }));
    });
  });
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? "127.0.0.1";
  const state = new EmulatorState();
  const apiKey = options.apiKey ?? `mamute-${randomBytes(20).toString("hex")}`;
  state.apiKey = { id: state.newId("key"), name: "emulator", key: apiKey, createdAt: state.now(), lastUsedAt: null };

  let s3Url = "";
  const management = serve(createManagementPlane(state, { s3Url: () => s3Url }));
  const s3 = serve(createS3Plane(state));
  const port = await listen(management, options.port ?? 4566, host);
  const s3Port = await listen(s3, options.s3Port ?? ((options.port ?? 4566) === 0 ? 0 : port + 1), host);
  const urlHost = host.includes(":") ? `[${host}]` : host;
  s3Url = `http://${urlHost}:${s3Port}`;

  const close = (server: Server) =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    url: `http://${urlHost}:${port}`,
    s3Url,
    apiKey,
    state,
    close: async () => {
      await Promise.all([close(management), close(s3)]);
    },
  };
}
