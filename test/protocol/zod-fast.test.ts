// The hand-compiled check for plain zod object schemas (src/protocol/zod-fast.ts) must accept exactly what zod
// accepts and give the same output; whatever it does not accept goes to zod, and schemas outside its subset get
// no fast check at all.

import { expect, test } from "bun:test";
import { z } from "zod";
import { compileZodFast, MISS } from "../../src/protocol/zod-fast.ts";

const schema = z.object({ n: z.number(), s: z.string(), b: z.boolean() });

const samples: unknown[] = [0, -0, 1.5, -7, NaN, Infinity, -Infinity, "", "x", true, false, null, undefined, [], {}, [1], { n: 1 }, 10n];

function* inputs(): Generator<unknown> {
  yield null;
  yield undefined;
  yield 3;
  yield "text";
  yield [];
  yield [1, "a", true];
  yield {};
  for (const n of samples) for (const s of samples) for (const b of samples) yield { n, s, b };
  yield { n: 1, s: "a", b: true, extra: "dropped" };
  yield { s: "a", b: true };
  yield JSON.parse('{"n": 1, "s": "a", "b": false, "__proto__": {"x": 1}}');
  yield Object.assign(Object.create(null), { n: 2, s: "b", b: true });
  yield new (class Point { n = 1; s = "p"; b = false })();
}

test("the fast check accepts exactly what zod accepts, with zod's output", () => {
  const fast = compileZodFast(schema)!;
  expect(fast).toBeFunction();
  let accepted = 0;
  let refused = 0;
  for (const input of inputs()) {
    const byZod = schema.safeParse(input);
    const byFast = fast(input);
    if (byZod.success) {
      accepted++;
      expect(byFast).toEqual(byZod.data);
      expect(Object.keys(byFast as object)).toEqual(Object.keys(byZod.data));
      expect(byFast).not.toBe(input);
    } else {
      refused++;
      expect(byFast).toBe(MISS);
    }
  }
  expect(accepted).toBeGreaterThan(10);
  expect(refused).toBeGreaterThan(1000);
});

test("schemas outside the subset get no fast check", () => {
  const outside = [
    z.object({ n: z.number().int() }),
    z.object({ n: z.number().min(1) }),
    z.object({ s: z.string().optional() }),
    z.object({ s: z.string().email() }),
    z.object({ n: z.coerce.number() }),
    z.object({ o: z.object({ n: z.number() }) }),
    z.object({ n: z.number() }).strict(),
    z.object({ n: z.number() }).loose(),
    z.object({ n: z.number() }).refine((v) => v.n > 0),
    z.object({ n: z.number() }).transform((v) => v.n),
    z.object({}),
    z.number(),
    z.array(z.number()),
  ];
  for (const s of outside) expect(compileZodFast(s)).toBeUndefined();
});
