#include <loom/plugin.hpp>

#include <filesystem>
#include <map>

#include "encoder_pool.hpp"

namespace loom::tokens {

std::shared_ptr<const Tokenizer> load_tokenizer_for(const char* component,
                                                    const std::string& path) {
  // Nodes naming the same file, and a node's validation and creation, share one load. The
  // validation keeps nothing, so the last load is held here until the next one: without it the
  // creation loaded the file again (GPT-NeoX's takes ~0.15 s, before any thread has work).
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<const Tokenizer>> loaded;
  static std::shared_ptr<const Tokenizer> last_loaded;
  std::lock_guard lock(mutex);
  if (auto it = loaded.find(path); it != loaded.end())
    if (auto tokenizer = it->second.lock()) return tokenizer;
  if (path.empty()) throw Error(std::string(component) + ": `tokenizer` is empty", LOOM_ERR_CONFIG);
  if (!std::filesystem::is_regular_file(path))
    throw Error(std::string(component) + ": tokenizer file '" + path + "' not found",
                LOOM_ERR_CONFIG);
  try {
    auto tokenizer = Tokenizer::load(path);
    loaded[path] = tokenizer;
    last_loaded = tokenizer;
    return tokenizer;
  } catch (const std::exception& e) {
    throw Error(std::string(component) + ": " + e.what(), LOOM_ERR_CONFIG);
  }
}

}  // namespace loom::tokens
