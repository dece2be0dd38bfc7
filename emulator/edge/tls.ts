// The HTTPS edge: the certificate is chosen by SNI. Distribution domains get the emulator CA's
// `*.mamutecdn.com`; an active custom domain gets its attached certificate if it is issued and
// covers the name; anything else fails the handshake, as it would in production. At
// `<custom domain>.localhost` (for a browser on this machine) the CA signs a leaf for that name,
// served only when the custom domain's own certificate would be.
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createSecureContext, type SecureContext } from "node:tls";
import type { EmulatorState } from "../state";
import { certificateCovers, type EmulatorCertificates, type ServedCertificate } from "../tls";
import { DISTRIBUTION_SUFFIX } from "../management/cdn-fields";
import { wildcardLabel } from "../tls/names";
import { canonicalRequestHost, resolveHost } from "./hosts";

/** Contexts by certificate PEM: a certificate is parsed once, not at every handshake. */
const MAX_CONTEXTS = 256;

function isDistributionName(name: string): boolean {
  return name === DISTRIBUTION_SUFFIX || wildcardLabel(`*.${DISTRIBUTION_SUFFIX}`, canonicalRequestHost(name)) !== undefined;
}

export function createEdgeHttpsServer(
  state: EmulatorState,
  certificates: EmulatorCertificates,
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): Server {
  const contexts = new Map<string, SecureContext>();
  const contextFor = (served: ServedCertificate): SecureContext => {
    let context = contexts.get(served.cert);
    if (!context) {
      if (contexts.size >= MAX_CONTEXTS) contexts.clear();
      context = createSecureContext({ key: served.key, cert: served.cert + served.chain });
      contexts.set(served.cert, context);
    }
    return context;
  };

  const certificateFor = async (serverName: string): Promise<ServedCertificate> => {
    const name = serverName.toLowerCase().replace(/\.$/, "");
    if (isDistributionName(name)) return certificates.distribution;
    const host = canonicalRequestHost(name);
    const domain = resolveHost(state, host)?.customDomain;
    if (!domain) throw new Error(`no active custom domain serves ${name}`);
    if (domain.certificateId === null) throw new Error(`custom domain ${domain.domainName} has no certificate`);
    const [served, cert] = await Promise.all([certificates.served(domain.certificateId), certificates.current(domain.certificateId)]);
    if (!served || !cert) throw new Error(`certificate ${domain.certificateId} is not issued`);
    if (!certificateCovers(cert, host)) throw new Error(`certificate ${cert.id} does not cover ${host}`);
    // `<host>.localhost` is the emulator's own spelling for browsers here, which no attached
    // certificate names: its CA signs one for it, once the real host's certificate would be served.
    return host !== name ? certificates.localCertificate(host) : served;
  };

  return createServer(
    {
      SNICallback: (serverName, callback) => {
        certificateFor(serverName).then(
          (served) => callback(null, contextFor(served)),
          (error: Error) => callback(error),
        );
      },
    },
    listener,
  );
}
