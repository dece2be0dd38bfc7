// Starts the real Pulumi dynamic provider host (`@pulumi/pulumi/cmd/dynamic-provider`, the process
// the engine runs for dynamic resources) and calls it over gRPC with the SDK's own stubs, exactly
// as the engine would. The Pulumi CLI cannot be installed here; this is the next most faithful thing.
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export type Props = Record<string, unknown>;

export interface CheckResult {
  inputs: Props;
  failures: Array<{ property: string; reason: string }>;
}

export interface DiffResult {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** A failed gRPC call; `initFailed` is set when the host reported ErrorResourceInitFailed. */
export class HostCallError extends Error {
  constructor(
    message: string,
    readonly initFailed?: { id: string; properties: Props; reasons: string[] },
  ) {
    super(message);
  }
}

export function urnOf(kind: string, name: string): string {
  return `urn:pulumi:test::mamutecloud-test::pulumi-nodejs:dynamic/mamutecloud:${kind}::${name}`;
}

/** The native plugin's type token of a kind (of MamuteCloud's package unless another is named). */
export const nativeType = (kind: string, pkg = "mamutecloud") => `${pkg}:index:${kind}`;

export function nativeUrnOf(kind: string, name: string, pkg = "mamutecloud"): string {
  return `urn:pulumi:test::mamutecloud-test::${nativeType(kind, pkg)}::${name}`;
}

function struct(props: Props): structproto.Struct {
  // The wire drops undefined, as the engine's serializer does.
  return structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(props)));
}

