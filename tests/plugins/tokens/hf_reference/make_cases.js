// Writes test texts and Hugging Face tokenizers' ids for them, one JSON line each:
// {"kind": ..., "text": ..., "ids": [...]}, encode(text, add_special_tokens=false), one thread.
// Usage: node make_cases.js <tokenizer.json> <corpus dir or ""> <seed> <out.jsonl>
// Kinds: random Unicode (every plane), whitespace runs, long words and runs, contractions and
// added tokens in odd places, and random windows of the shared corpus's text files.
"use strict";
const fs = require("fs");
const path = require("path");
const { Tokenizer } = require("tokenizers");

const [tokenizerPath, corpusDir, seedText, outPath] = process.argv.slice(2);

// mulberry32: a small seeded generator, so a failing case can be made again.
let state = Number(seedText) >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const below = (n) => Math.floor(random() * n);
const pick = (list) => list[below(list.length)];

function randomScalar() {
  // Mostly the planes text lives in, sometimes anything up to U+10FFFF.
  const ranges = [[0x20, 0x7f], [0x0, 0x20], [0x80, 0x800], [0x800, 0x3000], [0x3000, 0xd800],
                  [0xe000, 0x10000], [0x10000, 0x20000], [0x20000, 0x110000]];
  for (;;) {
    const [lo, hi] = pick(ranges);
    const c = lo + below(hi - lo);
    if (c >= 0xd800 && c <= 0xdfff) continue;
    // Text is made of assigned characters (private use included); an unassigned code point
    // only tells apart the Unicode versions of two regex engines' tables.
    const s = String.fromCodePoint(c);
    if (/\p{Assigned}/u.test(s)) return s;
  }
}

const spaces = [" ", " ", "  ", "\t", "\n", "\r\n", "\r", "\u000b", "\u000c", "\u00a0", "\u1680",
                "\u2000", "\u2009", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000",
                "\u0085", "\u180e", "\u200b", "\u001c", "\u001f", "\ufeff"];
const pieces = ["a", "Hello", "world", "x", "1", "42", "é", "日本", "!", "?", "'s", "'t", "'re",
                "'ve", "'m", "'ll", "'d", "'S", "'LL", "'", "<|endoftext|>", "<|padding|>",
                "\u0301", "😀", "\u200d", "_", "-", "..."];

function randomUnicode() {
  let s = "";
  const n = 1 + below(60);
  for (let i = 0; i < n; i++) s += random() < 0.7 ? randomScalar() : pick(spaces);
  return s;
}

function whitespaceRuns() {
  let s = "";
  const n = 1 + below(20);
  for (let i = 0; i < n; i++) {
    const run = 1 + below(random() < 0.2 ? 70 : 6);
    for (let k = 0; k < run; k++) s += random() < 0.6 ? " " : pick(spaces);
    if (random() < 0.8) s += pick(pieces);
  }
  return s;
}

function mixedPieces() {
  let s = "";
  const n = 1 + below(30);
  for (let i = 0; i < n; i++) s += random() < 0.3 ? pick(spaces) : pick(pieces);
  return s;
}

function longWord(length) {
  const letters = pick(["a", "ab", "abc", "etaoin", "abcdefghijklmnopqrstuvwxyz", "日本語", "é"]);
  const chars = Array.from(letters);
  let s = "";
  while (s.length < length) s += chars[below(chars.length)];
  return s;
}

function corpusFiles(dir) {
  const out = [];
  if (!dir || !fs.existsSync(dir)) return out;
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (!/\.(gz|bz2|zst|7z|tar|zip|png|jpg|pdf)$/.test(entry.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function corpusWindow(texts) {
  const text = pick(texts);
  const length = 1 + below(random() < 0.1 ? 20000 : 600);
  const start = below(Math.max(1, text.length - length));
  return text.slice(start, start + length).toWellFormed();
}

(async () => {
  const tokenizer = Tokenizer.fromFile(tokenizerPath);
  const texts = corpusFiles(corpusDir)
    .map((f) => fs.readFileSync(f, "utf8"))
    .filter((t) => t.length > 0);
  const cases = [];
  for (let i = 0; i < 400; i++) cases.push(["random_unicode", randomUnicode()]);
  for (let i = 0; i < 300; i++) cases.push(["whitespace_runs", whitespaceRuns()]);
  for (let i = 0; i < 300; i++) cases.push(["pieces", mixedPieces()]);
  for (let i = 0; i < 40; i++) cases.push(["long_word", longWord(1 + below(5000))]);
  cases.push(["long_word", longWord(1 << 20)]);
  cases.push(["long_run", "a".repeat(1 << 20)]);
  cases.push(["long_run", " ".repeat((1 << 20) + 5) + "x"]);
  cases.push(["long_run", "\n".repeat(1 << 20)]);
  cases.push(["long_run", "\u00a0".repeat(1 << 18) + "é"]);
  if (texts.length) for (let i = 0; i < 600; i++) cases.push(["corpus", corpusWindow(texts)]);
  const out = fs.openSync(outPath, "w");
  for (const [kind, text] of cases) {
    const encoding = await tokenizer.encode(text, null, { addSpecialTokens: false });
    const ids = Array.from(encoding.getIds());
    fs.writeSync(out, JSON.stringify({ kind, text, ids }) + "\n");
  }
  fs.closeSync(out);
  console.log(`make_cases: ${cases.length} cases (${texts.length} corpus files) -> ${outPath}`);
})().catch((e) => {
  console.error(`make_cases: ${e.stack || e}`);
  process.exit(1);
});
