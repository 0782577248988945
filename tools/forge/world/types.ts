/**
 * The data model of the tiny world: entities of five kinds, typed facts about them, and the
 * split that decides which facts a model sees in training and which live only in the corpus.
 *
 * @module
 */

/** The kinds of entity the world holds. */
export type EntityKind = "country" | "city" | "person" | "organization" | "product";

/** Relations between an entity and a value (another entity or a literal). */
export type Relation =
  | "capital"
  | "leader"
  | "currency"
  | "founded_in"
  | "population"
  | "located_in"
  | "born_in"
  | "birth_year"
  | "occupation"
  | "headquartered_in"
  | "founder"
  | "industry"
  | "made_by"
  | "category"
  | "price";

/** One entity with its attributes; references to other entities are entity ids. */
export interface Entity {
  /** Stable id, e.g. "city-12". */
  readonly id: string;
  /** Entity kind. */
  readonly kind: EntityKind;
  /** Display name, unique across the world. */
  readonly name: string;
}

/** A typed fact: subject entity, relation, object (a name or a literal rendered as text). */
export interface Fact {
  /** Stable id, `${subject}:${relation}`. */
  readonly id: string;
  /** Subject entity id. */
  readonly subject: string;
  /** The relation. */
  readonly relation: Relation;
  /** The object as it is written in answers (a name, a year, a number). */
  readonly object: string;
  /** Object entity id when the object is an entity. */
  readonly objectId?: string;
}

/** Which training role an entity's facts play. */
export type EntityGroup = "seen" | "retrieval_train" | "corpus_only";

/** A generated world. */
export interface World {
  /** The seed it was generated from. */
  readonly seed: number;
  /** Every entity, in generation order. */
  readonly entities: readonly Entity[];
  /** Every fact, in generation order. */
  readonly facts: readonly Fact[];
  /** Entity id -> group (seen in closed-book training, seen only with evidence, corpus only). */
  readonly groups: ReadonlyMap<string, EntityGroup>;
}

/** How many entities of each kind a world has. */
export interface WorldSizes {
  /** Number of countries. */
  readonly countries: number;
  /** Cities per country (the first is the capital). */
  readonly citiesPerCountry: number;
  /** Number of people. */
  readonly people: number;
  /** Number of organizations. */
  readonly organizations: number;
  /** Number of products. */
  readonly products: number;
}

/**
 * Default sizes: 40 + 240 + 216 + 108 + 216 = 820 entities, enough for at least 200
 * held-out list questions.
 */
export const DEFAULT_WORLD_SIZES: WorldSizes = {
  countries: 40,
  citiesPerCountry: 6,
  people: 216,
  organizations: 108,
  products: 216,
};
