/**
 * Lookups over a generated world: entity by id, facts by subject, one fact by relation.
 *
 * @module
 */
import type { Entity, Fact, Relation, World } from "./types.ts";

/**
 * Index helpers over a world: entity by id, facts by subject, one fact's object.
 *
 * @example
 * ```ts
 * const index = indexWorld(world);
 * index.object("country-0", "capital");
 * ```
 */
export function indexWorld(world: World): WorldIndex {
  const byId = new Map(world.entities.map((e) => [e.id, e]));
  const bySubject = new Map<string, Fact[]>();
  for (const f of world.facts) {
    const list = bySubject.get(f.subject) ?? [];
    list.push(f);
    bySubject.set(f.subject, list);
  }
  return {
    entity: (id) => {
      const e = byId.get(id);
      if (e === undefined) {
        throw new RangeError(`Cannot find entity as id is unknown: current value is "${id}"`);
      }
      return e;
    },
    factsOf: (id) => bySubject.get(id) ?? [],
    fact: (id, relation) => findFact(bySubject, id, relation),
    object: (id, relation) => findFact(bySubject, id, relation).object,
  };
}

function findFact(bySubject: Map<string, Fact[]>, id: string, relation: Relation): Fact {
  const f = bySubject.get(id)?.find((x) => x.relation === relation);
  if (f === undefined) {
    throw new RangeError(
      `Cannot find fact as '${id}' has no '${relation}': current value is undefined`,
    );
  }
  return f;
}

/** Lookups over a world. */
export interface WorldIndex {
  /** The entity with this id (throws when unknown). */
  entity(id: string): Entity;
  /** Facts whose subject is this entity. */
  factsOf(id: string): readonly Fact[];
  /** The fact (subject, relation) (throws when missing). */
  fact(id: string, relation: Relation): Fact;
  /** The object text of (subject, relation) (throws when missing). */
  object(id: string, relation: Relation): string;
}
