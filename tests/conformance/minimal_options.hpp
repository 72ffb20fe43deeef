// The smallest options each first-party component needs to be created: its required options (and
// any option whose default would need external data). A component with a required option that
// is missing here fails the conformance test, so every new plugin adds its components here.
//
// In values, {tmp} is a fresh empty folder and {empty} an empty file in it (named .jsonl).
#pragma once

#include "sample_files.hpp"

#include <loom/testing/conformance.hpp>

#include <map>
#include <string>

namespace loom::conformance {

inline std::string tiny_tokenizer_json() {
  return R"({"normalizer": {"type": "NFC"},
    "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false},
    "added_tokens": [{"id": 3, "content": "<|endoftext|>", "special": true, "normalized": false}],
    "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}})";
}

inline const std::map<std::string, MinimalSetup>& minimal_setups() {
  static const std::map<std::string, MinimalSetup> setups{
      {"jsonl_source",
       {{{"paths", "[\"{input}\"]"}},
        "{\"text\": \"one\", \"id\": 1}\n{\"text\": \"two\"}\n{\"text\": \"three\"}\n"}},
      {"jsonl_sink", {{{"path", "\"{tmp}/out/{shard}.jsonl\""}}}},
      {"arxiv_source", {{{"paths", "[\"{input}\"]"}}, arxiv_month_sample(), "2301.tar"}},
      {"github_source",
       {{{"root", "\"{tmp}\""}, {"format", "repositories"}},
        "# demo\nprint('hello')\n",
        "octo__demo/main.py"}},
      {"github_path_filter", {{}, {}, {}, {{"path", "src/main.py"}}}},
      {"github_metadata", {{}, {}, {}, {{"content_hash", "0123abcd"}}}},
      {"github_quality",
       {{},
        {},
        {},
        {{"path", "src/main.py"},
         {"max_line_length", std::int64_t{70}},
         {"avg_line_length", 40.5},
         {"alnum_prop", 0.75}}}},
      {"text_files_source",
       {{{"paths", "[\"{input}\"]"}}, "A small book.\r\nIts second line.\r\n", "book.txt"}},
      {"stackexchange_source",
       {{{"paths", "[\"{input}\"]"}},
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<posts>\n"
        "  <row Id=\"1\" PostTypeId=\"1\" Score=\"2\" Title=\"Why?\" Body=\"&lt;p&gt;Q&lt;/p&gt;\" "
        "/>\n"
        "  <row Id=\"2\" PostTypeId=\"2\" ParentId=\"1\" Score=\"1\" Body=\"A\" />\n"
        "</posts>\n",
        "demo.stackexchange.com.xml"}},
      {"wet_source",
       {{{"paths", "[\"{input}\"]"}, {"min_chars", "1"}},
        "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: http://example.com/\r\n"
        "WARC-Date: 2023-01-26T22:21:08Z\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
        "WARC-Refers-To: <urn:uuid:2>\r\nWARC-Block-Digest: sha1:AAAA\r\n"
        "Content-Type: text/plain\r\nContent-Length: 28\r\n\r\n"
        "Title\nA line of text.\nMore.\n\r\n\r\n",
        "sample.warc.wet"}},
      {"wikipedia_dump_source",
       {{{"paths", "[\"{input}\"]"}, {"language", "en"}, {"dump_date", "20230320"}},
        "<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.10/\">\n"
        "  <page>\n    <title>Loom</title>\n    <ns>0</ns>\n    <id>1</id>\n"
        "    <revision>\n      <id>2</id>\n"
        "      <text xml:space=\"preserve\">'''Loom''' is a [[dataflow]] framework.</text>\n"
        "    </revision>\n  </page>\n</mediawiki>\n",
        "enwiki-20230320-pages-articles.xml"}},
      {"meta_filter", {{{"field", "language"}, {"values", "[en]"}}}},
      // A small ARPA model written as the sample file; no sp_model: the text is scored as pieces.
      {"perplexity",
       {{{"lm_model", "\"{tmp}/tiny.arpa\""}},
        "\\data\\\nngram 1=4\nngram 2=2\n\n\\1-grams:\n-1.0\t<unk>\t0\n-99\t<s>\t-0.5\n"
        "-0.7\t</s>\n-0.6\tA\t-0.3\n\n\\2-grams:\n-0.3\t<s> A\n-0.2\tA </s>\n\n\\end\\\n",
        "tiny.arpa"}},
      // Filters on a number an earlier stage wrote (rpv2_signals, gopher_quality, ...).
      {"signal_filter", {{{"field", "word_count"}, {"min", "2"}}, {}, {}, {{"word_count", 12.0}}}},
      // A three-token byte-level BPE tokenizer.json written as the sample file.
      {"token_count",
       {{{"tokenizer", "\"{tmp}/tokenizer.json\""}}, tiny_tokenizer_json(), "tokenizer.json"}},
      {"alpha_token_filter",
       {{{"tokenizer", "\"{tmp}/tokenizer.json\""}}, tiny_tokenizer_json(), "tokenizer.json"}},
      {"megatron_sink",
       {{{"tokenizer", "\"{tmp}/tokenizer.json\""}, {"path", "\"{tmp}/out/{shard}\""}},
        tiny_tokenizer_json(),
        "tokenizer.json"}},
      {"perplexity_bucket",
       {{{"head_cutoffs", "{en: 340}"}, {"tail_cutoffs", "{en: 520}"}, {"drop_buckets", "[tail]"}},
        {},
        {},
        {{"language", "en"}, {"perplexity", 400.5}}}},
      // cc_net records carry the WET URL and block digest.
      {"url_digest_dedup",
       {{}, {}, {}, {{"url", "http://example.com/"}, {"digest", "sha1:VQW3KXUOALO543IJ"}}}},
      {"wikiref_filter",
       {{}, {}, {}, {}, "needs a trained fastText model, which the repository does not hold"}},
      // Its documents usually carry meta.language (wikipedia_dump_source sets it).
      {"wikitext_clean", {{{"language", "en"}}}},
      // cc_net documents carry the WET record's nlines and length (Content-Length).
      {"ccnet_line_dedup",
       {{}, {}, {}, {{"nlines", std::int64_t{1}}, {"length", std::int64_t{42}}}}},
  };
  return setups;
}

}  // namespace loom::conformance
