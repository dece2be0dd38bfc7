// The `aws-chunked` content encoding, decoded as it arrives: the body comes off the socket in
// pieces of any size, so a chunk header, a chunk, its CRLF or a trailer line may be split across
// any number of pushes. Forms:
//
//   signed (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]):
//     <hex size>;chunk-signature=<sig>\r\n<data>\r\n … 0;chunk-signature=<sig>\r\n
//   unsigned (STREAMING-UNSIGNED-PAYLOAD-TRAILER):
//     <hex size>\r\n<data>\r\n … 0\r\n
//   then optional trailer lines `name:value\r\n` (with `x-amz-trailer-signature:<sig>` last when
//   signed), then an empty line.
//
// Every chunk signature is checked the moment its chunk is complete, chained from the previous
// one (the request's own signature for the first chunk), so a corrupted chunk fails there.
import { createHash, type Hash } from "node:crypto";
import { S3Error } from "./errors";
import { EMPTY_SHA256, chunkStringToSign, hmacHex, sha256Hex, signaturesEqual, trailerStringToSign } from "./sigv4";

export interface ChunkSigning {
  amzDate: string;
  scope: string;
  key: Buffer;
  seedSignature: string;
}

export interface ChunkedOptions {
  /** Present when chunks (and the trailer) carry signatures. */
  signing?: ChunkSigning;
  /** Decoded data, in order. */
  onData: (data: Buffer) => void;
}

/** S3's floor for every signed chunk but the last. */
export const MIN_SIGNED_CHUNK = 8192;
const MAX_LINE = 4096;
const MAX_TRAILER_LINES = 16;

type Phase = "size" | "data" | "data-crlf" | "trailer" | "done";

function malformed(detail: string): S3Error {
  return new S3Error(400, "InvalidRequest", `Malformed aws-chunked body: ${detail}.`);
}

function chunkSignatureMismatch(detail: string): S3Error {
  return new S3Error(
    403,
    "SignatureDoesNotMatch",
    `The request signature we calculated does not match the signature you provided (${detail}). Check your key and signing method.`,
  );
}

export class AwsChunkedDecoder {
  private phase: Phase = "size";
  private line: Buffer[] = [];
  private lineLength = 0;
  private remaining = 0;
  private chunkSize = 0;
  private chunkHash: Hash | undefined;
  private chunkSignature = "";
  private previousSignature: string;
  private crlfSeen = 0;
  private lastChunkWasSmall = false;
  private decodedLength = 0;
  readonly trailers = new Map<string, string>();
  private trailerLines: Array<[string, string]> = [];
  private trailerSignature: string | undefined;

  constructor(private readonly options: ChunkedOptions) {
    this.previousSignature = options.signing?.seedSignature ?? "";
  }

  get length(): number {
    return this.decodedLength;
  }

  push(input: Buffer): void {
    let offset = 0;
    while (offset < input.length) {
      switch (this.phase) {
        case "size":
        case "trailer": {
          const newline = input.indexOf(0x0a, offset);
          const end = newline < 0 ? input.length : newline + 1;
          this.appendLine(input.subarray(offset, end));
          offset = end;
          if (newline >= 0) this.takeLine();
          break;
        }
        case "data": {
          const take = Math.min(this.remaining, input.length - offset);
          const piece = input.subarray(offset, offset + take);
          offset += take;
          this.remaining -= take;
          this.chunkHash?.update(piece);
          this.decodedLength += piece.length;
          this.options.onData(piece);
          if (this.remaining === 0) {
            this.phase = "data-crlf";
            this.crlfSeen = 0;
          }
          break;
        }
        case "data-crlf": {
          const expected = this.crlfSeen === 0 ? 0x0d : 0x0a;
          if (input[offset] !== expected) throw malformed("a chunk is longer than its declared size, or lacks its CRLF");
          offset++;
          if (++this.crlfSeen === 2) this.endChunk();
          break;
        }
        case "done":
          throw malformed("data after the final chunk");
      }
    }
  }

  /** Call at the end of the body; throws when the body stopped early. */
  finish(): void {
    if (this.phase === "done") return;
    // Tolerate a body that ends right after the final zero chunk without the closing empty line.
    if (this.phase === "trailer" && this.lineLength === 0 && this.trailerLines.length === 0) {
      this.completeTrailer();
      return;
    }
    throw new S3Error(400, "IncompleteBody", "The request body terminated unexpectedly (the aws-chunked body is incomplete).");
  }

