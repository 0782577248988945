/**
 * Headless Chromium for browser tests, driven by playwright-core (never `npx playwright
 * install`). The binary is Debian's /usr/bin/chromium when present, else the one unpacked by
 * the npm package @sparticuz/chromium (a chrome-headless-shell build that runs without a
 * system install, so CI needs only Node/npm). WebGPU is exposed on SwiftShader.
 *
 * @module
 */
import { type Browser, chromium as playwright } from "playwright-core";

/** Where the system Chromium lives on Debian. */
export const SYSTEM_CHROMIUM = "/usr/bin/chromium";

/**
 * Flags for a quiet, offline, WebGPU-capable headless Chromium. With the two WebGPU flags,
 * the binary of @sparticuz/chromium 153 exposes a SwiftShader adapter to pages served from
 * http://127.0.0.1 (not about:blank); `--use-angle=swiftshader` and
 * `--enable-features=Vulkan` were not needed.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--no-sandbox",
  "--enable-unsafe-webgpu",
  "--enable-unsafe-swiftshader",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  "--disable-default-apps",
  "--disable-domain-reliability",
  "--no-pings",
];

/** Options of {@link launchChromium}. */
export interface LaunchOptions {
  /** An explicit binary; defaults to {@link chromiumExecutable}. */
  readonly executablePath?: string;
  /** Extra command-line flags. */
  readonly args?: readonly string[];
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/**
 * The Chromium binary to use: /usr/bin/chromium when it exists, else @sparticuz/chromium's
 * (unpacked on first use into the temp folder, about 3 s; later calls reuse it).
 */
export async function chromiumExecutable(): Promise<string> {
  if (await exists(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  // Imported lazily: the package unpacks brotli archives and is only needed without a system binary.
  const { default: sparticuz } = await import("@sparticuz/chromium");
  return await sparticuz.executablePath();
}

/**
 * Launch headless Chromium with WebGPU on SwiftShader. Playwright gives every launch a fresh,
 * empty profile (a temporary --user-data-dir it removes on close), and every context from
 * `browser.newContext()` starts with empty storage (IndexedDB included).
 *
 * @example
 * ```ts
 * const browser = await launchChromium();
 * const page = await browser.newPage();
 * await browser.close();
 * ```
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const executablePath = options.executablePath ?? await chromiumExecutable();
  return await playwright.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_FLAGS, ...(options.args ?? [])],
    timeout: 60_000,
  });
}
