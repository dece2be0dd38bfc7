// Shardlyn's emulator state, in memory: the one user, API tokens, refresh sessions, and the fake
// external DNS provider (credentials, their zones and records), the auto-DNS config and the clock.
// Nothing here speaks HTTP; the caps that bound memory throw the 4xx the routes answer.
import { randomBytes, randomUUID } from "node:crypto";
import { ApiError } from "../../emulator/management/http";
import { DEFAULT_SHARDLYN_DIALECT, type ShardlynDialect } from "./dialect";

export const API_TOKEN_PREFIX = "shardlyn_api_";

/** What bounds memory: beyond these a create is refused (`409`), never stored. */
export const LIMITS = {
  apiTokens: 1_000,
  credentials: 100,
  zones: 1_000,
  recordsPerZone: 10_000,
  records: 50_000,
  /** Live refresh tokens; the oldest is dropped past it (a client holding it must sign in again). */
  sessions: 10_000,
} as const;

export interface User {
  id: string;
  email: string;
  password: string;
}

export interface ApiToken {
  id: string;
  seq: number;
  name: string;
  token: string;
  createdAtMs: number;
  expiresAtMs: number | null;
  lastUsedAtMs: number | null;
}

export interface Credential {
  id: string;
  seq: number;
  provider: string;
  name: string;
  revoked: boolean;
}

export interface Zone {
  /** 32 lowercase hex, as Cloudflare's. */
  id: string;
  seq: number;
  name: string;
  credentialId: string;
}

export interface DnsRecord {
  /** Shardlyn's id (a UUID). */
  id: string;
  /** The external provider's id (32 lowercase hex), answered under `external-ids`. */
  externalId: string;
  seq: number;
  credentialId: string;
  zoneId: string;
  type: string;
  /** Relative to the zone: `mc`, `_acme-challenge.www`, `@` for the apex; lower case. */
  name: string;
  /** As sent (trimmed). */
  content: string;
  ttl: number;
  nodeId: string | null;
  createdAtMs: number;
}

export interface AutoConfig {
  enabled: boolean;
  credentialId: string | null;
  zoneId: string | null;
  recordType: string;
  ttl: number;
  nameTemplate: string;
}

export const DEFAULT_AUTO_CONFIG: Readonly<AutoConfig> = Object.freeze({
  enabled: false,
  credentialId: null,
  zoneId: null,
  recordType: "A",
  ttl: 300,
  nameTemplate: "{instance}",
});

export function newApiTokenValue(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(20).toString("hex")}`;
}

export function hexId(): string {
  return randomBytes(16).toString("hex");
}

function limitReached(what: string, max: number): ApiError {
  return new ApiError(409, "conflict", `too many ${what} (at most ${max}); delete some first`);
}

export class ShardlynState {
  /** Added to the clock by `advanceClock`. */
  clockOffsetMs = 0;
  dialect: ShardlynDialect = DEFAULT_SHARDLYN_DIALECT;
  /** Signs every JWT; a new one on reset, so tokens issued before are `invalid token`. */
  jwtSecret = randomBytes(32);
  readonly user: User;
  readonly apiTokens = new Map<string, ApiToken>();
  /** Live refresh tokens by `jti`: who, and until when. */
  readonly sessions = new Map<string, { userId: string; expiresAtMs: number }>();
  readonly credentials = new Map<string, Credential>();
  readonly zones = new Map<string, Zone>();
  readonly records = new Map<string, DnsRecord>();
  autoConfig: AutoConfig = { ...DEFAULT_AUTO_CONFIG };
  private seq = 0;

  constructor(
    email: string,
    password: string,
    private readonly clock: () => number,
  ) {
    this.user = { id: randomUUID(), email, password };
  }

  nowMs(): number {
    return this.clock() + this.clockOffsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /** Everything made since start is gone, the clock offset is 0 and every JWT issued so far is invalid. */
  clear(): void {
    this.apiTokens.clear();
    this.sessions.clear();
    this.credentials.clear();
    this.zones.clear();
    this.records.clear();
    this.autoConfig = { ...DEFAULT_AUTO_CONFIG };
    this.clockOffsetMs = 0;
    this.jwtSecret = randomBytes(32);
  }

  /** `id` is given only to make the starting token again after a reset. */
  addApiToken(name: string, expiresInSeconds: number | null, value = newApiTokenValue(), id: string = randomUUID()): ApiToken {
    if (this.apiTokens.size >= LIMITS.apiTokens) throw limitReached("API tokens", LIMITS.apiTokens);
    const createdAtMs = Math.floor(this.nowMs() / 1000) * 1000;
    const token: ApiToken = {
      id,
      seq: this.nextSeq(),
      name,
      token: value,
      createdAtMs,
      expiresAtMs: expiresInSeconds === null ? null : createdAtMs + expiresInSeconds * 1000,
      lastUsedAtMs: null,
    };
    this.apiTokens.set(token.id, token);
    return token;
  }

  apiTokenByValue(value: string): ApiToken | undefined {
    for (const token of this.apiTokens.values()) if (token.token === value) return token;
    return undefined;
  }

  addCredential(provider: string, name: string, id: string = randomUUID()): Credential {
    if (this.credentials.size >= LIMITS.credentials) throw limitReached("credentials", LIMITS.credentials);
    const credential: Credential = { id, seq: this.nextSeq(), provider, name, revoked: false };
    this.credentials.set(credential.id, credential);
    return credential;
  }

  addZone(credentialId: string, name: string, id: string = hexId()): Zone {
    const credential = this.credentials.get(credentialId);
    if (!credential) throw new ApiError(404, "not_found", "credential not found");
    if (this.zones.size >= LIMITS.zones) throw limitReached("zones", LIMITS.zones);
    for (const zone of this.zones.values()) {
      if (zone.credentialId === credentialId && zone.name === name)
        throw new ApiError(409, "conflict", `zone ${name} already exists for credential ${credentialId}`);
    }
    const zone: Zone = { id, seq: this.nextSeq(), name, credentialId };
    this.zones.set(zone.id, zone);
    return zone;
  }

  zoneRecords(zoneId: string): DnsRecord[] {
    return [...this.records.values()].filter((record) => record.zoneId === zoneId);
  }

  addRecord(fields: Omit<DnsRecord, "id" | "externalId" | "seq" | "createdAtMs">): DnsRecord {
    if (this.records.size >= LIMITS.records) throw limitReached("DNS records", LIMITS.records);
    if (this.zoneRecords(fields.zoneId).length >= LIMITS.recordsPerZone)
      throw limitReached("DNS records in this zone", LIMITS.recordsPerZone);
    const record: DnsRecord = { ...fields, id: randomUUID(), externalId: hexId(), seq: this.nextSeq(), createdAtMs: this.nowMs() };
    this.records.set(record.id, record);
    return record;
  }

  /** A record by the id the dialect answers (a UUID, or the external id under `external-ids`). */
  recordById(id: string): DnsRecord | undefined {
    if (!this.dialect.externalIds) return this.records.get(id);
    for (const record of this.records.values()) if (record.externalId === id) return record;
    return undefined;
  }

  /** A new refresh session; past the cap the oldest goes. */
  addSession(jti: string, expiresAtMs: number): void {
    if (this.sessions.size >= LIMITS.sessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    this.sessions.set(jti, { userId: this.user.id, expiresAtMs });
  }
}

/** ISO 8601 UTC to the second (`2026-03-01T00:00:00Z`), as the reference writes timestamps. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
