/**
 * `deno task bench <suite> [--quick] [--json]`: runs one benchmark suite, writes
 * bench/results/<suite>.json, prints a table and the summary (as one JSON line with --json).
 *
 * @module
 */
import { type BenchSuite, printTable, writeResult } from "./result.ts";

/** Suites by name; each module exports `run`. Imported lazily so one suite's deps never load another's. */
const suites: Record<string, () => Promise<{ run: BenchSuite }>> = {
  decode: () => import("./decode.ts"),
  edge: () => import("./edge.ts"),
  speculative: () => import("./speculative.ts"),
  lora: () => import("./lora.ts"),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name === undefined ? undefined : suites[name];
  if (load === undefined) {
    console.error(
      `Cannot run bench as suite must be one of ${
        Object.keys(suites).map((s) => `"${s}"`).join(", ")
      }: current value is "${name ?? ""}"`,
    );
    return 2;
  }
  const quick = rest.includes("--quick");
  const json = rest.includes("--json");
  const result = await (await load()).run({
    quick,
    args: rest.filter((a) => a !== "--quick" && a !== "--json"),
  });
  const path = await writeResult(result);
  printTable(result.rows);
  console.log(`wrote ${path}`);
  console.log(json ? JSON.stringify(result.summary) : result.summary);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
