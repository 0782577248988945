/**
 * Bundles the browser client with `deno bundle --platform browser`: the engine worker
 * (client/engine/worker/engine_worker.ts), the lab worker (client/lab/worker/lab_worker.ts), the
 * page (client/ui/main.ts) and the offline service worker (client/ui/sw/sw.ts) become
 * client/ui/dist/{engine_worker,lab_worker,main,sw}.js (gitignored). uPlot's stylesheet is
 * copied to dist/uplot.css, and dist/build.json names the build version and the files the
 * service worker caches on install. onnxruntime-web's wasm and glue files are not bundled:
 * the worker loads them from `/ort/` on the page's origin.
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
  { source: "client/ui/sw/sw.ts", output: "sw.js" },
] as const;

/** Stylesheets copied from packages into the out folder (no CDN). */
export const COPIED_FILES = [
  { source: "node_modules/uplot/dist/uPlot.min.css", output: "uplot.css" },
] as const;

/** onnxruntime-web files the bundled engine loads from /ort/ (cached for offline use). */
export const ORT_FILES = [
  "ort-wasm-simd-threaded.asyncify.mjs",
  "ort-wasm-simd-threaded.asyncify.wasm",
] as const;

/** URL paths the service worker caches on install, besides the bundles. */
export const SHELL_PATHS = ["/", "/ui/style.css"] as const;

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

/** Every URL path the service worker caches on install (shell, bundles, stylesheets, ort). */
export function precachePaths(): string[] {
  return [
    ...SHELL_PATHS,
    ...BUNDLE_ENTRIES.filter((e) => e.output !== "sw.js").map((e) => `/ui/dist/${e.output}`),
    ...COPIED_FILES.map((c) => `/ui/dist/${c.output}`),
    ...ORT_FILES.map((f) => `/ort/${f}`),
  ];
}

/** A short content hash naming one build (its service worker cache). */
async function versionOf(parts: readonly Uint8Array[]): Promise<string> {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.byteLength;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return [...digest.slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Bundle the page, the workers and the service worker; returns the size of each output.
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
  const hashed: Uint8Array[] = [];
  for (const e of BUNDLE_ENTRIES) {
    const bytes = await Deno.readFile(`${outDir}/${e.output}`);
    const text = new TextDecoder().decode(bytes);
    const cdn = CDN_HOSTS.find((h) => text.includes(h));
    if (cdn !== undefined) {
      throw new BuildError(`Cannot ship '${e.output}' as it references the external host '${cdn}'`);
    }
    sizes.push({ file: e.output, bytes: bytes.byteLength, gzipBytes: await gzipSize(bytes) });
    hashed.push(bytes);
  }
  for (const c of COPIED_FILES) {
    const bytes = await Deno.readFile(`${ROOT}/${c.source}`);
    await Deno.writeFile(`${outDir}/${c.output}`, bytes);
    hashed.push(bytes);
  }
  const version = await versionOf(hashed);
  await Deno.writeTextFile(
    `${outDir}/build.json`,
    JSON.stringify({ version, precache: precachePaths() }),
  );
  // Browsers reinstall a service worker only when its script changes: naming the build in it
  // makes every new build replace the offline cache (onnxruntime's files are cached first).
  await Deno.writeTextFile(`${outDir}/sw.js`, `\n// verity build ${version}\n`, { append: true });
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
