// What a dialect changes in requests and answers of the management API, in one place: the
// dispatcher asks it to read a request's query (page size, ignored filters) and to shape a
// handler's reply (status words, documented fields only, list envelope). Handlers stay in the
// emulator's own vocabulary; the default dialect gives back exactly what they made.
import type { Dialect, ListEnvelope } from "../dialect";
import { validationError } from "./http";
import { isPage, type PageOf } from "./pagination";
import type { Reply } from "./router";

/** The objects whose answers the documents say something about, or that a client manages. */
type ObjectKind = "bucket" | "credential" | "zone" | "record" | "certificate" | "cdnResource" | "originGroup" | "customDomain";

/**
 * Which object each route answers (a list route: each of its items), and whether as the answer to
 * a create: the documents promise something about three creates, nothing about any read.
 */
const ROUTE_ANSWERS: Record<string, { kind: ObjectKind; create?: true }> = {
  "POST /object-storage/buckets": { kind: "bucket", create: true },
  "GET /object-storage/buckets": { kind: "bucket" },
  "GET /object-storage/buckets/{bucketId}": { kind: "bucket" },
  "PUT /object-storage/buckets/{bucketId}": { kind: "bucket" },
  "POST /object-storage/buckets/{bucketId}/credentials": { kind: "credential", create: true },
  "GET /object-storage/buckets/{bucketId}/credentials": { kind: "credential" },
  "POST /object-storage/buckets/{bucketId}/credentials/{accessKeyId}/deactivate": { kind: "credential" },
  "POST /object-storage/buckets/{bucketId}/credentials/{accessKeyId}/activate": { kind: "credential" },
  // The guide: "returns a new secret"; answered like the create, which the reference describes.
  "POST /object-storage/buckets/{bucketId}/credentials/{accessKeyId}/regenerate": { kind: "credential", create: true },
  "POST /dns/zones": { kind: "zone", create: true },
  "GET /dns/zones": { kind: "zone" },
  "GET /dns/zones/{id}": { kind: "zone" },
  "POST /dns/zones/{zone_id}/records": { kind: "record", create: true },
  "POST /dns/records": { kind: "record", create: true },
  "GET /dns/zones/{zone_id}/records": { kind: "record" },
  "GET /dns/records": { kind: "record" },
  "GET /dns/zones/{zone_id}/records/{record_id}": { kind: "record" },
  "PUT /dns/records/{record_id}": { kind: "record" },
  "POST /cdn/ssl-certificate": { kind: "certificate", create: true },
  "POST /cdn/ssl-certificate/import": { kind: "certificate", create: true },
  "GET /cdn/ssl-certificate": { kind: "certificate" },
  "GET /cdn/ssl-certificate/{id}": { kind: "certificate" },
  "POST /cdn/resource": { kind: "cdnResource", create: true },
  "GET /cdn/resource": { kind: "cdnResource" },
  "GET /cdn/resource/{id}": { kind: "cdnResource" },
  "PUT /cdn/resource/{id}": { kind: "cdnResource" },
  "POST /resource/{resource_id}/token-auth/enable": { kind: "cdnResource" },
  "POST /cdn/resource/{resource_id}/token-auth/enable": { kind: "cdnResource" },
  "POST /cdn/resource/{resource_id}/token-auth/disable": { kind: "cdnResource" },
  "GET /cdn/origin-group/{id}": { kind: "originGroup" },
  "PUT /cdn/origin-group/{id}": { kind: "originGroup" },
  "PUT /cdn/resource/{id}/custom-domain/{customDomainId}": { kind: "customDomain" },
  "POST /cdn/resource/{id}/custom-domain/{customDomainId}/activate": { kind: "customDomain" },
  "POST /cdn/resource/{id}/custom-domain/{customDomainId}/deactivate": { kind: "customDomain" },
};

const ORIGIN_GROUP_FIELDS = [
  "id",
  "name",
  "type",
  "bucket_id",
  "hostname",
  "origin_path",
  "protocol_policy",
  "http_port",
  "https_port",
  "origin_ssl_protocols",
  "custom_headers",
  "connection_attempts",
  "connection_timeout_seconds",
  "response_timeout_seconds",
  "keepalive_timeout_seconds",
];

/**
 * The `documented-fields` dialect. A create answers what the documents promise for it (and `id`,
 * which every later route needs in its path); a read answers `id`, the fields the request bodies
 * name for that object, and `status` where the documented routes turn on it. Two exceptions,
 * each because a documented workflow cannot be done without it: a certificate's
 * `validation_records` (nobody could validate it otherwise) and `status` of certificates and
 * custom domains (attach only an issued certificate; activate/deactivate).
 */
