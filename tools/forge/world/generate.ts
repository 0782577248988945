/**
 * The seeded world generator: countries with cities, people, organizations and products, and
 * the typed facts that tie them together. Everything derives from one seed through one
 * mulberry32 stream, so the same seed gives the same world.
 *
 * @module
 */
import { createRng, type Rng } from "../rng.ts";
import { intBetween, NameFactory, pick, shuffled } from "./names.ts";
import {
  DEFAULT_WORLD_SIZES,
  type Entity,
  type EntityGroup,
  type EntityKind,
  type Fact,
  type Relation,
  type World,
  type WorldSizes,
} from "./types.ts";

/** Occupations people have. */
export const OCCUPATIONS = [
  "painter",
  "engineer",
  "poet",
  "chemist",
  "sailor",
  "architect",
  "composer",
  "farmer",
  "judge",
  "astronomer",
] as const;
/** Industries organizations work in. */
export const INDUSTRIES = [
  "shipping",
  "mining",
  "textiles",
  "software",
  "medicine",
  "farming",
  "banking",
  "printing",
] as const;
/** Product categories. */
export const CATEGORIES = [
  "lamp",
  "bicycle",
  "radio",
  "kettle",
  "camera",
  "tractor",
  "clock",
  "boat",
  "telescope",
  "loom",
] as const;
const CURRENCY_WORDS = ["crown", "mark", "florin", "shell", "talent", "ducat"] as const;

/** Share of entities in each group: closed-book training, evidence-only training, corpus only. */
export const GROUP_SHARES: Readonly<Record<EntityGroup, number>> = {
  seen: 0.5,
  retrieval_train: 0.2,
  corpus_only: 0.3,
};

class WorldBuilder {
  readonly entities: Entity[] = [];
  readonly facts: Fact[] = [];
  readonly #counts = new Map<EntityKind, number>();

  entity(kind: EntityKind, name: string): Entity {
    const n = this.#counts.get(kind) ?? 0;
    this.#counts.set(kind, n + 1);
    const entity = { id: `${kind}-${n}`, kind, name };
    this.entities.push(entity);
    return entity;
  }

  fact(subject: Entity, relation: Relation, object: string | Entity): void {
    const base = { id: `${subject.id}:${relation}`, subject: subject.id, relation };
    this.facts.push(
      typeof object === "string"
        ? { ...base, object }
        : { ...base, object: object.name, objectId: object.id },
    );
  }
}

/**
 * Generate a world from a seed. The first city of each country is its capital; every
 * country's leader and every organization's founder is a distinct person.
 *
 * @example
 * ```ts
 * const world = generateWorld(7);
 * world.facts.find((f) => f.relation === "capital")?.object; // a city name
 * ```
 */
export function generateWorld(seed: number, sizes: WorldSizes = DEFAULT_WORLD_SIZES): World {
  const rng = createRng(seed);
  const names = new NameFactory(rng);
  const w = new WorldBuilder();

  const countries = Array.from(
    { length: sizes.countries },
    () => w.entity("country", names.next("country")),
  );
  const cities: Entity[] = [];
  const citiesOf = new Map<string, Entity[]>();
  for (const country of countries) {
    const own = Array.from(
      { length: sizes.citiesPerCountry },
      () => w.entity("city", names.next("city")),
    );
    citiesOf.set(country.id, own);
    cities.push(...own);
  }
  const people = Array.from(
    { length: sizes.people },
    () => w.entity("person", names.next("person")),
  );
  const orgs = Array.from(
    { length: sizes.organizations },
    () => w.entity("organization", names.next("organization")),
  );
  const products = Array.from(
    { length: sizes.products },
    () => w.entity("product", names.next("product")),
  );
  const needed = countries.length + orgs.length;
  if (people.length < needed) {
    throw new RangeError(
      `Cannot generate a world as 'people' must be at least countries + organizations (${needed}): current value is ${people.length}`,
    );
  }
  const roles = shuffled(rng, people);

  countries.forEach((country, i) => {
    const own = citiesOf.get(country.id)!;
    w.fact(country, "capital", own[0]!);
    w.fact(country, "leader", roles[i]!);
    w.fact(country, "currency", `${currencyStem(rng)} ${pick(rng, CURRENCY_WORDS)}`);
    w.fact(country, "founded_in", String(intBetween(rng, 800, 1950)));
    w.fact(country, "population", `${intBetween(rng, 2, 90)} million`);
  });
  for (const country of countries) {
    citiesOf.get(country.id)!.forEach((city, i) => {
      w.fact(city, "located_in", country);
      // Capitals are the largest cities of their country.
      const thousands = i === 0 ? intBetween(rng, 900, 3000) : intBetween(rng, 20, 850);
      w.fact(city, "population", `${thousands} thousand`);
      w.fact(city, "founded_in", String(intBetween(rng, 600, 1900)));
    });
  }
  for (const person of people) {
    w.fact(person, "born_in", pick(rng, cities));
    w.fact(person, "birth_year", String(intBetween(rng, 1920, 2000)));
    w.fact(person, "occupation", pick(rng, OCCUPATIONS));
  }
  orgs.forEach((org, i) => {
    w.fact(org, "headquartered_in", pick(rng, cities));
    w.fact(org, "founded_in", String(intBetween(rng, 1800, 2015)));
    w.fact(org, "founder", roles[countries.length + i]!);
    w.fact(org, "industry", pick(rng, INDUSTRIES));
  });
  for (const product of products) {
    w.fact(product, "made_by", pick(rng, orgs));
    w.fact(product, "category", pick(rng, CATEGORIES));
    w.fact(product, "price", `${intBetween(rng, 5, 900)} coins`);
  }
  return { seed, entities: w.entities, facts: w.facts, groups: assignGroups(rng, w.entities) };
}

function currencyStem(rng: Rng): string {
  return pick(rng, ["vel", "dar", "oro", "sen", "kol", "mir", "tal", "zun"]) +
    pick(rng, ["a", "i", "o", ""]);
}

/** Split each kind's entities by {@link GROUP_SHARES} (per kind, so every kind has each group). */
function assignGroups(rng: Rng, entities: readonly Entity[]): Map<string, EntityGroup> {
  const groups = new Map<string, EntityGroup>();
  const kinds: EntityKind[] = ["country", "city", "person", "organization", "product"];
  for (const kind of kinds) {
    const ofKind = shuffled(rng, entities.filter((e) => e.kind === kind));
    const seen = Math.round(ofKind.length * GROUP_SHARES.seen);
    const evidence = Math.round(ofKind.length * GROUP_SHARES.retrieval_train);
    ofKind.forEach((e, i) => {
      groups.set(e.id, i < seen ? "seen" : i < seen + evidence ? "retrieval_train" : "corpus_only");
    });
  }
  return groups;
}