  private appendLine(piece: Buffer): void {
    this.lineLength += piece.length;
    if (this.lineLength > MAX_LINE) throw malformed("a chunk header or trailer line is too long");
    this.line.push(piece);
  }

  private takeLine(): void {
    const raw = Buffer.concat(this.line).toString("latin1");
    this.line = [];
    this.lineLength = 0;
    if (!raw.endsWith("\r\n")) throw malformed("lines must end with CRLF");
    const text = raw.slice(0, -2);
    if (this.phase === "size") this.startChunk(text);
    else this.trailerLine(text);
  }

  private startChunk(header: string): void {
    const [sizeText, ...extensions] = header.split(";");
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText.trim())) throw malformed(`bad chunk size "${sizeText.slice(0, 32)}"`);
    const size = parseInt(sizeText.trim(), 16);
    if (!Number.isSafeInteger(size)) throw malformed("chunk size too large");
    if (this.options.signing) {
      const signature = extensions
        .map((e) => e.trim())
        .find((e) => e.startsWith("chunk-signature="))
        ?.slice("chunk-signature=".length);
      if (!signature || !/^[0-9a-fA-F]{64}$/.test(signature)) throw malformed("a signed chunk lacks its chunk-signature");
      if (size > 0 && this.lastChunkWasSmall) {
        throw new S3Error(400, "InvalidChunkSizeError", "Only the last chunk is allowed to have a size less than 8192 bytes");
      }
      this.chunkSignature = signature.toLowerCase();
      this.chunkHash = createHash("sha256");
    }
    this.chunkSize = size;
    if (size === 0) {
      this.verifyChunk(EMPTY_SHA256);
      this.phase = "trailer";
      return;
    }
    this.remaining = size;
    this.phase = "data";
  }

  private endChunk(): void {
    if (this.chunkHash) this.verifyChunk(this.chunkHash.digest("hex"));
    this.lastChunkWasSmall = this.chunkSize < MIN_SIGNED_CHUNK;
    this.phase = "size";
  }

  private verifyChunk(dataSha256: string): void {
    const signing = this.options.signing;
    if (!signing) return;
    const expected = hmacHex(signing.key, chunkStringToSign(signing.amzDate, signing.scope, this.previousSignature, dataSha256));
    if (!signaturesEqual(expected, this.chunkSignature)) {
      throw chunkSignatureMismatch(`chunk signature ${this.chunkSignature.slice(0, 16)}… of a ${this.chunkSize}-byte chunk`);
    }
    this.previousSignature = expected;
  }

  private trailerLine(text: string): void {
    if (text === "") {
      this.completeTrailer();
      return;
    }
    if (this.trailerLines.length >= MAX_TRAILER_LINES) throw malformed("too many trailer lines");
    const colon = text.indexOf(":");
    if (colon <= 0) throw new S3Error(400, "MalformedTrailerError", "The request contained trailing data that was not well-formed.");
    const name = text.slice(0, colon).trim().toLowerCase();
    const value = text.slice(colon + 1).trim();
    if (name === "x-amz-trailer-signature") {
      this.trailerSignature = value.toLowerCase();
    } else {
      if (this.trailerSignature !== undefined) throw malformed("x-amz-trailer-signature must be the last trailer");
      this.trailerLines.push([name, value]);
      this.trailers.set(name, value);
    }
  }

  private completeTrailer(): void {
    const signing = this.options.signing;
    if (signing && this.trailerLines.length > 0) {
      if (this.trailerSignature === undefined) {
        throw chunkSignatureMismatch("the trailer of a signed stream has no x-amz-trailer-signature");
      }
      const canonical = this.trailerLines
        .slice()
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, value]) => `${name}:${value}\n`)
        .join("");
      const expected = hmacHex(
        signing.key,
        trailerStringToSign(signing.amzDate, signing.scope, this.previousSignature, sha256Hex(canonical)),
      );
      if (!signaturesEqual(expected, this.trailerSignature)) throw chunkSignatureMismatch("trailer signature");
    } else if (!signing && this.trailerSignature !== undefined) {
      throw malformed("x-amz-trailer-signature in an unsigned stream");
    }
    this.phase = "done";
  }
}
