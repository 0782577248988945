/**
 * Building and serving the decode bench page: `deno bundle --platform browser` of
 * bench/browser/entry.ts (Verity's engine plus transformers.js's web build), and the routes of
 * the static server (127.0.0.1, COOP/COEP) next to the model folder and both libraries'
 * onnxruntime-web dist folders.
 *
 * @module
 */
import type { StaticMount } from "../tests/helpers/static_server.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Raised when the bench page cannot be built or served. */
export class BenchBuildError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BenchBuildError";
  }
}

/** Bundle the page entry into `outDir/entry.js`. */
export async function bundlePage(outDir: string): Promise<void> {
  const args = [
    "bundle",
    "--quiet",
    "--platform",
    "browser",
    "--format",
    "esm",
    "-o",
    `${outDir}/entry.js`,
    "bench/browser/entry.ts",
  ];
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new BenchBuildError(
      `Cannot bundle the bench page as deno bundle exited with code ${code}: ${
        new TextDecoder().decode(stderr)
      }`,
    );
  }
}

/**
 * The onnxruntime-web dist folder transformers.js depends on (its own version, not Verity's),
 * found through the version of @huggingface/transformers pinned in deno.json.
 */
export async function transformersOrtDist(root = ROOT): Promise<string> {
  const deno = JSON.parse(await Deno.readTextFile(`${root}/deno.json`)) as {
    imports?: Record<string, string>;
  };
  const spec = deno.imports?.["@huggingface/transformers"] ?? "";
  const version = /@huggingface\/transformers@([^/]+)$/.exec(spec)?.[1];
  if (version === undefined) {
    throw new BenchBuildError(
      `Cannot find transformers.js as deno.json imports '@huggingface/transformers' as "${spec}"`,
    );
  }
  const dir =
    `${root}/node_modules/.deno/@huggingface+transformers@${version}/node_modules/onnxruntime-web/dist`;
  try {
    return await Deno.realPath(dir);
  } catch (cause) {
    throw new BenchBuildError(
      `Cannot find transformers.js's onnxruntime-web at '${dir}': run 'deno install'`,
      { cause },
    );
  }
}

/** The static server's routes for the bench page. */
export function pageMounts(bundleDir: string, ortTjsDir: string, root = ROOT): StaticMount[] {
  return [
    { path: "/", file: `${root}/bench/browser/index.html` },
    { prefix: "/bench/", dir: bundleDir },
    { prefix: "/models/", dir: `${root}/models` },
    { prefix: "/ort/", dir: `${root}/node_modules/onnxruntime-web/dist` },
    { prefix: "/ort-tjs/", dir: ortTjsDir },
  ];
}
