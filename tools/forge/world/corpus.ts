/**
 * Renders the world as a document corpus in the edge's ingest shape (shared/documents.ts):
 * one document per entity stating all of its facts, plus, for countries, the cities,
 * organizations and people that belong to them.
 *
 * @module
 */
import type { DocumentInput } from "../../../shared/documents.ts";
import { indexWorld } from "./world_index.ts";
import { fill, TEMPLATES } from "./templates.ts";
import type { Entity, World } from "./types.ts";
import { proseList } from "../../../shared/words.ts";

/** A corpus file: `{ documents: [...] }`, the body `POST /v1/documents` accepts. */
export interface WorldCorpus {
  /** One document per entity, in entity order. */
  readonly documents: DocumentInput[];
}

/**
 * A document id from an entity name: lower case, words joined by "-".
 *
 * @example
 * ```ts
 * documentId({ id: "city-0", kind: "city", name: "Port Aldo" }); // "port-aldo"
 * ```
 */
export function documentId(entity: Entity): string {
  return entity.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/** A list in prose (shared/words.ts), re-exported for the world's renderers. */
export { proseList };

/**
 * Render the corpus. The same world gives the same documents, in the same order.
 *
 * @example
 * ```ts
 * renderCorpus(generateWorld(7)).documents.length; // one per entity
 * ```
 */
export function renderCorpus(world: World): WorldCorpus {
  const index = indexWorld(world);
  const members = new Map<string, Map<string, string[]>>(); // entity id -> label -> names
  const addMember = (owner: string, label: string, name: string) => {
    const byLabel = members.get(owner) ?? new Map<string, string[]>();
    byLabel.set(label, [...(byLabel.get(label) ?? []), name]);
    members.set(owner, byLabel);
  };
  for (const f of world.facts) {
    if (f.objectId === undefined) continue;
    const subject = index.entity(f.subject).name;
    if (f.relation === "located_in") addMember(f.objectId, "Its cities are", subject);
    if (f.relation === "headquartered_in") {
      addMember(f.objectId, "Organizations based there:", subject);
    }
    if (f.relation === "born_in") addMember(f.objectId, "People born there:", subject);
    if (f.relation === "made_by") addMember(f.objectId, "Its products are", subject);
  }
  const documents = world.entities.map((entity): DocumentInput => {
    const sentences = index.factsOf(entity.id).map((f) =>
      fill(TEMPLATES[f.relation].answer, entity.name, f.object)
    );
    for (const [label, names] of members.get(entity.id) ?? []) {
      sentences.push(`${label} ${proseList(names)}.`);
    }
    return {
      id: documentId(entity),
      title: entity.name,
      text: sentences.join(" "),
      metadata: { kind: entity.kind, entity: entity.id, group: world.groups.get(entity.id) },
    };
  });
  return { documents };
}
