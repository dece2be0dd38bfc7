// Fixes from an audit of the emulator: the state is checked after a request's body has arrived,
// malformed request targets and response overrides are the client's 400, upper-case bucket names
// are refused (see buckets.test.ts), and an emulator listening beyond loopback keeps /_emulator
// closed unless allowed and hands out URLs a client can dial.
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { startEmulator } from "../../emulator";
import { Api, expectError, useEmulator } from "./helpers";
import { errorCode, newBucketWithCredential, send, signRequest } from "./s3-helpers";

const { emu, api } = useEmulator();

interface Slow {
  status: number;
  text: string;
}

/**
 * Sends the headers and the first half of `body`, runs `meanwhile` (the request is in flight, its
 * body not complete), then the rest: what a slow upload meets when another client acts between.
 */
function slowRequest(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string,
  meanwhile: () => Promise<void>,
): Promise<Slow> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    req.flushHeaders();
    // Give the server time to route the request and start waiting for the rest of the body.
    setTimeout(() => {
      meanwhile().then(() => req.end(body.slice(half)), reject);
    }, 50);
  });
}

function jsonHeaders(): Record<string, string> {
  return { authorization: emu().apiKey, "content-type": "application/json" };
}

/** The raw answer to a hand-written request line. */
function rawRequestLine(baseUrl: string, line: string): Promise<string> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(`${line}\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`));
    let text = "";
    socket.on("data", (chunk: Buffer) => (text += chunk.toString()));
    socket.on("end", () => resolve(text));
    socket.on("error", reject);
  });
}

describe("state checks after the body has arrived", () => {
  it("refuses a record whose zone was deleted while its body was arriving, and leaves no orphan", async () => {
    const zone = (await api().post("/dns/zones", { domain: "deleted-meanwhile.com" })).body;
    const answer = await slowRequest(
      emu().url,
      "POST",
      `/dns/zones/${zone.id}/records`,
      jsonHeaders(),
      JSON.stringify({ name: "www", type: "A", values: ["192.0.2.1"] }),
      async () => {
        expect((await api().delete(`/dns/zones/${zone.id}`)).status).toBe(204);
      },
    );
    expect(answer.status).toBe(404);
    expect([...emu().state.records.values()].filter((record) => record.zoneId === zone.id)).toEqual([]);
  });

  it("refuses an update of a record deleted while the update's body was arriving", async () => {
    const zone = (await api().post("/dns/zones", { domain: "update-meanwhile.com" })).body;
    const record = (await api().post(`/dns/zones/${zone.id}/records`, { name: "www", type: "A", values: ["192.0.2.1"] })).body;
    const answer = await slowRequest(
      emu().url,
      "PUT",
      `/dns/records/${record.id}`,
      jsonHeaders(),
      JSON.stringify({ values: ["192.0.2.2"] }),
      async () => {
        expect((await api().delete(`/dns/zones/${zone.id}/records/${record.id}`)).status).toBe(204);
      },
    );
    expect(answer.status).toBe(404);
    expect(emu().state.records.has(record.id)).toBe(false);
  });

  it("refuses a rename of a bucket deleted while the rename's body was arriving", async () => {
    const bucket = (await api().post("/object-storage/buckets", { name: "rename-slowly" })).body;
    const answer = await slowRequest(
      emu().url,
      "PUT",
      `/object-storage/buckets/${bucket.id}`,
      jsonHeaders(),
      JSON.stringify({ name: "renamed-too-late" }),
      async () => {
        expect((await api().delete(`/object-storage/buckets/${bucket.id}`)).status).toBe(204);
      },
    );
    expect(answer.status).toBe(404);
    expect((await api().post("/object-storage/buckets", { name: "rename-slowly" })).status).toBe(201);
  });

  it("refuses an S3 PUT into a bucket deleted while the object was uploading", async () => {
    const bucket = await newBucketWithCredential(api(), "put-while-deleted");
    const body = "x".repeat(64 * 1024);
    const { pathAndQuery, headers } = await signRequest(emu(), bucket, { method: "PUT", path: `/${bucket.name}/late.txt`, body });
    const answer = await slowRequest(emu().s3Url, "PUT", pathAndQuery, headers, body, async () => {
      expect((await api().delete(`/object-storage/buckets/${bucket.id}`)).status).toBe(204);
    });
    expect(answer.status).toBe(404);
    expect(answer.text).toContain("<Code>NoSuchBucket</Code>");
    expect(emu().state.buckets.has(bucket.id)).toBe(false);
  });

  it("refuses a CDN resource whose origin bucket was deleted while its body was arriving", async () => {
    const bucket = (await api().post("/object-storage/buckets", { name: "cdn-origin-deleted" })).body;
    const body = JSON.stringify({ name: "cdn-origin-deleted", origin_group: { type: "storage", bucket_id: bucket.id } });
    const answer = await slowRequest(emu().url, "POST", "/cdn/resource", jsonHeaders(), body, async () => {
      expect((await api().delete(`/object-storage/buckets/${bucket.id}`)).status).toBe(204);
    });
    expect(answer.status).toBe(404);
    expect(answer.text).toContain("bucket_id");
    expect([...emu().state.cdnResources.values()].filter((resource) => resource.name === "cdn-origin-deleted")).toEqual([]);
  });
});

