#include "fast_classifier_model.hpp"

#include "input_rows.hpp"
#include "model_file_layout.hpp"

#include <fasttext/densematrix.h>
#include <fasttext/quantmatrix.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <streambuf>

namespace loom::fasttext_inference {
namespace {

constexpr std::int32_t fasttext_magic = 793712314;
constexpr std::int32_t newest_fasttext_version = 12;
constexpr std::int64_t sigmoid_table_size = 512;
constexpr std::int64_t max_sigmoid = 8;

// fastText's std_log: every score predict reports is a sum of these.
float log_with_floor(float x) { return static_cast<float>(std::log(x + 1e-5)); }

// A model file read as a stream that yields zero bytes past its end instead of EOF: fastText's
// dictionary reader loops until a zero byte, so a truncated file would otherwise never finish.
// Reading past the end is then reported as truncation.
class ZeroPaddedFile : public std::streambuf {
 public:
  explicit ZeroPaddedFile(const std::string& path) : file_(std::fopen(path.c_str(), "rb")) {}
  ~ZeroPaddedFile() override {
    if (file_ != nullptr) std::fclose(file_);
  }
  bool is_open() const { return file_ != nullptr; }
  bool read_past_end() const { return read_past_end_; }

 protected:
  int_type underflow() override {
    std::size_t n = file_ != nullptr ? std::fread(buffer_.data(), 1, buffer_.size(), file_) : 0;
    if (n == 0) {
      read_past_end_ = true;
      buffer_.fill(0);
      n = buffer_.size();
    }
    setg(buffer_.data(), buffer_.data(), buffer_.data() + n);
    return traits_type::to_int_type(buffer_[0]);
  }

