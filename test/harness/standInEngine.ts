// A stand-in for the engine's own gRPC service (pulumirpc.Engine), the address a plugin gets as its
// last argument: it records the log lines a plugin sends (ephemeral status lines included).
import * as grpc from "@grpc/grpc-js";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as engineproto from "@pulumi/pulumi/proto/engine_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";

export interface LogLine {
  severity: number;
  message: string;
  urn: string;
  ephemeral: boolean;
}

export class StandInEngine {
  private constructor(
    private readonly server: grpc.Server,
    readonly address: string,
    readonly lines: LogLine[],
  ) {}

  static async start(): Promise<StandInEngine> {
    const server = new grpc.Server();
    const lines: LogLine[] = [];
    server.addService(enginerpc.EngineService, {
      log: (call: grpc.ServerUnaryCall<engineproto.LogRequest, emptyproto.Empty>, callback: grpc.sendUnaryData<emptyproto.Empty>) => {
        const request = call.request;
        lines.push({
          severity: request.getSeverity(),
          message: request.getMessage(),
          urn: request.getUrn(),
          ephemeral: request.getEphemeral(),
        });
        callback(null, new emptyproto.Empty());
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    );
    return new StandInEngine(server, `127.0.0.1:${port}`, lines);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }
}
