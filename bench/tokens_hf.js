// Hugging Face tokenizers (npm tokenizers@0.23.2, the Rust library) on the texts
// loom_bench_tokens --dump wrote: batch encode without special tokens, one thread
// (RAYON_NUM_THREADS=1), process CPU time, best of the repetitions; MB = input UTF-8 bytes. Also
// Tokenizer.fromFile's CPU time, best of the repetitions, beside loom_bench_tokens' load.
// usage: RAYON_NUM_THREADS=1 node tokens_hf.js TOKENIZER_JSON TEXTS_JSONL [REPEAT]
"use strict";
const fs = require("fs");
const { Tokenizer } = require("tokenizers");

(async () => {
  const [tokenizerPath, textsPath, repeatText] = process.argv.slice(2);
  const repeat = Math.max(1, Number(repeatText || 3));
  let bestLoad = Infinity;
  let tokenizer;
  for (let r = 0; r < repeat; r++) {
    const start = process.cpuUsage();
    tokenizer = Tokenizer.fromFile(tokenizerPath);
    const used = process.cpuUsage(start);
    bestLoad = Math.min(bestLoad, (used.user + used.system) / 1e3);
  }
  const texts = fs.readFileSync(textsPath, "utf8").split("\n").filter((l) => l).map((l) => JSON.parse(l).text);
  const bytes = texts.reduce((sum, t) => sum + Buffer.byteLength(t, "utf8"), 0);
  let best = Infinity;
  let tokens = 0;
  for (let r = 0; r < repeat; r++) {
    const start = process.cpuUsage();
    const encodings = await tokenizer.encodeBatch(texts, { addSpecialTokens: false });
    const used = process.cpuUsage(start);
    tokens = encodings.reduce((sum, e) => sum + e.getIds().length, 0);
    best = Math.min(best, (used.user + used.system) / 1e6);
  }
  const mbs = bytes / 1e6 / best;
  console.log(`${"Hugging Face tokenizers 0.23.2, batch encode".padEnd(44)} ${mbs.toFixed(1).padStart(8)} MB/s  (${tokens} tokens)`);
  console.log(`${"Hugging Face tokenizers 0.23.2, load".padEnd(44)} ${bestLoad.toFixed(1).padStart(8)} ms`);
  console.log(`hf_mb_s=${mbs.toFixed(2)} tokens=${tokens} hf_load_ms=${bestLoad.toFixed(1)}`);
})().catch((e) => {
  console.error(`tokens_hf: ${e.stack || e}`);
  process.exit(1);
});
