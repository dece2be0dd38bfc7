// Multipart uploads: init, parts (numbers, replacement), complete in part order with the 5 MiB rule
// and the whole object's sha256, abort, unknown ids, and /_emulator/multipart for unfinished ones.
import { MIB, expectError, makeBucket, sha256, useTheCloud } from "./helpers";

const { emu, api } = useTheCloud();

const part = (size: number, fill: number) => Buffer.alloc(size, fill);

async function init(bucket: string, key: string, body?: unknown) {
  const answer = await api().post(`/storage/multipart/init/${bucket}/${key}`, body);
  expect(answer.status).toBe(201);
  return answer.body as { id: string; bucket: string; key: string; created_at: string };
}

describe("multipart uploads", () => {
  it("init, parts in any order, complete: the object is the parts in part order, with the whole sha256", async () => {
    await makeBucket(api(), "mp1");
    const upload = await init("mp1", "dir/big.bin", { content_type: "video/mp4" });
    expect(upload).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      bucket: "mp1",
      key: "dir/big.bin",
      created_at: expect.any(String),
    });
    const parts = [part(5 * MIB, 1), part(5 * MIB, 2), part(1000, 3)];
    for (const number of [3, 1, 2]) {
      const sent = await api().put(`/storage/multipart/upload/${upload.id}/parts?part=${number}`, parts[number - 1]);
      expect(sent).toMatchObject({
        status: 200,
        body: { part: number, size_bytes: parts[number - 1].length, checksum: sha256(parts[number - 1]) },
      });
    }
    const pending = (await api().get("/_emulator/multipart", { headers: {} })).body.uploads;
    expect(pending).toEqual([
      {
        id: upload.id,
        bucket: "mp1",
        key: "dir/big.bin",
        content_type: "video/mp4",
        created_at: upload.created_at,
        parts: [1, 2, 3].map((n) => ({ part: n, size_bytes: parts[n - 1].length, checksum: sha256(parts[n - 1]) })),
      },
    ]);
    const whole = Buffer.concat(parts);
    const done = await api().post(`/storage/multipart/complete/${upload.id}`);
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({
      bucket: "mp1",
      key: "dir/big.bin",
      size_bytes: whole.length,
      content_type: "video/mp4",
      checksum: sha256(whole),
      upload_status: "AVAILABLE",
      version_id: "null",
    });
    const back = Buffer.from(
      await (await fetch(`${emu().url}/storage/mp1/dir/big.bin`, { headers: { "x-api-key": emu().apiKey } })).arrayBuffer(),
    );
    expect(sha256(back)).toBe(sha256(whole));
    expect((await api().get("/_emulator/multipart", { headers: {} })).body.uploads).toEqual([]);
    expectError(await api().post(`/storage/multipart/complete/${upload.id}`), 404, "NOT_FOUND");
    expectError(await api().put(`/storage/multipart/upload/${upload.id}/parts?part=1`, "x"), 404, "NOT_FOUND");
  });

  it("complete with {parts}: exactly those; a part sent again replaces it; small parts but the last are refused", async () => {
    await makeBucket(api(), "mp2");
    const upload = await init("mp2", "f");
    const url = (n: number) => `/storage/multipart/upload/${upload.id}/parts?part=${n}`;
    await api().put(url(1), part(100, 1));
    await api().put(url(2), part(10, 2));
    expectError(
      await api().post(`/storage/multipart/complete/${upload.id}`),
      400,
      "VALIDATION_ERROR",
      /^parts: part 1 is 100 bytes; every part but the last must be at least 5 MiB/,
    );
    // The upload is unchanged by the refusal.
    expect((await api().get("/_emulator/multipart", { headers: {} })).body.uploads[0].parts).toHaveLength(2);
    await api().put(url(1), part(5 * MIB, 9));
    expectError(
      await api().post(`/storage/multipart/complete/${upload.id}`, { parts: [1, 7] }),
      400,
      "VALIDATION_ERROR",
      /^parts\[1\]: part 7 was not uploaded/,
    );
    expectError(await api().post(`/storage/multipart/complete/${upload.id}`, { parts: [1, 1] }), 400, "VALIDATION_ERROR", /listed twice/);
    expectError(await api().post(`/storage/multipart/complete/${upload.id}`, { parts: "1" }), 400, "VALIDATION_ERROR", /^parts/);
    const done = await api().post(`/storage/multipart/complete/${upload.id}`, { parts: [1] });
    expect(done.body).toMatchObject({ size_bytes: 5 * MIB, checksum: sha256(part(5 * MIB, 9)), content_type: "application/octet-stream" });
  });

  it("part numbers, abort, unknown ids and missing buckets", async () => {
    await makeBucket(api(), "mp3");
    const upload = await init("mp3", "g");
    for (const query of ["", "?part=0", "?part=10001", "?part=x", "?part=1.5"]) {
      expectError(await api().put(`/storage/multipart/upload/${upload.id}/parts${query}`, "x"), 400, "VALIDATION_ERROR", /^part/);
    }
    expect((await api().put(`/storage/multipart/upload/${upload.id}/parts?part=10000`, "x")).status).toBe(200);
    expect((await api().delete(`/storage/multipart/abort/${upload.id}`)).status).toBe(204);
    expectError(await api().delete(`/storage/multipart/abort/${upload.id}`), 404, "NOT_FOUND");
    expectError(await api().post("/storage/multipart/complete/nope"), 404, "NOT_FOUND");
    expectError(await api().post("/storage/multipart/init/missing/key"), 404, "NOT_FOUND");
    expectError(await api().post("/storage/multipart/init/mp3/key", { content_type: 5 }), 400, "VALIDATION_ERROR", /^content_type/);
    const empty = await init("mp3", "empty");
    expectError(await api().post(`/storage/multipart/complete/${empty.id}`), 400, "VALIDATION_ERROR", /no part/);
  });

  it("dialects: parts-any-size, complete-requires-parts, complete-upload; versioning applies", async () => {
    await makeBucket(api(), "mp4");
    await api().patch("/storage/buckets/mp4/versioning", { enabled: true });
    emu().setDialect(["parts-any-size", "complete-requires-parts", "complete-upload"]);
    const upload = await init("mp4", "h");
    await api().put(`/storage/multipart/upload/${upload.id}/parts?part=1`, "ab");
    await api().put(`/storage/multipart/upload/${upload.id}/parts?part=2`, "cd");
    expectError(await api().post(`/storage/multipart/complete/${upload.id}`), 400, "VALIDATION_ERROR", /^parts: is required/);
    const done = await api().post(`/storage/multipart/complete/${upload.id}`, { parts: [2, 1] });
    expect(done).toMatchObject({ status: 201, body: { id: upload.id, bucket: "mp4", key: "h", status: "COMPLETED" } });
    const listed = (await api().get("/storage/mp4")).body;
    expect(listed).toEqual([
      expect.objectContaining({ key: "h", checksum: sha256("abcd"), size_bytes: 4, version_id: expect.stringMatching(/^[0-9a-f-]{36}$/) }),
    ]);
  });
});
