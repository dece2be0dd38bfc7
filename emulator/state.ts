// The emulator's in-memory world: what the management API creates and the S3 data plane reads
// and writes. Plain data and lookups only; the rules of each API live with its routes.
import { randomBytes } from "node:crypto";
import type { BlobStore, Segment } from "./blobs";
import { DEFAULT_DIALECT, type Dialect } from "./dialect";

export type StorageClass = "Standard" | "InfrequentAccess" | "Archive";

/** The headers a PUT (or CreateMultipartUpload, or CopyObject with REPLACE) sets on an object. */
export interface ObjectHeaders {
  contentType: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
  /** `x-amz-meta-*` headers, names lower-cased without the prefix. */
  metadata: Record<string, string>;
}

export interface StoredObject extends ObjectHeaders {
  key: string;
  /** The bytes, on disk (blobs.ts), in order. */
  segments: Segment[];
  size: number;
  /** Hex MD5 for a single PUT, `md5-of-part-md5s-N` for a multipart upload; no quotes. */
  etag: string;
  /** Checksum the client sent and the emulator verified, e.g. { algorithm: "CRC32", value: "base64" }. */
  checksum?: {
    algorithm: string;
    value: string;
    /** S3's x-amz-checksum-type; absent means FULL_OBJECT. */ type?: "FULL_OBJECT" | "COMPOSITE";
  };
  /** Part sizes of an object made by a multipart upload, in part order (GetObject `partNumber`). */
  partSizes?: number[];
  createdAt: Date;
  lastModified: Date;
}

export interface UploadedPart {
  partNumber: number;
  segment: Segment;
  etag: string;
  /** The part's checksum as sent and verified (algorithm of its upload). */
  checksum?: { algorithm: string; value: string };
  lastModified: Date;
}

export interface MultipartUpload extends ObjectHeaders {
  uploadId: string;
  key: string;
  initiated: Date;
  /** `x-amz-checksum-algorithm` of CreateMultipartUpload: every part must then carry that checksum. */
  checksumAlgorithm?: string;
  /** `x-amz-checksum-type` of CreateMultipartUpload (COMPOSITE unless FULL_OBJECT was asked for). */
  checksumType?: "FULL_OBJECT" | "COMPOSITE";
  parts: Map<number, UploadedPart>;
}

export interface Bucket {
  id: string;
  name: string;
  storageClass: StorageClass;
  createdAt: Date;
  updatedAt: Date;
  objects: Map<string, StoredObject>;
  uploads: Map<string, MultipartUpload>;
}

export interface S3Credential {
  accessKeyId: string;
  secretAccessKey: string;
  bucketId: string;
  userName: string;
  status: "active" | "inactive";
  createdAt: Date;
  updatedAt: Date;
}

export interface DnsZone {
  id: string;
  domain: string;
  nameservers: string[];
  createdAt: Date;
  updatedAt: Date;
}

export type DnsRecordType = "A" | "AAAA" | "CNAME" | "MX" | "TXT" | "NS" | "SRV" | "CAA";

