// The real Pulumi CLI (built into .pulumi/bin by `npm run pulumi:install`) running a project as a
// user runs it: a copy of an example (so a test may edit it) inside the repository, so the program
// resolves @pulumi/pulumi and pulumi-mamutecloud as an installed project would; a file backend, a
// passphrase, a PULUMI_HOME and the provider's settings of its own, so nothing outside the copy is
// read or written. Every command's output is kept for the secret canaries.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { cleanEnv, type Emulator } from "./emulator";
import { REPO_ROOT } from "./providerHost";

export const PULUMI_BIN = path.join(REPO_ROOT, ".pulumi", "bin");
export const PULUMI = path.join(PULUMI_BIN, "pulumi");
const PASSPHRASE = "mamutecloud-e2e";

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export class CliCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly result: CliResult,
  ) {
    super(
      `pulumi ${args.join(" ")} failed (${result.signal ?? `exit ${result.code}`}):\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`,
    );
  }
}

export interface RunOptions {
  /** Resolve with the result instead of throwing when the command fails. */
  allowFailure?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Called with the child once it runs (to interrupt it). */
  started?: (child: import("node:child_process").ChildProcess) => void;
  /** Written to the command's standard input (a secret value, so that it is not on its command line). */
  input?: string;
}

export interface ProjectOptions {
  /** Folder of the example under examples/, or an absolute folder to copy. */
  source: string;
  emu?: Emulator;
  /** Backend URL; default a file backend inside the copy. */
  backend?: string;
  /** More environment for every command (AWS_* for an S3 backend). */
  env?: NodeJS.ProcessEnv;
  stack?: string;
}

/** The environment every command runs in: the repository's CLI first on PATH, the emulator's settings, no prompts. */
export function cliEnv(home: string, backend: string, emu: Emulator | undefined, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = cleanEnv({
    PATH: `${PULUMI_BIN}${path.delimiter}${process.env.PATH}`,
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: backend,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    NO_COLOR: "1",
    ...(emu ? { MAMUTECLOUD_ENDPOINT: emu.url, MAMUTECLOUD_S3_ENDPOINT: emu.s3Url, MAMUTECLOUD_API_KEY: emu.apiKey } : {}),
    ...extra,
  });
  // A variable given as undefined is one the command must not inherit (AWS_CA_BUNDLE against plain HTTP).
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return env;
}

/**
 * The files a `pulumi preview --diff` lists in a folder's manifest, which the CLI shows as a line
 * diff: the paths of its removed (`-`) and added (`+`) lines; a changed file is in both. The
 * unchanged lines it prints around them for context carry no sign.
 */
export function manifestLinesInDiff(diff: string): { removed: string[]; added: string[] } {
  const found = { removed: [] as string[], added: [] as string[] };
  for (const [, sign, file] of diff.matchAll(/^\s*([+-]) ([^\t\n]+)\t\S+ \d+ [A-Za-z0-9_-]{6}$/gm)) {
    (sign === "-" ? found.removed : found.added).push(file);
  }
  return found;
}

export class CliProject {
  /** Everything every command printed, for the secret canaries. */
  readonly transcript: string[] = [];

  private constructor(
    readonly dir: string,
    readonly env: NodeJS.ProcessEnv,
    readonly stack: string,
  ) {}

  static async create(options: ProjectOptions): Promise<CliProject> {
    if (!fs.existsSync(PULUMI)) throw new Error(`No Pulumi CLI at ${PULUMI}: run \`npm run pulumi:install\` first`);
    const source = path.isAbsolute(options.source) ? options.source : path.join(REPO_ROOT, "examples", options.source);
    fs.mkdirSync(path.join(REPO_ROOT, ".tmp"), { recursive: true });
    const dir = fs.mkdtempSync(path.join(REPO_ROOT, ".tmp", `cli-${path.basename(source)}-`));
    // Not what a run of the example left in it: installed packages, build output (a Python virtualenv, Maven's target/), state.
    fs.cpSync(source, dir, { recursive: true, filter: (file) => !/[\\/](node_modules|bin|venv|target|\.pulumi-state)$/.test(file) });
    const home = path.join(dir, ".pulumi-home");
    const state = path.join(dir, ".pulumi-state");
    fs.mkdirSync(home, { recursive: true });
    fs.mkdirSync(state, { recursive: true });
    const project = new CliProject(
      dir,
      cliEnv(home, options.backend ?? `file://${state}`, options.emu, options.env),
      options.stack ?? "test",
    );
    await project.run(["stack", "init", project.stack, "--non-interactive"]);
    return project;
  }