function initFailureOf(error: grpc.ServiceError): HostCallError["initFailed"] {
  const raw = error.metadata?.get("grpc-status-details-bin")?.[0];
  if (!raw) return undefined;
  const status = statusproto.Status.deserializeBinary(raw instanceof Buffer ? new Uint8Array(raw) : Buffer.from(raw));
  for (const detail of status.getDetailsList()) {
    if (detail.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
    const failed = provproto.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
    return {
      id: failed.getId(),
      properties: (failed.getProperties()?.toJavaScript() ?? {}) as Props,
      reasons: failed.getReasonsList(),
    };
  }
  return undefined;
}

export interface HostOptions {
  /** Folder the host runs in; the shim's `require` resolves from its node_modules. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Options for node itself, before the host's script (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
}

export interface PluginOptions {
  /** The plugin folder (holding the `pulumi-resource-mamutecloud` executable). */
  pluginDir: string;
  /** The user's project: the working directory the language host gives the plugin. */
  cwd: string;
  /** The engine address, the plugin's last argument. */
  engineAddress: string;
  env?: NodeJS.ProcessEnv;
  /** The plugin's package (its type tokens' and config's namespace); default `mamutecloud`. */
  pkg?: string;
}

export class ProviderHost {
  private stderrText = "";
  private stdoutText = "";
  /** The engine's request fields for a resource: native plugins get the type token and the name. */
  readonly native: boolean;

  private constructor(
    private readonly child: ChildProcess,
    readonly client: provrpc.ResourceProviderClient,
    native = false,
    /** The package served: its type tokens' and config's namespace. */
    readonly pkg = "mamutecloud",
  ) {
    this.native = native;
    child.stderr?.on("data", (chunk: Buffer) => (this.stderrText += chunk.toString()));
  }

  /** Everything the host printed on stderr: where it logs every error, with its stack. */
  get stderr(): string {
    return this.stderrText;
  }

  get stdout(): string {
    return this.stdoutText;
  }

  static async start(options: HostOptions = {}): Promise<ProviderHost> {
    const cwd = options.cwd ?? REPO_ROOT;
    const entry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [cwd] });
    return ProviderHost.spawn([...(options.nodeArgs ?? []), entry, "127.0.0.1:1"], cwd, options.env, false);
  }

  /**
   * A native plugin started as the engine starts a plugin folder's executable:
   * `<plugin folder>/pulumi-resource-mamutecloud <engine address>`, in the project's directory.
   */
  static async startPlugin(options: PluginOptions): Promise<ProviderHost> {
    const executable = path.join(options.pluginDir, `pulumi-resource-${options.pkg ?? "mamutecloud"}`);
    return ProviderHost.spawn([options.engineAddress], options.cwd, options.env, true, executable, options.pkg);
  }

  /** The plugin as `pulumi-resource-mamutecloud <engine address>`, the executable found on PATH. */
  static async startExecutable(executable: string, options: Omit<PluginOptions, "pluginDir">): Promise<ProviderHost> {
    return ProviderHost.spawn(
      [executable, "--logtostderr", "-v=9", options.engineAddress],
      options.cwd,
      options.env,
      true,
      undefined,
      options.pkg,
    );
  }

  private static async spawn(
    args: string[],
    cwd: string,
    env: NodeJS.ProcessEnv | undefined,
    native: boolean,
    command = process.execPath,
    pkg?: string,
  ): Promise<ProviderHost> {
    const child = spawn(command, args, {
      cwd,
      env: { ...(env ?? process.env), PULUMI_NODEJS_PROJECT: "mamutecloud-test", PULUMI_NODEJS_STACK: "test" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    const port = await new Promise<number>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split("\n")[0];
        if (stdout.includes("\n") && /^\d+$/.test(line.trim())) {
          child.stdout?.off("data", onData);
          resolve(Number(line.trim()));
        }
      };
      child.stdout?.on("data", onData);
      child.once("exit", (code) => reject(new Error(`provider host exited with ${code} before printing its port: ${stdout}`)));
      child.once("error", reject);
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const host = new ProviderHost(child, client, native, pkg);
    host.stdoutText = stdout;
    child.stdout?.on("data", (chunk: Buffer) => (host.stdoutText += chunk.toString()));
    return host;
  }

  urn(kind: string, name: string): string {
    return this.native ? nativeUrnOf(kind, name, this.pkg) : urnOf(kind, name);
  }

  /** URN, and for a native plugin the type token and name, as the engine sets them. */
  private target<R extends { setUrn(urn: string): unknown }>(request: R, kind: string, name: string): R {
    request.setUrn(this.urn(kind, name));
    const typed = request as unknown as { setType?(type: string): void; setName?(name: string): void };
    if (this.native) {
      typed.setType?.(nativeType(kind, this.pkg));
      typed.setName?.(name);
    }
    return request;
  }

  unary<Req, Res>(method: string, request: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      const call = (this.client as unknown as Record<string, (...args: unknown[]) => unknown>)[method].bind(this.client);
      call(request, (error: grpc.ServiceError | null, response: Res) => {
        if (error) reject(new HostCallError(error.details || error.message, initFailureOf(error)));
        else resolve(response);
      });
    });
  }

  /** The engine's Configure: the whole stack config, namespaced keys (`mamutecloud:apiKey`). */
  /** Stack config by namespaced key; booleans and numbers travel typed, as `--type bool|int` sends them. */
  async configure(config: Record<string, string | boolean | number>): Promise<void> {
    const request = new provproto.ConfigureRequest();
    request.setArgs(struct(config));
    const variables = request.getVariablesMap();
    for (const [key, value] of Object.entries(config)) variables.set(key, String(value));
    await this.unary("configure", request);
  }

  async check(kind: string, name: string, olds: Props, news: Props): Promise<CheckResult> {
    const request = new provproto.CheckRequest();
    this.target(request, kind, name);
    request.setOlds(struct(olds));
    request.setNews(struct(news));
    const response = await this.unary<provproto.CheckRequest, provproto.CheckResponse>("check", request);
    return {
      inputs: (response.getInputs()?.toJavaScript() ?? {}) as Props,
      failures: response.getFailuresList().map((failure) => ({ property: failure.getProperty(), reason: failure.getReason() })),
    };
  }

  private rawDiff(kind: string, name: string, id: string, olds: Props, news: Props, oldInputs?: Props): Promise<provproto.DiffResponse> {
    const request = new provproto.DiffRequest();
    this.target(request, kind, name);
    request.setId(id);
    request.setOlds(struct(olds));
    request.setNews(struct(news));
    if (oldInputs) request.setOldInputs(struct(oldInputs));
    return this.unary<provproto.DiffRequest, provproto.DiffResponse>("diff", request);
  }

  async diff(kind: string, name: string, id: string, olds: Props, news: Props): Promise<DiffResult> {
    const response = await this.rawDiff(kind, name, id, olds, news);
    const changes = response.getChanges();
    return {
      changes:
        changes === provproto.DiffResponse.DiffChanges.DIFF_NONE
          ? "none"
          : changes === provproto.DiffResponse.DiffChanges.DIFF_SOME
            ? "some"
            : "unknown",
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
  }

  /**
   * The detailed diff a native plugin adds: property → `UPDATE`, `ADD_REPLACE`, … With `oldInputs`
   * (the engine sends the old inputs beside the old outputs), an input kept in the inputs only is diffed key by key.
   */
  async detailedDiff(kind: string, name: string, id: string, olds: Props, news: Props, oldInputs?: Props): Promise<Record<string, string>> {
    const response = await this.rawDiff(kind, name, id, olds, news, oldInputs);
    const names = Object.fromEntries(Object.entries(provproto.PropertyDiff.Kind).map(([label, value]) => [value, label]));
    const detailed: Record<string, string> = {};
    response.getDetaileddiffMap().forEach((diff, key) => (detailed[key] = names[diff.getKind()]));
    return detailed;
  }

  async create(kind: string, name: string, props: Props): Promise<{ id: string; properties: Props }> {
    const request = new provproto.CreateRequest();
    this.target(request, kind, name);
    request.setProperties(struct(props));
    const response = await this.unary<provproto.CreateRequest, provproto.CreateResponse>("create", request);
    return { id: response.getId(), properties: (response.getProperties()?.toJavaScript() ?? {}) as Props };
  }

  async read(kind: string, name: string, id: string, props: Props): Promise<{ id: string; properties: Props; inputs?: Props }> {
    const request = new provproto.ReadRequest();
    this.target(request, kind, name);
    request.setId(id);
    request.setProperties(struct(props));
    const response = await this.unary<provproto.ReadRequest, provproto.ReadResponse>("read", request);
    return {
      id: response.getId(),
      properties: (response.getProperties()?.toJavaScript() ?? {}) as Props,
      inputs: response.getInputs()?.toJavaScript() as Props | undefined,
    };
  }

  async update(kind: string, name: string, id: string, olds: Props, news: Props): Promise<{ properties: Props }> {
    const request = new provproto.UpdateRequest();
    this.target(request, kind, name);
    request.setId(id);
    request.setOlds(struct(olds));
    request.setNews(struct(news));
    const response = await this.unary<provproto.UpdateRequest, provproto.UpdateResponse>("update", request);
    return { properties: (response.getProperties()?.toJavaScript() ?? {}) as Props };
  }

  async delete(kind: string, name: string, id: string, props: Props): Promise<void> {
    const request = new provproto.DeleteRequest();
    this.target(request, kind, name);
    request.setId(id);
    request.setProperties(struct(props));
    await this.unary("delete", request);
  }

  /** The host's process id (for its memory, in benchmarks). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Kills the host at once, as a crash or a cancelled CI job would: nothing gets to finish. */
  async kill(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGKILL");
      await exited;
    }
  }

  async close(): Promise<void> {
    this.client.close();
    // A killed host has a signal and no exit code: it is gone already.
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGTERM");
      await exited;
    }
  }
}

