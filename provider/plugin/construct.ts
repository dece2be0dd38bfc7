// Construct: the plugin builds a component (a site of several resources, for programs in YAML, Python,
// Go, Java) by running the SDK's own component class in this process, whose children the engine then creates
// through this same plugin. The protocol is @pulumi/pulumi's, as its provider server
// (`provider/server.js`, Apache-2.0) speaks it: the runtime pointed at the engine's monitor for this
// program, the inputs rebuilt as Outputs carrying their dependencies, the resource options rebuilt,
// the component's outputs serialized with theirs, and the answer sent only once every child's
// registration has gone out. Its `Server` class is not exported (only `deserializeInputs` is), so
// the steps are written here from the same runtime modules.
//
// The component class is program code made of SDK resources, so the backend names it (the one
// place of provider/ that loads the SDK, an exception to design.md's rule stated in
// test/unit/structure.test.ts); it is loaded on the first Construct only, so the plugin's start
// stays lean.
import type * as grpcTypes from "@grpc/grpc-js";
import type * as pulumi from "@pulumi/pulumi";
import type * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { typeToken, type Backend } from "../backend";
import { structproto } from "./wire";

type ConstructResult = { urn: pulumi.Output<string>; state: pulumi.Inputs };
type Component = (name: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions) => ConstructResult;

/** The runtime modules of the program's @pulumi/pulumi (the one this plugin's stubs come from). */
function runtime() {
  return {
    settings: require("@pulumi/pulumi/runtime/settings"),
    config: require("@pulumi/pulumi/runtime/config"),
    rpc: require("@pulumi/pulumi/runtime/rpc"),
    state: require("@pulumi/pulumi/runtime/state"),
    resource: require("@pulumi/pulumi/resource") as {
      DependencyResource: new (urn: string) => pulumi.CustomResource;
      DependencyProviderResource: new (ref: string) => pulumi.ProviderResource;
      rootStackResource: pulumi.Resource;
    },
    server: require("@pulumi/pulumi/provider/server"),
    provproto: require("@pulumi/pulumi/proto/provider_pb") as typeof provproto,
  };
}

/** Points the runtime at the engine and monitor of the program that asked (global, as in Pulumi's own server). */
async function configureRuntime(rt: ReturnType<typeof runtime>, request: provproto.ConstructRequest, engineAddress: string): Promise<void> {
  rt.settings.resetOptions(
    request.getProject(),
    request.getStack(),
    request.getParallel(),
    engineAddress,
    request.getMonitorendpoint(),
    request.getDryrun(),
    request.getOrganization(),
  );
  await rt.settings.awaitFeatureSupport();
  rt.config.setAllConfig(Object.fromEntries(request.getConfigMap().getEntryList()), request.getConfigsecretkeysList());
}

/** The options the program gave the component, as the component class takes them. */
function optionsOf(rt: ReturnType<typeof runtime>, request: provproto.ConstructRequest): pulumi.ComponentResourceOptions {
  const { DependencyResource, DependencyProviderResource, rootStackResource } = rt.resource;
  const providers: Record<string, pulumi.ProviderResource> = {};
  for (const [pkg, ref] of request.getProvidersMap().getEntryList()) providers[pkg] = new DependencyProviderResource(ref);
  const aliases: Array<string | pulumi.Alias> = request.getAliasesList().map((alias) => {
    if (alias.hasUrn()) return alias.getUrn();
    const spec = alias.getSpec()!;
    return {
      ...(spec.getName() ? { name: spec.getName() } : {}),
      ...(spec.getProject() ? { project: spec.getProject() } : {}),
      ...(spec.getStack() ? { stack: spec.getStack() } : {}),
      ...(spec.hasParenturn() ? { parent: spec.getParenturn() } : spec.getNoparent() ? { parent: rootStackResource } : {}),
    };
  });
  return {
    aliases,
    dependsOn: request.getDependenciesList().map((urn) => new DependencyResource(urn)),
    protect: request.getProtect(),
    providers,
    parent: request.getParent() ? new DependencyResource(request.getParent()) : undefined,
    ignoreChanges: request.getIgnorechangesList(),
    replaceOnChanges: request.getReplaceonchangesList(),
    customTimeouts: request.getCustomtimeouts()?.toObject(),
    retainOnDelete: request.getRetainondelete(),
    ...(request.getDeletedwith() ? { deletedWith: new DependencyResource(request.getDeletedwith()) } : {}),
  };
}

/** An Output's value, as the runtime's own server reads it (`promise()` is internal to @pulumi/pulumi). */
const settled = (output: pulumi.Output<string>): Promise<string> => (output as unknown as { promise(): Promise<string> }).promise();

async function construct(
  rt: ReturnType<typeof runtime>,
  request: provproto.ConstructRequest,
  backend: Backend,
  engineAddress: string | undefined,
): Promise<provproto.ConstructResponse> {
  const type = request.getType();
  const components = backend.components();
  const component = components.find(({ definition }) => typeToken(backend, definition.kind) === type);
  if (!component) {
    const known = components.map(({ definition }) => typeToken(backend, definition.kind)).join(", ") || "none";
    throw new Error(`${backend.packageName} has no component "${type}"; known: ${known}`);
  }
  if (!engineAddress)
    throw new Error(`${backend.packageName}: Construct needs the engine's address, which the plugin was not started with`);
  await configureRuntime(rt, request, engineAddress);
  const inputs = await rt.server.deserializeInputs(request.getInputs(), request.getInputdependenciesMap());
  const result = (component.construct() as Component)(request.getName(), inputs, optionsOf(rt, request));
  const response = new rt.provproto.ConstructResponse();
  response.setUrn(await settled(result.urn));
  const [state, dependencies] = await rt.rpc.serializeResourceProperties(`construct(${type}, ${request.getName()})`, result.state);
  const dependenciesMap = response.getStatedependenciesMap();
  for (const [key, resources] of dependencies as Map<string, Set<pulumi.Resource>>) {
    const urns = await Promise.all([...resources].map((resource) => settled(resource.urn)));
    dependenciesMap.set(key, new rt.provproto.ConstructResponse.PropertyDependencies().setUrnsList(urns));
  }
  response.setState(structproto.Struct.fromJavaScript(state));
  // Every child's registration must have reached the engine before the component is answered.
  await rt.settings.waitForRPCs();
  return response;
}

/**
 * The gRPC handler. Each Construct runs in a store of its own (the runtime's per-program state), as
 * Pulumi's server does; errors go back to the engine, which shows them on the component's row.
 */
export function constructHandler(
  backend: Backend,
  engineAddress: string | undefined,
  toError: (err: unknown) => Partial<grpcTypes.StatusObject>,
): grpcTypes.handleUnaryCall<provproto.ConstructRequest, provproto.ConstructResponse> {
  return (call, callback) => {
    const rt = runtime();
    rt.state.withLocalStorage(() =>
      construct(rt, call.request, backend, engineAddress).then(
        (response) => callback(null, response),
        (err: unknown) => callback(toError(err) as grpcTypes.ServiceError, null),
      ),
    );
  };
}
