// loom/sdk/descriptor.hpp: trampolines and the plugin descriptor behind LOOM_PLUGIN
// Part of the C++ plugin layer; include <loom/plugin.hpp> rather than this file.
#pragma once

#include <loom/sdk/components.hpp>
#include <loom/sdk/host.hpp>
#include <loom/sdk/key_exchange.hpp>
#include <loom/sdk/options.hpp>

#include <array>
#include <cstdio>
#include <exception>
#include <memory>
#include <type_traits>
#include <vector>

namespace loom {

// ---------------------------------------------------------------------------------------------
// Trampolines: the only place exceptions are caught
// ---------------------------------------------------------------------------------------------

namespace detail {

inline void fill_error(loom_error* err, const char* message, loom_error_code code,
                       std::int64_t record = -1, std::int64_t line = -1, std::int64_t offset = -1) {
  if (err == nullptr) return;
  err->code = code;
  err->record = record;
  err->line = line;
  err->byte_offset = offset;
  std::snprintf(err->message, sizeof err->message, "%s", message);
}

template <class F>
int guarded(loom_error* err, F&& f) noexcept {
  try {
    f();
    return 0;
  } catch (const Error& e) {
    fill_error(err, e.what(), e.code(), e.record(), e.line(), e.offset());
  } catch (const std::exception& e) {
    fill_error(err, e.what(), LOOM_ERR_INTERNAL);
  } catch (...) {
    fill_error(err, "unknown exception", LOOM_ERR_INTERNAL);
  }
  return 1;
}

// The loom_declared_name structs of one declared list and the array of pointers to them, alive
// for the life of the plugin (a function-local static per component).
class DeclaredList {
 public:
  template <class List>
  explicit DeclaredList(const List& list) {
    for (const Declared& d : list)
      names_.push_back(loom_declared_name{sizeof(loom_declared_name), 0, d.name, d.description});
    for (const loom_declared_name& name : names_) pointers_.push_back(&name);
  }
  // Never null, even for an empty list: an empty declared list means "none".
  const loom_declared_name* const* data() const {
    static const loom_declared_name* const none = nullptr;
    return pointers_.empty() ? &none : pointers_.data();
  }
  std::size_t size() const { return pointers_.size(); }

 private:
  std::vector<loom_declared_name> names_;
  std::vector<const loom_declared_name*> pointers_;
};

template <class T>
concept DeclaresDropReasons = requires {
  T::drop_reasons;
};
template <class T>
concept DeclaresMetaFields = requires {
  T::meta_fields;
};

template <class T>
struct Trampolines {
  using Opts = typename T::Options;

  static int validate(const loom_option_value* values, std::size_t count, loom_error* err) {
    return guarded(err, [&] {
      Opts opts = options_from<Opts>(values, count);
      if constexpr (HasValidate<Opts>) opts.validate();
    });
  }
  static int create(const loom_host* h, const loom_option_value* values, std::size_t count,
                    void** out, loom_error* err) {
    return guarded(err, [&] {
      if (host_slot() == nullptr) host_slot() = h;
      Opts opts = options_from<Opts>(values, count);
      if constexpr (HasValidate<Opts>) opts.validate();
      *out = new T(opts);
    });
  }
  static void destroy(void* self) { delete static_cast<T*>(self); }
  static int finish(void* self, loom_error* err) {
    return guarded(err, [&] { static_cast<T*>(self)->finish(); });
  }
  static int process(void* self, loom_batch* batch, loom_error* err) {
    return guarded(err, [&] {
      Batch b(batch);
      static_cast<T*>(self)->process(b);
    });
  }
  static int observe(void* self, const loom_batch* batch, loom_error* err) {
    return guarded(err, [&] {
      // Batch is a handle; observe() only reads through it.
      const Batch b(const_cast<loom_batch*>(batch));
      static_cast<T*>(self)->observe(b);
    });
  }
  static int export_keys(void* self, std::uint32_t round, loom_buffer* out,
                         std::uint32_t* key_bytes, std::uint32_t* payload_bytes,
                         std::int32_t* last_round, loom_error* err) {
    return guarded(err, [&] {
      KeyExport records;
      static_cast<T*>(self)->export_keys(round, records);
      host().buffer_append(out, to_c(records.bytes()));
      *key_bytes = records.key_bytes();
      *payload_bytes = records.payload_bytes();
      *last_round = records.last() ? 1 : 0;
    });
  }
  static int import_keys(void* self, std::uint32_t round, loom_str merged,
                         std::uint32_t payload_bytes, loom_error* err) {
    return guarded(err, [&] {
      static_cast<T*>(self)->import_keys(round, MergedKeys(to_sv(merged), payload_bytes));
    });
  }
  static int list_shards(void* self, loom_list* out, loom_error* err) {
    return guarded(err, [&] {
      for (const std::string& s : static_cast<T*>(self)->shards()) host().list_push(out, to_c(s));
    });
  }
  static int open_shard(void* self, loom_str shard, std::uint64_t index, void** reader,
                        loom_error* err) {
    return guarded(err,
                   [&] { *reader = static_cast<T*>(self)->open(to_sv(shard), index).release(); });
  }
  static int read(void*, void* reader, loom_batch* batch, std::size_t target, std::int32_t* done,
                  loom_error* err) {
    return guarded(err, [&] {
      Batch b(batch);
      *done = static_cast<ShardReader*>(reader)->read(b, target) ? 1 : 0;
    });
  }
  static void close_shard(void*, void* reader) { delete static_cast<ShardReader*>(reader); }
  static int prepare(void* self, loom_batch* batch, void** token, loom_error* err) {
    return guarded(err, [&] {
      Batch b(batch);
      *token = static_cast<T*>(self)->prepare(b).release();
    });
  }
  static int write(void* self, loom_batch* batch, void* token, loom_error* err) {
    std::unique_ptr<SinkToken> owned(static_cast<SinkToken*>(token));
    return guarded(err, [&] {
      Batch b(batch);
      static_cast<T*>(self)->write(b, std::move(owned));
    });
  }
  static void discard(void*, void* token) { delete static_cast<SinkToken*>(token); }
  static int end_shard(void* self, std::uint64_t shard_index, loom_error* err) {
    return guarded(err, [&] { static_cast<T*>(self)->end_shard(shard_index); });
  }

