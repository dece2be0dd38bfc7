// S3's error answer: `<Error><Code/><Message/><Resource/><RequestId/></Error>` as
// application/xml, the shape every S3 client parses to name the failure (`err.name` in the AWS
// SDK is the Code). Handlers throw `S3Error`; the plane writes it.
import type { IncomingMessage, ServerResponse } from "node:http";
import { xmlDocument, type XmlNode } from "./xml";

export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra elements S3 adds for some codes (e.g. `ServerTime` for `RequestTimeTooSkewed`). Never a secret. */
    readonly details: XmlNode[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function accessDenied(message = "Access Denied", details: XmlNode[] = []): S3Error {
  return new S3Error(403, "AccessDenied", message, details);
}

export function invalidArgument(message: string, name?: string, value?: string): S3Error {
  const details: XmlNode[] =
    name === undefined
      ? []
      : [
          ["ArgumentName", name],
          ["ArgumentValue", value ?? ""],
        ];
  return new S3Error(400, "InvalidArgument", message, details);
}

export function invalidRequest(message: string): S3Error {
  return new S3Error(400, "InvalidRequest", message);
}

export function noSuchBucket(bucket: string): S3Error {
  return new S3Error(404, "NoSuchBucket", "The specified bucket does not exist", [["BucketName", bucket]]);
}

export function noSuchKey(key: string): S3Error {
  return new S3Error(404, "NoSuchKey", "The specified key does not exist.", [["Key", key]]);
}

export function noSuchUpload(uploadId: string): S3Error {
  return new S3Error(
    404,
    "NoSuchUpload",
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
    [["UploadId", uploadId]],
  );
}

export function notImplemented(message: string): S3Error {
  return new S3Error(501, "NotImplemented", message);
}

export function sendS3Error(
  req: IncomingMessage,
  res: ServerResponse,
  error: S3Error,
  resource: string,
  requestId: string,
  extraHeaders: Record<string, string> = {},
): void {
  const body = xmlDocument(
    "Error",
    [["Code", error.code], ["Message", error.message], ...error.details, ["Resource", resource], ["RequestId", requestId]],
    { namespace: false },
  );
  res.writeHead(error.status, {
    ...extraHeaders,
    ...error.headers,
    "content-type": "application/xml",
    "content-length": Buffer.byteLength(body),
  });
  // HEAD answers carry no body; clients then name the error from the status alone.
  res.end(req.method === "HEAD" ? undefined : body);
}
