// Bucket-scoped S3 credentials. The secret is answered only by create and regenerate; a key is
// found only through its own bucket, so another bucket's key id is a 404, as it would be upstream.
import { randomBytes, randomInt } from "node:crypto";
import type { EmulatorState, S3Credential } from "../state";
import { notFound, timestamp } from "./http";
import { bucketById, compare } from "./buckets";
import { paginate, parsePage } from "./pagination";
import type { Route, RouteContext } from "./router";

const ACCESS_KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** `MCAK` + 16 upper-case letters and digits, like an AWS access key id. */
function newAccessKeyId(state: EmulatorState): string {
  for (;;) {
    let id = "MCAK";
    for (let i = 0; i < 16; i++) id += ACCESS_KEY_ALPHABET[randomInt(ACCESS_KEY_ALPHABET.length)];
    if (!state.credentials.has(id)) return id;
  }
}

/** 40 characters of base64, like an AWS secret access key. */
function newSecretAccessKey(): string {
  return randomBytes(30).toString("base64");
}

function credentialJson(credential: S3Credential) {
  return {
    access_key_id: credential.accessKeyId,
    bucket_id: credential.bucketId,
    user_name: credential.userName,
    status: credential.status,
    created_at: timestamp(credential.createdAt),
    updated_at: timestamp(credential.updatedAt),
  };
}

function withSecret(credential: S3Credential) {
  return { ...credentialJson(credential), secret_access_key: credential.secretAccessKey };
}

function credentialOfBucket(state: EmulatorState, ctx: RouteContext): S3Credential {
  const bucket = bucketById(state, ctx.params.bucketId);
  const credential = state.credentials.get(ctx.params.accessKeyId);
  if (!credential || credential.bucketId !== bucket.id) {
    throw notFound(`credential ${ctx.params.accessKeyId} not found in bucket ${bucket.id}`);
  }
  return credential;
}

function setStatus(state: EmulatorState, credential: S3Credential, status: S3Credential["status"]): void {
  if (credential.status === status) return;
  credential.status = status;
  credential.updatedAt = state.now();
}

export function credentialRoutes(state: EmulatorState): Route[] {
  const base = "/object-storage/buckets/{bucketId}/credentials";
  return [
    {
      method: "POST",
      template: base,
      handler: (ctx) => {
        const bucket = bucketById(state, ctx.params.bucketId);
        const now = state.now();
        const credential: S3Credential = {
          accessKeyId: newAccessKeyId(state),
          secretAccessKey: newSecretAccessKey(),
          bucketId: bucket.id,
          userName: `s3-${bucket.name}-${state.nextCredentialSerial(bucket.id)}`,
          status: "active",
          createdAt: now,
          updatedAt: now,
        };
        state.credentials.set(credential.accessKeyId, credential);
        return { status: 201, body: withSecret(credential) };
      },
    },
    {
      method: "GET",
      template: base,
      handler: (ctx) => {
        const bucket = bucketById(state, ctx.params.bucketId);
        const page = parsePage(ctx.query);
        const credentials = [...state.credentials.values()]
          .filter((credential) => credential.bucketId === bucket.id)
          .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compare(a.accessKeyId, b.accessKeyId));
        return { status: 200, body: paginate(credentials, page, credentialJson) };
      },
    },
    {
      method: "POST",
      template: `${base}/{accessKeyId}/deactivate`,
      handler: (ctx) => {
        const credential = credentialOfBucket(state, ctx);
        setStatus(state, credential, "inactive");
        return { status: 200, body: credentialJson(credential) };
      },
    },
    {
      method: "POST",
      template: `${base}/{accessKeyId}/activate`,
      handler: (ctx) => {
        const credential = credentialOfBucket(state, ctx);
        setStatus(state, credential, "active");
        return { status: 200, body: credentialJson(credential) };
      },
    },
    {
      method: "POST",
      template: `${base}/{accessKeyId}/regenerate`,
      handler: (ctx) => {
        const credential = credentialOfBucket(state, ctx);
        credential.secretAccessKey = newSecretAccessKey();
        credential.updatedAt = state.now();
        return { status: 200, body: withSecret(credential) };
      },
    },
    {
      method: "DELETE",
      template: `${base}/{accessKeyId}`,
      handler: (ctx) => {
        const credential = credentialOfBucket(state, ctx);
        state.credentials.delete(credential.accessKeyId);
        return { status: 204 };
      },
    },
  ];
}
