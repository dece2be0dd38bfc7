// Shardlyn's dialect. Its reference documents errors as `{"error": "<message>"}`, list routes with no
// answer body, envelope or paging, and no `Retry-After` (only `X-RateLimit-*`, read by the shared
// retry policy). So lists are read in every common form and followed by cursor when one is given;
// the auth routes (login lockout) get a limiter of their own; sessions sign in and refresh as the
// reference's auth section says. Which credential a route takes is open (every DNS route is marked
// JWT-only, the text says to use API tokens): a refusal that says so is read as wanting the other
// kind (shardlyn/emulator/README.md, "What the reference leaves open").
import { z } from "zod";
import type { ApiClient } from "../../provider/client";
import { statusKindOf, undocumentedAnswers, type ApiDialect, type SessionDialect } from "../../provider/client/dialect";
import { CONFIG_NAMESPACE, missingCredentialError, settings } from "./config";

const tokens = z.object({
  access_token: z.string().min(1).optional(),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive().optional(),
  mfa_required: z.boolean().optional(),
});

const session: SessionDialect = {
  signIn: { path: "/v1/auth/login", body: (email, password) => ({ email, password }) },
  refresh: { path: "/v1/auth/refresh", body: (refreshToken) => ({ refresh_token: refreshToken }) },
  readTokens(json) {
    const parsed = tokens.safeParse(json);
    if (parsed.success && parsed.data.mfa_required) {
      throw new Error(
        "Shardlyn asks this account for a second factor (MFA) at sign-in, which a program cannot give: use an API token " +
          "instead (shardlyn:token / SHARDLYN_TOKEN, from Settings > API Tokens).",
      );
    }
    if (!parsed.success || !parsed.data.access_token) throw new Error("Shardlyn's sign-in answer carried no access_token");
    return { accessToken: parsed.data.access_token, refreshToken: parsed.data.refresh_token, expiresIn: parsed.data.expires_in };
  },
  // "requires a JWT", "sign in", "session", "access token" (and not "API token" alone): the route wants a session.
  wantsSession: (_status, error) => /\b(jwt|sign(ed)?[ -]?in|session|access token|log(ged)?[ -]?in)\b/i.test(error?.message ?? ""),
  wantsToken: (_status, error) =>
    /\bapi[ _-]?tokens?\b.*\b(required|only|needed)\b|\b(requires?|only)\b.*\bapi[ _-]?tokens?\b/i.test(error?.message ?? ""),
  advice(status, refused, wantsOther) {
    const token = "shardlyn:token / SHARDLYN_TOKEN";
    const login = "shardlyn:email and shardlyn:password (SHARDLYN_EMAIL / SHARDLYN_PASSWORD)";
    if (refused === "token") {
      if (wantsOther)
        return `This route takes a signed-in session (a JWT), not an API token: set ${login} so the provider signs in for it.`;
      return status === 401
        ? `The API token (${token}) was not accepted: it may have expired or been deleted. Create another (Settings > API Tokens), or sign in with ${login}.`
        : `The API token (${token}) was accepted but is not allowed to do this.`;
    }
    if (wantsOther) return `This route takes an API token, not a signed-in session: set ${token} to an API token (shardlyn_api_…).`;
    return status === 401
      ? `Shardlyn refused the sign-in with ${login}: check them (repeated failures lock the account for a while).`
      : `The signed-in user (shardlyn:email) is not allowed to do this.`;
  },
};

export const shardlynDialect: ApiDialect = {
  cloud: "Shardlyn",
  // Errors and lists in every common form; a list whole unless it gives a `next_cursor`.
  ...undocumentedAnswers,
  // The API token goes as a bearer token (the config's `token`); there is no API key header.
  authForms: () => [],
  storagePrefixes: (configured) => [configured],
  // Sign-ins have a stricter limit (and lock an account after repeated failures): a budget of their own.
  routeGroup: (path) => (path.startsWith("/v1/auth/") ? "auth" : undefined),
  session,
  statusKind: (word) => statusKindOf(word),
  fields: { id: "id", createdAt: "created_at" },
  settings: { namespace: CONFIG_NAMESPACE, table: settings },
  wrongEndpointHint:
    "Check shardlyn:endpoint (or SHARDLYN_ENDPOINT): it must be Shardlyn API's base URL (https://api.shardlyn.com), " +
    "or the emulator's (`npx shardlyn-emulator` prints it).",
  emulatorCommand: "`npx shardlyn-emulator`",
  missingCredential: missingCredentialError,
};

export type ShardlynClient = ApiClient;
