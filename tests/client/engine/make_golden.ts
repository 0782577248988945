/**
 * Writes golden/fixtures.json: greedy continuations of the fixture models computed by the
 * independent reference forward pass (tests/tools/forge/reference_llama.ts), never by the
 * engine. Run: `deno run -A tests/client/engine/make_golden.ts`.
 *
 * @module
 */
import { createTextCodec } from "../../../client/engine/tokenizer.ts";
import { loadModelFolder } from "../../../client/engine/loader/load_folder.ts";
import { fixtureModels } from "../../tools/forge/fixture_models.ts";
import { argmaxWithMargin, ReferenceLlama } from "../../tools/forge/reference_llama.ts";
import { fixturePath } from "./engine_fixtures.ts";

/** Prompts of the golden set. */
export const GOLDEN_PROMPTS = [
  { kind: "chat", text: "Hello there, who are you?" },
  { kind: "raw", text: "The river runs past the old mill" },
] as const;

/** Greedy tokens and the smallest top-1 margin seen, from the reference model. */
export function referenceGreedy(
  model: ReferenceLlama,
  prompt: readonly number[],
  steps: number,
  eos: number,
): { tokens: number[]; minMargin: number } {
  const cache = model.newCache();
  let logits = model.forward(cache, prompt, prompt.map((_, i) => i)).at(-1)!;
  const tokens: number[] = [];
  let minMargin = Infinity;
  for (let s = 0; s < steps; s++) {
    const [tok, margin] = argmaxWithMargin(logits);
    minMargin = Math.min(minMargin, margin);
    tokens.push(tok);
    if (tok === eos) break;
    logits = model.forward(cache, [tok], [prompt.length + s])[0]!;
  }
  return { tokens, minMargin };
}

if (import.meta.main) {
  const out: Record<string, unknown[]> = {};
  for (const fm of fixtureModels()) {
    const files = await loadModelFolder({
      kind: "path",
      path: fixturePath(fm.name as "target" | "draft"),
    });
    const codec = createTextCodec(files.tokenizerJson, files.tokenizerConfig);
    const ref = new ReferenceLlama(fm.config, fm.weights);
    out[fm.name] = GOLDEN_PROMPTS.map((p) => {
      const text = p.kind === "chat"
        ? codec.applyChatTemplate([{ role: "user", content: p.text }])
        : p.text;
      const prompt = codec.encode(text);
      const { tokens, minMargin } = referenceGreedy(
        ref,
        prompt,
        24,
        fm.config.eos_token_id as number,
      );
      return { ...p, prompt, tokens, minMargin };
    });
  }
  await Deno.writeTextFile(
    new URL("./golden/fixtures.json", import.meta.url),
    JSON.stringify(out, null, 2) + "\n",
  );
  console.log(JSON.stringify(out).slice(0, 400));
}
