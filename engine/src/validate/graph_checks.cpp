#include "validate/graph_checks.hpp"

#include "config/diagnose.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <set>

namespace loom {
namespace {

bool has_dropped_port(NodeKind kind) {
  return kind == NodeKind::filter || kind == NodeKind::deduper;
}

class TopologyChecker {
 public:
  TopologyChecker(const GraphSpec& spec, BoundGraph& graph, std::vector<Diagnostic>& diagnostics)
      : spec_(spec), graph_(graph), diagnostics_(diagnostics) {
    for (std::size_t i = 0; i < spec.nodes.size(); ++i) {
      index_.emplace(spec.nodes[i].id, i);
      ids_.push_back(spec.nodes[i].id);
    }
    referenced_.assign(spec.nodes.size(), false);
    in_cycle_.assign(spec.nodes.size(), false);
  }

  void run() {
    resolve_edges();
    find_cycles();
    trace_sources();
    warn_unused_outputs();
  }

 private:
  void error(SourceMark mark, std::string message, std::vector<std::string> notes = {}) {
    add_error(diagnostics_, spec_.file, mark, std::move(message), std::move(notes));
  }

  void resolve_edges() {
    for (std::size_t i = 0; i < spec_.nodes.size(); ++i) {
      const NodeSpec& node = spec_.nodes[i];
      for (const PortRef& input : node.inputs) {
        auto found = index_.find(input.node);
        if (found == index_.end()) {
          error(input.mark,
                "node " + quote(node.id) + " takes input from unknown node " + quote(input.node),
                {did_you_mean(input.node, ids_) + "nodes in this graph: " + join(ids_, ", ")});
          continue;
        }
        const std::size_t from = found->second;
        referenced_[from] = true;
        const NodeSpec& producer = spec_.nodes[from];
        if (producer.kind == NodeKind::sink) {
          error(input.mark,
                "node " + quote(node.id) + " takes input from sink " + quote(producer.id) +
                    ": sinks have no outputs",
                {"read from the node that feeds " + quote(producer.id) + " instead"});
          continue;
        }
        const bool dropped = input.port == "dropped";
        if (!(input.port.empty() || input.port == "kept" ||
              (dropped && has_dropped_port(producer.kind)))) {
          report_unknown_port(node, input, graph_.nodes[from]);
          continue;
        }
        graph_.nodes[i].inputs.push_back(InputEdge{from, dropped});
      }
    }
  }

  void report_unknown_port(const NodeSpec& node, const PortRef& input, const BoundNode& producer) {
    std::vector<std::string> ports{"kept"};
    if (has_dropped_port(producer.spec->kind)) ports.push_back("dropped");
    std::string note = did_you_mean(input.port, ports) + describe_node(producer) + " has ";
    note += ports.size() == 1 ? "one output port: kept (the default)"
                              : "the output ports: kept (the default), dropped";
    std::vector<std::string> notes{note};
    if (input.port == "dropped") notes.push_back("only filters and dedupers have a 'dropped' port");
    error(input.mark,
          "unknown port " + quote(input.port) + " on node " + quote(input.node) +
              " (input of node " + quote(node.id) + ")",
          std::move(notes));
  }

  // Tarjan's strongly connected components over producer -> consumer edges.
  void find_cycles() {
    const std::size_t n = spec_.nodes.size();
    consumers_.assign(n, {});
    for (std::size_t i = 0; i < n; ++i)
      for (const InputEdge& edge : graph_.nodes[i].inputs) consumers_[edge.from].push_back(i);
    for (auto& list : consumers_) {
      std::sort(list.begin(), list.end());
      list.erase(std::unique(list.begin(), list.end()), list.end());
    }
    order_.assign(n, -1);
    low_.assign(n, 0);
    on_stack_.assign(n, false);
    for (std::size_t i = 0; i < n; ++i)
      if (order_[i] < 0) strong_connect(i);
    std::sort(components_.begin(), components_.end());
    for (const auto& component : components_) report_cycle(component);
  }

  void strong_connect(std::size_t v) {
    order_[v] = low_[v] = counter_++;
    stack_.push_back(v);
    on_stack_[v] = true;
    for (std::size_t w : consumers_[v]) {
      if (order_[w] < 0) {
        strong_connect(w);
        low_[v] = std::min(low_[v], low_[w]);
      } else if (on_stack_[w]) {
        low_[v] = std::min(low_[v], order_[w]);
      }
    }
    if (low_[v] != order_[v]) return;
    std::vector<std::size_t> component;
    std::size_t w = 0;
    do {
      w = stack_.back();
      stack_.pop_back();
      on_stack_[w] = false;
      component.push_back(w);
    } while (w != v);
    const bool self_loop =
        std::find(consumers_[v].begin(), consumers_[v].end(), v) != consumers_[v].end();
    if (component.size() > 1 || self_loop) {
      std::sort(component.begin(), component.end());
      for (std::size_t member : component) in_cycle_[member] = true;
      components_.push_back(std::move(component));
    }
  }

