// One loaded Tokenizer shared by every thread of a component, and the per-thread Encoders (word
// cache, regex state) it needs: a batch borrows an encoder for its duration and gives it back,
// so no two threads share one and there are never more encoders than threads at once.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tokenizer.hpp"

namespace loom::tokens {

class EncoderPool {
 public:
  explicit EncoderPool(std::shared_ptr<const Tokenizer> tokenizer)
      : tokenizer_(std::move(tokenizer)) {}

  const Tokenizer& tokenizer() const { return *tokenizer_; }

  class Lease {
   public:
    Lease(EncoderPool& pool, std::unique_ptr<Tokenizer::Encoder> encoder)
        : pool_(pool), encoder_(std::move(encoder)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.give_back(std::move(encoder_)); }
    Tokenizer::Encoder& operator*() { return *encoder_; }
    Tokenizer::Encoder* operator->() { return encoder_.get(); }

   private:
    EncoderPool& pool_;
    std::unique_ptr<Tokenizer::Encoder> encoder_;
  };

  Lease borrow() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto encoder = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(encoder));
      }
    }
    return Lease(*this, tokenizer_->encoder());
  }

 private:
  void give_back(std::unique_ptr<Tokenizer::Encoder> encoder) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(encoder));
  }

  std::shared_ptr<const Tokenizer> tokenizer_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Tokenizer::Encoder>> idle_;
};

// Loads `path` for component `component`, turning any failure into a configuration error that
// names the component, the file and, for a tokenizer.json problem, the JSON path.
std::shared_ptr<const Tokenizer> load_tokenizer_for(const char* component, const std::string& path);

}  // namespace loom::tokens
