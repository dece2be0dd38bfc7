// Helpers for the CDN tests: a site in a bucket (made through the management API and S3, as a user
// would), and requests to the edge with the Host (and, over HTTPS, the SNI name) a browser or curl
// --resolve would send.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { Emulator } from "../../emulator";
import type { Api } from "./helpers";
import { newBucketWithCredential, sdkClient, type TestBucket } from "./s3-helpers";

export interface EdgeAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface EdgeRequest {
  host: string;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Fails the request when the socket stays idle this long (default: no limit). */
  timeoutMs?: number;
}

function answerOf(send: (done: (answer: EdgeAnswer) => void, fail: (error: Error) => void) => void): Promise<EdgeAnswer> {
  return new Promise(send);
}

function collect(res: IncomingMessage, done: (answer: EdgeAnswer) => void, fail: (error: Error) => void): void {
  const chunks: Buffer[] = [];
  res.on("data", (chunk: Buffer) => chunks.push(chunk));
  res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
  res.on("error", fail);
}

/** Over HTTP to the edge port, with `Host: <host>`. */
export function edgeGet(emu: Emulator, request: EdgeRequest): Promise<EdgeAnswer> {
  const url = new URL(emu.edgeUrl);
  return answerOf((done, fail) => {
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: request.method ?? "GET",
        path: request.path ?? "/",
        headers: { host: request.host, ...request.headers },
        agent: false,
      },
      (res) => collect(res, done, fail),
    );
    outgoing.on("error", fail);
    outgoing.end(request.body);
  });
}

/** Over HTTPS to the edge port, as `curl --cacert <ca> --resolve <host>:<port>:127.0.0.1` does. */
export function edgeGetTls(emu: Emulator, request: EdgeRequest & { ca: string }): Promise<EdgeAnswer> {
  const url = new URL(emu.edgeHttpsUrl);
  return answerOf((done, fail) => {
    const outgoing = httpsRequest(
      {
        host: url.hostname,
        port: url.port,
        method: request.method ?? "GET",
        path: request.path ?? "/",
        headers: { host: request.host, ...request.headers },
        servername: request.host,
        ca: request.ca,
        agent: false,
        timeout: request.timeoutMs,
      },
      (res) => collect(res, done, fail),
    );
    outgoing.on("timeout", () => outgoing.destroy(new Error("timed out")));
    outgoing.on("error", fail);
    outgoing.end();
  });
}

/**
 * A URL opened as a browser on this machine opens it: a `*.localhost` name is this machine (browsers
 * resolve it themselves; this system's resolver may not), the Host header and the SNI name are the
 * URL's; over HTTPS the certificate is verified against `ca` (the emulator's CA, trusted).
 */
export function browse(address: string, options: { ca?: string } = {}): Promise<EdgeAnswer> {
  const url = new URL(address);
  if (!url.hostname.endsWith(".localhost")) throw new Error(`${address} is not an address on this machine (*.localhost)`);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return answerOf((done, fail) => {
    const outgoing = send(
      url,
      {
        agent: false,
        ca: options.ca,
        lookup: (_host: string, opts: any, callback: any) =>
          opts?.all ? callback(null, [{ address: "127.0.0.1", family: 4 }]) : callback(null, "127.0.0.1", 4),
      },
      (res) => collect(res, done, fail),
    );
    outgoing.on("error", fail);
    outgoing.end();
  });
}

export interface TestSite extends TestBucket {
  put(key: string, body: string, contentType?: string, cacheControl?: string): Promise<void>;
}

/** A bucket with a credential, and a way to put files in it over S3. */
export async function newSiteBucket(emu: Emulator, api: Api, name: string): Promise<TestSite> {
  const bucket = await newBucketWithCredential(api, name);
  return {
    ...bucket,
    put: async (key, body, contentType = "text/html", cacheControl) => {
      const s3 = sdkClient(emu, bucket);
      try {
        await s3.send(
          new PutObjectCommand({ Bucket: bucket.id, Key: key, Body: body, ContentType: contentType, CacheControl: cacheControl }),
        );
      } finally {
        s3.destroy();
      }
    },
  };
}

/** Creates a CDN resource over the bucket; fails the test with the API's answer otherwise. */
export async function newStorageResource(api: Api, name: string, bucketId: string, extra: Record<string, unknown> = {}) {
  const created = await api.post("/cdn/resource", { name, origin_group: { type: "storage", bucket_id: bucketId }, ...extra });
  if (created.status !== 201) throw new Error(`create CDN resource ${name}: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body;
}
