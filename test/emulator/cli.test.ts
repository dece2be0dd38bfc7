// The built command, as a user runs it: it prints where it listens and the key to use, the printed
// values work, bad flags are refused clearly, and a signal stops it cleanly.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startedOnBusyPort } from "../harness/output";

const cli = join(__dirname, "..", "..", "dist", "emulator", "cli.js");

function readUntil(child: ChildProcessWithoutNullStreams, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in output within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before printing ${pattern}:\n${output}`));
    });
  });
}

describe("mamutecloud-emulator command", () => {
  beforeAll(() => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first (npm test does)`);
  });

  it("prints the URLs, key, dashboard JWT and export line; they work; SIGTERM stops it", async () => {
    const apiKey = `mamute-${"ab12".repeat(10)}`;
    const child = spawn(process.execPath, [cli, "--port", "0", "--api-key", apiKey, "--cdn-deploy-delay-ms", "0"]);
    try {
      const output = await readUntil(child, /^export .*\n/m);
      const managementUrl = /Management API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      const s3Url = /S3 endpoint\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      const printedKey = /API key\s+(mamute-\S+)/.exec(output)?.[1];
      const jwt = /Dashboard JWT\s+(\S+\.\S+\.\S+)/.exec(output)?.[1];
      expect({ managementUrl, s3Url, printedKey, jwt }).toEqual({
        managementUrl: expect.any(String),
        s3Url: expect.any(String),
        printedKey: apiKey,
        jwt: expect.any(String),
      });
      expect(output).toContain(
        `export MAMUTECLOUD_ENDPOINT=${managementUrl} MAMUTECLOUD_S3_ENDPOINT=${s3Url} MAMUTECLOUD_API_KEY=${apiKey}`,
      );

      const created = await fetch(`${managementUrl}/object-storage/buckets`, {
        method: "POST",
        headers: { authorization: apiKey, "content-type": "application/json" },
        body: JSON.stringify({ name: "from-the-cli" }),
      });
      expect(created.status).toBe(201);
      const bucket = (await created.json()) as { id: string; s3_endpoint: string };
      expect(bucket.s3_endpoint).toBe(s3Url);
      const withJwt = await fetch(`${managementUrl}/object-storage/buckets`, { headers: { authorization: `Bearer ${jwt}` } });
      expect(((await withJwt.json()) as { pagination: { total: number } }).pagination.total).toBe(1);
      const claims = JSON.parse(Buffer.from(jwt!.split(".")[1], "base64url").toString());
      expect(claims.exp - claims.iat).toBe(12 * 3600);

      // The CDN edge listens where the banner says, and the deploy delay flag applies.
      const edgeUrl = /CDN edge\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      expect(/CDN edge HTTPS\s+https:\/\/127\.0\.0\.1:\d+/.test(output)).toBe(true);
      expect((await fetch(`${edgeUrl}/`)).status).toBe(421);
      const resource = await fetch(`${managementUrl}/cdn/resource`, {
        method: "POST",
        headers: { authorization: apiKey, "content-type": "application/json" },
        body: JSON.stringify({ name: "from-the-cli", origin_group: { type: "storage", bucket_id: bucket.id } }),
      });
      const { id } = (await resource.json()) as { id: string };
      const read = await fetch(`${managementUrl}/cdn/resource/${id}`, { headers: { authorization: apiKey } });
      expect(((await read.json()) as { status: string }).status).toBe("deployed");

      child.kill("SIGTERM");
      const [code] = await once(child, "exit");
      expect(code).toBe(0);
      await expect(fetch(`${managementUrl}/health`)).rejects.toThrow();
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("listening on 0.0.0.0 prints loopback URLs that work, and says /_emulator is refused", async () => {
    const child = spawn(process.execPath, [cli, "--port", "0", "--host", "0.0.0.0"]);
    try {
      const output = await readUntil(child, /^export .*\n/m);
      const managementUrl = /Management API\s+(\S+)/.exec(output)?.[1];
      expect(managementUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(/S3 endpoint\s+(\S+)/.exec(output)?.[1]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const edgeUrl = /CDN edge\s+(\S+)/.exec(output)?.[1];
      expect(edgeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(/CDN edge HTTPS\s+(\S+)/.exec(output)?.[1]).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      // The edge answers at that URL (no site serves 127.0.0.1: its own 421, not a refused connection).
      const edgeAnswer = await fetch(`${edgeUrl}/`);
      expect(edgeAnswer.status).toBe(421);
      expect(await edgeAnswer.text()).toContain("no CDN resource serves 127.0.0.1");
      expect(output).toContain("--allow-remote-admin");
      // The banner points at the CA file only: the /_emulator copy is refused here.
      expect(output).not.toContain("/_emulator/ca.pem");
      expect((await fetch(`${managementUrl}/health`)).status).toBe(200);
      for (const path of ["requests", "settings", "ca.pem"]) {
        expect((await fetch(`${managementUrl}/_emulator/${path}`)).status).toBe(403);
      }
    } finally {
      child.kill("SIGKILL");
      if (child.exitCode === null && child.signalCode === null) await once(child, "exit");
    }
  });

  it("names the port that is already in use", async () => {
    const busy = await startedOnBusyPort(cli);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`port ${busy.port} on 127.0.0.1 is already in use`);
  });

  it("keeps state in --data-dir: says so, refuses a second emulator on the folder, saves and unlocks on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-data-dir-"));
    const child = spawn(process.execPath, [cli, "--port", "0", "--data-dir", dir]);
    try {
      const output = await readUntil(child, /^export .*\n/m);
      expect(output).toContain(`state kept in ${dir}`);
      const second = spawnSync(process.execPath, [cli, "--port", "0", "--data-dir", dir], { encoding: "utf8", timeout: 10_000 });
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(`--data-dir: ${dir} is in use by another emulator (pid ${child.pid})`);
      child.kill("SIGTERM");
      expect((await once(child, "exit"))[0]).toBe(0);
      expect(readdirSync(dir).sort()).toEqual(["objects", "state.json", "tmp"]);
    } finally {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses bad flags with a clear message and exit code 2, and prints help", () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 10_000 });
    const badPort = run("--port", "70000");
    expect(badPort.status).toBe(2);
    expect(badPort.stderr).toContain("--port must be a port number from 0 to 65535");
    const badKey = run("--port", "0", "--api-key", "secret");
    expect(badKey.status).toBe(2);
    expect(badKey.stderr).toContain("--api-key must start with mamute-");
    const unknown = run("--verbose");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown argument "--verbose"');
    const samePorts = run("--port", "5000", "--edge-port", "5000");
    expect(samePorts.status).toBe(2);
    expect(samePorts.stderr).toContain("--edge-port must differ from --port");
    expect(run("--cdn-deploy-delay-ms", "-1").stderr).toContain("--cdn-deploy-delay-ms must be a whole number of milliseconds");
    expect(run("--data-dir", "").stderr).toContain("--data-dir must not be empty");
    const missing = run("--port");
    expect(missing.stderr).toContain("--port needs a value");
    const help = run("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: mamutecloud-emulator");
  });
});
