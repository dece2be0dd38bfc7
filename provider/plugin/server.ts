// The native provider plugin of a backend (provider/backend.ts): `pulumirpc.ResourceProvider`
// served over gRPC with the stubs @pulumi/pulumi ships. Every resource operation goes to the same definition module, through the
// same operations (`dynamicProvider`), as the dynamic host uses; this file only translates the
// wire: type tokens to kinds, secrets, detailed diffs, init failures, configuration, lookups and
// status lines. One process serves one provider instance (the engine starts one per provider), so
// two accounts in one program are two plugins, each with its own configuration and client.
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import type * as grpcTypes from "@grpc/grpc-js";
import type { ApiClient } from "../client";
import { functionToken, typeToken, type Backend } from "../backend";
import { ConfigError, type ConfigSource } from "../config";
import type { KindOperations } from "../handlers";
import { withProgress } from "../progress";
import { redact, redactError } from "../redact";
import type { CheckFailure, Context, PropertyMap, ResourceDefinition } from "../resource";
import { isUnknown } from "../unknown";
import { packageVersion } from "../version";
import { constructHandler } from "./construct";
import { emptyproto, anyproto, fromStruct, grpc, toStruct } from "./wire";

// The plugin starts with the gRPC stubs, the wire helpers and configuration only: the engine
// waits for the port before anything else, and its first requests (GetPluginInfo, CheckConfig,
// Configure) need nothing more. The resource definitions (zod schemas for every kind), the
// operations, the API client and the schema are loaded by the first request that uses them
// (test/plugin/startModules.test.ts holds the count). Each is required once and kept.
function once<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}
let resourceLoaded = false;
const resourceModule = once(() => {
  resourceLoaded = true;
  return require("../resource") as typeof import("../resource");
});
const handlersModule = once(() => require("../handlers") as typeof import("../handlers"));
const schemaModule = once(() => require("../schema") as typeof import("../schema"));
const clientModule = once(() => require("../client") as typeof import("../client"));

/** Keys only the dynamic SDK sends; the native one gives the logical name and the URN in the request. */
const DYNAMIC_ONLY = ["__kind", "__logicalName", "__urn", "__provider"];

function withoutDynamicKeys(props: PropertyMap): PropertyMap {
  return Object.fromEntries(Object.entries(props).filter(([key]) => !DYNAMIC_ONLY.includes(key)));
}

/**
 * Configure's `args` (the provider's inputs by bare key, values typed, secrets unwrapped) as a
 * config source; the deprecated `variables` (`<namespace>:config:<key>`, the engine's spelling)
 * only where `args` lacks a key.
 */
function configSource(namespace: string, args: PropertyMap, variables: Map<string, string>): ConfigSource {
  return {
    get(key) {
      const bare = key.startsWith(`${namespace}:`) ? key.slice(namespace.length + 1) : key;
      const value = args[bare];
      if (value === undefined || value === null) return variables.get(`${namespace}:config:${bare}`);
      return typeof value === "string" ? value : JSON.stringify(value);
    },
  };
}

/** The setting a configuration error is about, for CheckConfig's failure. */
function settingOf(namespace: string, error: ConfigError): string {
  const key = new RegExp(`${namespace}:(\\w+)`).exec(error.message)?.[1];
  return key ?? "apiKey";
}