  static loom_component describe() {
    static_assert(std::is_base_of_v<Source, T> || std::is_base_of_v<Transform, T> ||
                      std::is_base_of_v<Sink, T>,
                  "a component derives from loom::Source, Cleaner, Filter, Deduper or Sink");
    const auto& table = OptionTable<Opts>::get();
    loom_component c{};
    c.struct_size = sizeof(loom_component);
    c.kind = T::kind;
    c.flags = T::flags;
    c.name = T::name;
    c.summary = T::summary;
    c.options = table.specs.data();
    c.option_count = table.specs.size();
    c.validate = &validate;
    c.create = &create;
    c.destroy = &destroy;
    c.finish = &finish;
    if constexpr (std::is_base_of_v<Transform, T>) {
      c.process = &process;
      if constexpr ((T::flags & whole_input) != 0) c.observe = &observe;
      if constexpr (ExchangesKeys<T>) {
        c.observe = &observe;  // the first pass of a distributed run
        c.export_keys = &export_keys;
        c.import_keys = &import_keys;
      }
    }
    if constexpr (std::is_base_of_v<Source, T>) {
      c.list_shards = &list_shards;
      c.open_shard = &open_shard;
      c.read = &read;
      c.close_shard = &close_shard;
    }
    if constexpr (std::is_base_of_v<Sink, T>) {
      c.prepare = &prepare;
      c.write = &write;
      c.discard = &discard;
      if constexpr (requires(T & sink, std::uint64_t shard) { sink.end_shard(shard); })
        c.end_shard = &end_shard;
    }
    if constexpr (DeclaresDropReasons<T>) {
      static const DeclaredList list(T::drop_reasons);
      c.drop_reasons = list.data();
      c.drop_reason_count = list.size();
    }
    if constexpr (DeclaresMetaFields<T>) {
      static const DeclaredList list(T::meta_fields);
      c.meta_fields = list.data();
      c.meta_field_count = list.size();
    }
    return c;
  }
};

template <class... Components>
struct PluginDescriptor {
  std::array<loom_component, sizeof...(Components)> components;
  std::array<const loom_component*, sizeof...(Components)> pointers;
  loom_plugin plugin{};

  PluginDescriptor(const char* name, const char* version, const char* license)
      : components{Trampolines<Components>::describe()...} {
    for (std::size_t i = 0; i < components.size(); ++i) pointers[i] = &components[i];
    plugin.struct_size = sizeof(loom_plugin);
    plugin.abi_major = LOOM_ABI_MAJOR;
    plugin.abi_minor = LOOM_ABI_MINOR;
    plugin.name = name;
    plugin.version = version;
    plugin.license = license;
    plugin.components = pointers.data();
    plugin.component_count = pointers.size();
  }
};

}  // namespace detail

}  // namespace loom

// Defines the plugin's one exported symbol. Use once per plugin, in its plugin.cpp.
#define LOOM_PLUGIN(NAME, VERSION, LICENSE, ...)                                                   \
  extern "C" LOOM_EXPORT const loom_plugin* loom_plugin_entry(void) {                              \
    static const ::loom::detail::PluginDescriptor<__VA_ARGS__> descriptor(NAME, VERSION, LICENSE); \
    return &descriptor.plugin;                                                                     \
  }
