import type { Plane } from "../plane";
import type { EmulatorState } from "../state";

export function createS3Plane(_state: EmulatorState): Plane {
  return {
    name: "s3",
    routeKey: () => "S3 Unknown",
    handle: async (_req, res) => {
      res.writeHead(501);
      res.end();
    },
  };
}
