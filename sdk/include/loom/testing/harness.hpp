// loom/testing/harness.hpp: run one component in-process, in a plugin's own tests.
//
// A small, standalone implementation of the loom_host table: batches of documents held in plain
// C++ objects, local uncompressed files only, outputs that appear under their final name only on
// commit, and a log that tests can inspect. On top of it, helpers to load a component (from a
// plugin .so or from a descriptor in the same binary), bind its options from YAML-ish text, and
// run it: process a batch, read a source to the end, feed a sink.
//
// It depends on the standard library, <dlfcn.h> and the SDK headers only, so an out-of-tree plugin
// can use it without the engine. It is deliberately simple: no threads, no compression, no URLs.
//
// Parts, each usable on its own: document.hpp (documents and option text as plain values),
// host.hpp (the in-memory loom_host and its log), options.hpp (option binding), instance.hpp
// (loading plugins, running components), files.hpp (temporary folders, file helpers).
#pragma once

#include <loom/testing/document.hpp>
#include <loom/testing/files.hpp>
#include <loom/testing/host.hpp>
#include <loom/testing/instance.hpp>
#include <loom/testing/options.hpp>