  run(args: string[], options: RunOptions = {}): Promise<CliResult> {
    const full = [...args, "--non-interactive"];
    return new Promise((resolve, reject) => {
      const child = spawn(PULUMI, full, {
        cwd: this.dir,
        env: { ...this.env, ...options.env },
        stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      });
      child.stdin?.end(options.input);
      let stdout = "";
      let stderr = "";
      child.stdout!.on("data", (chunk) => (stdout += chunk));
      child.stderr!.on("data", (chunk) => (stderr += chunk));
      child.on("error", reject);
      options.started?.(child);
      child.on("close", (code, signal) => {
        const result = { code, signal, stdout, stderr };
        this.transcript.push(`$ pulumi ${full.join(" ")}\n${stdout}\n${stderr}`);
        if (code === 0 || options.allowFailure) resolve(result);
        else reject(new CliCommandError(full, result));
      });
    });
  }

  /** `pulumi config set` for this stack; secret values encrypted and read from standard input, as a careful user sets them. */
  async config(values: Record<string, string>, secret: string[] = []): Promise<void> {
    for (const [key, value] of Object.entries(values)) {
      if (secret.includes(key)) await this.run(["config", "set", key, "--secret", "--stack", this.stack], { input: value });
      else await this.run(["config", "set", key, value, "--stack", this.stack]);
    }
  }

  async up(extra: string[] = []): Promise<UpdateSummary> {
    const result = await this.run(["up", "--yes", "--skip-preview", "--stack", this.stack, ...extra]);
    return summaryOf(result.stdout);
  }

  /** `pulumi preview --json`: the planned steps, by URN. */
  async preview(extra: string[] = []): Promise<PreviewPlan> {
    const result = await this.run(["preview", "--json", "--stack", this.stack, ...extra]);
    const plan = JSON.parse(result.stdout);
    const steps = (plan.steps ?? []) as Array<{ op: string; urn: string }>;
    const changed = steps.filter((step) => step.op !== "same").map((step) => `${step.op} ${nameOf(step.urn)}`);
    return { changeSummary: plan.changeSummary ?? {}, changed: [...changed].sort(), inOrder: changed };
  }

  /** A preview that must show no change: `--expect-no-changes` fails the command otherwise. */
  async expectNoChanges(): Promise<void> {
    await this.run(["preview", "--expect-no-changes", "--diff", "--stack", this.stack]);
  }

  async refresh(): Promise<UpdateSummary> {
    const result = await this.run(["refresh", "--yes", "--skip-preview", "--stack", this.stack]);
    return summaryOf(result.stdout);
  }

  async destroy(): Promise<void> {
    await this.run(["destroy", "--yes", "--skip-preview", "--stack", this.stack]);
  }

  async outputs(): Promise<Record<string, any>> {
    return JSON.parse((await this.run(["stack", "output", "--json", "--show-secrets", "--stack", this.stack])).stdout);
  }

  /** The checkpoint as `pulumi stack export` writes it (secrets encrypted). */
  async exportState(): Promise<any> {
    return JSON.parse((await this.run(["stack", "export", "--stack", this.stack])).stdout);
  }

  /** The resources in the stack's state, by type and name. */
  async resources(): Promise<Array<{ type: string; name: string; id?: string; urn: string; outputs: Record<string, any> }>> {
    const state = await this.exportState();
    return (state.deployment.resources ?? []).map((resource: any) => ({
      type: resource.type,
      name: nameOf(resource.urn),
      id: resource.id,
      urn: resource.urn,
      outputs: resource.outputs ?? {},
    }));
  }

  write(file: string, body: string): void {
    fs.mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
    fs.writeFileSync(path.join(this.dir, file), body);
  }

  close(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface UpdateSummary {
  /** "N created", "N updated", … as the CLI printed them under Resources:. */
  counts: Record<string, number>;
  output: string;
}

export interface PreviewPlan {
  changeSummary: Record<string, number>;
  /** `<op> <name>` of each step that is not `same`, sorted. */
  changed: string[];
  /** The same, in the order the engine plans them. */
  inOrder: string[];
}

function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** The counts of the `Resources:` block the CLI prints after an update. */
function summaryOf(output: string): UpdateSummary {
  const counts: Record<string, number> = {};
  const block = output.slice(output.lastIndexOf("Resources:"));
  for (const match of block.matchAll(/^\s*[+~\-±]*\s*(\d+) (created|updated|deleted|replaced|unchanged|to create|to update)/gm)) {
    counts[match[2]] = Number(match[1]);
  }
  return { counts, output };
}
