/**
 * Command-line arguments of `deno task lab`: `<experiment> [--flag] [--key value]...`.
 *
 * @module
 */
import { LabSettingsError } from "./errors.ts";

/** Parsed arguments: the experiment name, boolean flags and key/value options. */
export type LabArgs = { experiment: string; flags: Set<string>; values: Map<string, string> };

const BOOLEAN_FLAGS = new Set(["json", "table", "help"]);

/** Split argv into experiment, flags and values. */
export function parseArgs(argv: string[]): LabArgs {
  const [experiment = "help", ...rest] = argv;
  const flags = new Set<string>();
  const values = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith("--")) {
      throw new LabSettingsError(
        `Cannot parse arguments as '${arg}' must follow a --key: current value is "${arg}"`,
      );
    }
    const [key, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
    if (inline !== undefined) values.set(key, inline);
    else if (BOOLEAN_FLAGS.has(key)) flags.add(key);
    else {
      const next = rest[i + 1];
      if (next === undefined) {
        throw new LabSettingsError(`Cannot parse arguments as '--${key}' needs a value`);
      }
      values.set(key, next);
      i++;
    }
  }
  return { experiment, flags, values };
}

/** A number option, or undefined when absent. */
export function num(args: LabArgs, key: string): number | undefined {
  const v = args.values.get(key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) {
    throw new LabSettingsError(
      `Cannot parse '--${key}' as it must be a number: current value is "${v}"`,
    );
  }
  return n;
}

/** A comma-separated number list option, or undefined when absent. */
export function nums(args: LabArgs, key: string): number[] | undefined {
  const v = args.values.get(key);
  if (v === undefined) return undefined;
  return v.split(",").map((part) => {
    const n = Number(part);
    if (part.trim() === "" || !Number.isFinite(n)) {
      throw new LabSettingsError(
        `Cannot parse '--${key}' as it must list numbers: current value is "${v}"`,
      );
    }
    return n;
  });
}

/** A string option, or undefined when absent. */
export function str(args: LabArgs, key: string): string | undefined {
  return args.values.get(key);
}

/** Only the entries whose value is defined (keeps exactOptionalPropertyTypes happy). */
export function defined<T extends Record<string, unknown>>(
  extra: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: { [K in keyof T]?: Exclude<T[K], undefined> } = {};
  for (const [k, v] of Object.entries(extra)) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
