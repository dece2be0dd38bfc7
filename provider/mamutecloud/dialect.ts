// MamuteCloud's dialect: its documents give request bodies and almost no answers (no error body,
// list envelope, page size, status words), so it reads every common form (the tolerant readers of
// provider/client/dialect.ts); where its two documents disagree (the API key's header, the storage
// routes' prefix) the client tries both.
import type { ApiClient } from "../client";
import { keyPrefix, parseErrorBody, readListBody, refusesPageSize, statusKindOf, type ApiDialect, type AuthForm } from "../client/dialect";
import { CONFIG_NAMESPACE, missingCredentialError, settings } from "./config";

export const mamuteDialect: ApiDialect = {
  cloud: "MamuteCloud",
  parseError: parseErrorBody,
  readList: readListBody,
  pageSize: 100,
  pageQuery: (page, limit) => ({ page, limit }),
  refusesPageSize,
  // reference.md: `Authorization: <key>`; authentication.md: `X-API-Key: <key>`. Both are tried.
  authForms(apiKey, configured) {
    const shown = keyPrefix(apiKey);
    const forms: AuthForm[] = [
      { setting: "authorization", header: "authorization", headerName: "Authorization", shown: `Authorization: ${shown}` },
      { setting: "x-api-key", header: "x-api-key", headerName: "X-API-Key", shown: `X-API-Key: ${shown}` },
    ];
    return forms.sort((a, b) => Number(b.setting === configured) - Number(a.setting === configured));
  },
  // reference.md: `/object-storage/…`; authentication.md: `/storage/object-storage/…`.
  storagePrefixes: (configured) => [configured, ...["", "/storage"].filter((prefix) => prefix !== configured)],
  prefixedRoutes: "/object-storage",
  statusKind: (word) => statusKindOf(word),
  fields: { id: "id", createdAt: "created_at" },
  settings: { namespace: CONFIG_NAMESPACE, table: settings },
  wrongEndpointHint:
    "Check mamutecloud:endpoint (or MAMUTECLOUD_ENDPOINT): it must be the management API's URL " +
    "(https://api.mamutecloud.com, or the emulator's management port), not the S3 endpoint or a website.",
  emulatorCommand: "`npx mamutecloud-emulator` (`npm run emulator` in a clone of pulumi-mamutecloud)",
  missingCredential: missingCredentialError,
};

/**
 * The dialect a client speaks; MamuteCloud's for a stand-in client that does not say (the unit
 * tests' fakes). MamuteCloud's resource modules ask through this, never a dialect of their own.
 */
export function dialectOf(client: Pick<ApiClient, "dialect"> | { dialect?: ApiDialect }): ApiDialect {
  return client.dialect ?? mamuteDialect;
}
