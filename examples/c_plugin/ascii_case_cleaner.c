/* libloom_c_example.so: a Loom plugin in plain C, with nothing but loom/plugin.h.
 *
 * Its one component, ascii_case_cleaner, rewrites every document's text in upper or lower case
 * (ASCII letters only; other bytes, UTF-8 included, pass through). It shows the whole contract a
 * C plugin fulfils: an option table the engine checks, create/destroy, process() reaching
 * documents only through the host table, and the one exported entry point. */
#include <loom/plugin.h>

#include <stdlib.h>
#include <string.h>

typedef struct case_cleaner {
  const loom_host* host;
  int to_upper; /* 1: upper case, 0: lower case */
} case_cleaner;

static const char* const case_names[] = {"upper", "lower"};

static const loom_option_spec options[] = {
    {sizeof(loom_option_spec), LOOM_OPTION_ENUM, "to", "the case ASCII letters are rewritten to",
     "upper", 0, 0, 0, 0, 0.0, 0.0, case_names, sizeof case_names / sizeof case_names[0]},
};

static void set_error(loom_error* err, int32_t code, const char* message) {
  err->code = code;
  strncpy(err->message, message, LOOM_ERROR_MESSAGE_MAX - 1);
  err->message[LOOM_ERROR_MESSAGE_MAX - 1] = '\0';
}

static int create(const loom_host* host, const loom_option_value* values, size_t count,
                  void** out_self, loom_error* err) {
  case_cleaner* self;
  if (count != sizeof options / sizeof options[0]) {
    set_error(err, LOOM_ERR_INTERNAL, "ascii_case_cleaner: unexpected number of option values");
    return 1;
  }
  self = malloc(sizeof *self);
  if (self == NULL) {
    set_error(err, LOOM_ERR_INTERNAL, "ascii_case_cleaner: out of memory");
    return 1;
  }
  self->host = host;
  /* The engine has already checked the value is one of case_names. Values are stepped through
   * with loom_option_value_at (their struct_size may exceed this header's), never values[i]. */
  const loom_option_value* to_case = loom_option_value_at(values, 0);
  self->to_upper = to_case->s.size == 5 && memcmp(to_case->s.data, "upper", 5) == 0;
  *out_self = self;
  return 0;
}

static void destroy(void* self) { free(self); }

static char convert(char c, int to_upper) {
  if (to_upper && c >= 'a' && c <= 'z') return (char)(c - 'a' + 'A');
  if (!to_upper && c >= 'A' && c <= 'Z') return (char)(c - 'A' + 'a');
  return c;
}

static int process(void* opaque, loom_batch* batch, loom_error* err) {
  const case_cleaner* self = opaque;
  const loom_host* host = self->host;
  size_t n = host->batch_size(batch);
  size_t i, k;
  for (i = 0; i < n; ++i) {
    loom_doc* doc = host->batch_doc(batch, i);
    loom_str text;
    char* rewritten;
    if (host->doc_is_dropped(doc)) continue;
    text = host->doc_text(doc);
    if (text.size == 0) continue;
    /* Batch-owned bytes: doc_set_text then keeps them without another copy. */
    rewritten = host->batch_alloc(batch, text.size);
    if (rewritten == NULL) {
      set_error(err, LOOM_ERR_INTERNAL, "ascii_case_cleaner: batch_alloc failed");
      err->record = (int64_t)i;
      return 1;
    }
    for (k = 0; k < text.size; ++k) rewritten[k] = convert(text.data[k], self->to_upper);
    text.data = rewritten;
    host->doc_set_text(doc, text);
  }
  return 0;
}

static const loom_component ascii_case_cleaner = {
    sizeof(loom_component),
    LOOM_KIND_CLEANER,
    LOOM_FLAG_THREAD_SAFE,
    0,
    "ascii_case_cleaner",
    "rewrites ASCII letters in upper or lower case (a plugin in plain C)",
    options,
    sizeof options / sizeof options[0],
    NULL, /* validate: the engine's own checks of the enum are enough */
    create,
    destroy,
    NULL, /* finish: no state to flush */
    process,
    NULL, /* the source and sink functions do not apply to a cleaner */
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
};

static const loom_component* const components[] = {&ascii_case_cleaner};

static const loom_plugin plugin = {
    sizeof(loom_plugin),
    LOOM_ABI_MAJOR,
    LOOM_ABI_MINOR,
    0,
    "c_example",
    "1.0.0",
    "Apache-2.0",
    components,
    1,
};

LOOM_EXPORT const loom_plugin* loom_plugin_entry(void) { return &plugin; }
