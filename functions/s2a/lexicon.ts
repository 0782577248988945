/**
 * Word lists of the model-free S2A filter: stop words, number words, and the cue phrases
 * of opinions and suggested answers (the biases S2A removes: "I think the answer is X",
 * "my professor said", "I'm not sure but", "maybe it's").
 *
 * @module
 */

/** Function words that carry no topic. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  ("a an the and or but if then so than that this these those there their they them he she " +
    "him her his hers it its we us our you your i me my mine of in on at to for from by with " +
    "about into over after before during each per as is are was were be been being am do does " +
    "did has have had having will would can could should may might must shall not no yes all " +
    "any some many much more most less few fewer other another such own same only just also " +
    "very too how what which who whom whose when where why while what's it's he's she's " +
    "there's let let's up down out off again once here both either neither every one ones").split(
      " ",
    ),
);

/** Capitalized words that start sentences without being names. */
export const SENTENCE_STARTERS: ReadonlySet<string> = new Set(
  ("yesterday today tomorrow tonight then after afterwards before later next last first second " +
    "third finally meanwhile however altogether together also still instead because although " +
    "though since until during once now lastly overall besides otherwise therefore thus hence " +
    "unfortunately fortunately luckily sadly suddenly later earlier initially originally " +
    "everyone everybody someone somebody nobody nothing something everything given suppose " +
    "assume find calculate compute determine please").split(" "),
);

/** Words that state a quantity without digits. */
export const NUMBER_WORDS: ReadonlySet<string> = new Set(
  ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen " +
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty " +
    "ninety hundred thousand million billion half halves twice thrice double doubled triple " +
    "tripled quadruple third thirds quarter quarters dozen dozens percent").split(" "),
);

/** Words that refer back to something stated before (the sentence depends on context). */
export const ANAPHORA: ReadonlySet<string> = new Set(
  "he she they him her his hers their them this these those each rest remaining remainder"
    .split(" "),
);

/** Relation words of "X times as many", "half as much", "more than" and the like. */
export const RELATIONAL =
  /\b(?:as (?:many|much|long|far|old|tall)|times|twice|half|more than|less than|fewer than|the rest|remaining|left over|the same|each of|per|every)\b/i;

const AUTHORITY =
  "professor|teacher|tutor|friend|friends|dad|mom|mother|father|brother|sister|boss|classmate|" +
  "coworker|co-worker|roommate|neighbor|neighbour|uncle|aunt|cousin|colleague|partner|" +
  "husband|wife|son|daughter|grandma|grandpa|textbook|book|calculator|instructor|coach|parents";

/** Cues of a suggested answer: the sentence proposes what the answer is. */
export const SUGGESTION_CUES: readonly RegExp[] = [
  /\b(?:the )?answer (?:is|should be|must be|might be|could be|would be|seems to be|was)\b/i,
  /\b(?:could|might|would) it be\b/i,
  /\bmaybe (?:it'?s|it is|the answer|the total|they|he|she|we|\$?\d)/i,
  /\b(?:is|was) it (?:\$?\d|about|around|maybe|really)\b/i,
  /\b(?:i'?d|i would) (?:say|guess)\b/i,
  /\bmy (?:guess|answer|bet) (?:is|was|would be)\b/i,
  /\bi (?:got|get|came up with|calculated|computed) \$?\d/i,
  /\b(?:probably|perhaps|possibly|likely) (?:about |around )?\$?\d/i,
  /\bit'?s (?:probably|likely|perhaps|maybe)\b/i,
];

/** Cues of an opinion: belief, doubt, hearsay or appeal to authority. */
export const OPINION_CUES: readonly RegExp[] = [
  /\bi (?:think|believe|guess|feel|suspect|reckon|assume|suppose|bet|doubt|heard|recall|imagine)\b/i,
  /\bi'?m (?:not )?(?:(?:pretty|very|quite|really|fairly|absolutely|totally) )?(?:sure|certain|confident|positive|convinced|guessing|thinking)\b/i,
  /\bi am (?:not )?(?:(?:pretty|very|quite|really|fairly|absolutely|totally) )?(?:sure|certain|confident|positive|convinced)\b/i,
  /\bin my (?:opinion|view|experience)\b/i,
  /\b(?:personally|honestly|frankly|apparently)\b,?/i,
  /\bit seems to me\b/i,
  /\b(?:don'?t|wouldn'?t) you (?:think|agree)\b/i,
  new RegExp(
    String
      .raw`\bmy (?:${AUTHORITY})\b[^.?!]*\b(?:said|says|thinks|thought|told|believes|claims|claimed|insists|insisted|suggested|mentioned|reckons|guessed|swears|is sure|was sure|is convinced)\b`,
    "i",
  ),
  /\b(?:someone|somebody|people|everyone) (?:said|says|told me|thinks|claims)\b/i,
  /\bi'?ve heard\b/i,
  /^\s*(?:maybe|perhaps|probably)\b/i,
];
