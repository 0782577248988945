/**
 * Bundles the browser client with `deno bundle --platform browser`: the engine worker
 * (client/engine/worker/engine_worker.ts), the lab worker (client/lab/worker/lab_worker.ts) and
 * the page (client/ui/main.ts) become client/ui/dist/{engine_worker,lab_worker,main}.js
 * (gitignored). onnxruntime-web's
 * wasm and glue files are not bundled: the worker loads them from `/ort/` on the page's origin.
 *
 * `deno task build [--out DIR] [--no-minify] [--json]`
 *
 * @module
 */
import { z } from "zod";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** One bundle entry: a source file and the name of its output in the out folder. */
export const BUNDLE_ENTRIES = [
  { source: "client/engine/worker/engine_worker.ts", output: "engine_worker.js" },
  { source: "client/ui/main.ts", output: "main.js" },
  { source: "client/lab/worker/lab_worker.ts", output: "lab_worker.js" },
] as const;

/** Options of {@link buildClient}. */
export const BuildOptions = z.object({
  /** Output folder (absolute or relative to the repository root). */
  outDir: z.string().min(1).default(`${ROOT}/client/ui/dist`),
  minify: z.boolean().default(true),
});
/** Options of {@link buildClient}. */
export type BuildOptions = z.input<typeof BuildOptions>;

/** Size of one output file. */
export interface BundleSize {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

/** Raised when bundling fails or a bundle would reach beyond the page's origin. */
export class BuildError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BuildError";
  }
}

// Hosts from which onnxruntime or others could fetch code or wasm at runtime; the bundles
// must load everything from the page's own origin.
const CDN_HOSTS = [
  "cdn.jsdelivr.net",
  "unpkg.com",
  "esm.sh",
  "cdnjs.cloudflare.com",
  "huggingface.co",
];

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/**
 * Bundle one module (and everything it imports) for browsers into one ESM file with a linked
 * source map. `source` is relative to the repository root or absolute.
 *
 * @example
 * ```ts
 * await bundleModule("client/engine/loader/dexie_cache.ts", "/tmp/dexie_cache.js");
 * ```
 */
export async function bundleModule(source: string, output: string, minify = true): Promise<void> {
  const args = [
    "bundle",
    "--quiet",
    "--platform",
    "browser",
    "--format",
    "esm",
    "--sourcemap",
    "linked",
    ...(minify ? ["--minify"] : []),
    "-o",
    output,
    source,
  ];
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  })
    .output();
  if (code !== 0) {
    throw new BuildError(
      `Cannot bundle '${source}' as deno bundle exited with code ${code}: ${
        new TextDecoder().decode(stderr)
      }`,
    );
  }
}

/**
 * Bundle the page and the engine worker; returns the size of each output.
 *
 * @example
 * ```ts
 * const sizes = await buildClient({ outDir: "/tmp/dist" });
 * ```
 */
export async function buildClient(options: BuildOptions = {}): Promise<BundleSize[]> {
  const opts = BuildOptions.parse(options);
  const outDir = opts.outDir.startsWith("/") ? opts.outDir : `${ROOT}/${opts.outDir}`;
  await Deno.mkdir(outDir, { recursive: true });
  await Promise.all(
    BUNDLE_ENTRIES.map((e) => bundleModule(e.source, `${outDir}/${e.output}`, opts.minify)),
  );
  const sizes: BundleSize[] = [];
  for (const e of BUNDLE_ENTRIES) {
    const bytes = await Deno.readFile(`${outDir}/${e.output}`);
    const text = new TextDecoder().decode(bytes);
    const cdn = CDN_HOSTS.find((h) => text.includes(h));
    if (cdn !== undefined) {
      throw new BuildError(`Cannot ship '${e.output}' as it references the external host '${cdn}'`);
    }
    sizes.push({ file: e.output, bytes: bytes.byteLength, gzipBytes: await gzipSize(bytes) });
  }
  return sizes;
}

if (import.meta.main) {
  const args = Deno.args;
  const out = args.indexOf("--out");
  const t0 = performance.now();
  const sizes = await buildClient({
    ...(out >= 0 && args[out + 1] !== undefined ? { outDir: args[out + 1] } : {}),
    minify: !args.includes("--no-minify"),
  });
  const ms = Math.round(performance.now() - t0);
  if (args.includes("--json")) {
    console.log(JSON.stringify({ ms, sizes }));
  } else {
    for (const s of sizes) {
      console.log(
        `${s.file.padEnd(18)} ${(s.bytes / 1024).toFixed(1).padStart(8)} kB  (gzip ${
          (s.gzipBytes / 1024).toFixed(1)
        } kB)`,
      );
    }
    console.log(`built in ${ms} ms`);
  }
}