 private:
  std::FILE* file_;
  bool read_past_end_ = false;
  std::array<char, 1 << 16> buffer_{};
};

template <typename T>
T read_value(std::istream& in) {
  T value{};
  in.read(reinterpret_cast<char*>(&value), sizeof value);
  return value;
}

}  // namespace

FastClassifier::Model::~Model() = default;

std::unique_ptr<FastClassifier::Model> FastClassifier::Model::load(const std::string& path) {
  ZeroPaddedFile file(path);
  if (!file.is_open()) throw std::runtime_error("cannot open fastText model '" + path + "'");
  std::istream in(&file);
  const auto magic = read_value<std::int32_t>(in);
  const auto version = read_value<std::int32_t>(in);
  if (file.read_past_end() || magic != fasttext_magic)
    throw std::runtime_error("'" + path + "' is not a fastText model file");
  if (version > newest_fasttext_version)
    throw std::runtime_error("'" + path + "' is a fastText model of a newer format version (" +
                             std::to_string(version) + ")");

  // libfasttext reads every version up to its own with the same code, so the walk applies to all.
  check_model_file_layout(path);

  auto model = std::make_unique<Model>();
  model->args = std::make_shared<fasttext::Args>();
  fasttext::Args& args = *model->args;
  args.load(in);
  if (args.model != fasttext::model_name::sup)
    throw std::runtime_error("'" + path + "' is not a supervised (classifier) fastText model");
  // As fastText's loader: supervised models of format 11 were trained without char n-grams.
  if (version == 11) args.maxn = 0;
  if (args.dim <= 0 || args.dim > 4096)
    throw std::runtime_error("'" + path + "': implausible dimension " + std::to_string(args.dim));
  // n-grams are hashed modulo the bucket count, by libfasttext as the dictionary loads and by
  // word n-grams here: none would divide by zero (a crash, not an error), and a negative count
  // would give negative rows.
  if (args.bucket < 0 || (args.bucket == 0 && (args.maxn > 0 || args.wordNgrams > 1)))
    throw std::runtime_error("'" + path +
                             "': damaged fastText model: " + std::to_string(args.bucket) +
                             " hash buckets for char n-grams up to " + std::to_string(args.maxn) +
                             " characters and word n-grams of " + std::to_string(args.wordNgrams));

  model->dictionary = std::make_shared<ModelDictionary>(model->args, in);
  // Flags are bytes: any but 0 is true, as libfasttext tests them (a byte read as a bool that is
  // neither 0 nor 1 would be undefined).
  const bool quantized_input = read_value<std::uint8_t>(in) != 0;
  if (quantized_input)
    model->input = std::make_shared<fasttext::QuantMatrix>();
  else
    model->input = std::make_shared<fasttext::DenseMatrix>();
  model->input->load(in);
  if (!quantized_input && model->dictionary->is_pruned())
    throw std::runtime_error("'" + path + "': a pruned dictionary needs a quantized input matrix");
  args.qout = read_value<std::uint8_t>(in) != 0;
  if (quantized_input && args.qout)
    model->output = std::make_shared<fasttext::QuantMatrix>();
  else
    model->output = std::make_shared<fasttext::DenseMatrix>();
  model->output->load(in);
  if (!in || file.read_past_end())
    throw std::runtime_error("fastText model '" + path + "' is truncated");

  const fasttext::Dictionary& dictionary = *model->dictionary;
  const std::int32_t label_count = dictionary.nlabels();
  if (label_count <= 0) throw std::runtime_error("'" + path + "' has no labels");
  // fastText keeps the words first and the labels after them, and the label tree is sized by the
  // entries typed as labels: a type byte saying otherwise would send predictions past the tree.
  for (std::int32_t id = 0; id < dictionary.nwords() + label_count; ++id) {
    const bool word_expected = id < dictionary.nwords();
    const fasttext::entry_type expected =
        word_expected ? fasttext::entry_type::word : fasttext::entry_type::label;
    if (dictionary.getType(id) != expected)
      throw std::runtime_error("'" + path + "': damaged fastText model: dictionary entry " +
                               std::to_string(id) + " has type " +
                               std::to_string(static_cast<int>(dictionary.getType(id))) +
                               " among the " + (word_expected ? "words (0)" : "labels (1)"));
  }
  if (model->input->size(1) != args.dim || model->output->size(1) != args.dim ||
      model->output->size(0) <
          (args.loss == fasttext::loss_name::hs ? label_count - 1 : label_count))
    throw std::runtime_error("'" + path + "': matrix sizes do not match the model's dimensions");
  for (std::int64_t row = 0; row < model->output->size(0); ++row) {
    fasttext::Vector values(args.dim);
    values.zero();
    model->output->addRowToVector(values, static_cast<std::int32_t>(row));
    for (std::int64_t d = 0; d < args.dim; ++d)
      if (!std::isfinite(values[d]))
        throw std::runtime_error("'" + path + "': damaged fastText model: output row " +
                                 std::to_string(row) +
                                 " holds a value that is not a finite number");
  }
  try {
    model->input_rows = std::make_unique<InputRows>(args, *model->dictionary, *model->input);
  } catch (const std::runtime_error& e) {  // rows outside the matrix, weights that are not finite
    throw std::runtime_error("'" + path + "': damaged fastText model: " + e.what());
  }
  for (std::int32_t i = 0; i < label_count; ++i) model->labels.push_back(dictionary.getLabel(i));
  if (args.loss == fasttext::loss_name::hs) {
    try {
      model->build_tree();
    } catch (const std::runtime_error& e) {  // label counts the tree cannot be built from
      throw std::runtime_error("'" + path + "': damaged fastText model: " + e.what());
    }
  } else if (args.loss != fasttext::loss_name::softmax) {
    model->build_sigmoid_table();
  }
  return model;
}

void FastClassifier::Model::build_tree() {
  // fastText's construction (HierarchicalSoftmaxLoss::buildTree), which fixes the node order
  // its output rows were trained for: labels are sorted by decreasing count, and each new inner
  // node joins the two smallest of the remaining leaves and inner nodes.
  const std::vector<std::int64_t> counts = dictionary->getCounts(fasttext::entry_type::label);
  const std::int32_t leaves = static_cast<std::int32_t>(counts.size());
  // fastText marks inner nodes not built yet with a weight of 1e15: the counts must stay under
  // it, in total, for the construction to join built nodes only (and for no sum to overflow).
  constexpr auto unbuilt = static_cast<std::int64_t>(1e15);
  std::int64_t total = 0;
  for (const std::int64_t count : counts) {
    if (count < 0 || count >= unbuilt - total)
      throw std::runtime_error("its label counts (" + std::to_string(count) +
                               ") cannot form fastText's label tree");
    total += count;
  }
  tree.assign(static_cast<std::size_t>(2 * leaves - 1), TreeNode{});
  std::vector<std::int64_t> weight(tree.size(), unbuilt);
  for (std::int32_t i = 0; i < leaves; ++i) weight[i] = counts[i];
  std::int32_t leaf = leaves - 1;
  std::int32_t inner = leaves;
  for (std::int32_t node = leaves; node < 2 * leaves - 1; ++node) {
    std::int32_t smallest[2];
    for (std::int32_t& pick : smallest) {
      pick = leaf >= 0 && weight[leaf] < weight[inner] ? leaf-- : inner++;
      if (pick >= node)
        throw std::runtime_error("its label counts cannot form fastText's label tree");
    }
    tree[node] = TreeNode{smallest[0], smallest[1]};
    weight[node] = weight[smallest[0]] + weight[smallest[1]];
  }
}

void FastClassifier::Model::build_sigmoid_table() {
  for (std::int64_t i = 0; i <= sigmoid_table_size; ++i) {
    const float x = static_cast<float>(i * 2 * max_sigmoid) / sigmoid_table_size - max_sigmoid;
    sigmoid_table.push_back(static_cast<float>(1.0 / (1.0 + std::exp(-x))));
  }
}

float FastClassifier::Model::table_sigmoid(float x) const {
  if (x < -max_sigmoid) return 0.0f;
  if (x > max_sigmoid) return 1.0f;
  const auto i =
      static_cast<std::int64_t>((x + max_sigmoid) * sigmoid_table_size / max_sigmoid / 2);
  return sigmoid_table[static_cast<std::size_t>(i)];
}

void FastClassifier::Model::descend(std::int32_t node, float score, float log_threshold,
                                    const fasttext::Vector& hidden,
                                    std::optional<Scored>& best) const {
  // fastText's depth-first search for k = 1, pruning as it does: a branch whose score already
  // fell below the best leaf (or the threshold) is not explored. Ties go to the later leaf.
  if (score < log_threshold) return;
  if (best && score < best->log_score) return;
  const TreeNode& n = tree[static_cast<std::size_t>(node)];
  if (n.left == -1 && n.right == -1) {
    best = Scored{score, node};
    return;
  }
  const std::int64_t row = node - static_cast<std::int64_t>(labels.size());
  float f = output->dotRow(hidden, row);
  f = static_cast<float>(1. / (1 + std::exp(-f)));
  descend(n.left, score + log_with_floor(static_cast<float>(1.0 - f)), log_threshold, hidden, best);
  descend(n.right, score + log_with_floor(f), log_threshold, hidden, best);
}

std::optional<FastClassifier::Model::Scored> FastClassifier::Model::top_label(
    const fasttext::Vector& hidden, float threshold) const {
  std::optional<Scored> best;
  const auto label_count = static_cast<std::int32_t>(labels.size());
  if (args->loss == fasttext::loss_name::hs) {
    descend(2 * label_count - 2, 0.0f, log_with_floor(threshold), hidden, best);
    return best;
  }
  std::vector<float> probabilities(labels.size());
  for (std::int32_t i = 0; i < label_count; ++i)
    probabilities[static_cast<std::size_t>(i)] = output->dotRow(hidden, i);
  if (args->loss == fasttext::loss_name::softmax) {
    float max = probabilities[0];
    float z = 0.0f;
    for (float p : probabilities) max = std::max(p, max);
    for (float& p : probabilities) {
      p = static_cast<float>(std::exp(static_cast<double>(p - max)));
      z += p;
    }
    for (float& p : probabilities) p /= z;
  } else {
    for (float& p : probabilities) p = table_sigmoid(p);
  }
  // fastText's findKBest for k = 1: labels under the threshold are skipped; ties go to the later.
  for (std::int32_t i = 0; i < label_count; ++i) {
    const float p = probabilities[static_cast<std::size_t>(i)];
    if (p < threshold) continue;
    const float score = log_with_floor(p);
    if (best && score < best->log_score) continue;
    best = Scored{score, i};
  }
  return best;
}

}  // namespace loom::fasttext_inference
