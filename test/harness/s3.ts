// Puts objects into an emulator bucket the way a user would: a credential from the management API,
// then the AWS SDK at its default settings.
import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";
import { api, type Emulator } from "./emulator";
import { sdkClient } from "../emulator/s3-helpers";

/** What these helpers need of an emulator, in-process or started as a command. */
export type S3Endpoint = Pick<Emulator, "url" | "apiKey" | "s3Url">;

export interface BucketAccess {
  bucketId: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The AWS SDK at its defaults with that credential; `destroy()` it when done. */
  s3: S3Client;
}

/** A new credential on a bucket, and an S3 client using it. */
export async function accessTo(emu: S3Endpoint, bucketId: string): Promise<BucketAccess> {
  const { status, body } = await api(emu, "POST", `/object-storage/buckets/${bucketId}/credentials`);
  if (status !== 201) throw new Error(`create credential: ${status} ${JSON.stringify(body)}`);
  const credentials = { accessKeyId: body.access_key_id as string, secretAccessKey: body.secret_access_key as string };
  return { bucketId, ...credentials, s3: sdkClient(emu, credentials) };
}

/** A new bucket named `name`, with a credential and an S3 client for it. */
export async function newBucketAccess(emu: S3Endpoint, name: string): Promise<BucketAccess> {
  const { status, body } = await api(emu, "POST", "/object-storage/buckets", { name });
  if (status !== 201) throw new Error(`create bucket: ${status} ${JSON.stringify(body)}`);
  return accessTo(emu, body.id);
}

export async function s3ClientFor(emu: Emulator, bucketId: string): Promise<S3Client> {
  return (await accessTo(emu, bucketId)).s3;
}

export async function putObjects(emu: Emulator, bucketId: string, objects: Record<string, string>): Promise<void> {
  const s3 = await s3ClientFor(emu, bucketId);
  try {
    for (const [key, body] of Object.entries(objects)) {
      await s3.send(new PutObjectCommand({ Bucket: bucketId, Key: key, Body: body }));
    }
  } finally {
    s3.destroy();
  }
}
