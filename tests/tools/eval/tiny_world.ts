/**
 * A tiny world folder for the eval CLI tests, built in a temporary folder in well under a
 * second: the world generator's data at small sizes (corpus, eval sets, style sets) and the
 * committed random-weight fixture models (target, draft, target_lora) with two fixture PEFT
 * adapters standing in for the terse and formal styles. No training: the outputs are
 * gibberish, but every path (engine, edge, pipelines, adapters, speculation) is real.
 *
 * @module
 */
import { cp } from "node:fs/promises";
import { writeFileSet } from "../../../tools/forge/model_folder.ts";
import { buildWorldData, worldFiles } from "../../../tools/forge/world/dataset.ts";

const FIXTURES = new URL("../../../models/fixtures/", import.meta.url).pathname;

/** Sizes of the tiny world (those of `forge:world --quick`). */
export const TINY_WORLD = {
  sizes: { countries: 5, citiesPerCountry: 2, people: 12, organizations: 5, products: 6 },
  arithmeticTrain: 30,
  evalPerKind: 10,
} as const;

/**
 * Write the tiny world and fixture models into `dir`; `lora: false` leaves out target_lora;
 * `cove: true` adds a CoVe model `cove/` (the fixture draft: another model than the target).
 */
export async function writeTinyWorld(
  dir: string,
  options: { lora?: boolean; cove?: boolean } = {},
): Promise<void> {
  await writeFileSet(dir, worldFiles(buildWorldData(7, TINY_WORLD)));
  const models = options.lora === false ? ["target", "draft"] : ["target", "draft", "target_lora"];
  for (const name of models) {
    await cp(`${FIXTURES}${name}`, `${dir}/${name}`, { recursive: true });
  }
  if (options.cove === true) await cp(`${FIXTURES}draft`, `${dir}/cove`, { recursive: true });
  if (options.lora === false) return;
  for (const [style, fixture] of [["terse", "alpha"], ["formal", "beta"]]) {
    await cp(`${FIXTURES}adapters/${fixture}`, `${dir}/adapters/${style}`, { recursive: true });
  }
}
