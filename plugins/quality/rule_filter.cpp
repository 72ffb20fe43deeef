#include "rule_filter.hpp"

#include <sstream>

namespace loom::quality {

void check_bounds(std::string_view min_name, double min, std::string_view max_name, double max) {
  if (max > 0 && min > max) {
    std::ostringstream message;
    message << min_name << " (" << min << ") is greater than " << max_name << " (" << max
            << "); set " << max_name << " to 0 for no upper bound";
    throw Error(message.str(), LOOM_ERR_CONFIG);
  }
}

}  // namespace loom::quality
