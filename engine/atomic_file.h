// WriteFileAtomically: replaces a file so that a crash leaves either the old or the new content,
// never a mix: the content goes to a temporary file in the same directory, which is fsynced,
// renamed over the target, and the directory is fsynced. Missing parent directories are created
// with mode 0700. Errors name the path and the system's reason.
//
// Thread-safety: safe from any thread; concurrent writers of one path must be serialised by the
// caller (the last rename wins).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "base/result.h"

namespace mqb::engine {

Result<void, std::string> WriteFileAtomically(const std::string& path, std::string_view content,
                                              mode_t mode = 0600);

}  // namespace mqb::engine
