#include "classifier_pool.hpp"

namespace loom::fasttext_inference {

ClassifierPool::ClassifierPool(const std::string& model_path)
    : classifier_(std::make_unique<FastClassifier>(model_path)) {}

ClassifierPool::Lease ClassifierPool::borrow_cache() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<TokenCache> cache = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(cache));
    }
  }
  // Starting at one huge page: a component that classifies few documents (a short run, a test
  // graph) would otherwise have the kernel zero a full cache for every thread.
  return Lease(*this, std::make_unique<TokenCache>(classifier_->make_cache(
                          0, TokenCache::slots_in_huge_page(classifier_->dimension()))));
}

void ClassifierPool::give_back(std::unique_ptr<TokenCache> cache) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(cache));
}

}  // namespace loom::fasttext_inference
