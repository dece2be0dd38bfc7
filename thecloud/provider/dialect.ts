// The Cloud's dialect. Its reference documents a status-code table and no error body, no list
// envelope and no paging (thecloud/emulator/README.md, "What the reference leaves open"), so it
// reads every common form: an error as `{"error": {"code", "message"}}`, `{"error": "…"}` or a
// line of text; a list as a bare array, `{"data": […]}` or pages with a `next_cursor`. The key goes
// in `X-API-Key` (the one form documented). `/auth/*` is rate-limited to 5 requests a minute, so it
// is a route group of its own: a 429 there never slows storage calls.
import type { ApiClient } from "../../provider/client";
import { keyPrefix, statusKindOf, undocumentedAnswers, type ApiDialect } from "../../provider/client/dialect";
import { CONFIG_NAMESPACE, missingCredentialError, settings } from "./config";

export const theCloudDialect: ApiDialect = {
  cloud: "The Cloud",
  // Errors and lists in every common form; a list whole unless it gives a `next_cursor`.
  ...undocumentedAnswers,
  authForms: (apiKey) => [{ setting: "x-api-key", header: "x-api-key", headerName: "X-API-Key", shown: `X-API-Key: ${keyPrefix(apiKey)}` }],
  storagePrefixes: (configured) => [configured],
  routeGroup: (path) => (path.startsWith("/auth/") ? "auth" : undefined),
  // A name clash may come as a 400 whose message says so (the reference lists no 409).
  isConflict: (status, error) => status === 400 && /\b(taken|exists|already|in use|duplicate)\b/i.test(error?.message ?? ""),
  statusKind: (word) => statusKindOf(word),
  fields: { id: "id", createdAt: "created_at" },
  settings: { namespace: CONFIG_NAMESPACE, table: settings },
  wrongEndpointHint:
    "Check thecloud:endpoint (or THECLOUD_ENDPOINT): it must be The Cloud API's base URL (scheme, host and port), " +
    "or the emulator's (`npx thecloud-emulator` prints it).",
  emulatorCommand: "`npx thecloud-emulator`",
  missingCredential: missingCredentialError,
};

export type TheCloudClient = ApiClient;
