// A single-part PutObject sent without the AWS SDK's middleware stack. A site is mostly small files,
// one request each, and the SDK spends about 1.5 ms of CPU per request (endpoint rules, a dozen
// middlewares, response parsing) where the bytes of a 4 KiB file cost microseconds: on a first
// deploy of thousands of files that CPU, not the network, set the pace. Signing is the SDK's own
// SigV4 signer (@smithy/signature-v4); the body is streamed from disk, unsigned (UNSIGNED-PAYLOAD),
// its integrity proven by Content-MD5, as the SDK does for a streamed body. Errors are shaped like
// the SDK's (`name` = S3's code, `$metadata.httpStatusCode`), so retries and messages stay one path.
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { SignatureV4 } from "@smithy/signature-v4";

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): string | Buffer {
  if (typeof data === "string") return data;
  return data instanceof ArrayBuffer ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** SHA-256 and HMAC-SHA256 for the signer, from node:crypto. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
  reset(): void {
    throw new Error("not used by the signer");
  }
}

/** Files up to this size are read into memory in one call rather than streamed. */
export const WHOLE_FILE_BYTES = 256 * 1024;

export interface PutTarget {
  endpoint: URL;
  agent: http.Agent;
  signer: SignatureV4;
  timeoutMs: number;
  /** The time to sign with: this machine's clock corrected by S3's (see clockSkew.ts). */
  now: () => Date;
}

export function signerFor(accessKeyId: string, secretAccessKey: string): SignatureV4 {
  return new SignatureV4({
    credentials: { accessKeyId, secretAccessKey },
    region: "us-east-1",
    service: "s3",
    sha256: NodeSha256,
    uriEscapePath: false,
  });
}

/**
 * S3's error code and message from an XML error body, with the answer's headers as the SDK keeps
 * them (`$response.headers`): a `RequestTimeTooSkewed` is corrected from its `Date`.
 */
function s3Error(status: number, body: string, headers: http.IncomingHttpHeaders): Error {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? `HTTP${status}`;
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? (body.slice(0, 200) || `HTTP ${status}`);
  const serverTime = /<ServerTime>([^<]*)<\/ServerTime>/.exec(body)?.[1];
  return Object.assign(new Error(message), {
    name: code,
    $metadata: { httpStatusCode: status },
    $response: { headers },
    ServerTime: serverTime,
  });
}

/** S3 path-style key path: each segment percent-encoded as S3 expects (`/` kept). */
function keyPath(bucket: string, key: string): string {
  const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `/${encode(bucket)}/${key.split("/").map(encode).join("/")}`;
}

export async function signedPut(
  target: PutTarget,
  bucket: string,
  key: string,
  file: string,
  size: number,
  headers: Record<string, string>,
): Promise<void> {
  const { endpoint } = target;
  const base = endpoint.pathname.replace(/\/+$/, "");
  const request = {
    method: "PUT",
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    port: endpoint.port ? Number(endpoint.port) : undefined,
    path: `${base}${keyPath(bucket, key)}`,
    query: {},
    headers: {
      host: endpoint.host,
      "content-length": String(size),
      "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
      ...headers,
    },
  };
  // A small file is read whole, synchronously: the manifest has just read it, so it comes from the
  // page cache in microseconds, where fs.promises.readFile's four thread-pool round trips cost three
  // times the CPU (8 against 27 µs per 8 KiB file, measured). Memory stays bounded by the
  // concurrency times this size.
  const whole = size <= WHOLE_FILE_BYTES ? fs.readFileSync(file) : undefined;
  if (whole && whole.length !== size)
    throw Object.assign(new Error(`${file} is ${whole.length} bytes, not ${size}`), { name: "BadDigest" });
  const signed = await target.signer.sign(request, { signingDate: target.now() });
  await new Promise<void>((resolve, reject) => {
    const send = endpoint.protocol === "https:" ? https.request : http.request;
    const req = send({
      agent: target.agent,
      method: "PUT",
      hostname: endpoint.hostname,
      port: endpoint.port || undefined,
      path: signed.path,
      headers: signed.headers,
    });
    req.setTimeout(target.timeoutMs, () =>
      req.destroy(Object.assign(new Error(`no answer within ${target.timeoutMs} ms`), { name: "TimeoutError" })),
    );
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(s3Error(status, Buffer.concat(chunks).toString("utf8"), res.headers));
      });
    });
    if (whole) {
      req.end(whole);
      return;
    }
    const body = fs.createReadStream(file);
    body.on("error", (err) => req.destroy(err));
    body.pipe(req);
  });
}