const DOCUMENTED_FIELDS: Record<ObjectKind, { create: readonly string[]; read: readonly string[] }> = {
  // "returns bucket { id }"; the create body names name and storage_class.
  bucket: { create: ["id"], read: ["id", "name", "storage_class"] },
  // "returns { access_key_id, secret_access_key }. The secret is shown once."
  credential: { create: ["access_key_id", "secret_access_key"], read: ["access_key_id"] },
  zone: { create: ["id"], read: ["id", "domain"] },
  record: { create: ["id"], read: ["id", "zone_id", "name", "type", "values", "ttl"] },
  certificate: { create: ["id"], read: ["id", "domain_name", "subject_alternative_names", "tags", "status", "validation_records"] },
  // "returns the resource with distribution_domain … (status starts "in_progress")"
  cdnResource: {
    create: ["id", "distribution_domain", "status"],
    read: [
      "id",
      "name",
      "description",
      "distribution_domain",
      "status",
      "origin_groups",
      "behaviors",
      "custom_error_responses",
      "custom_domains",
    ],
  },
  originGroup: { create: ORIGIN_GROUP_FIELDS, read: ORIGIN_GROUP_FIELDS },
  customDomain: {
    create: ["id", "domain_name", "additional_domains", "certificate_id", "status"],
    read: ["id", "domain_name", "additional_domains", "certificate_id", "status"],
  },
};

/** Objects inside objects, shaped as reads of their own kind. */
const NESTED: Partial<Record<ObjectKind, Record<string, ObjectKind>>> = {
  cdnResource: { origin_groups: "originGroup", custom_domains: "customDomain" },
};

/** The `status-words` dialect: other ready words; `in_progress` is documented and stays. */
const OTHER_STATUS_WORDS: Partial<Record<ObjectKind, Record<string, string>>> = {
  cdnResource: { deployed: "active" },
  certificate: { issued: "ready" },
};

/** The list filters the emulator honours; the `filters-ignored` dialect drops them from the query. */
const LIST_FILTERS: Record<string, readonly string[]> = {
  "GET /dns/zones/{zone_id}/records": ["name", "type"],
  "GET /dns/records": ["name", "type"],
  "GET /object-storage/buckets/{bucketId}/files": ["folder_id", "filename"],
};

type JsonRecord = Record<string, unknown>;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function pick(object: JsonRecord, fields: readonly string[]): JsonRecord {
  const picked: JsonRecord = {};
  for (const field of fields) if (field in object) picked[field] = object[field];
  return picked;
}

function shapeObject(dialect: Dialect, kind: ObjectKind, create: boolean, value: unknown): unknown {
  if (!isRecord(value)) return value;
  let object = value;
  const words = OTHER_STATUS_WORDS[kind];
  if (dialect.otherStatusWords && words && typeof object.status === "string" && object.status in words) {
    object = { ...object, status: words[object.status] };
  }
  if (dialect.documentedFieldsOnly) {
    object = pick(object, DOCUMENTED_FIELDS[kind][create ? "create" : "read"]);
    for (const [field, nestedKind] of Object.entries(NESTED[kind] ?? {})) {
      const nested = object[field];
      if (Array.isArray(nested)) object[field] = nested.map((item) => shapeObject(dialect, nestedKind, false, item));
    }
  }
  return object;
}

function envelope(kind: ListEnvelope, page: PageOf<unknown>, data: unknown[]): unknown {
  const { page: number, limit, total, total_pages } = page.pagination;
  switch (kind) {
    case "default":
      return { data, pagination: page.pagination };
    case "array":
      return data;
    case "data":
      return { data };
    case "meta":
      return { data, meta: { current_page: number, per_page: limit, total, last_page: total_pages } };
    case "items":
      return { items: data };
  }
}

/** The handler's reply as the dialect answers it. */
export function shapeReply(dialect: Dialect, routeKey: string, reply: Reply): Reply {
  if (reply.body === undefined || reply.contentType !== undefined || dialect.names.length === 0) return reply;
  const answers = ROUTE_ANSWERS[routeKey];
  const shape = (item: unknown) => (answers ? shapeObject(dialect, answers.kind, answers.create === true, item) : item);
  if (isPage(reply.body)) return { ...reply, body: envelope(dialect.listEnvelope, reply.body, reply.body.data.map(shape)) };
  return { ...reply, body: shape(reply.body) };
}

/** The query the handler reads: ignored filters removed, the page size held to the dialect's maximum. */
export function shapeQuery(dialect: Dialect, routeKey: string, query: URLSearchParams): URLSearchParams {
  if (dialect.names.length === 0) return query;
  const shaped = new URLSearchParams(query);
  if (dialect.filtersIgnored) for (const filter of LIST_FILTERS[routeKey] ?? []) shaped.delete(filter);
  const pageSize = dialect.pageSize;
  if (pageSize && routeKey.startsWith("GET ")) {
    const raw = shaped.get("limit");
    if (raw === null || raw === "") shaped.set("limit", String(pageSize.max));
    else if (/^\d+$/.test(raw) && Number(raw) > pageSize.max) {
      if (pageSize.over === "refuse") throw validationError("limit", `must be an integer from 1 to ${pageSize.max}`);
      shaped.set("limit", String(pageSize.max));
    }
  }
  return shaped;
}
