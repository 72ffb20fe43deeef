// The parts of a loaded fastText model FastClassifier uses (internal to fast_classifier*.cpp):
// libfasttext's dictionary and matrices, the labels, and the output layer for top-1 prediction.
#pragma once

#include "fast_classifier.hpp"

#include <fasttext/args.h>
#include <fasttext/dictionary.h>
#include <fasttext/matrix.h>
#include <fasttext/vector.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace loom::fasttext_inference {

class InputRows;

// fastText's Dictionary, plus what its public interface does not offer: the pruning table of a
// model quantized with -cutoff, which maps hash buckets to the input rows that were kept.
class ModelDictionary : public fasttext::Dictionary {
 public:
  using fasttext::Dictionary::Dictionary;
  bool is_pruned() const { return pruneidx_size_ >= 0; }
  // For a pruned model: the buckets pruning kept and their input rows, in no order (empty for a
  // model that is not pruned).
  struct PrunedBucket {
    std::int32_t bucket;
    std::int32_t row;
  };
  std::vector<PrunedBucket> pruned_buckets() const;
};

struct FastClassifier::Model {
  std::shared_ptr<fasttext::Args> args;
  std::shared_ptr<ModelDictionary> dictionary;
  std::shared_ptr<fasttext::Matrix> input;
  std::shared_ptr<fasttext::Matrix> output;
  std::unique_ptr<const InputRows> input_rows;
  std::vector<std::string> labels;

  // Hierarchical softmax: fastText's Huffman tree over the label counts; node i < labels is leaf i.
  struct TreeNode {
    std::int32_t left = -1;
    std::int32_t right = -1;
  };
  std::vector<TreeNode> tree;
  // One-vs-all and negative sampling: fastText's sigmoid lookup table.
  std::vector<float> sigmoid_table;

  static std::unique_ptr<Model> load(const std::string& path);
  ~Model();

  // The best label for a finished hidden vector and the log-score predictLine's predict gives it
  // (before its final exp), or nullopt when no label reaches `threshold`.
  struct Scored {
    float log_score;
    std::int32_t label;
  };
  std::optional<Scored> top_label(const fasttext::Vector& hidden, float threshold) const;

 private:
  void build_tree();
  void build_sigmoid_table();
  void descend(std::int32_t node, float score, float log_threshold, const fasttext::Vector& hidden,
               std::optional<Scored>& best) const;
  float table_sigmoid(float x) const;
};

}  // namespace loom::fasttext_inference
