import assert from "node:assert/strict";
import { test } from "node:test";
import { equivalent, type Rounding } from "../../../src/rewards/math/compare.ts";
import { DEFAULT_MATH_OPTIONS, scoreMath } from "../../../src/rewards/math/engine.ts";
import { complexValue } from "../../../src/rewards/math/complex.ts";
import { boxedSpans, candidates, DEFAULT_PRIORITY, lastBoxedGroup, lastNumber, mathSegments, unclosedLastBox } from "../../../src/rewards/math/extract.ts";
import { LimitError, ParseError, parseAnswer, UnsupportedError } from "../../../src/rewards/math/parse.ts";
import { fromDecimal, rat } from "../../../src/rewards/math/rational.ts";

const extract = { priority: DEFAULT_PRIORITY, decimalComma: false };
const same = (a: string, b: string, strict = true, rounding: Rounding = "strict") => equivalent(parseAnswer(a), parseAnswer(b), { tolerance: 1e-6, strict, rounding });

// --- extraction ---------------------------------------------------------------------------------

test("boxed: brace-balanced, nested, escaped braces, \\fbox", () => {
  assert.deepEqual(boxedSpans("a \\boxed{\\frac{1}{\\{2\\}}} b \\fbox{3}").map((s) => s.inner), ["\\frac{1}{\\{2\\}}", "3"]);
  assert.deepEqual(boxedSpans("\\boxed{\\boxed{1}}").map((s) => s.inner), ["\\boxed{1}"]);
  assert.deepEqual(boxedSpans("\\boxed{1"), []);
});

test("boxed: the last box, joined with earlier ones only across connectives", () => {
  assert.equal(lastBoxedGroup("\\boxed{1} and \\boxed{2}"), "1, 2");
  assert.equal(lastBoxedGroup("\\boxed{1}, \\boxed{2}, \\boxed{3}"), "1, 2, 3");
  assert.equal(lastBoxedGroup("\\boxed{1} \\quad \\text{and} \\quad \\boxed{2}"), "1, 2");
  assert.equal(lastBoxedGroup("\\boxed{1} no no no no no \\boxed{2}"), "2");
  assert.equal(lastBoxedGroup("\\boxed{1}. Wait, that is wrong: \\boxed{2}"), "2");
  assert.equal(lastBoxedGroup("no box here"), undefined);
});

test("math segments: $…$, $$…$$, \\(…\\), \\[…\\]; inline ones stay on one line; \\$ is not a delimiter", () => {
  assert.deepEqual(mathSegments("a $x$ b $$y$$ c \\(z\\) d \\[w\\]").map((s) => s.inner), ["x", "y", "z", "w"]);
  assert.deepEqual(mathSegments("costs \\$5 and $6$").map((s) => s.inner), ["6"]);
  assert.deepEqual(mathSegments("$ \n 9 \n $"), []);
  assert.deepEqual(mathSegments("$$ \n 9 \n $$").map((s) => s.inner.trim()), ["9"]);
});

test("last number: separators, signs, fractions, decimal comma only when asked", () => {
  assert.equal(lastNumber("it is 1,000.99 m²", false), "1000.99");
  assert.equal(lastNumber("we get -4", false), "-4");
  assert.equal(lastNumber("probability 2/3.", false), "2/3");
  assert.equal(lastNumber("code AZYUK2A", false), undefined);
  assert.equal(lastNumber("soit 2,74 €", true), "2.74");
  assert.equal(lastNumber("x 1 000", false), "1000");
});

test("candidates come in priority order and say which rule found them", () => {
  const text = "Step: $x=2$.\nSo the answer is $\\boxed{4}$.\n#### 4";
  const found = [...candidates(text, extract)];
  assert.deepEqual({ rule: found[0].rule, text: found[0].text }, { rule: "boxed", text: "4" });
  assert.ok(found.some((c) => c.rule === "gsm8k"));
  assert.deepEqual([...candidates("The final answer is $7$. I hope it is correct.", extract)][0], { rule: "final_answer", text: "7", context: "The final answer is $7" });
  // A later box overrides an earlier "final answer".
  assert.equal([...candidates("Final answer: 5. Actually no: \\boxed{6}", extract)][0].text, "6");
});

