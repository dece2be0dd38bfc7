// The command as a user runs it for HTTPS: the banner says where the CA certificate is, that file
// is the CA served at /_emulator/ca.pem, --ssl-validation-delay-ms applies, and the file goes
// away when the emulator stops.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const cli = join(__dirname, "..", "..", "dist", "emulator", "cli.js");

describe("mamutecloud-emulator and its CA", () => {
  const dir = mkdtempSync(join(tmpdir(), "ssl-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints the CA file, serves the same CA, applies --ssl-validation-delay-ms, removes the file on exit", async () => {
    const caFile = join(dir, "ca.pem");
    const apiKey = `mamute-${"cd34".repeat(10)}`;
    const child = spawn(process.execPath, [cli, "--port", "0", "--api-key", apiKey, "--ca-file", caFile, "--ssl-validation-delay-ms", "0"]);
    try {
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      while (!/^export /m.test(output)) {
        if (child.exitCode !== null) throw new Error(`exited early:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const url = /Management API\s+(\S+)/.exec(output)![1];
      expect(output).toContain(`CA certificate  ${caFile}  (also at ${url}/_emulator/ca.pem`);
      const served = await (await fetch(`${url}/_emulator/ca.pem`)).text();
      expect(readFileSync(caFile, "utf8")).toBe(served);
      expect(served).toMatch(/^-----BEGIN CERTIFICATE-----\n/);

      const headers = { authorization: apiKey, "content-type": "application/json" };
      const requested = await fetch(`${url}/cdn/ssl-certificate`, {
        method: "POST",
        headers,
        body: JSON.stringify({ domain_name: "www.cli.example" }),
      });
      const { id } = (await requested.json()) as { id: string };
      const read = await fetch(`${url}/cdn/ssl-certificate/${id}`, { headers });
      expect(((await read.json()) as { status: string }).status).toBe("issued");

      child.kill("SIGTERM");
      const [code] = await once(child, "exit");
      expect(code).toBe(0);
      expect(existsSync(caFile)).toBe(false);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("refuses a bad delay or an empty CA path with exit code 2", () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 10_000 });
    const badDelay = run("--port", "0", "--ssl-validation-delay-ms", "soon");
    expect(badDelay.status).toBe(2);
    expect(badDelay.stderr).toContain("--ssl-validation-delay-ms must be a whole number of milliseconds from 0 to 600000");
    const emptyCa = run("--port", "0", "--ca-file", "");
    expect(emptyCa.status).toBe(2);
    expect(emptyCa.stderr).toContain("--ca-file must not be empty");
  });
});
