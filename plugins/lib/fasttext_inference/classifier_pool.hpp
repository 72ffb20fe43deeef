// ClassifierPool: one loaded FastClassifier shared by every thread of a component, plus the
// per-thread token caches it needs. A batch borrows a cache for its duration and gives it back,
// so no two threads share one and there are never more caches than threads at once.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fast_classifier.hpp"
#include "token_cache.hpp"

namespace loom::fasttext_inference {

class ClassifierPool {
 public:
  // Loads `model_path`; throws std::runtime_error saying why it could not.
  explicit ClassifierPool(const std::string& model_path);

  const FastClassifier& classifier() const { return *classifier_; }

  // A borrowed cache, given back to the pool when the lease ends.
  class Lease {
   public:
    Lease(ClassifierPool& pool, std::unique_ptr<TokenCache> cache)
        : pool_(pool), cache_(std::move(cache)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.give_back(std::move(cache_)); }
    TokenCache& cache() { return *cache_; }

   private:
    ClassifierPool& pool_;
    std::unique_ptr<TokenCache> cache_;
  };

  Lease borrow_cache();

 private:
  void give_back(std::unique_ptr<TokenCache> cache);

  std::unique_ptr<FastClassifier> classifier_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<TokenCache>> idle_;
};

}  // namespace loom::fasttext_inference
