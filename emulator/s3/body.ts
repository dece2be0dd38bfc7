// Reads a request body the way its headers say it travels, and proves it is the body that was
// signed: a hex `x-amz-content-sha256` is compared with the body's SHA-256, `aws-chunked` bodies
// are decoded (chunk signatures checked as they arrive), and `Content-MD5` and any
// `x-amz-checksum-*` header or trailer are verified. Hashes run over the pieces as they come off
// the socket. An object body streams into a blob on disk as it is decoded (the caller commits it
// once the operation succeeds); a request document (XML) is kept in memory, within a small limit.
import type { IncomingMessage } from "node:http";
import type { BlobWriter } from "../blobs";
import { S3Error, invalidRequest } from "./errors";
import { AwsChunkedDecoder } from "./chunked";
import type { Authenticated } from "./sigv4";
import {
  CHECKSUM_LENGTHS,
  algorithmOfHeader,
  createHasher,
  decodeBase64Digest,
  headerOfAlgorithm,
  parseAlgorithm,
  type ChecksumAlgorithm,
  type Hasher,
} from "./checksums";

export interface ReceivedBody {
  /** The decoded body; empty when it went to `BodyOptions.sink`. */
  data: Buffer;
  /** Binary MD5 of the decoded body (the ETag of a single PUT or a part). */
  md5: Buffer;
  /** The checksum the client sent (header or trailer), verified. */
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
  /** Whether the client sent `Content-MD5` or a checksum (DeleteObjects requires one). */
  integrityChecked: boolean;
}

export interface BodyLimits {
  maxBytes: number;
  tooLarge: () => S3Error;
}

export interface BodyOptions {
  /** False when the operation's x-amz-checksum-* headers describe something else (CompleteMultipartUpload: the object). */
  checksumHeadersDescribeBody: boolean;
  /** Where an object body goes instead of memory. */
  sink?: BlobWriter;
}

/** S3's largest single PUT. */
export const MAX_OBJECT_BYTES = 5 * 1024 ** 3;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

interface ExpectedChecksum {
  algorithm: ChecksumAlgorithm;
  /** From a header; undefined when it comes in the trailer. */
  value?: string;
  trailerName?: string;
}

/** Which checksum the request promises, from its headers; refuses contradictions before any byte is read. */
function expectedChecksum(req: IncomingMessage, auth: Authenticated, options: BodyOptions): ExpectedChecksum | undefined {
  const fromHeaders: ExpectedChecksum[] = [];
  for (const name of options.checksumHeadersDescribeBody ? Object.keys(req.headers) : []) {
    const algorithm = algorithmOfHeader(name);
    if (algorithm) fromHeaders.push({ algorithm, value: header(req, name) ?? "" });
  }
  const trailerHeader = header(req, "x-amz-trailer");
  const trailerNames =
    trailerHeader === undefined
      ? []
      : trailerHeader
          .split(",")
          .map((n) => n.trim().toLowerCase())
          .filter((n) => n !== "");
  const streamingTrailer = auth.payload.kind === "streaming" && auth.payload.trailer;
  if (trailerNames.length > 0 && !streamingTrailer) {
    throw invalidRequest(
      "x-amz-trailer is only allowed with x-amz-content-sha256 STREAMING-UNSIGNED-PAYLOAD-TRAILER or STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
    );
  }
  const fromTrailer: ExpectedChecksum[] = trailerNames.map((name) => {
    const algorithm = algorithmOfHeader(name);
    if (!algorithm) throw invalidRequest(`The value specified in the x-amz-trailer header is not supported: ${name}`);
    return { algorithm, trailerName: name };
  });
  const all = [...fromHeaders, ...fromTrailer];
  if (all.length > 1) throw invalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
  const expected = all[0];
  if (expected?.value !== undefined && !decodeBase64Digest(expected.value, CHECKSUM_LENGTHS[expected.algorithm])) {
    throw invalidRequest(`Value for ${headerOfAlgorithm(expected.algorithm)} header is invalid.`);
  }
  const sdkAlgorithm = header(req, "x-amz-sdk-checksum-algorithm");
  if (sdkAlgorithm !== undefined && options.checksumHeadersDescribeBody) {
    const named = parseAlgorithm(sdkAlgorithm);
    if (!named) throw invalidRequest(`Value for x-amz-sdk-checksum-algorithm header is invalid: ${sdkAlgorithm}`);
    if (!expected || expected.algorithm !== named) {
      throw invalidRequest(
        `x-amz-sdk-checksum-algorithm specified, but no corresponding ${headerOfAlgorithm(named)} or x-amz-trailer headers were found.`,
      );
    }
  }
  return expected;
}

function contentMd5(req: IncomingMessage): Buffer | undefined {
  const value = header(req, "content-md5");
  if (value === undefined) return undefined;
  const digest = decodeBase64Digest(value, 16);
  if (!digest) throw new S3Error(400, "InvalidDigest", "The Content-MD5 you specified was not valid.");
  return digest;
}

