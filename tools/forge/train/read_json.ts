/**
 * Reading the build's JSON markers (done.json, world.done.json): a missing or unreadable
 * file is `undefined`, for the caller's schema to reject.
 *
 * @module
 */

/**
 * The parsed JSON at `path`, or undefined when it is missing or not JSON.
 *
 * @example
 * ```ts
 * const done = await readJson("runs/forge-world/target/done.json");
 * ```
 */
export async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch {
    return undefined;
  }
}
