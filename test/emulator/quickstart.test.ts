// The README's quick start, run as written with bash, curl, jq and the aws CLI: the site put in a
// bucket is served at its distribution domain over HTTP and HTTPS and at a custom domain over
// HTTPS verified against the emulator's CA. Only the ports and the API key are substituted.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { startEmulator, type Emulator } from "../../emulator";

const README = join(__dirname, "..", "..", "emulator", "README.md");
const TOOLS = ["/usr/bin/aws", "/usr/bin/curl", "/usr/bin/jq", "/bin/bash"];
const missing = TOOLS.filter((tool) => !existsSync(tool));
const describeTools = missing.length === 0 ? describe : describe.skip;
if (missing.length > 0) console.warn(`README quick start test skipped: ${missing.join(", ")} missing (apt-get install awscli curl jq)`);

function quickStartScript(): string {
  const readme = readFileSync(README, "utf8");
  const section = readme.slice(readme.indexOf("## Quick start"));
  const block = /```bash\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error("no bash block in the README's quick start");
  return block[1];
}

function port(url: string): string {
  return new URL(url).port;
}

describeTools("README quick start", () => {
  let emu: Emulator;
  let dir: string;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), "quickstart-"));
  });
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the site over HTTP and HTTPS, verified against the emulator CA", async () => {
    const ports: Record<string, string> = {
      "4680": port(emu.url),
      "4681": port(emu.s3Url),
      "4682": port(emu.edgeUrl),
      "4683": port(emu.edgeHttpsUrl),
    };
    const script = quickStartScript()
      .replace(/export MAMUTECLOUD_API_KEY=\S+/, `export MAMUTECLOUD_API_KEY=${emu.apiKey}`)
      .replace(/\b(4680|4681|4682|4683)\b/g, (match) => ports[match]);
    const { stdout } = await promisify(execFile)("/bin/bash", ["-euo", "pipefail", "-c", script], {
      cwd: dir,
      env: { PATH: `${dirname(TOOLS[0])}:${process.env.PATH}`, HOME: dir },
      timeout: 60_000,
    });
    const site = "<h1>Hello MamuteCloud</h1>";
    expect(stdout.split("\n").filter((line) => !line.includes("upload:") && line !== "")).toEqual([
      "my-site.mamutecdn.com",
      site, // HTTP at the distribution domain
      site, // HTTPS at the distribution domain
      "issued",
      "active",
      site, // HTTPS at the custom domain
    ]);
  });
});
