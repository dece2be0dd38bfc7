// Custom domains of a CDN resource: the list set by `PUT /cdn/resource/{id}` and each domain's own
// routes. A name belongs to one custom domain across the emulator, and an active domain is always
// covered by its certificate (when it has one), so the edge never serves a name it cannot prove.
import type { CdnCustomDomain, CdnResource, EmulatorState, SslCertificate } from "../state";
import { certificateCovers } from "../tls";
import { domainNames } from "../edge/hosts";
import { Fields, customDomainName } from "./cdn-fields";
import { changeServing, customDomainJson, resourceById } from "./cdn-json";
import { conflict, notFound, validationError, type JsonObject } from "./http";
import type { Route } from "./router";

const MAX_CUSTOM_DOMAINS = 20;
const MAX_ADDITIONAL_DOMAINS = 10;

/** The certificates as their own module keeps them: read through it so a pending one is settled first. */
export interface CertificateLookup {
  current(id: string): Promise<SslCertificate | undefined>;
}

interface DomainInput {
  domainName?: string;
  additionalDomains?: string[];
  /** `null` detaches; undefined keeps. */
  certificateId?: string | null;
}

function readDomainInput(state: EmulatorState, fields: Fields): DomainInput {
  const input: DomainInput = {};
  if (fields.has("domain_name")) input.domainName = customDomainName(fields.raw.domain_name, fields.path("domain_name"));
  const additional = fields.array("additional_domains", MAX_ADDITIONAL_DOMAINS);
  if (additional !== undefined) {
    input.additionalDomains = additional.map((raw, index) => customDomainName(raw, fields.path(`additional_domains[${index}]`)));
    input.additionalDomains.forEach((name, index) => {
      if (input.additionalDomains!.indexOf(name) !== index) fields.fail(`additional_domains[${index}]`, `${name} is given twice`);
    });
    input.additionalDomains.sort();
  }
  if (fields.raw.certificate_id === null) input.certificateId = null;
  else if (fields.has("certificate_id")) {
    const id = fields.requiredString("certificate_id");
    if (!state.certificates.has(id))
      throw notFound(`${fields.path("certificate_id")}: no SSL certificate ${id}`, fields.path("certificate_id"));
    input.certificateId = id;
  }
  return input;
}

function applyInput(domain: CdnCustomDomain, input: DomainInput): CdnCustomDomain {
  return {
    ...domain,
    domainName: input.domainName ?? domain.domainName,
    additionalDomains: input.additionalDomains ?? domain.additionalDomains,
    certificateId: input.certificateId === undefined ? domain.certificateId : input.certificateId,
  };
}

/** Every name is served by one custom domain only: across the request and the whole emulator. */
function assertNamesFree(state: EmulatorState, domains: readonly CdnCustomDomain[], pathOf: (index: number) => string): void {
  const owners = new Map<string, string>();
  for (const resource of state.cdnResources.values()) {
    for (const domain of resource.customDomains) {
      for (const name of domainNames(domain)) owners.set(name, domain.id);
    }
  }
  const inRequest = new Set<string>();
  domains.forEach((domain, index) => {
    for (const name of domainNames(domain)) {
      if (inRequest.has(name)) throw validationError(pathOf(index), `${name} is given twice`);
      inRequest.add(name);
      const owner = owners.get(name);
      if (owner !== undefined && owner !== domain.id)
        throw conflict(`${pathOf(index)}: ${name} is already a custom domain (${owner})`, pathOf(index));
    }
  });
}

/**
 * An active domain with a certificate must be served under it: the certificate is issued and
 * covers every name. `field` is the request field to blame.
 */
export async function assertCertificateServes(certificates: CertificateLookup, domain: CdnCustomDomain, field: string): Promise<void> {
  if (domain.certificateId === null) return;
  const cert = await certificates.current(domain.certificateId);
  if (!cert) throw validationError(field, `SSL certificate ${domain.certificateId} no longer exists`);
  if (cert.status !== "issued") {
    throw validationError(
      field,
      `SSL certificate ${cert.id} is ${cert.status}, not issued (validate it first: create its validation records)`,
    );
  }
  const uncovered = domainNames(domain).find((name) => !certificateCovers(cert, name));
  if (uncovered !== undefined) {
    const names = [cert.domainName, ...cert.subjectAlternativeNames].join(", ");
    throw validationError(field, `SSL certificate ${cert.id} (${names}) does not cover ${uncovered}`);
  }
}