// --- parsing -------------------------------------------------------------------------------------

test("numbers parse exactly", () => {
  assert.deepEqual(fromDecimal("0.25"), rat(1n, 4n));
  assert.deepEqual(fromDecimal("1.5e-3"), rat(3n, 2000n));
  assert.deepEqual(parseAnswer("1,000"), { k: "num", v: rat(1000n), decimals: 0 });
  assert.deepEqual(parseAnswer("204_5"), { k: "num", v: rat(54n), decimals: 0 });
  assert.deepEqual(parseAnswer("2\\frac{1}{2}").k, "add");
});

test("structures parse into the right node kinds", () => {
  assert.equal(parseAnswer("[0, 1)").k, "interval");
  assert.equal(parseAnswer("(0, 1)").k, "tuple");
  assert.equal(parseAnswer("\\{1, 2\\}").k, "set");
  assert.equal(parseAnswer("1, 2").k, "list");
  assert.equal(parseAnswer("(0,1) \\cup (2,3)").k, "union");
  assert.equal(parseAnswer("\\begin{pmatrix}1 & 2\\\\3 & 4\\end{pmatrix}").k, "matrix");
  assert.equal(parseAnswer("x \\leq 3").k, "rel");
  assert.equal(parseAnswer("1 \\pm \\sqrt{2}").k, "pm");
  assert.equal(parseAnswer("7:32").k, "ratio");
  assert.equal(parseAnswer("\\text{Evelyn}").k, "text");
});

test("LaTeX spellings normalise to the same tree", () => {
  const tree = JSON.stringify(parseAnswer("\\frac{1}{3}"), (_, v) => (typeof v === "bigint" ? String(v) : v));
  for (const s of ["\\dfrac{1}{3}", "\\tfrac13", "\\left(\\frac{1}{3}\\right)", "\\frac{1}{3}\\text{ meters}", "\\frac13."]) {
    assert.equal(JSON.stringify(parseAnswer(s), (_, v) => (typeof v === "bigint" ? String(v) : v)), tree, s);
  }
});

test("garbage is a ParseError; oversized input is a LimitError", () => {
  assert.throws(() => parseAnswer("\\frac{1}{"), ParseError);
  assert.throws(() => parseAnswer("((("), ParseError);
  assert.throws(() => parseAnswer("(".repeat(100) + "1" + ")".repeat(100)), LimitError);
  assert.throws(() => parseAnswer("1+".repeat(1500) + "1"), LimitError);
  assert.throws(() => parseAnswer("10^{10^{10}}"), LimitError);
  assert.throws(() => parseAnswer("(10^6)!"), LimitError);
  assert.throws(() => parseAnswer("1e5000"), LimitError);
});

// --- equivalence ---------------------------------------------------------------------------------

test("exact rationals: integers never merge, however close", () => {
  assert.ok(same("2^{100}", "1267650600228229401496703205376"));
  assert.ok(!same("2^{100}", "1267650600228229401496703205377"));
  assert.ok(same("\\frac{6}{8}", "0.75"));
});

test("rounding: strict by default, lenient or to n significant digits on request", () => {
  // Strict: a rounded answer does not answer an exact reference; within the tolerance it does.
  assert.ok(!same("\\frac{1}{3}", "0.33"));
  assert.ok(!same("\\sqrt{2}", "1.414"));
  assert.ok(same("\\frac{1}{3}", "0.3333333"));
  assert.ok(!same("(\\sqrt{2}, 1)", "(1.41, 1)"));
  // A reference written as a decimal accepts the exact value it rounds.
  assert.ok(same("0.33", "\\frac{1}{3}"));
  assert.ok(same("3.14", "\\pi"));
  assert.ok(!same("0.34", "\\frac{1}{3}"));
  // Lenient: a decimal with ≥ 2 places matches what rounds to it, either side.
  assert.ok(same("\\frac{1}{3}", "0.33", true, "lenient"));
  assert.ok(same("\\sqrt{2}", "1.414", true, "lenient"));
  assert.ok(!same("\\frac{1}{3}", "0.3", true, "lenient"));
  // n significant digits: both sides rounded alike.
  assert.ok(same("\\frac{2}{3}", "0.667", true, 3));
  assert.ok(!same("\\frac{2}{3}", "0.67", true, 3));
  assert.ok(same("1234.5", "1235", true, 4));
  assert.ok(!same("16386.17", "16386.16"));
  assert.ok(!same("16386.17", "16386.16", true, "lenient"));
});

