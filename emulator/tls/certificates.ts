// The certificates the emulator can serve: requested ones are validated by DNS and signed by the
// emulator CA when read (no background timer), imported ones are served as given, and the edge's
// own wildcard certificate covers the distribution domains.
import type { EmulatorState, SslCertificate } from "../state";
import { CertificateAuthority, type KeyAndCertificate } from "./authority";
import { CDN_DOMAIN, certificateNames } from "./names";
import { describeCertificate } from "./pem";

/** PEM strings for a TLS context: `tls.createSecureContext({ key, cert: cert + chain })`. */
export interface ServedCertificate {
  key: string;
  cert: string;
  /** Intermediates after `cert`; "" when none. */
  chain: string;
}

const HOUR_MS = 3600_000;
/** ACM's 13 months, under the 398 days browsers accept. */
export const ISSUED_LIFETIME_DAYS = 395;
const ISSUED_LIFETIME_MS = ISSUED_LIFETIME_DAYS * 24 * HOUR_MS;

export class EmulatorCertificates {
  /** Signing is async: one issuance per certificate even when several reads race. */
  private readonly issuing = new Map<string, Promise<void>>();

  private constructor(
    private readonly state: EmulatorState,
    private readonly authority: CertificateAuthority,
    /** The edge's certificate for every distribution domain (and `<name>.mamutecdn.com.localhost`). */
    readonly distribution: ServedCertificate,
  ) {}

  /** With the CA a data dir kept, or a new one. */
  static async create(state: EmulatorState, authority?: CertificateAuthority): Promise<EmulatorCertificates> {
    const now = state.now();
    authority ??= await CertificateAuthority.create(now);
    const names = [`*.${CDN_DOMAIN}`, CDN_DOMAIN, `*.${CDN_DOMAIN}.localhost`];
    const edge = await authority.issue(names, new Date(now.getTime() - HOUR_MS), new Date(now.getTime() + ISSUED_LIFETIME_MS));
    return new EmulatorCertificates(state, authority, { key: edge.privateKeyPem, cert: edge.certificatePem, chain: "" });
  }

  get caCertificatePem(): string {
    return this.authority.certificatePem;
  }

  get caKeyAndCertificate(): KeyAndCertificate {
    return this.authority.toPem();
  }

  /** Leaves for `<custom domain>.localhost`, by name: one per name, signed once. */
  private readonly local = new Map<string, Promise<ServedCertificate>>();

  /**
   * What the edge serves at `<name>.localhost` (a browser on this machine, which resolves every
   * `*.localhost` here): a leaf for that name signed by the emulator CA. The edge hands it out only
   * for a custom domain whose own certificate is issued and covers `name`.
   */
  localCertificate(name: string): Promise<ServedCertificate> {
    let served = this.local.get(name);
    if (!served) {
      const now = this.state.now();
      served = this.authority
        .issue([`${name}.localhost`], new Date(now.getTime() - HOUR_MS), new Date(now.getTime() + ISSUED_LIFETIME_MS))
        .then((leaf) => ({ key: leaf.privateKeyPem, cert: leaf.certificatePem, chain: "" }));
      this.local.set(name, served);
    }
    return served;
  }

  /** The certificate with its status brought up to date (issued once validated, expired once past `not_after`). */
  async current(id: string): Promise<SslCertificate | undefined> {
    const cert = this.state.certificates.get(id);
    if (cert) await this.settle(cert);
    return cert;
  }

  /** What the edge serves for an issued, unexpired certificate; undefined for anything else. */
  async served(id: string): Promise<ServedCertificate | undefined> {
    const cert = await this.current(id);
    if (!cert?.issued || cert.status !== "issued") return undefined;
    return { key: cert.issued.privateKeyPem, cert: cert.issued.certificatePem, chain: cert.issued.chainPem };
  }

  async settle(cert: SslCertificate): Promise<void> {
    if (!cert.issued) {
      if (cert.status === "failed" || cert.status === "validation_timed_out") return;
      this.checkValidation(cert);
      if (!cert.validationRecords.every((record) => record.validated)) return;
      if (this.state.dialect.failingStatuses) return this.fail(cert);
      await this.issue(cert);
    }
    const status = cert.issued && this.state.now().getTime() >= cert.issued.notAfter.getTime() ? "expired" : "issued";
    if (cert.status !== status) {
      cert.status = status;
      cert.updatedAt = this.state.now();
      // Settled when read (a GET): saved like any other change.
      this.state.changed();
    }
  }

  /**
   * The `status-failures` dialect: a certificate whose validation would now succeed ends in a
   * failure word and is never issued: `validation_timed_out` when some name's DNS is hosted
   * elsewhere (its wait is what timed out), `failed` when every name was proven in this emulator's zones.
   */
  private fail(cert: SslCertificate): void {
    const waitedOutside = cert.validationRecords.some((record) => this.zoneHolding(record.name) === undefined);
    cert.status = waitedOutside ? "validation_timed_out" : "failed";
    cert.updatedAt = this.state.now();
    this.state.changed();
  }

  private checkValidation(cert: SslCertificate): void {
    const waited = this.state.now().getTime() - cert.createdAt.getTime();
    for (const record of cert.validationRecords) {
      if (record.validated) continue;
      const zone = this.zoneHolding(record.name);
      record.validated = zone
        ? [...this.state.records.values()].some(
            (dns) => dns.zoneId === zone && dns.name === record.name && dns.type === record.type && dns.values.includes(record.value),
          )
        : waited >= this.state.settings.sslValidationDelayMs;
    }
  }

  /** The id of this emulator's zone with the longest domain that holds `fqdn`, if any. */
  private zoneHolding(fqdn: string): string | undefined {
    const name = fqdn.slice(0, -1);
    let best: { id: string; length: number } | undefined;
    for (const zone of this.state.zones.values()) {
      const holds = name === zone.domain || name.endsWith(`.${zone.domain}`);
      if (holds && (!best || zone.domain.length > best.length)) best = { id: zone.id, length: zone.domain.length };
    }
    return best?.id;
  }

  private issue(cert: SslCertificate): Promise<void> {
    let pending = this.issuing.get(cert.id);
    if (!pending) {
      pending = (async () => {
        const now = this.state.now();
        const signed = await this.authority.issue(
          certificateNames(cert),
          new Date(now.getTime() - HOUR_MS),
          new Date(now.getTime() + ISSUED_LIFETIME_MS),
        );
        cert.issued = describeCertificate(signed.certificatePem, signed.privateKeyPem, "", now);
      })().finally(() => this.issuing.delete(cert.id));
      this.issuing.set(cert.id, pending);
    }
    return pending;
  }
}
