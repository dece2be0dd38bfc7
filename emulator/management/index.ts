import type { Plane } from "../plane";
import type { EmulatorState } from "../state";

export interface ManagementOptions {
  /** Public URL of the S3 data plane, reported in bucket objects. */
  s3Url: () => string;
}

export function createManagementPlane(_state: EmulatorState, _options: ManagementOptions): Plane {
  return {
    name: "management",
    routeKey: (req) => `${req.method} ${req.url}`,
    handle: async (_req, res) => {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "not_found", message: "not implemented yet" } }));
    },
  };
}
