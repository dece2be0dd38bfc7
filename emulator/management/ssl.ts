// SSL certificates: requested (validated by a DNS record, then signed by the emulator CA) or
// imported (served as given). No answer ever carries a private key.
import type { EmulatorState, SslCertificate } from "../state";
import type { EmulatorCertificates } from "../tls";
import { canonicalCertificateName, validationRecordsFor } from "../tls/names";
import { readImportedCertificate } from "../tls/pem";
import { conflict, notFound, timestamp, validationError, type JsonObject } from "./http";
import { isAbsent, optionalString, requiredString } from "./fields";
import { compare } from "./buckets";
import { paginate, parsePage } from "./pagination";
import type { Route } from "./router";

const MAX_ALTERNATIVE_NAMES = 100;
const MAX_TAGS = 50;

function certificateJson(state: EmulatorState, cert: SslCertificate) {
  const issued = cert.issued;
  return {
    id: cert.id,
    domain_name: cert.domainName,
    subject_alternative_names: [...cert.subjectAlternativeNames],
    type: cert.source,
    status: cert.status,
    validation_records: cert.validationRecords.map((record) => ({
      domain_name: record.domainName,
      name: record.name,
      type: record.type,
      value: record.value,
      status: record.validated ? "validated" : "pending",
    })),
    issuer: issued?.issuer ?? null,
    serial_number: issued?.serialNumber ?? null,
    not_before: issued ? timestamp(issued.notBefore) : null,
    not_after: issued ? timestamp(issued.notAfter) : null,
    fingerprint_sha256: issued?.fingerprintSha256 ?? null,
    in_use_by: state.customDomainsUsingCertificate(cert.id).map(({ resource, domain }) => ({
      resource_id: resource.id,
      custom_domain_id: domain.id,
      domain_name: domain.domainName,
    })),
    tags: cert.tags.map((tag) => ({ ...tag })),
    issued_at: issued ? timestamp(issued.issuedAt) : null,
    created_at: timestamp(cert.createdAt),
    updated_at: timestamp(cert.updatedAt),
  };
}

/** `domain_name` first, then the other names in the order sent, each once. */
function alternativeNames(body: JsonObject, domainName: string): string[] {
  if (isAbsent(body, "subject_alternative_names")) return [];
  const raw = body.subject_alternative_names;
  if (!Array.isArray(raw) || raw.length > MAX_ALTERNATIVE_NAMES) {
    throw validationError("subject_alternative_names", `must be a list of at most ${MAX_ALTERNATIVE_NAMES} host names`);
  }
  const names: string[] = [];
  for (const [index, value] of raw.entries()) {
    if (typeof value !== "string") throw validationError("subject_alternative_names", `[${index}] must be a string`);
    const name = canonicalCertificateName(value, "subject_alternative_names", `[${index}] ${JSON.stringify(value)}: `);
    if (name !== domainName && !names.includes(name)) names.push(name);
  }
  return names;
}

function tags(body: JsonObject): { key: string; value: string }[] {
  if (isAbsent(body, "tags")) return [];
  const raw = body.tags;
  const rule = `must be a list of at most ${MAX_TAGS} {"key": string, "value": string}`;
  if (!Array.isArray(raw) || raw.length > MAX_TAGS) throw validationError("tags", rule);
  return raw.map((tag: unknown, index) => {
    const { key, value } = (tag ?? {}) as { key?: unknown; value?: unknown };
    if (typeof tag !== "object" || typeof key !== "string" || typeof value !== "string")
      throw validationError("tags", `[${index}] ${rule}`);
    return { key, value };
  });
}

function addCertificate(state: EmulatorState, fields: Omit<SslCertificate, "id" | "createdAt" | "updatedAt">): SslCertificate {
  const now = state.now();
  const cert: SslCertificate = { id: state.newId("cert"), ...fields, createdAt: now, updatedAt: now };
  state.certificates.set(cert.id, cert);
  return cert;
}

export function sslRoutes(state: EmulatorState, certificates: EmulatorCertificates): Route[] {
  const current = async (id: string): Promise<SslCertificate> => {
    const cert = await certificates.current(id);
    if (!cert) throw notFound(`certificate ${id} not found`);
    return cert;
  };
  return [
    {
      method: "POST",
      template: "/cdn/ssl-certificate",
      handler: async (ctx) => {
        const body = await ctx.body();
        const domainName = canonicalCertificateName(requiredString(body, "domain_name"), "domain_name");
        const subjectAlternativeNames = alternativeNames(body, domainName);
        const cert = addCertificate(state, {
          domainName,
          subjectAlternativeNames,
          source: "requested",
          status: "pending_validation",
          validationRecords: validationRecordsFor([domainName, ...subjectAlternativeNames]),
          issued: null,
          tags: [],
        });
        return { status: 201, body: certificateJson(state, cert) };
      },
    },
    {
      method: "POST",
      template: "/cdn/ssl-certificate/import",
      handler: async (ctx) => {
        const body = await ctx.body();
        const imported = readImportedCertificate(
          {
            certificate: requiredString(body, "certificate"),
            privateKey: requiredString(body, "private_key"),
            chain: optionalString(body, "certificate_chain"),
          },
          state.now(),
        );
        const cert = addCertificate(state, {
          domainName: imported.names[0],
          subjectAlternativeNames: imported.names.slice(1),
          source: "imported",
          status: "issued",
          validationRecords: [],
          issued: imported.issued,
          tags: tags(body),
        });
        return { status: 201, body: certificateJson(state, cert) };
      },
    },
    {
      method: "GET",
      template: "/cdn/ssl-certificate",
      handler: async (ctx) => {
        const page = parsePage(ctx.query);
        const all = [...state.certificates.values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compare(a.id, b.id));
        const listed = paginate(all, page, (cert) => cert);
        await Promise.all(listed.data.map((cert) => certificates.settle(cert)));
        return { status: 200, body: { ...listed, data: listed.data.map((cert) => certificateJson(state, cert)) } };
      },
    },
    {
      method: "GET",
      template: "/cdn/ssl-certificate/{id}",
      handler: async (ctx) => ({ status: 200, body: certificateJson(state, await current(ctx.params.id)) }),
    },
    {
      method: "DELETE",
      template: "/cdn/ssl-certificate/{id}",
      handler: async (ctx) => {
        const cert = await current(ctx.params.id);
        const users = state.customDomainsUsingCertificate(cert.id);
        if (users.length > 0) {
          const named = users
            .map(({ resource, domain }) => `${domain.domainName} (custom domain ${domain.id} of CDN resource ${resource.id})`)
            .join(", ");
          throw conflict(
            `certificate ${cert.id} is in use by ${named}; detach it from ${users.length === 1 ? "that custom domain" : "those custom domains"} first`,
          );
        }
        state.certificates.delete(cert.id);
        return { status: 204 };
      },
    },
  ];
}
