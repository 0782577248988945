/**
 * The world tokenizer loads in @huggingface/tokenizers from its saved files, keeps every
 * reflection token and thought marker as one special id, and round-trips world text; the
 * committed models/world is exactly a fresh render plus the trained model folders.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Tokenizer } from "@huggingface/tokenizers";
import { REFLECTION_TOKENS } from "../../../../functions/selfrag/tokens.ts";
import { buildWorldData } from "../../../../tools/forge/world/dataset.ts";
import { exampleText } from "../../../../tools/forge/world/examples.ts";
import { worldFolderFiles } from "../../../../tools/forge/world/main.ts";
import { THOUGHT_TOKENS } from "../../../../tools/forge/world/tokenizer.ts";

const SMALL = { countries: 6, citiesPerCountry: 3, people: 20, organizations: 8, products: 12 };

Deno.test("the saved world tokenizer loads in @huggingface/tokenizers with single-id special tokens", async () => {
  const files = worldFolderFiles(7, 600, { sizes: SMALL, arithmeticTrain: 50, evalPerKind: 20 });
  const dir = await Deno.makeTempDir();
  try {
    for (const name of ["tokenizer.json", "tokenizer_config.json"]) {
      await Deno.writeFile(`${dir}/${name}`, files.get(name)!);
    }
    const json = JSON.parse(await Deno.readTextFile(`${dir}/tokenizer.json`));
    const config = JSON.parse(await Deno.readTextFile(`${dir}/tokenizer_config.json`));
    const tok = new Tokenizer(json, config);
    assert.equal(Object.keys(json.model.vocab).length, 600);
    const specials = [
      "<|endoftext|>",
      "<|im_start|>",
      "<|im_end|>",
      ...REFLECTION_TOKENS,
      ...THOUGHT_TOKENS,
    ];
    specials.forEach((token, id) => {
      assert.deepEqual(tok.encode(token).ids, [id], token);
    });
    assert.equal(REFLECTION_TOKENS.length, 15);
    const data = buildWorldData(7, { sizes: SMALL, arithmeticTrain: 50, evalPerKind: 20 });
    const sample = exampleText(data.train.find((e) => e.kind === "selfrag_retrieval")!);
    const ids = tok.encode(sample).ids;
    assert.equal(tok.decode(ids), sample);
    assert.ok(ids.includes(specials.indexOf("[Retrieval]")));
    assert.ok(ids.includes(specials.indexOf("[Fully supported]")));
    // Merges learned on the world compress its text well below one token per byte.
    assert.ok(ids.length < sample.length / 2.5, `${ids.length} tokens for ${sample.length} chars`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** What the forge tasks write next to the world files: model folders and the manifest. */
const TRAINED =
  /^(?:(?:target|draft|target_lora|adapters|verifier|reader|cove|thinking)\/.+|manifest\.json)$/;

/** Every file under `dir`, relative to `root`, with forward slashes. */
async function listFiles(root: string, dir = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(`${root}/${dir}`)) {
    const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory) out.push(...(await listFiles(root, path)));
    else out.push(path);
  }
  return out;
}

Deno.test("models/world holds exactly the files the world CLI renders for seed 7, next to the trained models", async () => {
  const root = decodeURIComponent(new URL("../../../../models/world", import.meta.url).pathname);
  const rendered = worldFolderFiles(7);
  for (const [path, bytes] of rendered) {
    const committed = await Deno.readFile(`${root}/${path}`);
    assert.equal(committed.length, bytes.length, path);
    assert.ok(committed.every((v, i) => v === bytes[i]), `${path} differs from a fresh render`);
  }
  // Anything else must be a trained model folder (target/, draft/, target_lora/, adapters/,
  // and forge:reasoning's verifier/ and thinking/) or the manifest; a stray world file fails.
  const extra = (await listFiles(root)).filter((p) => !rendered.has(p) && !TRAINED.test(p));
  assert.deepEqual(extra.sort(), []);
});

Deno.test("the trained-model pattern accepts model folders and the manifest, not stray world files", () => {
  for (
    const path of [
      "manifest.json",
      "target/onnx/model.onnx",
      "adapters/terse/adapter_config.json",
      "thinking/head.safetensors",
    ]
  ) {
    assert.ok(TRAINED.test(path), path);
  }
  for (const path of ["notes.txt", "eval/old.jsonl", "target", "manifest.json.bak", "drafts/x"]) {
    assert.ok(!TRAINED.test(path), path);
  }
});
