/**
 * A few KB of plain English bundled with the forge, used to train the fixture tokenizer
 * (no downloads). Written for this project; public domain.
 *
 * @module
 */

/** Training text of the fixture tokenizer. */
export const FIXTURE_TEXT = `
The small village sat at the edge of a quiet river. Every morning the baker opened her shop
before the sun came up, and the smell of fresh bread drifted down the street. Children walked
to school along the river path, counting the boats that passed: one, two, three, four, five.
The teacher asked them to write a short story about what they saw on the way.

A farmer named Tom kept twelve cows and thirty sheep. In the spring he planted wheat, corn and
beans in the north field. In the autumn he sold the harvest at the market in the town across
the hill. The market opened at 8 o'clock and closed at 6 in the evening. Tom said that the
price of wheat had gone up by 15 percent this year, which made him happy.

Water boils at 100 degrees Celsius at sea level. Ice melts at 0 degrees. The moon goes around
the Earth about once every 27 days, and the Earth goes around the Sun once a year. Light from
the Sun takes a little more than eight minutes to reach us. Scientists measure these things
carefully and check each other's results before they agree that something is true.

What is the capital of France? The capital of France is Paris. What is 7 plus 5? It is 12.
If a train leaves the station at 3 pm and travels for 2 hours, it arrives at 5 pm. If you have
24 apples and give away 9, you have 15 left. To check an answer, work the problem again in a
different way and see whether both ways give the same number.

She opened the old book and read the first line aloud. The story was about a sailor who crossed
the sea in a wooden ship. He had a map, a compass and a small box of tools. When the storm came,
he tied the sails down and waited. After three days the sky cleared, and he saw an island with
tall green trees and a white beach. He wrote in his journal that he was tired but safe.

The library is open from Monday to Friday. Books may be borrowed for two weeks. Please return
them on time so that other readers can enjoy them too. If a book is lost, the reader must pay
for a new copy. The librarian knows where every book is kept and is always glad to help.

Good evening! How are you today? I am fine, thank you. Could you tell me the way to the station?
Go straight ahead, turn left at the bank, and you will see it on your right. Thank you very much.
You are welcome. Have a nice day.

A good answer is clear, short and correct. It should say what is known and admit what is not
known. When a question depends on facts, look them up in a trusted source. When a question
needs arithmetic, show each step so that anyone can check it. If two sources disagree, say so,
and explain which one seems more reliable and why.

The cat slept on the warm window sill while the rain fell outside. A dog barked in the yard next
door. The kettle whistled in the kitchen, and someone poured a cup of tea. It was a slow, calm
afternoon, the kind of day when nobody is in a hurry and the clock seems to tick more softly.

Mountains are formed when large plates of the Earth's crust push against each other over
millions of years. Rivers carve valleys as they flow toward the sea. Forests grow where there
is enough rain, and deserts form where there is very little. Every place on the map has its own
weather, its own plants and its own animals.

In the year 1850 the town built a stone bridge over the river. In 1902 a new school was opened,
and in 1955 the first cinema showed its first film. Today the town has 4,300 people, two parks,
one hospital and a museum that tells the story of how the village grew into a town.

The user asked a question, and the assistant gave an answer. Then the assistant checked the
answer against the documents it had found. One claim was supported, one was partly supported,
and one was not supported at all, so the assistant fixed the last claim and said which sources
it had used.
`;