test("symbolic equality by evaluation", () => {
  assert.ok(same("(x+1)^2", "x^2+2x+1"));
  assert.ok(same("\\sin^2 x + \\cos^2 x", "1"));
  assert.ok(!same("(x+1)^2", "x^2+1"));
  assert.ok(!same("x+1", "y+1"));
  assert.ok(same("x+1", "y+1", false));
});

test("structures: tuples ordered, sets and bare lists unordered, intervals by closedness", () => {
  assert.ok(same("(1, 2)", "(1,2)"));
  assert.ok(!same("(1, 2)", "(2, 1)"));
  assert.ok(same("\\{1, 2\\}", "2, 1"));
  assert.ok(!same("[1, 2)", "(1, 2)"));
  assert.ok(same("(1, 2)", "1 < x < 2"));
  assert.ok(same("x = 1, x = 2", "2, 1"));
});

test("equations up to rearrangement and scaling; inequalities up to positive scaling", () => {
  assert.ok(same("2x + 4y = 6", "y = \\frac{3 - x}{2}"));
  assert.ok(!same("2x + 4y = 6", "y = \\frac{3 + x}{2}"));
  assert.ok(same("x < 1", "2 - 2x > 0"));
  assert.ok(!same("x < 1", "2x - 2 > 0"));
});

// --- the pair scorer -----------------------------------------------------------------------------

test("results name the rule and the extracted answer; statuses follow the contract", () => {
  assert.deepEqual(scoreMath("So \\boxed{4}.", "4"), { reward: 1, status: "ok", reason: "boxed: 4" });
  assert.deepEqual(scoreMath("So \\boxed{5}.", "4"), { reward: 0, status: "ok", reason: "boxed: 5 (not equivalent)" });
  assert.deepEqual(scoreMath("I give up.", "4"), { reward: 0, status: "ok", reason: "no final answer" });
  assert.equal(scoreMath("\\boxed{4}", "\\frac{").status, "unscorable");
  assert.equal(scoreMath("\\boxed{4}", undefined).status, "unscorable");
  assert.equal(scoreMath("\\boxed{10^{10^{10^{10}}}}", "4").status, "error");
});

test("hostile completions are bounded: 200 KB inputs finish and are judged", () => {
  const nested = "\\boxed{" + "{".repeat(50_000) + "}".repeat(50_000) + "}";
  assert.equal(scoreMath(nested, "1").status, "error");
  const long = "word ".repeat(40_000) + "so the answer is 7";
  assert.deepEqual(scoreMath(long, "7").reward, 1);
  const boxes = "\\boxed{1}".repeat(20_000);
  assert.equal(scoreMath(boxes, "1").status, "error");
  const dollars = "$".repeat(150_000);
  assert.equal(scoreMath(dollars, "1").reward, 0);
});

test("references: several accepted answers, GSM8K solutions", () => {
  assert.equal(scoreMath("\\boxed{0.5}", ["1/3", "\\frac{1}{2}"]).reward, 1);
  assert.equal(scoreMath("\\boxed{0.25}", ["1/3", "\\frac{1}{2}"]).reward, 0);
  assert.equal(scoreMath("\\boxed{1}", ["\\frac{", "1"]).reward, 1);
  assert.equal(scoreMath("\\boxed{1}", []).status, "unscorable");
  assert.equal(scoreMath("#### 72", "She sold 48/2 = 24 clips in May.\n48+24 = 72\n#### 72").reward, 1);
});

