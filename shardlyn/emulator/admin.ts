// `/_emulator/*` of Shardlyn's emulator: the request counter, faults and dialect (the routes every
// emulator shares, emulator/admin.ts), runtime settings, the clock, a reset, and the fake external
// provider (credentials, zones, revoking, its records). No authentication, never counted, faulted
// or rate-limited; errors are `{"error": "<message>"}` as on the API.
import type { IncomingMessage, ServerResponse } from "node:http";
import { configured, remoteAdminRefused, controlRoutes, dialectRoutes } from "../../emulator/admin";
import type { EmulatorControls } from "../../emulator/controls";
import { DEFAULT_DIALECT } from "../../emulator/dialect";
import { dispatchRoute } from "../../emulator/management/dispatch";
import { ADMIN_PREFIX, Router, type Route } from "../../emulator/management/router";
import { fail, sendShardlynError, validationError } from "./http";
import { readShardlynDialect } from "./dialect";
import { externalRecordJson } from "./external";
import { seedCredential, seedZone, setRevoked } from "./seed";
import type { ShardlynPlaneName } from "./api";
import type { ShardlynState } from "./state";
import type { SettingsJson } from "./settings";

/** The longest move of the clock at once: a hundred years. */
const MAX_ADVANCE_MS = 100 * 366 * 86_400_000;
const ERROR_STRING = Object.freeze({ ...DEFAULT_DIALECT, errorShape: "error-string" as const });

/** What the admin routes steer beyond the state; index.ts implements it. */
export interface AdminActions {
  settings(): SettingsJson;
  /** Throws `ControlConfigError` (or a 400) naming a bad field; changes nothing then. */
  changeSettings(body: unknown): void;
  advanceClock(ms: number): void;
  reset(): void;
}

function adminRoutes(state: ShardlynState, controls: EmulatorControls<ShardlynPlaneName>, actions: AdminActions): Route[] {
  const clock = () => ({ status: 200, body: { now: state.now().toISOString(), offset_ms: state.clockOffsetMs } });
  const credentialJson = (id: string) => {
    const credential = state.credentials.get(id)!;
    const zones = [...state.zones.values()]
      .filter((zone) => zone.credentialId === id)
      .map(({ id: zoneId, name }) => ({ id: zoneId, name }));
    return { id, provider: credential.provider, name: credential.name, revoked: credential.revoked, zones };
  };
  const revoke =
    (revoked: boolean): Route["handler"] =>
    (ctx) => {
      setRevoked(state, ctx.params.id, revoked);
      return { status: 204 };
    };
  return [
    { method: "GET", template: `${ADMIN_PREFIX}/health`, handler: () => ({ status: 200, body: { status: "ok", emulator: "shardlyn" } }) },
    ...controlRoutes(controls),
    ...dialectRoutes(
      () => state.dialect,
      (value) => (state.dialect = readShardlynDialect(value)),
    ),
    { method: "GET", template: `${ADMIN_PREFIX}/settings`, handler: () => ({ status: 200, body: actions.settings() }) },
    {
      method: "PUT",
      template: `${ADMIN_PREFIX}/settings`,
      handler: async (ctx) => {
        const body = await ctx.body();
        configured(() => actions.changeSettings(body));
        return { status: 200, body: actions.settings() };
      },
    },
    { method: "GET", template: `${ADMIN_PREFIX}/clock`, handler: clock },
    {
      method: "POST",
      template: `${ADMIN_PREFIX}/clock`,
      handler: async (ctx) => {
        const advance = (await ctx.body()).advance_ms;
        if (typeof advance !== "number" || !Number.isInteger(advance) || advance < 0 || advance > MAX_ADVANCE_MS)
          throw validationError("advance_ms", `is required: an integer from 0 to ${MAX_ADVANCE_MS} (milliseconds)`);
        actions.advanceClock(advance);
        return clock();
      },
    },
    {
      method: "POST",
      template: `${ADMIN_PREFIX}/reset`,
      handler: () => {
        actions.reset();
        return { status: 204 };
      },
    },
    {
      method: "GET",
      template: `${ADMIN_PREFIX}/credentials`,
      handler: () => ({ status: 200, body: [...state.credentials.keys()].map(credentialJson) }),
    },
    {
      method: "POST",
      template: `${ADMIN_PREFIX}/credentials`,
      handler: async (ctx) => {
        const body = await ctx.body();
        return { status: 201, body: credentialJson(seedCredential(state, body.provider, body.name).id) };
      },
    },
    { method: "POST", template: `${ADMIN_PREFIX}/credentials/{id}/revoke`, handler: revoke(true) },
    { method: "POST", template: `${ADMIN_PREFIX}/credentials/{id}/restore`, handler: revoke(false) },
    {
      method: "POST",
      template: `${ADMIN_PREFIX}/zones`,
      handler: async (ctx) => {
        const body = await ctx.body();
        const zone = seedZone(state, body.credential_id, body.name);
        return { status: 201, body: { id: zone.id, name: zone.name, credential_id: zone.credentialId } };
      },
    },
    {
      method: "GET",
      template: `${ADMIN_PREFIX}/external/zones/{zoneId}/records`,
      handler: (ctx) => {
        if (!state.zones.has(ctx.params.zoneId)) throw fail(404, "zone not found");
        return { status: 200, body: state.zoneRecords(ctx.params.zoneId).map((record) => externalRecordJson(state, record)) };
      },
    },
  ];
}

/** The handler of `/_emulator/*`; off loopback (`enabled` false) every one answers 403. */
export function createAdmin(
  state: ShardlynState,
  controls: EmulatorControls<ShardlynPlaneName>,
  actions: AdminActions,
  enabled: boolean,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const router = new Router(adminRoutes(state, controls, actions));
  return async (req, res) =>
    enabled ? dispatchRoute(router, req, res, undefined, () => ERROR_STRING) : sendShardlynError(res, remoteAdminRefused());
}
