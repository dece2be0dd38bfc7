// The shardlyn-emulator command: its flags, what it prints (the URL, the token, the login, the
// credential and zone, the export line), and that what it prints works. It runs the built command
// (`npm test` builds first), as `npx shardlyn-emulator` does.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { parseArgs } from "../../../shardlyn/emulator/cli";
import { outputUntil, startedOnBusyPort } from "../../harness/output";

const cli = join(__dirname, "..", "..", "..", "shardlyn", "dist", "shardlyn", "emulator", "cli.js");
const run = (args: string[]) => spawn(process.execPath, [cli, ...args]);

describe("parseArgs", () => {
  it("reads every flag, both spellings", () => {
    expect(parseArgs([])).toEqual({ port: 4700, host: "127.0.0.1", allowRemoteAdmin: false, help: false });
    const token = `shardlyn_api_${"1".repeat(40)}`;
    expect(
      parseArgs([
        "--port=0",
        "--host",
        "0.0.0.0",
        "--email",
        "me@x.io",
        "--password",
        "pw",
        "--api-token",
        token,
        "--dialect",
        "all",
        "--jwt-only",
        "--jwt-lifetime-ms=2000",
        "--rate-limit",
        "10",
        "--rate-window-ms",
        "1000",
        "--login-lockout",
        "0",
        "--login-lockout-ms",
        "5000",
        "--allow-remote-admin",
      ]),
    ).toEqual({
      port: 0,
      host: "0.0.0.0",
      email: "me@x.io",
      password: "pw",
      apiToken: token,
      dialect: expect.arrayContaining(["names-fqdn", "lists-paged"]),
      jwtOnly: true,
      jwtLifetimeMs: 2000,
      rateLimit: 10,
      rateWindowMs: 1000,
      loginLockout: 0,
      loginLockoutMs: 5000,
      allowRemoteAdmin: true,
      help: false,
    });
  });

  it("refuses what cannot work, naming the flag", () => {
    expect(() => parseArgs(["--port", "70000"])).toThrow(/--port must be a port number/);
    expect(() => parseArgs(["--api-token", "thecloud_abc"])).toThrow(/--api-token must start with shardlyn_api_/);
    expect(() => parseArgs(["--email", "nope"])).toThrow(/--email must be an email address/);
    expect(() => parseArgs(["--rate-limit", "-1"])).toThrow(/--rate-limit must be a whole number/);
    expect(() => parseArgs(["--jwt-lifetime-ms", "0"])).toThrow(/--jwt-lifetime-ms must be a whole number of milliseconds from 1/);
    expect(() => parseArgs(["--dialect", "nope"])).toThrow(/not a dialect/);
    expect(() => parseArgs(["--data-dir", "d"])).toThrow(/unknown argument "--data-dir"/);
    expect(() => parseArgs(["--password"])).toThrow(/--password needs a value/);
  });
});

describe("shardlyn-emulator command", () => {
  it("prints the URL, token, login, credential, zone and the export line; they work; SIGTERM stops it", async () => {
    const token = `shardlyn_api_${"cd34".repeat(10)}`;
    const child = run(["--port", "0", "--api-token", token, "--password", "s3cret"]);
    try {
      const output = await outputUntil(child, /^export .*\n/m);
      const url = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      expect(output).toContain(`API token   ${token}`);
      expect(output).toContain("Login       admin@shardlyn.local / s3cret");
      expect(output).toMatch(/Credential {2}[0-9a-f-]{36} {2}\(cloudflare, "emulator"\)/);
      expect(output).toMatch(/Zone {8}[0-9a-f]{32} {2}\(example\.com\)/);
      expect(output).toContain("Rate limit  off");
      expect(output).toContain(`export SHARDLYN_TOKEN=${token} SHARDLYN_ENDPOINT=${url}`);
      const zones = await fetch(`${url}/v1/dns/zones`, { headers: { authorization: `Bearer ${token}` } });
      expect(zones.status).toBe(200);
      expect(((await zones.json()) as any[]).map((zone: any) => zone.name)).toEqual(["example.com"]);
      const login = await fetch(`${url}/v1/auth/login`, {
        method: "POST",
        body: JSON.stringify({ email: "admin@shardlyn.local", password: "s3cret" }),
      });
      expect(login.status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });

  it("exits 2 with the usage on a bad flag, 0 with --help, 1 on a port in use", async () => {
    const bad = spawnSync(process.execPath, [cli, "--port", "x"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/shardlyn-emulator: --port must be a port number[\s\S]*Usage: shardlyn-emulator/);
    const help = spawnSync(process.execPath, [cli, "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--jwt-only/);

    const busy = await startedOnBusyPort(cli);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`port ${busy.port} on 127.0.0.1 is already in use`);
  });
});
