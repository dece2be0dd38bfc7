// The S3 data plane: path-style S3 over the emulator's state, SigV4-verified. The server around
// it (emulator/controls.ts) counts each request under `S3 <Operation>` and applies fault rules and
// the rate limit before `handle` runs.
import type { Plane } from "../plane";
import type { EmulatorState } from "../state";
import { operationOf } from "./operations";
import { handleS3 } from "./router";

export function createS3Plane(state: EmulatorState): Plane {
  return {
    name: "s3",
    routeKey: (req) => `S3 ${operationOf(req.method ?? "GET", req.url ?? "/", req.headers)}`,
    handle: (req, res) => handleS3(state, req, res),
  };
}
