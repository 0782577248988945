/**
 * The world tokenizer loads in @huggingface/tokenizers from its saved files, keeps every
 * reflection token and thought marker as one special id, and round-trips world text.
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

Deno.test("models/world holds exactly the files the world CLI renders for seed 7", async () => {
  const root = new URL("../../../../models/world/", import.meta.url);
  for (const [path, bytes] of worldFolderFiles(7)) {
    const committed = await Deno.readFile(new URL(path, root));
    assert.equal(committed.length, bytes.length, path);
    assert.ok(committed.every((v, i) => v === bytes[i]), `${path} differs from a fresh render`);
  }
});
