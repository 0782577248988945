/**
 * `deno task forge`: byte-identical reruns, a manifest that matches the files on disk,
 * the committed fixtures being up to date, forging one model from safetensors, flag errors.
 */
import assert from "node:assert/strict";
import { runForge } from "../../../tools/forge/main.ts";
import { parseForgeArgs } from "../../../tools/forge/cli_args.ts";
import { Manifest, sha256Hex } from "../../../tools/forge/manifest.ts";
import { type LlamaConfig, llamaParameterCount } from "../../../tools/forge/llama_config.ts";
import { readSafetensors } from "../../../tools/forge/safetensors.ts";
import { buildLlamaOnnx } from "../../../tools/forge/llama_graph.ts";
import { initLlamaWeights, llamaWeightsToSafetensors } from "../../../tools/forge/weights.ts";
import { fixtureModels } from "./fixture_models.ts";

const quiet = () => {};

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(`${dir}/${prefix}`)) {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory) out.push(...await listFiles(dir, path));
    else out.push(path);
  }
  return out.sort();
}

async function withTempDirs<T>(count: number, body: (dirs: string[]) => Promise<T>): Promise<T> {
  const dirs = await Promise.all(
    Array.from({ length: count }, () => Deno.makeTempDir({ prefix: "verity_forge_" })),
  );
  try {
    return await body(dirs);
  } finally {
    for (const dir of dirs) await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("two forge runs write byte-identical files", async () => {
  await withTempDirs(2, async ([a, b]) => {
    await runForge(["--out", a!], quiet);
    await runForge(["--out", b!], quiet);
    const files = await listFiles(a!);
    assert.deepEqual(await listFiles(b!), files);
    assert.deepEqual(files, [
      "draft/config.json",
      "draft/generation_config.json",
      "draft/onnx/model.onnx",
      "draft/tokenizer.json",
      "draft/tokenizer_config.json",
      "manifest.json",
      "target/config.json",
      "target/generation_config.json",
      "target/onnx/model.onnx",
      "target/tokenizer.json",
      "target/tokenizer_config.json",
    ]);
    for (const file of files) {
      assert.equal(
        await sha256Hex(await Deno.readFile(`${b}/${file}`)),
        await sha256Hex(await Deno.readFile(`${a}/${file}`)),
        file,
      );
    }
  });
});

Deno.test("the manifest lists every file with its sha256, size, parameters and config", async () => {
  await withTempDirs(1, async ([dir]) => {
    await runForge(["--out", dir!, "--safetensors"], quiet);
    const manifest = Manifest.parse(JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`)));
    const listed = manifest.models.flatMap((m) => m.files.map((f) => f.path));
    assert.deepEqual([...listed, "manifest.json"].sort(), await listFiles(dir!));
    for (const model of manifest.models) {
      for (const file of model.files) {
        const bytes = await Deno.readFile(`${dir}/${file.path}`);
        assert.equal(file.bytes, bytes.length, file.path);
        assert.equal(file.sha256, await sha256Hex(bytes), file.path);
      }
      const tensors = readSafetensors(
        await Deno.readFile(`${dir}/${model.path}/model.safetensors`),
      );
      const counted = [...tensors.values()].reduce((sum, t) => sum + t.data.length, 0);
      assert.equal(model.parameters, counted);
      assert.equal(model.parameters, llamaParameterCount(model.config));
      const onDisk = JSON.parse(await Deno.readTextFile(`${dir}/${model.path}/config.json`));
      assert.deepEqual(model.config, onDisk);
    }
    const [target, draft] = manifest.models;
    assert.deepEqual([target!.name, draft!.name], ["target", "draft"]);
    assert.equal(target!.config.tie_word_embeddings, false);
    assert.equal(draft!.config.tie_word_embeddings, true);
    const tokenizerSha = (m: typeof target) =>
      m!.files.find((f) => f.path.endsWith("/tokenizer.json"))!.sha256;
    assert.equal(tokenizerSha(target), tokenizerSha(draft), "target and draft share one tokenizer");
  });
});

Deno.test("committed models/fixtures equal a fresh forge (rerun `deno task forge` if this fails)", async () => {
  await withTempDirs(1, async ([dir]) => {
    await runForge(["--out", dir!], quiet);
    const fresh = await Deno.readTextFile(`${dir}/manifest.json`);
    const committed = await Deno.readTextFile(
      new URL("../../../models/fixtures/manifest.json", import.meta.url),
    );
    assert.equal(committed, fresh);
  });
});

Deno.test("deno task forge --json prints a one-line JSON summary last and finishes in seconds", async () => {
  await withTempDirs(1, async ([dir]) => {
    const command = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../../../tools/forge/main.ts", import.meta.url).pathname,
        "--out",
        dir!,
        "--json",
      ],
      stdout: "piped",
      stderr: "piped",
    });
    const { code, stdout, stderr } = await command.output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    const lines = new TextDecoder().decode(stdout).trim().split("\n");
    const summary = JSON.parse(lines.at(-1)!);
    assert.equal(summary.out, dir);
    assert.deepEqual(summary.models.map((m: { name: string }) => m.name), ["target", "draft"]);
    assert.equal(summary.models[0].parameters, 247360);
    assert.equal(summary.models[1].parameters, 39200);
    console.log(`[forge] wall time ${summary.wall_ms} ms`);
    assert.ok(summary.wall_ms < 10_000, `forge took ${summary.wall_ms} ms`);
  });
});

Deno.test("--from-safetensors forges one model folder from HF weights and config.json", async () => {
  const [target] = fixtureModels();
  await withTempDirs(1, async ([dir]) => {
    await Deno.writeFile(`${dir}/weights.safetensors`, llamaWeightsToSafetensors(target!.weights));
    await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(target!.config));
    const summary = await runForge([
      "--from-safetensors",
      `${dir}/weights.safetensors`,
      "--config",
      `${dir}/config.json`,
      "--out",
      `${dir}/out`,
      "--name",
      "tiny",
    ], quiet);
    assert.equal(summary?.models[0]?.name, "tiny");
    const onnx = await Deno.readFile(`${dir}/out/tiny/onnx/model.onnx`);
    assert.equal(
      await sha256Hex(onnx),
      await sha256Hex(buildLlamaOnnx(target!.config, target!.weights)),
    );
    assert.ok((await listFiles(`${dir}/out`)).includes("manifest.json"));
  });
});

Deno.test("--from-safetensors reports the missing tensor of an incomplete file", async () => {
  const [target] = fixtureModels();
  await withTempDirs(1, async ([dir]) => {
    const partial = new Map(target!.weights);
    partial.delete("model.norm.weight");
    await Deno.writeFile(`${dir}/w.safetensors`, llamaWeightsToSafetensors(partial));
    await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(target!.config));
    await assert.rejects(
      runForge([
        "--from-safetensors",
        `${dir}/w.safetensors`,
        "--config",
        `${dir}/config.json`,
        "--out",
        dir!,
      ], quiet),
      { name: "WeightsError", message: /tensor 'model.norm.weight' is missing/ },
    );
  });
});

Deno.test("--tokenizer takes the tokenizer files of a folder and must match vocab_size", async () => {
  const [target] = fixtureModels();
  await withTempDirs(1, async ([dir]) => {
    await runForge(["--out", `${dir}/fixtures`], quiet);
    const tokenizerDir = `${dir}/fixtures/draft`;
    const write = async (config: LlamaConfig) => {
      await Deno.writeFile(
        `${dir}/w.safetensors`,
        llamaWeightsToSafetensors(initLlamaWeights(config, 3)),
      );
      await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(config));
    };
    const args = ["--from-safetensors", `${dir}/w.safetensors`, "--config", `${dir}/config.json`];
    await write(target!.config);
    await runForge([...args, "--tokenizer", tokenizerDir, "--out", `${dir}/one`], quiet);
    assert.equal(
      await Deno.readTextFile(`${dir}/one/model/tokenizer.json`),
      await Deno.readTextFile(`${tokenizerDir}/tokenizer.json`),
    );
    await write({ ...target!.config, vocab_size: 600 });
    await assert.rejects(
      runForge([...args, "--tokenizer", tokenizerDir, "--out", `${dir}/two`], quiet),
      {
        name: "WeightsError",
        message:
          "Cannot forge model 'model' as 'vocab_size' must equal the tokenizer's 512 tokens: current value is 600",
      },
    );
  });
});

Deno.test("--help prints the usage and forges nothing", async () => {
  const lines: string[] = [];
  assert.equal(await runForge(["--help"], (line) => lines.push(line)), undefined);
  assert.match(lines.join("\n"), /^Usage: deno task forge/);
});

Deno.test("parseForgeArgs rejects unknown flags and half-given model sources", () => {
  assert.deepEqual(parseForgeArgs(["--out=x", "--json"]), {
    out: "x",
    name: "model",
    safetensors: false,
    json: true,
    help: false,
  });
  assert.throws(() => parseForgeArgs(["--bogus"]), {
    name: "ForgeUsageError",
    message: /'--bogus' is not a known flag/,
  });
  assert.throws(() => parseForgeArgs(["--config", "c.json"]), {
    name: "ForgeUsageError",
    message: "Cannot run forge as '--from-safetensors' and '--config' go together",
  });
  assert.throws(() => parseForgeArgs(["--out"]), {
    name: "ForgeUsageError",
    message: "Cannot run forge as '--out' needs a value",
  });
  assert.throws(() => parseForgeArgs(["--from-safetensors", "w", "--config", "c"]), {
    name: "ForgeUsageError",
    message: "Cannot run forge as '--out' is required with '--from-safetensors'",
  });
});