export interface DnsRecord {
  id: string;
  zoneId: string;
  /** Fully qualified, lower case, with the trailing dot. */
  name: string;
  type: DnsRecordType;
  /** Canonical presentation forms (`10 mx1.example.com.`), sorted. */
  values: string[];
  ttl: number;
  managed: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface ApiKey {
  id: string;
  name: string;
  key: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

// --- CDN and SSL (issue 9). Two helpers share these shapes: the CDN side owns CdnResource and
// CdnCustomDomain (and may add fields to them), the SSL side owns SslCertificate.

/** `failed` and `error` only under the `status-failures` dialect. */
export type CdnStatus = "in_progress" | "deployed" | "failed" | "error";

export interface CdnCustomDomain {
  id: string;
  /** Lower case, no trailing dot. */
  domainName: string;
  additionalDomains: string[];
  certificateId: string | null;
  status: "pending" | "active" | "inactive";
  createdAt: Date;
  updatedAt: Date;
}

export interface CdnOriginHeader {
  name: string;
  value: string;
}

interface CdnOriginGroupBase {
  id: string;
  name: string;
  /** `""` or `/a/b` (no trailing slash). */
  originPath: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface CdnStorageOriginGroup extends CdnOriginGroupBase {
  type: "storage";
  bucketId: string;
  defaultRootObject: string;
}

export type CdnProtocolPolicy = "http_only" | "https_only" | "match_viewer";
export type TlsProtocolName = "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";

export interface CdnCustomOriginGroup extends CdnOriginGroupBase {
  type: "custom";
  hostname: string;
  protocolPolicy: CdnProtocolPolicy;
  httpPort: number;
  httpsPort: number;
  originSslProtocols: TlsProtocolName[];
  customHeaders: CdnOriginHeader[];
  connectionAttempts: number;
  connectionTimeoutSeconds: number;
  responseTimeoutSeconds: number;
  keepaliveTimeoutSeconds: number;
}

export type CdnOriginGroup = CdnStorageOriginGroup | CdnCustomOriginGroup;

export type ViewerProtocolPolicy = "allow_all" | "redirect_to_https" | "https_only";

export interface CdnBehavior {
  /** 0 is the default behavior (path pattern `*`), which always exists. */
  priority: number;
  pathPattern: string;
  cacheTtlSeconds: number;
  viewerProtocolPolicy: ViewerProtocolPolicy;
  subdomainRouting: boolean;
}

export interface CdnCustomErrorResponse {
  errorCode: number;
  responseCode: number;
  responsePagePath: string;
  cacheTtlSeconds: number;
}

export interface CdnPurge {
  id: string;
  type: "all" | "url" | "pattern";
  urls: string[] | null;
  patterns: string[] | null;
  evicted: number;
  createdAt: Date;
}

export interface CdnResource {
  id: string;
  name: string;
  description: string;
  /** `r-<id hex>.mamutecdn.com` or `<chosen>.mamutecdn.com`. */
  distributionDomain: string;
  originGroup: CdnOriginGroup;
  /** Sorted by priority; the first is the default (priority 0). */
  behaviors: CdnBehavior[];
  customErrorResponses: CdnCustomErrorResponse[];
  customDomains: CdnCustomDomain[];
  /** The HMAC key of signed URLs while token auth is on. */
  tokenAuthKey: Buffer | null;
  /** Newest first, bounded. */
  purges: CdnPurge[];
  /** The last change that affected serving: `status` is `deployed` once the deploy delay has passed since. */
  servingChangedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** Delays of the emulator's asynchronous states, changed at start and at runtime. */
export interface EmulatorSettings {
  cdnDeployDelayMs: number;
  sslValidationDelayMs: number;
}

export const DEFAULT_SETTINGS: EmulatorSettings = { cdnDeployDelayMs: 2000, sslValidationDelayMs: 5000 };

/** A DNS record the owner of a requested certificate's name must create to validate it. */
export interface CertificateValidationRecord {
  /** The certificate name it validates, without a leading `*.`. */
  domainName: string;
  /** Fully qualified, lower case, with the trailing dot (the DNS API's canonical form). */
  name: string;
  type: "CNAME";
  value: string;
  validated: boolean;
}

/** What the edge serves and the API describes once a certificate exists as X.509. */
export interface IssuedCertificate {
  certificatePem: string;
  /** Never answered by any route. */
  privateKeyPem: string;
  /** PEM blocks after the certificate, as imported; "" when none. */
  chainPem: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** `AB:CD:…`, as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprintSha256: string;
  issuedAt: Date;
}

export interface SslCertificate {
  id: string;
  /** Lower case; may be a wildcard `*.example.com`. */
  domainName: string;
  /** Lower case, without `domainName`, each once. */
  subjectAlternativeNames: string[];
  source: "requested" | "imported";
  /** `failed` and `validation_timed_out` only under the `status-failures` dialect. */
  status: "pending_validation" | "issued" | "expired" | "failed" | "validation_timed_out";
  /** Empty for an imported certificate. */
  validationRecords: CertificateValidationRecord[];
  /** Null while a requested certificate awaits validation. */
  issued: IssuedCertificate | null;
  tags: { key: string; value: string }[];
  createdAt: Date;
  updatedAt: Date;
}

export class EmulatorState {
  /** Where object bytes live; set once at start. */
  readonly blobs: BlobStore;
  /** Called after each change worth saving (the data dir's saver listens). */
  onChange: () => void = () => undefined;
  readonly buckets = new Map<string, Bucket>();
  /** By access key id. */
  readonly credentials = new Map<string, S3Credential>();
  readonly zones = new Map<string, DnsZone>();
  readonly records = new Map<string, DnsRecord>();
  readonly cdnResources = new Map<string, CdnResource>();
  readonly certificates = new Map<string, SslCertificate>();
  readonly settings: EmulatorSettings = { ...DEFAULT_SETTINGS };
  /** How the management API answers where the documents are silent; not saved in a data dir. */
  dialect: Dialect = DEFAULT_DIALECT;
  apiKey: ApiKey | null = null;
  /** Counts credentials made per bucket, for their user names. */
  readonly credentialSerial = new Map<string, number>();

  /** The emulator's clock; tests of clock skew move it instead of the machine's. */
  clockOffsetMs = 0;

  constructor(blobs: BlobStore) {
    this.blobs = blobs;
  }

  changed(): void {
    this.onChange();
  }

  now(): Date {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  /** `bkt_` + 16 hex: the `_` keeps ids out of the bucket-name space. */
  newId(prefix: string): string {
    return `${prefix}_${randomBytes(8).toString("hex")}`;
  }

  /** S3 addresses a bucket by id or by its current name. */
  bucketByIdOrName(ref: string): Bucket | undefined {
    const byId = this.buckets.get(ref);
    if (byId) return byId;
    for (const bucket of this.buckets.values()) {
      if (bucket.name === ref) return bucket;
    }
    return undefined;
  }

  nextCredentialSerial(bucketId: string): number {
    const next = (this.credentialSerial.get(bucketId) ?? 0) + 1;
    this.credentialSerial.set(bucketId, next);
    return next;
  }

  /** Custom domains that reference a certificate (an SSL certificate in use cannot be deleted). */
  customDomainsUsingCertificate(certificateId: string): { resource: CdnResource; domain: CdnCustomDomain }[] {
    const users: { resource: CdnResource; domain: CdnCustomDomain }[] = [];
    for (const resource of this.cdnResources.values()) {
      for (const domain of resource.customDomains) {
        if (domain.certificateId === certificateId) users.push({ resource, domain });
      }
    }
    return users;
  }

  deleteBucket(bucketId: string): void {
    const bucket = this.buckets.get(bucketId);
    if (bucket) {
      for (const object of bucket.objects.values()) this.blobs.release(object.segments);
      for (const upload of bucket.uploads.values()) this.blobs.release([...upload.parts.values()].map((part) => part.segment));
    }
    this.buckets.delete(bucketId);
    for (const [accessKeyId, credential] of this.credentials) {
      if (credential.bucketId === bucketId) this.credentials.delete(accessKeyId);
    }
    this.credentialSerial.delete(bucketId);
  }
}
