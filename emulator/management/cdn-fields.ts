// Readers for the CDN request bodies. Bodies nest (origin groups, behaviors, custom domains), so
// every reader takes the dotted path of what it reads and a 400 names it: `behaviors[1].priority`.
import { isIPv4 } from "node:net";
import type {
  CdnBehavior,
  CdnCustomErrorResponse,
  CdnCustomOriginGroup,
  CdnOriginGroup,
  CdnOriginHeader,
  CdnProtocolPolicy,
  CdnStorageOriginGroup,
  TlsProtocolName,
  ViewerProtocolPolicy,
} from "../state";
import { conflict, notFound, validationError, type JsonObject } from "./http";

export const DISTRIBUTION_SUFFIX = "mamutecdn.com";
const MAX_TTL_SECONDS = 31_536_000;
export const DEFAULT_CACHE_TTL_SECONDS = 86_400;
const DEFAULT_ERROR_CACHE_TTL_SECONDS = 10;
const MAX_CUSTOM_ERROR_RESPONSES = 20;
const MAX_CUSTOM_HEADERS = 10;
const MAX_BEHAVIOR_PRIORITY = 100;

/** Reads one JSON object's fields, naming each failure by its full path. */
export class Fields {
  constructor(
    readonly raw: JsonObject,
    private readonly prefix = "",
  ) {}

  static of(value: unknown, path: string): Fields {
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw validationError(path, "must be an object");
    return new Fields(value as JsonObject, `${path}.`);
  }

  path(name: string): string {
    return `${this.prefix}${name}`;
  }

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  fail(name: string, rule: string): never {
    throw validationError(this.path(name), rule);
  }

  string(name: string): string | undefined {
    if (!this.has(name)) return undefined;
    const value = this.raw[name];
    if (typeof value !== "string") this.fail(name, "must be a string");
    return value;
  }

  requiredString(name: string): string {
    return this.string(name) ?? this.fail(name, "is required");
  }

  integer(name: string, min: number, max: number): number | undefined {
    if (!this.has(name)) return undefined;
    const value = this.raw[name];
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      this.fail(name, `must be an integer from ${min} to ${max}`);
    }
    return value;
  }

  boolean(name: string): boolean | undefined {
    if (!this.has(name)) return undefined;
    const value = this.raw[name];
    if (typeof value !== "boolean") this.fail(name, "must be true or false");
    return value;
  }

  choice<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value !== undefined && !choices.includes(value as T)) this.fail(name, `must be one of ${choices.join(", ")}`);
    return value as T | undefined;
  }

  array(name: string, max: number): unknown[] | undefined {
    if (!this.has(name)) return undefined;
    const value = this.raw[name];
    if (!Array.isArray(value)) this.fail(name, "must be an array");
    if (value.length > max) this.fail(name, `must have at most ${max} entries`);
    return value;
  }

  /** A field that must not be given (with a value) in this context. */
  refuse(name: string, why: string): void {
    if (this.has(name)) this.fail(name, why);
  }
}

const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;

export function resourceName(fields: Fields, name: string): string | undefined {
  const value = fields.string(name);
  if (value !== undefined && !RESOURCE_NAME.test(value)) {
    fields.fail(name, "must be 1-64 characters of letters, digits, space, ., _ and -, starting with a letter or digit");
  }
  return value;
}

