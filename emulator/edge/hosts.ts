// Which resource a host name belongs to: its distribution domain, or a name of one of its custom
// domains (exact, or one label under a wildcard). The edge, purge URLs and signed URLs all ask here.
import type { CdnCustomDomain, CdnResource, EmulatorState } from "../state";
import { wildcardLabel } from "../tls/names";

/** Browsers resolve every `*.localhost` to loopback, so `<host>.localhost` is served as `<host>`. */
const LOCALHOST_SUFFIX = ".localhost";

/** `My-Site.mamutecdn.com.localhost:4682` → `my-site.mamutecdn.com`. */
export function canonicalRequestHost(raw: string): string {
  let host = raw.trim().toLowerCase();
  if (host.startsWith("[")) return host; // an IPv6 literal serves no site
  const colon = host.lastIndexOf(":");
  if (colon >= 0) host = host.slice(0, colon);
  if (host.endsWith(".")) host = host.slice(0, -1);
  if (host.endsWith(LOCALHOST_SUFFIX)) host = host.slice(0, -LOCALHOST_SUFFIX.length);
  return host;
}

export function domainNames(domain: CdnCustomDomain): string[] {
  return [domain.domainName, ...domain.additionalDomains];
}

export interface HostMatch {
  resource: CdnResource;
  customDomain?: CdnCustomDomain;
  /** The label a wildcard name stood for (`abc` of `abc.example.com` under `*.example.com`). */
  wildcardLabel?: string;
}

function matchDomains(domains: Iterable<{ resource: CdnResource; domain: CdnCustomDomain }>, host: string): HostMatch | undefined {
  let wildcard: HostMatch | undefined;
  for (const { resource, domain } of domains) {
    for (const name of domainNames(domain)) {
      if (name === host) return { resource, customDomain: domain };
      const label = wildcardLabel(name, host);
      if (label !== undefined) wildcard ??= { resource, customDomain: domain, wildcardLabel: label };
    }
  }
  return wildcard;
}

function* activeDomains(state: EmulatorState) {
  for (const resource of state.cdnResources.values()) {
    for (const domain of resource.customDomains) {
      if (domain.status === "active") yield { resource, domain };
    }
  }
}

/** What the edge serves at `host` (already canonical): an exact name wins over a wildcard. */
export function resolveHost(state: EmulatorState, host: string): HostMatch | undefined {
  for (const resource of state.cdnResources.values()) {
    if (resource.distributionDomain === host) return { resource };
  }
  return matchDomains(activeDomains(state), host);
}

/** Whether `host` is one of the resource's names, whatever its custom domains' states. */
export function isHostOf(resource: CdnResource, host: string): boolean {
  if (resource.distributionDomain === host) return true;
  return (
    matchDomains(
      resource.customDomains.map((domain) => ({ resource, domain })),
      host,
    ) !== undefined
  );
}
