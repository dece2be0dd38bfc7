// From a request to a written answer: resolve the route, let the caller check credentials, run the
// handler, write its reply, and turn any failure into the documented JSON error.
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  ApiError,
  ensureRequestId,
  parseJsonObject,
  readBodyText,
  sendError,
  sendJson,
  sendNoContent,
  sendText,
  type JsonObject,
} from "./http";
import type { Router, RouteMatch } from "./router";
import { DEFAULT_DIALECT, type Dialect } from "../dialect";
import { shapeQuery, shapeReply } from "./dialect-answers";

export async function dispatchRoute(
  router: Router,
  req: IncomingMessage,
  res: ServerResponse,
  /** Runs before 404/405 are decided, so an unauthenticated caller learns nothing about routes. */
  guard: (match: RouteMatch) => void = () => undefined,
  /** The management API's dialect, read per request (it can change at runtime); `/_emulator` has none. */
  dialect: () => Dialect = () => DEFAULT_DIALECT,
): Promise<void> {
  ensureRequestId(res);
  const answering = dialect();
  try {
    const method = req.method ?? "GET";
    const match = router.resolve(method, req.url);
    guard(match);
    if (match.kind === "not_found") throw new ApiError(404, "not_found", `no route for ${method} ${req.url ?? "/"}`);
    if (match.kind === "method_not_allowed") {
      const allowed = match.allowed.join(", ");
      throw new ApiError(405, "method_not_allowed", `${method} is not allowed on ${match.template}; use ${allowed}`, undefined, {
        allow: allowed,
      });
    }
    // The whole body arrives before the handler looks at the state, so every check it makes holds
    // when it writes (a zone deleted while a record's body was arriving is a 404, not an orphan).
    // Parsing stays lazy, so an unknown id still answers 404 before a malformed body answers 400.
    const routeKey = `${method} ${match.route.template}`;
    const query = shapeQuery(answering, routeKey, match.query);
    const text = await readBodyText(req);
    let body: JsonObject | undefined;
    const reply = shapeReply(
      answering,
      routeKey,
      await match.route.handler({
        req,
        params: match.params,
        query,
        body: async () => (body ??= parseJsonObject(text)),
      }),
    );
    if (reply.body === undefined) sendNoContent(res);
    else if (reply.contentType !== undefined) sendText(res, reply.status, reply.contentType, String(reply.body));
    else sendJson(res, reply.status, reply.body);
  } catch (error) {
    if (res.headersSent) throw error;
    sendError(
      res,
      error instanceof ApiError
        ? error
        : new ApiError(500, "internal_error", `emulator error: ${(error as Error)?.message ?? String(error)}`),
      answering.errorShape,
    );
  }
}
