// The temporary files of outputs not yet committed, so a cancelled run can remove them all.
#pragma once

#include <cstdint>
#include <string>

namespace loom::io::internal {

std::uint64_t register_temporary_file(const std::string& path);
// False when abort_all_open_outputs() already removed the file.
bool unregister_temporary_file(std::uint64_t id);

}  // namespace loom::io::internal