describe("malformed requests are the client's 400", () => {
  it("answers a request target that is not a valid URL with 400 on every plane", async () => {
    const management = await rawRequestLine(emu().url, "GET http://[not-a-host/dns/zones HTTP/1.1");
    expect(management).toMatch(/^HTTP\/1\.1 400 /);
    expect(management).toContain('"code":"validation_error"');
    const s3 = await rawRequestLine(emu().s3Url, "GET http://[not-a-host/bucket/key HTTP/1.1");
    expect(s3).toMatch(/^HTTP\/1\.1 400 /);
    expect(s3).toContain("<Code>InvalidURI</Code>");
    const edge = await rawRequestLine(emu().edgeUrl, "GET http://[not-a-host/index.html HTTP/1.1");
    expect(edge).toMatch(/^HTTP\/1\.1 400 /);
    expect(edge).toContain("not a valid URL");
  });

  it("answers a response-* override that is not a valid header value with 400 InvalidArgument", async () => {
    const bucket = await newBucketWithCredential(api(), "override-checks");
    const put = await signRequest(emu(), bucket, { method: "PUT", path: `/${bucket.name}/a.txt`, body: "hello" });
    expect((await send(emu(), "PUT", put.pathAndQuery, put.headers, "hello")).status).toBe(200);
    for (const value of ["text/plain\r\nx-injected: 1", 'attachment; filename="ü\u{1F600}"']) {
      const get = await signRequest(emu(), bucket, {
        method: "GET",
        path: `/${bucket.name}/a.txt`,
        query: { "response-content-disposition": value },
      });
      const answer = await send(emu(), "GET", get.pathAndQuery, get.headers);
      expect({ status: answer.status, code: errorCode(answer) }).toEqual({ status: 400, code: "InvalidArgument" });
      expect(answer.headers["x-injected"]).toBeUndefined();
    }
    const fine = await signRequest(emu(), bucket, {
      method: "GET",
      path: `/${bucket.name}/a.txt`,
      query: { "response-content-type": "text/x-fine" },
    });
    const answer = await send(emu(), "GET", fine.pathAndQuery, fine.headers);
    expect({ status: answer.status, type: answer.headers["content-type"] }).toEqual({ status: 200, type: "text/x-fine" });
  });
});

describe("S3 CreateBucket", () => {
  it("answers 501 for a new name and points at the management API", async () => {
    const bucket = await newBucketWithCredential(api(), "create-from-s3");
    const request = await signRequest(emu(), bucket, { method: "PUT", path: "/brand-new-bucket" });
    const answer = await send(emu(), "PUT", request.pathAndQuery, request.headers);
    expect({ status: answer.status, code: errorCode(answer) }).toEqual({ status: 501, code: "NotImplemented" });
    expect(answer.text).toContain("management API (/object-storage/buckets)");
  });
});

describe("listening beyond loopback", () => {
  it("on 0.0.0.0 answers with loopback URLs a client can use, and refuses /_emulator unless allowed", async () => {
    const wide = await startEmulator({ port: 0, host: "0.0.0.0" });
    try {
      expect(wide.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(wide.s3Url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(wide.edgeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(wide.edgeHttpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const wideApi = new Api(wide);
      expect((await wideApi.get("/health")).status).toBe(200);
      const bucket = await wideApi.post("/object-storage/buckets", { name: "wide-open" });
      expect(bucket.body.s3_endpoint).toBe(wide.s3Url);
      const refused = expectError(await wideApi.post("/_emulator/dashboard-token", {}, { headers: {} }), 403, "forbidden");
      expect(refused.message).toContain("--allow-remote-admin");
      expectError(await wideApi.put("/_emulator/faults", { rules: [] }, { headers: {} }), 403, "forbidden");
      expectError(await wideApi.put("/_emulator/settings", { cdn_deploy_delay_ms: 0 }, { headers: {} }), 403, "forbidden");
      expect(wide.settings().cdnDeployDelayMs).toBe(2000);
      expect((await fetch(`${wide.url}/_emulator/ca.pem`)).status).toBe(403);
    } finally {
      await wide.close();
    }
    const allowed = await startEmulator({ port: 0, host: "0.0.0.0", allowRemoteAdmin: true });
    try {
      expect((await new Api(allowed).post("/_emulator/dashboard-token", {}, { headers: {} })).status).toBe(200);
      expect((await fetch(`${allowed.url}/_emulator/ca.pem`)).status).toBe(200);
    } finally {
      await allowed.close();
    }
  });

  it("keeps /_emulator open on loopback", async () => {
    expect((await api().post("/_emulator/dashboard-token", {}, { headers: {} })).status).toBe(200);
  });
});