/** A value the way the engine sends a secret. */
export function secretValue(value: unknown): Props {
  return { [specialSigKey]: specialSecretSig, value };
}

export function isSecretValue(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Props)[specialSigKey] === specialSecretSig;
}

/** A bag with every secret unwrapped, as the engine shows values to the program. */
export function revealed(props: Props): Props {
  return Object.fromEntries(Object.entries(props).map(([key, value]) => [key, isSecretValue(value) ? value.value : value]));
}

/**
 * The engine's Configure for a native provider (provider_plugin.go): `args` holds the provider's
 * inputs by bare key (secrets wrapped, since the provider may not have said yet that it accepts
 * them), the deprecated `variables` the same values as strings keyed `mamutecloud:config:<key>`.
 */
export async function configurePlugin(host: ProviderHost, settings: Record<string, unknown>, secrets = ["apiKey", "token"]): Promise<void> {
  const request = new provproto.ConfigureRequest();
  const args = Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [key, secrets.includes(key) ? secretValue(value) : value]),
  );
  request.setArgs(struct(args));
  request.setAcceptsecrets(true);
  const variables = request.getVariablesMap();
  for (const [key, value] of Object.entries(settings))
    variables.set(`${host.pkg}:config:${key}`, typeof value === "string" ? value : JSON.stringify(value));
  await host.unary("configure", request);
}

/** `mamutecloud:endpoint`-style stack config as a native provider's inputs (`endpoint`). */
export function bareKeys(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key.replace(/^mamutecloud:/, ""), value]));
}
