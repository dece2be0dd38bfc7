// The thecloud-emulator command as a user runs it (the built one: npm test builds first): the
// banner and its export line work, bad flags exit 2 with the usage, a port in use exits 1, SIGTERM
// stops it cleanly. Flag parsing itself is checked in-process.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "../../../thecloud/emulator/cli";
import { outputUntil, startedOnBusyPort } from "../../harness/output";

const cli = join(__dirname, "..", "..", "..", "thecloud", "dist", "thecloud", "emulator", "cli.js");

describe("parseArgs", () => {
  it("reads every flag, both spellings", () => {
    expect(parseArgs([])).toEqual({ port: 4690, host: "127.0.0.1", allowRemoteAdmin: false, help: false });
    const key = `thecloud_${"1".repeat(40)}`;
    expect(
      parseArgs([
        "--port=0",
        "--host",
        "0.0.0.0",
        "--api-key",
        key,
        "--data-dir",
        "d",
        "--dialect",
        "ok-200",
        "--auth-rate-limit",
        "0",
        "--auth-rate-window-ms=500",
        "--allow-remote-admin",
      ]),
    ).toEqual({
      port: 0,
      host: "0.0.0.0",
      apiKey: key,
      dataDir: "d",
      dialect: ["ok-200"],
      authRateLimit: 0,
      authRateWindowMs: 500,
      allowRemoteAdmin: true,
      help: false,
    });
    expect(parseArgs(["-h"]).help).toBe(true);
  });

  it("refuses what cannot work, naming the flag", () => {
    expect(() => parseArgs(["--port", "70000"])).toThrow(/--port must be a port number/);
    expect(() => parseArgs(["--api-key", "mamute-abc"])).toThrow(/--api-key must start with thecloud_/);
    expect(() => parseArgs(["--auth-rate-limit", "-1"])).toThrow(/--auth-rate-limit must be a whole number/);
    expect(() => parseArgs(["--auth-rate-window-ms", "0"])).toThrow(/--auth-rate-window-ms must be a whole number of milliseconds from 1/);
    expect(() => parseArgs(["--dialect", "nope"])).toThrow(/not a dialect/);
    expect(() => parseArgs(["--data-dir"])).toThrow(/--data-dir needs a value/);
    expect(() => parseArgs(["--wat"])).toThrow(/unknown argument "--wat"/);
  });
});

describe("thecloud-emulator command", () => {
  beforeAll(() => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first (npm test does)`);
  });

  it("prints the URL, key and export line; they work; SIGTERM stops it", async () => {
    const apiKey = `thecloud_${"cd34".repeat(10)}`;
    const child = spawn(process.execPath, [cli, "--port", "0", "--api-key", apiKey]);
    try {
      const output = await outputUntil(child, /^export .*\n/m);
      const url = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      expect(output).toContain(`API key     ${apiKey}`);
      expect(output).toContain("Login       user@thecloud.local / thecloud");
      expect(output).toContain("Auth limit  5 requests per 60 s per client on /auth/*");
      expect(output).toContain(`export THECLOUD_API_KEY=${apiKey} THECLOUD_ENDPOINT=${url}`);
      const listed = await fetch(`${url}/storage/buckets`, { headers: { "x-api-key": apiKey } });
      expect(listed.status).toBe(200);
      expect(await listed.json()).toEqual([]);
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });

  it("exits 2 with the usage on a bad flag, 0 with --help, 1 on a port in use", async () => {
    const bad = spawnSync(process.execPath, [cli, "--port", "x"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/thecloud-emulator: --port must be a port number[\s\S]*Usage: thecloud-emulator/);
    const help = spawnSync(process.execPath, [cli, "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--auth-rate-limit N/);

    const busy = await startedOnBusyPort(cli);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`port ${busy.port} on 127.0.0.1 is already in use`);
  });
});
