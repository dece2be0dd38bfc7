// A plane is one of the emulator's listeners (management API, S3 data plane, CDN edge; The Cloud's
// emulator has one, `api`). The server wraps every plane with the same request counter, fault
// injection and rate limit, so a plane only says how it names a request (its route key) and how
// it answers it.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiError } from "./management/http";

export type PlaneName = "management" | "s3" | "edge";

export const PLANE_NAMES: readonly PlaneName[] = ["management", "s3", "edge"];

export interface Plane<Name extends string = PlaneName> {
  readonly name: Name;
  /**
   * The key a request is counted and matched by: `GET /dns/zones/{id}` (the documented template,
   * without the `/storage` prefix) or `S3 PutObject`. `undefined` for the emulator's own
   * `/_emulator` routes, which are never counted or faulted.
   */
  routeKey(req: IncomingMessage): string | undefined;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** How the plane writes an error the server makes for it (a fault, the rate limit); the management plane's follows its dialect. */
  writeError?(res: ServerResponse, error: ApiError): void;
}
