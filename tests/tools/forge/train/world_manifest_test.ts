/**
 * The CI check of the committed world models (no retraining): models/world/manifest.json
 * lists the target, its draft, target_lora and both style adapters, every listed file has the
 * listed sha256 and size, no unlisted file sits in a model folder, and the whole set stays
 * under the 40 MB budget; a copy with one changed byte, a truncated file or a stray file fails
 * the same check. `VERITY_WORLD_MODELS` points the check at another build folder (for example
 * a fresh `deno task forge:world --out DIR`).
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  readWorldManifest,
  verifyWorldManifest,
} from "../../../../tools/forge/train/world_manifest.ts";

const WORLD = Deno.env.get("VERITY_WORLD_MODELS") ??
  decodeURIComponent(new URL("../../../../models/world", import.meta.url).pathname);

/** Size budget of the committed models and world files (issue 7's 40 MB, read as MiB). */
const MAX_BYTES = 40 * 1024 * 1024;

/** Copy a folder tree (files only). */
async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else if (entry.isFile) await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

Deno.test("the committed world models match their manifest's sha256 and sizes, within 40 MiB", async () => {
  const manifest = await readWorldManifest(WORLD);
  assert.deepEqual(manifest.entries.map((e) => [e.name, e.kind, e.path]), [
    ["target", "model", "target"],
    ["draft", "model", "draft"],
    ["target_lora", "model", "target_lora"],
    ["adapter-terse", "lora", "adapters/terse"],
    ["adapter-formal", "lora", "adapters/formal"],
    ["verifier", "model", "verifier"],
    ["reader", "model", "reader"],
    ["cove", "model", "cove"],
    ["thinking", "model", "thinking"],
  ]);
  for (const entry of manifest.entries) {
    assert.ok(entry.files.length > 0 && Number.isFinite(entry.final_loss), entry.name);
  }
  assert.ok(manifest.world_files.some((f) => f.path === "corpus.json"));
  assert.deepEqual(await verifyWorldManifest(WORLD), []);
  const files = [...manifest.world_files, ...manifest.entries.flatMap((e) => e.files)];
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  assert.ok(total <= MAX_BYTES, `${total} bytes listed`);
});

Deno.test("a changed byte, a truncated file or an unlisted file fails the manifest check", async () => {
  const dir = await Deno.makeTempDir({ prefix: "verity-world-manifest-" });
  try {
    await copyTree(WORLD, dir);
    assert.deepEqual(await verifyWorldManifest(dir), [], "an exact copy passes");

    // One byte in the middle of the target's weights, same size.
    const onnx = `${dir}/target/onnx/model.onnx`;
    const bytes = await Deno.readFile(onnx);
    const at = bytes.length >> 1;
    bytes[at] = bytes[at]! ^ 0x01;
    await Deno.writeFile(onnx, bytes);
    assert.deepEqual(await verifyWorldManifest(dir), ["target/onnx/model.onnx"]);

    // A truncated adapter and a stray file in a model folder.
    const weights = `${dir}/adapters/formal/adapter_model.safetensors`;
    const adapter = await Deno.readFile(weights);
    await Deno.writeFile(weights, adapter.subarray(0, adapter.length - 1));
    await Deno.writeTextFile(`${dir}/draft/notes.txt`, "not in the manifest");
    assert.deepEqual(await verifyWorldManifest(dir), [
      "adapters/formal/adapter_model.safetensors",
      "draft/notes.txt",
      "target/onnx/model.onnx",
    ]);

    // A missing world file.
    await Deno.remove(`${dir}/corpus.json`);
    assert.ok((await verifyWorldManifest(dir)).includes("corpus.json"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
