// The documented recipes, step by step as the reference's curl commands and the authentication
// guide send them: a new user's first contact with the emulator.
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { useEmulator } from "./helpers";

const { emu, api } = useEmulator();

it("follows the reference's static-site recipe: JWT → API key → bucket → S3 credentials → upload", async () => {
  const jwt = emu().dashboardToken();
  const key = await api().post("/security/apikey", { name: "deploy-key" }, { headers: { authorization: `Bearer ${jwt}` } });
  expect(key.status).toBe(201);
  const apiKey: string = key.body.key;

  const bucket = await api().post(
    "/object-storage/buckets",
    { name: "my-site", storage_class: "Standard" },
    { headers: { authorization: apiKey } },
  );
  expect(bucket.status).toBe(201);
  const credentials = await api().post(`/object-storage/buckets/${bucket.body.id}/credentials`, undefined, {
    headers: { authorization: apiKey, "content-type": "application/json" },
  });
  expect(credentials.status).toBe(201);
  expect(credentials.body).toMatchObject({ access_key_id: expect.any(String), secret_access_key: expect.any(String) });
  expect(bucket.body.s3_endpoint).toBe(emu().s3Url);

  // Step 4, as the reference writes it: the AWS SDK at its defaults, the bucket addressed by id.
  const s3 = new S3Client({
    endpoint: bucket.body.s3_endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: credentials.body.access_key_id, secretAccessKey: credentials.body.secret_access_key },
    forcePathStyle: true,
  });
  const html = "<h1>Hello MamuteCloud</h1>";
  await s3.send(new PutObjectCommand({ Bucket: bucket.body.id, Key: "index.html", Body: html, ContentType: "text/html" }));
  const fetched = await s3.send(new GetObjectCommand({ Bucket: "my-site", Key: "index.html" }));
  expect(fetched.ContentType).toBe("text/html");
  expect(await fetched.Body?.transformToString()).toBe(html);
  s3.destroy();
  const files = await api().get(`/object-storage/buckets/${bucket.body.id}/files`, { headers: { authorization: apiKey } });
  expect(files.body.data).toEqual([expect.objectContaining({ key: "index.html", size: html.length, content_type: "text/html" })]);
});

it("follows the authentication guide: X-API-Key on /storage/object-storage, then the credential lifecycle", async () => {
  // The first recipe replaced the starting key; the guide's user generates one the same way.
  const generated = await api().post(
    "/security/apikey",
    { name: "guide-key" },
    { headers: { authorization: `Bearer ${emu().dashboardToken()}` } },
  );
  const headers = { "x-api-key": generated.body.key as string };
  expect((await api().get("/dns/zones", { headers })).status).toBe(200);
  const bucket = await api().post("/storage/object-storage/buckets", { name: "my-app-uploads", storage_class: "Standard" }, { headers });
  expect(bucket.status).toBe(201);
  const base = `/storage/object-storage/buckets/${bucket.body.id}/credentials`;
  const { access_key_id: id } = (await api().post(base, undefined, { headers })).body;
  expect((await api().get(base, { headers })).body.data).toHaveLength(1);
  expect((await api().post(`${base}/${id}/deactivate`, undefined, { headers })).body.status).toBe("inactive");
  expect((await api().post(`${base}/${id}/activate`, undefined, { headers })).body.status).toBe("active");
  expect((await api().post(`${base}/${id}/regenerate`, undefined, { headers })).body.access_key_id).toBe(id);
  expect((await api().delete(`${base}/${id}`, { headers })).status).toBe(204);
});
