// Puts objects into an emulator bucket the way a user would: a credential from the management API,
// then the AWS SDK at its default settings.
import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";
import { api, type Emulator } from "./emulator";

export async function s3ClientFor(emu: Emulator, bucketId: string): Promise<S3Client> {
  const { status, body } = await api(emu, "POST", `/object-storage/buckets/${bucketId}/credentials`);
  if (status !== 201) throw new Error(`create credential: ${status} ${JSON.stringify(body)}`);
  return new S3Client({
    endpoint: emu.s3Url,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: body.access_key_id, secretAccessKey: body.secret_access_key },
  });
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
