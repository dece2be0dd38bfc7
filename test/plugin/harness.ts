// What every native plugin test starts from: the package from `npm pack` installed in a user's
// project (built once, shared), plugins started from its plugin folder as the Node language host
// starts them, a stand-in engine for their logs, emulators to point them at.
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { cleanEnv, stackConfig, startTestEmulator, type Emulator } from "../harness/emulator";
import { Engine } from "../harness/engine";
import { packedProject, type PackedProject } from "../harness/packedProject";
import { ProviderHost, bareKeys, configurePlugin, type Props } from "../harness/providerHost";
import { StandInEngine } from "../harness/standInEngine";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";

export interface PluginRig {
  project: PackedProject;
  engineService: StandInEngine;
  /** Starts a plugin; configured for `emu` unless told otherwise. Closed by `close`. */
  plugin(options?: { emu?: Emulator; env?: NodeJS.ProcessEnv; configure?: boolean }): Promise<ProviderHost>;
  close(): Promise<void>;
}

export async function startRig(): Promise<PluginRig> {
  const project = packedProject();
  const engineService = await StandInEngine.start();
  const hosts: ProviderHost[] = [];
  return {
    project,
    engineService,
    async plugin(options = {}) {
      const host = await ProviderHost.startPlugin({
        pluginDir: project.pluginDir,
        cwd: project.dir,
        engineAddress: engineService.address,
        env: options.env ?? cleanEnv(),
      });
      hosts.push(host);
      if (options.emu && options.configure !== false) await configurePlugin(host, bareKeys(stackConfig(options.emu)));
      return host;
    },
    async close() {
      await Promise.all(hosts.map((host) => host.close()));
      await engineService.close();
    },
  };
}

/** One emulator and one configured plugin with a scripted engine, as the lifecycle tests use. */
export async function nativeEngine(rig: PluginRig, emu: Emulator): Promise<Engine> {
  return Engine.create(await rig.plugin({ emu }));
}

export { startTestEmulator };

function struct(props: Props): structproto.Struct {
  return structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(props)));
}

export async function invoke(host: ProviderHost, token: string, args: Props): Promise<{ result: Props; failures: string[] }> {
  const request = new provproto.InvokeRequest().setTok(token).setArgs(struct(args));
  const response = await host.unary<provproto.InvokeRequest, provproto.InvokeResponse>("invoke", request);
  return {
    result: (response.getReturn()?.toJavaScript() ?? {}) as Props,
    failures: response.getFailuresList().map((failure) => `${failure.getProperty()}: ${failure.getReason()}`),
  };
}

export async function checkConfig(host: ProviderHost, news: Props): Promise<string[]> {
  const request = new provproto.CheckRequest()
    .setUrn("urn:pulumi:test::mamutecloud-test::pulumi:providers:mamutecloud::default")
    .setNews(struct(news));
  const response = await host.unary<provproto.CheckRequest, provproto.CheckResponse>("checkConfig", request);
  return response.getFailuresList().map((failure) => `${failure.getProperty()}: ${failure.getReason()}`);
}

export async function diffConfig(
  host: ProviderHost,
  olds: Props,
  news: Props,
): Promise<{ changes: number; replaces: string[]; diffs: string[] }> {
  const request = new provproto.DiffRequest()
    .setUrn("urn:pulumi:test::mamutecloud-test::pulumi:providers:mamutecloud::default")
    .setOlds(struct(olds))
    .setOldInputs(struct(olds))
    .setNews(struct(news));
  const response = await host.unary<provproto.DiffRequest, provproto.DiffResponse>("diffConfig", request);
  return { changes: response.getChanges(), replaces: response.getReplacesList(), diffs: response.getDiffsList() };
}
