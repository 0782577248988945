/**
 * `deno run -A tools/forge/train/quiet_star/measure_main.ts [--models DIR] [--limit N]
 * [--seed N]`: run the eval section "quiet_star" alone (no edge needed) on a world folder
 * holding `thinking/` and `eval/arithmetic.jsonl`, and print its result as JSON.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { quietStarSection } from "../../../eval/sections/quiet_star.ts";

const Args = z.object({
  models: z.string().min(1).default("models/world"),
  limit: z.number().int().positive().default(300),
  seed: z.number().int().nonnegative().default(1),
});

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { models: { type: "string" }, limit: { type: "string" }, seed: { type: "string" } },
  });
  const args = Args.parse({
    ...(values.models !== undefined ? { models: values.models } : {}),
    ...(values.limit !== undefined ? { limit: Number(values.limit) } : {}),
    ...(values.seed !== undefined ? { seed: Number(values.seed) } : {}),
  });
  const started = performance.now();
  const result = await quietStarSection.run({
    modelsDir: args.models,
    edgeUrl: "http://127.0.0.1:1", // unused by this section
    engine: () => Promise.reject(new Error("the quiet_star section loads its own engine")),
    limit: args.limit,
    seed: args.seed,
    log: (line) => console.error(line),
  });
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  console.log(JSON.stringify({ ...result, seconds }, null, 2));
  Deno.exit(0);
}