test("options: tolerance, answer_only, decimal comma", () => {
  const o = DEFAULT_MATH_OPTIONS;
  assert.equal(scoreMath("\\boxed{3.1416}", "\\pi", { ...o, tolerance: 1e-4 }).reward, 1);
  assert.equal(scoreMath("\\boxed{3.2}", "\\pi", { ...o, tolerance: 1e-4 }).reward, 0);
  assert.equal(scoreMath("7", "7", { ...o, answerOnly: true }).reward, 1);
  assert.equal(scoreMath("So 7.", "7", { ...o, answerOnly: true }).reward, 0);
  assert.equal(scoreMath("Total 2,5 kg", "2.5", { ...o, decimalComma: true }).reward, 1);
});

test("repeating decimals parse to exact fractions", () => {
  const value = (t: string) => {
    const n = parseAnswer(t);
    assert.equal(n.k, "div", t);
    const d = n as { a: { v: { n: bigint } }; b: { v: { n: bigint } } };
    return `${d.a.v.n}/${d.b.v.n}`;
  };
  assert.equal(value("0.\\overline{3}"), "1/3");
  assert.equal(value("0.1\\overline{6}"), "1/6");
  assert.equal(value("2.(45)"), "27/11");
  assert.equal(value("0.\\dot{1}4\\dot{2}"), "142/999");
  assert.equal(value(".\\bar 3"), "1/3");
  assert.throws(() => parseAnswer("x.(3)"), ParseError); // no digit before the point: not a repeating decimal
});

test("complex values with i as the imaginary unit; i stays a variable next to other letters", () => {
  const v = (t: string) => complexValue(parseAnswer(t))!.map((x) => Math.round(x * 1e9) / 1e9 + 0);
  assert.deepEqual(v("\\frac{1}{1+i}"), [0.5, -0.5]);
  assert.deepEqual(v("e^{i\\pi}"), [-1, 0]);
  assert.deepEqual(v("\\sqrt{-4}"), [0, 2]);
  assert.deepEqual(v("\\sqrt[3]{-8}"), [-2, 0]); // odd roots of negatives stay real
  assert.deepEqual(v("|3+4i|"), [5, 0]);
  assert.equal(complexValue(parseAnswer("x + i")), undefined);
  assert.ok(same("i^2", "-1"));
  assert.ok(!same("x_i + i^2", "x_i - 1"));
});

test("set-builder notation: interval conditions read, others unsupported", () => {
  assert.ok(same("\\{x \\mid x > 2\\}", "(2, \\infty)"));
  assert.ok(same("\\{x : -1 \\le x < 3\\}", "[-1, 3)"));
  assert.throws(() => parseAnswer("\\{x \\mid x^2 = 4\\}"), UnsupportedError);
  assert.throws(() => parseAnswer("\\{n \\in \\mathbb{Z} \\mid n > 2\\}"), UnsupportedError);
  assert.equal(parseAnswer("\\{x \\in A\\}").k, "set");
});

test("degrees: a mark anywhere in a trig argument; degrees as radians only when lenient", () => {
  assert.ok(same("\\sin(2 \\cdot 45^\\circ)", "1"));
  assert.ok(!same("90^\\circ", "\\frac{\\pi}{2}"));
  assert.ok(same("90^\\circ", "\\frac{\\pi}{2}", false));
  assert.ok(same("90^\\circ", "90", false));
  assert.ok(!same("90", "\\frac{\\pi}{2}", false));
});

test("a reference whose last box is never closed is read to its end", () => {
  assert.equal(unclosedLastBox("so \\boxed{3} then \\boxed{\\frac{1}{2}$."), "\\frac{1}{2}$.");
  assert.equal(unclosedLastBox("\\boxed{3}"), undefined);
  assert.equal(scoreMath("\\boxed{0.5}", "$\\boxed{\\frac{1}{2}$").reward, 1);
});