  // Prints the shortest cycle through the component's first node (in file order).
  void report_cycle(const std::vector<std::size_t>& component) {
    const std::size_t start = component.front();
    std::map<std::size_t, std::size_t> parent;
    std::deque<std::size_t> queue{start};
    std::size_t last = start;
    bool closed = false;
    while (!queue.empty() && !closed) {
      const std::size_t v = queue.front();
      queue.pop_front();
      for (std::size_t w : consumers_[v]) {
        if (!std::binary_search(component.begin(), component.end(), w)) continue;
        if (w == start) {
          last = v;
          closed = true;
          break;
        }
        if (parent.emplace(w, v).second) queue.push_back(w);
      }
    }
    std::vector<std::string> path{spec_.nodes[start].id};
    std::vector<std::string> reversed;
    for (std::size_t v = last; v != start; v = parent.at(v)) reversed.push_back(spec_.nodes[v].id);
    path.insert(path.end(), reversed.rbegin(), reversed.rend());
    path.push_back(spec_.nodes[start].id);
    // Point at the input that closes the circle.
    SourceMark mark = spec_.nodes[start].mark;
    for (const PortRef& input : spec_.nodes[start].inputs)
      if (input.node == spec_.nodes[last].id) {
        mark = input.mark;
        break;
      }
    error(mark, "cycle in graph: " + join(path, " -> "),
          {"data must flow from sources to sinks without coming back; remove one of these "
           "inputs"});
  }

  // The sources each node's data comes from; a node fed by two different sources is an error,
  // reported once where the streams first meet.
  void trace_sources() {
    const std::size_t n = spec_.nodes.size();
    sources_.assign(n, {});
    traced_.assign(n, false);
    for (std::size_t i = 0; i < n; ++i) trace(i);
  }

  const std::set<std::size_t>& trace(std::size_t i) {
    if (traced_[i] || in_cycle_[i]) return sources_[i];
    traced_[i] = true;
    if (spec_.nodes[i].kind == NodeKind::source) {
      sources_[i].insert(i);
      graph_.nodes[i].source = i;
      return sources_[i];
    }
    bool inherited_merge = false;
    for (const InputEdge& edge : graph_.nodes[i].inputs) {
      const auto& upstream = trace(edge.from);
      inherited_merge = inherited_merge || upstream.size() > 1;
      sources_[i].insert(upstream.begin(), upstream.end());
    }
    if (!sources_[i].empty()) graph_.nodes[i].source = *sources_[i].begin();
    if (sources_[i].size() > 1 && !inherited_merge) {
      std::vector<std::string> names;
      for (std::size_t s : sources_[i]) names.push_back(quote(spec_.nodes[s].id));
      const std::string listed =
          names.size() == 2 ? names[0] + " and " + names[1]
                            : join(std::vector<std::string>(names.begin(), names.end() - 1), ", ") +
                                  " and " + names.back();
      error(spec_.nodes[i].mark,
            "node " + quote(spec_.nodes[i].id) + " merges data from sources " + listed +
                ": merging sources is not supported yet",
            {"give each source its own chain of nodes and sinks"});
    }
    return sources_[i];
  }

  void warn_unused_outputs() {
    for (std::size_t i = 0; i < spec_.nodes.size(); ++i) {
      const NodeSpec& node = spec_.nodes[i];
      const ComponentInfo* component = graph_.nodes[i].component;
      const bool is_sink = node.kind == NodeKind::sink ||
                           (component != nullptr && component->kind == NodeKind::sink);
      if (is_sink || referenced_[i]) continue;
      add_diagnostic(diagnostics_, Severity::warning, spec_.file, node.mark,
                     "output of " + describe_node(graph_.nodes[i]) +
                         " goes nowhere: no node takes it as input",
                     {"add a sink with 'inputs: [" + node.id + "]', or remove the node"});
    }
  }

  const GraphSpec& spec_;
  BoundGraph& graph_;
  std::vector<Diagnostic>& diagnostics_;
  std::map<std::string, std::size_t> index_;
  std::vector<std::string> ids_;
  std::vector<bool> referenced_;
  std::vector<bool> in_cycle_;
  std::vector<std::vector<std::size_t>> consumers_;
  std::vector<int> order_;
  std::vector<int> low_;
  std::vector<bool> on_stack_;
  std::vector<std::size_t> stack_;
  int counter_ = 0;
  std::vector<std::vector<std::size_t>> components_;
  std::vector<std::set<std::size_t>> sources_;
  std::vector<bool> traced_;
};

}  // namespace

std::string describe_node(const BoundNode& node) {
  if (node.component != nullptr)
    return "node " + quote(node.spec->id) + " (" + kind_name(node.component->kind) + " " +
           quote(node.component->name) + ")";
  return std::string(kind_name(node.spec->kind)) + " node " + quote(node.spec->id);
}

void check_topology(const GraphSpec& spec, BoundGraph& graph,
                    std::vector<Diagnostic>& diagnostics) {
  TopologyChecker(spec, graph, diagnostics).run();
}

}  // namespace loom
