import assert from "node:assert/strict";
import fc from "fast-check";
import { parseArgs } from "../../../client/lab/cli_args.ts";
import { LabSettingsError } from "../../../client/lab/errors.ts";
import { labTest } from "./lab_fixtures.ts";

Deno.test("parseArgs splits the experiment, boolean flags and key/value options", () => {
  const a = parseArgs(["llc", "--model", "dln", "--widths", "5,3,5", "--json", "--rank=0"]);
  assert.equal(a.experiment, "llc");
  assert.deepEqual([...a.flags], ["json"]);
  assert.deepEqual(Object.fromEntries(a.values), { model: "dln", widths: "5,3,5", rank: "0" });
  assert.throws(() => parseArgs(["llc", "stray"]), LabSettingsError);
  assert.throws(() => parseArgs(["llc", "--model"]), LabSettingsError);
});

Deno.test("parseArgs round-trips any set of --key value pairs", () => {
  const key = fc.stringMatching(/^[a-z][a-z-]{0,8}$/).filter((k) =>
    !["json", "table", "help"].includes(k)
  );
  const value = fc.stringMatching(/^[A-Za-z0-9.,_]{1,8}$/);
  fc.assert(
    fc.property(fc.dictionary(key, value), (opts) => {
      const argv = ["grokking", ...Object.entries(opts).flatMap(([k, v]) => [`--${k}`, v])];
      const parsed = parseArgs(argv);
      assert.deepEqual(Object.fromEntries(parsed.values), Object.fromEntries(Object.entries(opts)));
      assert.equal(parsed.flags.size, 0);
    }),
  );
});

Deno.test("deno task lab llc --json prints one line of JSON last on stdout", labTest, async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "tools/lab.ts",
      "llc",
      "--model",
      "poly",
      "--powers",
      "1,2",
      "--draws",
      "40",
      "--burn-in",
      "10",
      "--chains",
      "2",
      "--json",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  const result = JSON.parse(lines[lines.length - 1]!);
  assert.equal(result.truth, 0.25);
  assert.ok(Number.isFinite(result.llc_mean) && Number.isFinite(result.llc_std));
  assert.ok(Math.abs(result.nbeta - 10000 / Math.log(10000)) < 1e-6);
  assert.match(new TextDecoder().decode(out.stderr), /lab: llc on wasm/);
});
