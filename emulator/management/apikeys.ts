// The project API key: there is at most one, generating a new one revokes the old one at once,
// and the key itself is shown only when generated.
import { randomBytes } from "node:crypto";
import type { ApiKey, EmulatorState } from "../state";
import { notFound, timestamp, validationError } from "./http";
import { requiredString } from "./fields";
import type { Route } from "./router";

export const API_KEY_PATTERN = /^mamute-[0-9a-f]{40}$/;

export function newApiKeyValue(): string {
  return `mamute-${randomBytes(20).toString("hex")}`;
}

/** `mamute-3f9a`: enough to tell keys apart in a list without revealing them. */
function prefixOf(key: string): string {
  return key.slice(0, "mamute-".length + 4);
}

function apiKeyJson(apiKey: ApiKey) {
  return {
    id: apiKey.id,
    name: apiKey.name,
    prefix: prefixOf(apiKey.key),
    created_at: timestamp(apiKey.createdAt),
    last_used_at: apiKey.lastUsedAt ? timestamp(apiKey.lastUsedAt) : null,
  };
}

function currentKey(state: EmulatorState): ApiKey {
  if (!state.apiKey) throw notFound("there is no API key; generate one with POST /security/apikey");
  return state.apiKey;
}

export function apiKeyRoutes(state: EmulatorState): Route[] {
  return [
    {
      method: "POST",
      template: "/security/apikey",
      handler: async (ctx) => {
        const name = requiredString(await ctx.body(), "name");
        if (name.length < 1 || name.length > 64) throw validationError("name", "must be 1-64 characters");
        const apiKey: ApiKey = { id: state.newId("key"), name, key: newApiKeyValue(), createdAt: state.now(), lastUsedAt: null };
        state.apiKey = apiKey;
        const { id, prefix, created_at } = apiKeyJson(apiKey);
        return { status: 201, body: { id, name, key: apiKey.key, prefix, created_at } };
      },
    },
    {
      method: "GET",
      template: "/security/apikey",
      handler: () => ({ status: 200, body: apiKeyJson(currentKey(state)) }),
    },
    {
      method: "DELETE",
      template: "/security/apikey",
      handler: () => {
        currentKey(state);
        state.apiKey = null;
        return { status: 204 };
      },
    },
  ];
}