export function description(fields: Fields): string | undefined {
  const value = fields.string("description");
  if (value !== undefined && value.length > 500) fields.fail("description", "must be at most 500 characters");
  return value;
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A host name as a DNS zone domain (two labels or more, top label not all digits), lower-cased
 * without a trailing dot, or undefined when it breaks the rule; `*.` in front when `wildcard`.
 */
function canonicalHost(raw: string, wildcard: boolean): string | undefined {
  const host = (raw.endsWith(".") ? raw.slice(0, -1) : raw).toLowerCase();
  if (host.length > 253) return undefined;
  const labels = host.split(".");
  const named = wildcard && labels[0] === "*" ? labels.slice(1) : labels;
  if (named.length < 2 || !named.every((label) => DNS_LABEL.test(label))) return undefined;
  return /^\d+$/.test(named[named.length - 1]) ? undefined : host;
}

/** A custom domain name: `www.example.com` or `*.example.com`, never under mamutecdn.com. */
export function customDomainName(raw: unknown, path: string): string {
  if (typeof raw !== "string") throw validationError(path, "must be a string");
  const host = canonicalHost(raw, true);
  if (host === undefined) {
    throw validationError(
      path,
      "must be a host name like www.example.com or *.example.com (labels of a-z, 0-9 and -, `*` only as the whole first label)",
    );
  }
  if (host === DISTRIBUTION_SUFFIX || host.endsWith(`.${DISTRIBUTION_SUFFIX}`)) {
    throw validationError(path, `must not be under ${DISTRIBUTION_SUFFIX} (distribution domains are set with distribution_domain)`);
  }
  return host;
}

const GENERATED_DISTRIBUTION_LABEL = /^r-[0-9a-f]{16}$/;

export function isGeneratedDistributionLabel(label: string): boolean {
  return GENERATED_DISTRIBUTION_LABEL.test(label);
}

/** `My-Site` or `my-site.mamutecdn.com` → the label `my-site`. */
export function distributionLabel(raw: string, path: string, labelOnly = false): string {
  let label = raw.toLowerCase();
  if (label.endsWith(".")) label = label.slice(0, -1);
  if (label.endsWith(`.${DISTRIBUTION_SUFFIX}`)) {
    // The `distribution-label` dialect: the reference's only example sends `my-site`.
    if (labelOnly) throw validationError(path, `must be the label alone, like "my-site", without .${DISTRIBUTION_SUFFIX}`);
    label = label.slice(0, -DISTRIBUTION_SUFFIX.length - 1);
  }
  if (label.length < 3 || label.length > 63 || !DNS_LABEL.test(label)) {
    throw validationError(
      path,
      `must be 3-63 characters of a-z, 0-9 and -, not starting or ending with - (optionally followed by .${DISTRIBUTION_SUFFIX})`,
    );
  }
  return label;
}

// --- origin groups

const PROTOCOL_POLICIES: readonly CdnProtocolPolicy[] = ["http_only", "https_only", "match_viewer"];
const TLS_PROTOCOLS: readonly TlsProtocolName[] = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];
const STORAGE_ONLY = ["bucket_id", "default_root_object"] as const;
const CUSTOM_ONLY = [
  "hostname",
  "protocol_policy",
  "http_port",
  "https_port",
  "origin_ssl_protocols",
  "custom_headers",
  "connection_attempts",
  "connection_timeout_seconds",
  "response_timeout_seconds",
  "keepalive_timeout_seconds",
] as const;
const PATH_SEGMENT = /^[A-Za-z0-9._~!$&'()*+,;=:@%-]+$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RESERVED_HEADERS = new Set(["host", "connection", "content-length", "transfer-encoding"]);

function originPath(fields: Fields): string | undefined {
  let value = fields.string("origin_path");
  if (value === undefined) return undefined;
  if (value.endsWith("/")) value = value.slice(0, -1);
  const segments = value.split("/").slice(1);
  const valid =
    value.length <= 255 &&
    (value === "" || value.startsWith("/")) &&
    segments.every((segment) => PATH_SEGMENT.test(segment) && segment !== "." && segment !== "..");
  if (!valid)
    fields.fail("origin_path", 'must be "" or a path like /site (segments of URL path characters, no . or .., at most 255 characters)');
  return value;
}

function originHostname(fields: Fields): string {
  const raw = fields.requiredString("hostname");
  const lower = raw.toLowerCase();
  if (lower === "localhost" || isIPv4(lower)) return lower;
  return (
    canonicalHost(lower, false) ?? fields.fail("hostname", "must be a host name like origin.example.com, localhost or an IPv4 address")
  );
}

function customHeaders(fields: Fields): CdnOriginHeader[] | undefined {
  const list = fields.array("custom_headers", MAX_CUSTOM_HEADERS);
  if (list === undefined) return undefined;
  const seen = new Set<string>();
  return list.map((entry, index) => {
    const header = Fields.of(entry, fields.path(`custom_headers[${index}]`));
    const name = header.requiredString("name");
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) header.fail("name", "must be an HTTP header name (letters, digits and !#$%&'*+.^_`|~-)");
    if (RESERVED_HEADERS.has(lower) || lower.startsWith("x-forwarded-"))
      header.fail("name", `${name} is set by the edge and cannot be added`);
    if (seen.has(lower)) header.fail("name", `${name} is given twice`);
    seen.add(lower);
    const value = header.string("value") ?? "";
    if (value.length > 1024 || !/^[\x20-\x7e]*$/.test(value)) header.fail("value", "must be at most 1024 printable ASCII characters");
    return { name, value };
  });
}