/** `custom_domains` of `PUT /cdn/resource/{id}`: the whole list, by id for existing ones. */
export async function replaceCustomDomains(
  state: EmulatorState,
  certificates: CertificateLookup,
  resource: CdnResource,
  raw: unknown,
): Promise<CdnCustomDomain[]> {
  if (!Array.isArray(raw)) throw validationError("custom_domains", "must be an array");
  if (raw.length > MAX_CUSTOM_DOMAINS) throw validationError("custom_domains", `must have at most ${MAX_CUSTOM_DOMAINS} entries`);
  const now = state.now();
  const seenIds = new Set<string>();
  const domains = raw.map((entry, index): CdnCustomDomain => {
    const fields = Fields.of(entry, `custom_domains[${index}]`);
    const id = fields.string("id");
    const input = readDomainInput(state, fields);
    if (id === undefined) {
      const domainName = input.domainName ?? fields.fail("domain_name", "is required");
      return {
        id: state.newId("cd"),
        domainName,
        additionalDomains: input.additionalDomains ?? [],
        certificateId: input.certificateId ?? null,
        status: "pending",
        createdAt: now,
        updatedAt: now,
      };
    }
    const existing = resource.customDomains.find((domain) => domain.id === id);
    if (!existing) throw notFound(`${fields.path("id")}: resource ${resource.id} has no custom domain ${id}`, fields.path("id"));
    if (seenIds.has(id)) fields.fail("id", `${id} is given twice`);
    seenIds.add(id);
    const updated = applyInput(existing, input);
    return JSON.stringify(updated) === JSON.stringify(existing) ? existing : { ...updated, updatedAt: now };
  });
  assertNamesFree(state, domains, (index) => `custom_domains[${index}].domain_name`);
  for (const [index, domain] of domains.entries()) {
    if (domain.status === "active") await assertCertificateServes(certificates, domain, `custom_domains[${index}].certificate_id`);
  }
  return domains;
}

function domainOf(resource: CdnResource, customDomainId: string): CdnCustomDomain {
  const domain = resource.customDomains.find((candidate) => candidate.id === customDomainId);
  if (!domain) throw notFound(`resource ${resource.id} has no custom domain ${customDomainId}`);
  return domain;
}

/**
 * Replaces the domain in its resource's list (going back to `in_progress` when serving changes),
 * unless it changed while its certificate was being settled: then the caller's checks are stale.
 */
function storeDomain(state: EmulatorState, resourceId: string, checked: CdnCustomDomain, updated: CdnCustomDomain): CdnCustomDomain {
  const resource = resourceById(state, resourceId);
  if (domainOf(resource, checked.id) !== checked) throw conflict(`custom domain ${checked.id} changed during this request; retry it`);
  changeServing(state, resource, () => {
    resource.customDomains = resource.customDomains.map((domain) => (domain.id === updated.id ? updated : domain));
  });
  return updated;
}

export function customDomainRoutes(state: EmulatorState, certificates: CertificateLookup): Route[] {
  const base = "/cdn/resource/{id}/custom-domain/{customDomainId}";
  const setStatus = (status: "active" | "inactive") => async (ctx: { params: Record<string, string> }) => {
    const domain = domainOf(resourceById(state, ctx.params.id), ctx.params.customDomainId);
    // Deactivating a pending domain leaves it pending: it was never served.
    if (domain.status === status || (status === "inactive" && domain.status === "pending")) {
      return { status: 200, body: customDomainJson(domain) };
    }
    const updated: CdnCustomDomain = { ...domain, status, updatedAt: state.now() };
    if (status === "active") await assertCertificateServes(certificates, updated, "certificate_id");
    return { status: 200, body: customDomainJson(storeDomain(state, ctx.params.id, domain, updated)) };
  };
  return [
    {
      method: "PUT",
      template: base,
      handler: async (ctx) => {
        const body: JsonObject = await ctx.body();
        const domain = domainOf(resourceById(state, ctx.params.id), ctx.params.customDomainId);
        const updated = { ...applyInput(domain, readDomainInput(state, new Fields(body))), updatedAt: state.now() };
        assertNamesFree(state, [updated], () => "domain_name");
        if (updated.status === "active") await assertCertificateServes(certificates, updated, "certificate_id");
        return { status: 200, body: customDomainJson(storeDomain(state, ctx.params.id, domain, updated)) };
      },
    },
    { method: "POST", template: `${base}/activate`, handler: setStatus("active") },
    { method: "POST", template: `${base}/deactivate`, handler: setStatus("inactive") },
  ];
}