function grpcError(err: unknown): Partial<grpcTypes.StatusObject> {
  const error = redactError(err instanceof Error ? err : new Error(String(err)));
  const metadata = new grpc.Metadata();
  // Before the definitions are loaded no operation has run, so no error can be an init failure.
  if (resourceLoaded && error instanceof resourceModule().ResourceInitError) {
    // As @pulumi/pulumi's own server does: the engine reads ErrorResourceInitFailed from the
    // status details and keeps the object in state instead of orphaning it.
    const detail = new provproto.ErrorResourceInitFailed();
    detail.setId(error.id);
    detail.setProperties(toStruct(error.properties));
    detail.setReasonsList(error.reasons.map(redact));
    const any = new anyproto.Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusproto.Status();
    status.setCode(grpc.status.UNKNOWN);
    status.setMessage(error.message);
    status.addDetails(any);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return { code: grpc.status.UNKNOWN, details: error.message, metadata };
}

type Handler<Req, Res> = (call: grpcTypes.ServerUnaryCall<Req, Res>, callback: grpcTypes.sendUnaryData<Res>) => void;

function unary<Req, Res>(run: (request: Req) => Promise<Res>): Handler<Req, Res> {
  return (call, callback) => {
    run(call.request).then(
      (response) => callback(null, response),
      (err) => callback(grpcError(err) as grpcTypes.ServiceError, null),
    );
  };
}

export class ProviderPlugin {
  private source: ConfigSource | undefined;
  private client: ApiClient | undefined;
  private readonly engine: enginerpc.EngineClient | undefined;
  private readonly operations = new Map<string, KindOperations>();
  private readonly context: Context = {
    // Built on first use, as in the dynamic host: a preview that only checks needs no credential.
    client: () =>
      (this.client ??= new (clientModule().ApiClient)(this.backend.resolveConfig(this.source, this.env), this.backend.dialect())),
    config: () => this.backend.resolveConfig(this.source, this.env),
  };

  constructor(
    private readonly backend: Backend,
    private readonly engineAddress: string | undefined,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.engine = engineAddress ? new enginerpc.EngineClient(engineAddress, grpc.credentials.createInsecure()) : undefined;
  }

  /** Each kind's operations, made on the first request about a resource. */
  private operationsOf(definition: ResourceDefinition): KindOperations {
    let operations = this.operations.get(definition.kind);
    if (!operations) {
      operations = handlersModule().dynamicProvider(definition, this.context);
      this.operations.set(definition.kind, operations);
    }
    return operations;
  }

  private kindOf(token: string): { definition: ResourceDefinition; operations: KindOperations } {
    const definitions = this.backend.definitions();
    const definition = definitions.find((candidate) => typeToken(this.backend, candidate.kind) === token);
    if (!definition) {
      const known = definitions.map((d) => typeToken(this.backend, d.kind)).join(", ");
      throw new Error(`${this.backend.packageName} has no resource type "${token}"; known: ${known}`);
    }
    return { definition, operations: this.operationsOf(definition) };
  }

  /** Runs one resource operation with its status lines going to the engine, on the resource's row. */
  private withStatus<T>(urn: string, run: () => Promise<T>): Promise<T> {
    return withProgress((message) => this.log(urn, message), run);
  }

  private log(urn: string, message: string): void {
    if (!this.engine) return;
    const request = new engineproto.LogRequest();
    request.setSeverity(engineproto.LogSeverity.INFO);
    request.setMessage(redact(message));
    request.setUrn(urn);
    request.setEphemeral(true);
    // A status line that cannot be shown is not worth failing the operation for.
    this.engine.log(request, () => undefined);
  }

  private resolvedConfig(props: PropertyMap): CheckFailure[] {
    // At preview a setting may come from a resource not created yet: judged when it is known.
    const known = Object.fromEntries(Object.entries(props).filter(([, value]) => !isUnknown(value)));
    try {
      this.backend.resolveConfig(configSource(this.backend.name, known, new Map()), this.env);
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return [{ property: settingOf(this.backend.name, err), reason: redact(err.message) }];
      throw err;
    }
  }

  service(): grpcTypes.UntypedServiceImplementation {
    const empty = () => new emptyproto.Empty();
    const implementation: Partial<provrpc.IResourceProviderServer> = {
      getPluginInfo: unary(async () => new plugproto.PluginInfo().setVersion(packageVersion(this.backend.packageName))),

      getSchema: unary(async () =>
        new provproto.GetSchemaResponse().setSchema(
          JSON.stringify(schemaModule().packageSchema(this.backend, packageVersion(this.backend.packageName))),
        ),
      ),

      checkConfig: unary(async (request: provproto.CheckRequest) => {
        const news = fromStruct(request.getNews());
        const response = new provproto.CheckResponse().setInputs(toStruct(news.props, news.secrets));
        for (const failure of this.resolvedConfig(news.props)) {
          response.addFailures(new provproto.CheckFailure().setProperty(failure.property).setReason(failure.reason));
        }
        return response;
      }),

      diffConfig: unary(async (request: provproto.DiffRequest) => {
        const olds = fromStruct(request.getOldInputs() ?? request.getOlds()).props;
        const news = fromStruct(request.getNews()).props;
        // A new account or endpoint changes where resources live, but replacing them would not
        // move them: no setting ever asks for replacement (and so a stack can move from the
        // dynamic provider to this one without replacing anything).
        const changed = Object.values(this.backend.settings)
          .map((setting) => setting.key)
          .filter((key) => JSON.stringify(olds[key] ?? null) !== JSON.stringify(news[key] ?? null));
        const response = new provproto.DiffResponse();
        response.setChanges(changed.length ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
        response.setDiffsList(changed);
        return response;
      }),

      configure: unary(async (request: provproto.ConfigureRequest) => {
        this.source = configSource(
          this.backend.name,
          fromStruct(request.getArgs()).props,
          new Map(request.getVariablesMap().getEntryList()),
        );
        this.client = undefined;
        return new provproto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(false).setAcceptresources(false);
      }),

      check: unary(async (request: provproto.CheckRequest) => {
        const { definition, operations } = this.kindOf(request.getType() || typeFromUrn(request.getUrn()));
        const olds = fromStruct(request.getOlds());
        const news = fromStruct(request.getNews());
        const name = request.getName() || nameFromUrn(request.getUrn());
        const checked = await operations.check(olds.props, {
          ...withoutDynamicKeys(news.props),
          __logicalName: name,
          __urn: request.getUrn(),
        });
        const response = new provproto.CheckResponse();
        response.setInputs(
          toStruct(withoutDynamicKeys(checked.inputs), [...news.secrets, ...resourceModule().secretProperties(definition)]),
        );
        for (const failure of checked.failures) {
          response.addFailures(new provproto.CheckFailure().setProperty(failure.property).setReason(failure.reason));
        }
        return response;
      }),

      diff: unary(async (request: provproto.DiffRequest) => {
        const { operations } = this.kindOf(request.getType() || typeFromUrn(request.getUrn()));
        const olds = fromStruct(request.getOlds()).props;
        const news = fromStruct(request.getNews()).props;
        const outcome = await operations.diff(request.getId(), olds, news);
        const response = new provproto.DiffResponse();
        response.setChanges(outcome.changes ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
        response.setReplacesList(outcome.replaces);
        response.setDiffsList(outcome.changed);
        response.setDeletebeforereplace(outcome.deleteBeforeReplace);
        response.setHasdetaileddiff(true);
        // Against the old inputs where the engine sends them: an input kept in the inputs only
        // (SyncedFolder's manifest) is not among the old outputs.
        const oldInputs = request.getOldInputs() ? fromStruct(request.getOldInputs()).props : olds;
        const detailed = response.getDetaileddiffMap();
        for (const key of outcome.changed) {
          for (const [path, kind] of propertyDiffs(key, oldInputs[key] ?? olds[key], news[key], outcome.replaces.includes(key))) {
            detailed.set(path, new provproto.PropertyDiff().setKind(kind).setInputdiff(true));
          }
        }
        return response;
      }),

      create: unary(async (request: provproto.CreateRequest) => {
        const { definition, operations } = this.kindOf(request.getType() || typeFromUrn(request.getUrn()));
        const props = fromStruct(request.getProperties());
        const created = await this.withStatus(request.getUrn(), () => operations.create(props.props));
        return new provproto.CreateResponse()
          .setId(created.id)
          .setProperties(toStruct(created.outs, [...props.secrets, ...resourceModule().secretProperties(definition)]));
      }),

      read: unary(async (request: provproto.ReadRequest) => {
        const { definition, operations } = this.kindOf(request.getType() || typeFromUrn(request.getUrn()));
        const state = fromStruct(request.getProperties());
        const found = await this.withStatus(request.getUrn(), () => operations.read(request.getId(), state.props));
        const response = new provproto.ReadResponse().setId(found.id);
        if (found.id === "") return response; // gone: no properties, and the engine drops it
        const secrets = [...state.secrets, ...resourceModule().secretProperties(definition)];
        response.setProperties(toStruct(found.props, secrets));
        response.setInputs(toStruct(withoutDynamicKeys(found.inputs ?? {}), secrets));
        return response;
      }),

      update: unary(async (request: provproto.UpdateRequest) => {
        const { definition, operations } = this.kindOf(request.getType() || typeFromUrn(request.getUrn()));
        const olds = fromStruct(request.getOlds());
        const news = fromStruct(request.getNews());
        const updated = await this.withStatus(request.getUrn(), () => operations.update(request.getId(), olds.props, news.props));
        return new provproto.UpdateResponse().setProperties(
          toStruct(updated.outs, [...news.secrets, ...resourceModule().secretProperties(definition)]),
        );
      }),

      delete: unary(async (request: provproto.DeleteRequest) => {
        const { operations } = this.kindOf(request.getType() || typeFromUrn(request.getUrn()));
        await this.withStatus(request.getUrn(), () => operations.delete(request.getId(), fromStruct(request.getProperties()).props));
        return empty();
      }),

      invoke: unary(async (request: provproto.InvokeRequest) => {
        const token = request.getTok();
        const { checkProperties, isInternal, unknownProperties } = resourceModule();
        const definition = this.backend
          .definitions()
          .find((candidate) => candidate.lookup && functionToken(this.backend, candidate.kind) === token);
        if (!definition?.lookup) throw new Error(`${this.backend.packageName} has no function "${token}"`);
        const args = fromStruct(request.getArgs()).props;
        const { checked, failures } = checkProperties(definition.lookup.args, args);
        failures.unshift(...unknownProperties(`get${definition.kind}`, definition.lookup.args, args));
        const response = new provproto.InvokeResponse();
        if (failures.length) {
          for (const failure of failures) {
            response.addFailures(new provproto.CheckFailure().setProperty(failure.property).setReason(failure.reason));
          }
          return response;
        }
        const operations = this.operationsOf(definition);
        let id: string;
        try {
          id = await definition.lookup.find(this.context, checked);
        } catch (err) {
          throw redactError(err);
        }
        const found = await operations.read(id, {});
        if (found.id === "") throw new Error(`get${definition.kind}: the ${definition.kind} was not found`);
        const outputs = Object.fromEntries(Object.entries(found.props).filter(([key]) => !isInternal(key)));
        return response.setReturn(toStruct({ ...outputs, id: found.id }, resourceModule().secretProperties(definition)));
      }),

      // Components for programs in every language: the SDK's component class, run here (construct.ts).
      construct: constructHandler(this.backend, this.engineAddress, grpcError),

      // Every operation is bounded by its own timeouts; there is nothing to interrupt early.
      cancel: unary(async () => empty()),
    };
    return implementation as grpcTypes.UntypedServiceImplementation;
  }
}

const isMap = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * The detailed diff of a changed input. A map (of rules, of tags) is diffed key by key, so a
 * preview names exactly the keys added, changed and removed (`cacheControl["*.css"]`) instead of
 * the whole map. (A folder's manifest is one string of lines, which the CLI shows as a line diff.)
 */
function propertyDiffs(key: string, old: unknown, next: unknown, replaces: boolean): Array<[string, provproto.PropertyDiff.Kind]> {
  if (!isMap(old) || !isMap(next) || Object.values({ ...old, ...next }).some((value) => isMap(value) || Array.isArray(value))) {
    return [[key, diffKind(old, next, replaces)]];
  }
  const entries: Array<[string, provproto.PropertyDiff.Kind]> = [];
  for (const name of new Set([...Object.keys(old), ...Object.keys(next)])) {
    if (JSON.stringify(old[name]) === JSON.stringify(next[name])) continue;
    entries.push([`${key}[${JSON.stringify(name)}]`, diffKind(old[name], next[name], replaces)]);
  }
  return entries.length ? entries : [[key, diffKind(old, next, replaces)]];
}

function diffKind(old: unknown, next: unknown, replaces: boolean): provproto.PropertyDiff.Kind {
  const Kind = provproto.PropertyDiff.Kind;
  if (old === undefined || old === null) return replaces ? Kind.ADD_REPLACE : Kind.ADD;
  if (next === undefined || next === null) return replaces ? Kind.DELETE_REPLACE : Kind.DELETE;
  return replaces ? Kind.UPDATE_REPLACE : Kind.UPDATE;
}

/** `urn:pulumi:<stack>::<project>::<parent types$>type::<name>` */
function typeFromUrn(urn: string): string {
  const type = urn.split("::")[2] ?? "";
  return type.split("$").pop() ?? type;
}

function nameFromUrn(urn: string): string {
  return urn.split("::").slice(3).join("::");
}

/**
 * A plugin executable's whole work (`pulumi-resource-<name> [flags] <engine address>`): serves
 * `backend`, or says why it could not start. The engine's address is the last argument (logging
 * and tracing flags may come first).
 */
export function runPlugin(backend: Backend, argv: readonly string[] = process.argv): void {
  const last = argv[argv.length - 1];
  const engineAddress = argv.length > 2 && !last.startsWith("-") ? last : undefined;
  serve(backend, engineAddress).catch((err: unknown) => {
    console.error(`pulumi-resource-${backend.name} could not start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}

/** Serves the plugin on a free loopback port and prints the port, as the engine expects. */
export async function serve(backend: Backend, engineAddress: string | undefined): Promise<grpcTypes.Server> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(provrpc.ResourceProviderService, new ProviderPlugin(backend, engineAddress).service());
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  // The engine reads the port from the first line of stdout.
  process.stdout.write(`${port}\n`);
  return server;
}