function sslProtocols(fields: Fields): TlsProtocolName[] | undefined {
  const list = fields.array("origin_ssl_protocols", TLS_PROTOCOLS.length);
  if (list === undefined) return undefined;
  if (list.length === 0) fields.fail("origin_ssl_protocols", `must name at least one of ${TLS_PROTOCOLS.join(", ")}`);
  for (const [index, value] of list.entries()) {
    if (!TLS_PROTOCOLS.includes(value as TlsProtocolName))
      fields.fail(`origin_ssl_protocols[${index}]`, `must be one of ${TLS_PROTOCOLS.join(", ")}`);
    if (list.indexOf(value) !== index) fields.fail(`origin_ssl_protocols[${index}]`, `${String(value)} is given twice`);
  }
  return TLS_PROTOCOLS.filter((protocol) => list.includes(protocol));
}

/** Where an origin group comes from: nothing (create) or the group it updates. */
export interface OriginGroupBase {
  id: string;
  now: Date;
  current?: CdnOriginGroup;
  defaultName: string;
  bucketExists: (bucketId: string) => boolean;
}

/**
 * The origin group `fields` describe: on create every field from the body or its default, on
 * update the body's fields over the current group's. Fields of the other type are refused either way.
 */
export function readOriginGroup(fields: Fields, base: OriginGroupBase): CdnOriginGroup {
  const current = base.current;
  const type =
    fields.choice("type", ["storage", "custom"] as const) ?? current?.type ?? fields.fail("type", "is required (storage or custom)");
  if (current && type !== current.type) fields.fail("type", `cannot be changed from ${current.type} (create a new resource instead)`);
  for (const name of type === "storage" ? CUSTOM_ONLY : STORAGE_ONLY) {
    fields.refuse(name, `only a ${type === "storage" ? "custom" : "storage"} origin takes it`);
  }
  const name = resourceName(fields, "name") ?? current?.name ?? base.defaultName;
  const path = originPath(fields) ?? current?.originPath ?? "";
  const common = { id: base.id, name, originPath: path, createdAt: current?.createdAt ?? base.now, updatedAt: base.now };
  if (type === "storage") {
    const was = current as CdnStorageOriginGroup | undefined;
    const bucketId = fields.string("bucket_id") ?? was?.bucketId ?? fields.fail("bucket_id", "is required for a storage origin");
    if (fields.has("bucket_id") && !base.bucketExists(bucketId))
      throw notFound(`${fields.path("bucket_id")}: no bucket ${bucketId}`, fields.path("bucket_id"));
    const root = fields.string("default_root_object") ?? was?.defaultRootObject ?? "index.html";
    if (root.length === 0 || root.length > 255 || root.startsWith("/") || !/^[\x21-\x7e]+$/.test(root)) {
      fields.fail("default_root_object", "must be 1-255 printable characters, not starting with /");
    }
    return { ...common, type, bucketId, defaultRootObject: root };
  }
  const was = current as CdnCustomOriginGroup | undefined;
  const group: CdnCustomOriginGroup = {
    ...common,
    type,
    hostname: fields.has("hostname") || !was ? originHostname(fields) : was.hostname,
    protocolPolicy: fields.choice("protocol_policy", PROTOCOL_POLICIES) ?? was?.protocolPolicy ?? "match_viewer",
    httpPort: fields.integer("http_port", 1, 65535) ?? was?.httpPort ?? 80,
    httpsPort: fields.integer("https_port", 1, 65535) ?? was?.httpsPort ?? 443,
    originSslProtocols: sslProtocols(fields) ?? was?.originSslProtocols ?? ["TLSv1.2"],
    customHeaders: customHeaders(fields) ?? was?.customHeaders ?? [],
    connectionAttempts: fields.integer("connection_attempts", 1, 3) ?? was?.connectionAttempts ?? 3,
    connectionTimeoutSeconds: fields.integer("connection_timeout_seconds", 1, 10) ?? was?.connectionTimeoutSeconds ?? 10,
    responseTimeoutSeconds: fields.integer("response_timeout_seconds", 1, 60) ?? was?.responseTimeoutSeconds ?? 30,
    keepaliveTimeoutSeconds: fields.integer("keepalive_timeout_seconds", 1, 60) ?? was?.keepaliveTimeoutSeconds ?? 5,
  };
  return group;
}

// --- behaviors

const VIEWER_POLICIES: readonly ViewerProtocolPolicy[] = ["allow_all", "redirect_to_https", "https_only"];

export function defaultBehavior(): CdnBehavior {
  return {
    priority: 0,
    pathPattern: "*",
    cacheTtlSeconds: DEFAULT_CACHE_TTL_SECONDS,
    viewerProtocolPolicy: "allow_all",
    subdomainRouting: false,
  };
}