function decodedLength(req: IncomingMessage): number {
  const value = header(req, "x-amz-decoded-content-length");
  if (value === undefined || !/^\d+$/.test(value.trim())) {
    throw new S3Error(411, "MissingContentLength", "An aws-chunked body needs the x-amz-decoded-content-length header.");
  }
  return Number(value.trim());
}

/** The body's length as the headers declare it (decoded, for aws-chunked), refused when over the limit. */
export function checkDeclaredLength(req: IncomingMessage, auth: Authenticated, limits: BodyLimits): number | undefined {
  const declaredLength = auth.payload.kind === "streaming" ? decodedLength(req) : undefined;
  if (declaredLength !== undefined && declaredLength > limits.maxBytes) throw limits.tooLarge();
  const contentLength = header(req, "content-length")?.trim();
  if (
    declaredLength === undefined &&
    contentLength !== undefined &&
    /^\d+$/.test(contentLength) &&
    Number(contentLength) > limits.maxBytes
  ) {
    throw limits.tooLarge();
  }
  return declaredLength;
}

export async function readBody(req: IncomingMessage, auth: Authenticated, limits: BodyLimits, options: BodyOptions): Promise<ReceivedBody> {
  const payload = auth.payload;
  const checksum = expectedChecksum(req, auth, options);
  const md5Claim = contentMd5(req);
  const declaredLength = checkDeclaredLength(req, auth, limits);
  const sink = options.sink;

  const parts: Buffer[] = [];
  let size = 0;
  const md5 = createHasher("MD5");
  const sha256 = payload.kind === "hash" ? createHasher("SHA256") : undefined;
  const checksumHasher: Hasher | undefined = checksum ? createHasher(checksum.algorithm) : undefined;
  const onData = (data: Buffer) => {
    size += data.length;
    if (size > limits.maxBytes) throw limits.tooLarge();
    // Chunks from the socket (and subarrays of them) are not reused by node, so keeping them is safe.
    if (sink) sink.write(data);
    else parts.push(data);
    md5.update(data);
    checksumHasher?.update(data);
  };

  const decoder =
    payload.kind === "streaming" ? new AwsChunkedDecoder({ signing: payload.signedChunks ? auth.signing : undefined, onData }) : undefined;

  for await (const piece of req as AsyncIterable<Buffer>) {
    sha256?.update(piece);
    if (decoder) decoder.push(piece);
    else onData(piece);
    if (sink) await sink.drained();
  }
  if (!req.complete) throw new S3Error(400, "IncompleteBody", "The request body terminated unexpectedly.");
  decoder?.finish();
  if (declaredLength !== undefined && declaredLength !== size) {
    throw new S3Error(400, "IncompleteBody", `The decoded body has ${size} bytes; x-amz-decoded-content-length says ${declaredLength}.`);
  }

  if (payload.kind === "hash" && sha256) {
    const computed = sha256.digest().toString("hex");
    if (computed !== payload.sha256) {
      throw new S3Error(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", [
        ["ClientComputedContentSHA256", payload.sha256],
        ["S3ComputedContentSHA256", computed],
      ]);
    }
  }

  const md5Digest = md5.digest();
  if (md5Claim && !md5Claim.equals(md5Digest)) {
    throw new S3Error(400, "BadDigest", "The Content-MD5 you specified did not match what we received.", [
      ["ExpectedDigest", md5Claim.toString("base64")],
      ["CalculatedDigest", md5Digest.toString("base64")],
    ]);
  }

  let verified: ReceivedBody["checksum"];
  if (checksum && checksumHasher) {
    let claimed = checksum.value;
    if (checksum.trailerName !== undefined) {
      claimed = decoder?.trailers.get(checksum.trailerName);
      if (claimed === undefined) {
        throw new S3Error(400, "MalformedTrailerError", `The trailer ${checksum.trailerName} named in x-amz-trailer was not sent.`);
      }
      if (!decodeBase64Digest(claimed, CHECKSUM_LENGTHS[checksum.algorithm])) {
        throw invalidRequest(`Value for ${checksum.trailerName} trailing header is invalid.`);
      }
    }
    const computed = checksumHasher.digest().toString("base64");
    if (claimed?.trim() !== computed) {
      throw new S3Error(400, "BadDigest", `The ${checksum.algorithm} you specified did not match the calculated checksum.`);
    }
    verified = { algorithm: checksum.algorithm, value: computed };
  }
  if (decoder) {
    for (const name of decoder.trailers.keys()) {
      if (name !== checksum?.trailerName) throw invalidRequest(`The trailer ${name} was not declared in x-amz-trailer.`);
    }
  }

  return {
    data: parts.length === 1 ? parts[0] : Buffer.concat(parts),
    md5: md5Digest,
    checksum: verified,
    integrityChecked: md5Claim !== undefined || checksum !== undefined,
  };
}
