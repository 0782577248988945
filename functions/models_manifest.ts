/**
 * The bundled-model catalog served at `/models/manifest.json` when models/ has no such file:
 * the manifests one folder down merged into `{ version: 1, models, adapters }`, paths and
 * names prefixed by their folder. Two manifest formats are read: the forge's
 * (`{ models: [{ name, path, ... }], adapters?: [{ name, path, ... }] }`, models/fixtures) and
 * the world build's (`{ generator: "verity-forge-world", entries: [{ name, kind, path, ... }] }`,
 * models/world). A model named `draft` is the draft of the folder's `target`; adapters are
 * served by the folder's `target_lora`, the model with LoRA slot inputs. Models named like a
 * side model ({@link SideModelRole}: best-of-n's `verifier`, Self-RAG's `reader`, CoVe's `cove`) carry
 * `role`: the page loads them next to the chat model for their pipeline and does not offer them
 * as chat models.
 *
 * @module
 */
import { z } from "zod";
import { SIDE_ROLES } from "../shared/pipeline.ts";

/**
 * A side model's role, which is also its name in its folder (shared/pipeline.ts SIDE_ROLES):
 * models the page runs next to the chat model for one pipeline, never as the chat model.
 */
export const SideModelRole = z.enum(SIDE_ROLES);

/** One model in the merged catalog. */
export const CatalogModel = z.object({
  /** `<folder>/<name>`, e.g. "world/target". */
  name: z.string(),
  /** Folder relative to /models/, e.g. "world/target". */
  path: z.string(),
  parameters: z.number().optional(),
  /** Path of the draft model paired with this one for speculative decoding. */
  draft: z.string().optional(),
  /** Set on side models only: which pipeline part they serve (absent: a chat model). */
  role: SideModelRole.optional(),
});
/** One model in the merged catalog. */
export type CatalogModel = z.infer<typeof CatalogModel>;

/** One bundled PEFT adapter in the merged catalog. */
export const CatalogAdapter = z.object({
  /** `<folder>/<name>`, e.g. "world/terse". */
  name: z.string(),
  /** Folder relative to /models/ holding adapter_config.json and adapter_model.safetensors. */
  path: z.string(),
  /** Path of the model with LoRA slot inputs that serves it, when the folder has one. */
  model: z.string().optional(),
});
/** One bundled PEFT adapter in the merged catalog. */
export type CatalogAdapter = z.infer<typeof CatalogAdapter>;

/** The merged catalog. */
export interface ModelsCatalog {
  readonly version: 1;
  readonly models: CatalogModel[];
  readonly adapters: CatalogAdapter[];
}

const Named = z.looseObject({ name: z.string().min(1), path: z.string().min(1) });
const ForgeManifest = z.looseObject({
  models: z.array(z.unknown()),
  adapters: z.array(z.unknown()).optional(),
});
const WorldManifest = z.looseObject({
  generator: z.literal("verity-forge-world"),
  entries: z.array(z.unknown()),
});
const WorldEntry = Named.extend({
  kind: z.enum(["model", "lora"]),
  parameters: z.number().optional(),
});

function clean(path: string): string {
  return path.replace(/^\/+|\/+$/g, "");
}

/** Models and adapters of one manifest, names and paths not yet prefixed. */
function itemsOf(json: unknown): { models: CatalogModel[]; adapters: CatalogAdapter[] } {
  const models: CatalogModel[] = [];
  const adapters: CatalogAdapter[] = [];
  const world = WorldManifest.safeParse(json);
  const forge = ForgeManifest.safeParse(json);
  const modelItems = world.success
    ? world.data.entries.filter((e) => WorldEntry.safeParse(e).data?.kind === "model")
    : forge.success
    ? forge.data.models
    : [];
  const adapterItems = world.success
    ? world.data.entries.filter((e) => WorldEntry.safeParse(e).data?.kind === "lora")
    : forge.success
    ? forge.data.adapters ?? []
    : [];
  for (const item of modelItems) {
    const m = Named.extend({ parameters: z.number().optional() }).safeParse(item);
    if (!m.success) continue; // an entry without a name and path is left out
    models.push({
      name: m.data.name,
      path: clean(m.data.path),
      ...(m.data.parameters !== undefined ? { parameters: m.data.parameters } : {}),
    });
  }
  for (const item of adapterItems) {
    const a = Named.safeParse(item);
    if (!a.success) continue;
    // World entries are named "adapter-<style>"; the folder name is the adapter's name.
    const path = clean(a.data.path);
    adapters.push({ name: path.slice(path.lastIndexOf("/") + 1), path });
  }
  return { models, adapters };
}

/**
 * Merge the manifests of the folders under /models/ (folder name -> parsed JSON of each of its
 * manifest files), folders in name order.
 *
 * @example
 * ```ts
 * mergeModelManifests([["fixtures", [{ models: [{ name: "target", path: "target" }] }]]]);
 * // { version: 1, models: [{ name: "fixtures/target", path: "fixtures/target" }], adapters: [] }
 * ```
 */
export function mergeModelManifests(
  folders: readonly (readonly [string, readonly unknown[]])[],
): ModelsCatalog {
  const models: CatalogModel[] = [];
  const adapters: CatalogAdapter[] = [];
  const sorted = [...folders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [folder, manifests] of sorted) {
    const here = manifests.map(itemsOf);
    const paths = new Set(here.flatMap((h) => h.models.map((m) => m.path)));
    const prefix = (p: string) => `${folder}/${p}`;
    for (const m of here.flatMap((h) => h.models)) {
      const draft = m.path === "target" && paths.has("draft") ? prefix("draft") : undefined;
      const role = SideModelRole.safeParse(m.name);
      models.push({
        ...m,
        name: prefix(m.name),
        path: prefix(m.path),
        ...(draft !== undefined ? { draft } : {}),
        ...(role.success ? { role: role.data } : {}),
      });
    }
    for (const a of here.flatMap((h) => h.adapters)) {
      adapters.push({
        name: prefix(a.name),
        path: prefix(a.path),
        ...(paths.has("target_lora") ? { model: prefix("target_lora") } : {}),
      });
    }
  }
  return { version: 1, models, adapters };
}