function pathPattern(fields: Fields): string | undefined {
  const value = fields.string("path_pattern");
  if (value !== undefined && (value.length > 255 || !value.startsWith("/") || !/^[\x21-\x7e]+$/.test(value))) {
    fields.fail("path_pattern", "must be 1-255 printable characters starting with / (* matches any run of characters)");
  }
  return value;
}

/** The behaviors after `actions` (create/update/delete by priority), applied in order, all or nothing. */
export function applyBehaviorActions(behaviors: readonly CdnBehavior[], raw: unknown[], originType: CdnOriginGroup["type"]): CdnBehavior[] {
  const result = behaviors.map((behavior) => ({ ...behavior }));
  raw.forEach((entry, index) => {
    const fields = Fields.of(entry, `behaviors[${index}]`);
    const action =
      fields.choice("action", ["create", "update", "delete"] as const) ?? fields.fail("action", "is required (create, update or delete)");
    const priority =
      fields.integer("priority", 0, MAX_BEHAVIOR_PRIORITY) ??
      fields.fail("priority", `is required (an integer from 0 to ${MAX_BEHAVIOR_PRIORITY})`);
    const at = result.findIndex((behavior) => behavior.priority === priority);
    if (action === "delete") {
      if (priority === 0) fields.fail("priority", "the default behavior (priority 0) cannot be deleted");
      if (at < 0) fields.fail("priority", `no behavior has priority ${priority}`);
      result.splice(at, 1);
      return;
    }
    if (action === "create" && priority === 0) fields.fail("priority", "must be from 1 to 100 (0 is the default behavior, which exists)");
    if (action === "create" && at >= 0)
      throw conflict(`${fields.path("priority")}: a behavior with priority ${priority} exists`, fields.path("priority"));
    if (action === "update" && at < 0) fields.fail("priority", `no behavior has priority ${priority}`);
    const before = action === "update" ? result[at] : undefined;
    const pattern = pathPattern(fields);
    if (priority === 0 && pattern !== undefined && pattern !== "*")
      fields.fail("path_pattern", "the default behavior's path pattern is * and cannot be changed");
    const subdomainRouting = fields.boolean("subdomain_routing") ?? before?.subdomainRouting ?? false;
    if (subdomainRouting && originType !== "storage")
      fields.fail("subdomain_routing", "needs a storage origin (the edge rewrites the bucket path)");
    const behavior: CdnBehavior = {
      priority,
      pathPattern: priority === 0 ? "*" : (pattern ?? before?.pathPattern ?? fields.fail("path_pattern", "is required")),
      cacheTtlSeconds: fields.integer("cache_ttl_seconds", 0, MAX_TTL_SECONDS) ?? before?.cacheTtlSeconds ?? DEFAULT_CACHE_TTL_SECONDS,
      viewerProtocolPolicy: fields.choice("viewer_protocol_policy", VIEWER_POLICIES) ?? before?.viewerProtocolPolicy ?? "allow_all",
      subdomainRouting,
    };
    if (before) result[at] = behavior;
    else result.push(behavior);
  });
  return result.sort((a, b) => a.priority - b.priority);
}

// --- custom error responses

export function customErrorResponses(raw: unknown, path: string): CdnCustomErrorResponse[] {
  if (!Array.isArray(raw)) throw validationError(path, "must be an array");
  if (raw.length > MAX_CUSTOM_ERROR_RESPONSES) throw validationError(path, `must have at most ${MAX_CUSTOM_ERROR_RESPONSES} entries`);
  const seen = new Set<number>();
  return raw.map((entry, index) => {
    const fields = Fields.of(entry, `${path}[${index}]`);
    const errorCode = fields.integer("error_code", 400, 599) ?? fields.fail("error_code", "is required (an integer from 400 to 599)");
    if (seen.has(errorCode)) fields.fail("error_code", `${errorCode} is given twice`);
    seen.add(errorCode);
    const page = fields.requiredString("response_page_path");
    if (!page.startsWith("/") || page.length > 255 || !/^[\x21-\x7e]+$/.test(page)) {
      fields.fail("response_page_path", "must be a path starting with / (at most 255 printable characters)");
    }
    return {
      errorCode,
      responseCode: fields.integer("response_code", 100, 599) ?? errorCode,
      responsePagePath: page,
      cacheTtlSeconds: fields.integer("cache_ttl_seconds", 0, MAX_TTL_SECONDS) ?? DEFAULT_ERROR_CACHE_TTL_SECONDS,
    };
  });
}
