// Run-time choice of the instruction set (simdjson's pattern): a priority list checked once
// against CPUID and the OS's register support, an environment variable (FASTOPTIM_SIMD) that
// forces a lower one, and calls to ask which is in use and to switch (tests, benchmarks).
#pragma once

#include <string>
#include <vector>

#include "kernels.h"

namespace fastoptim {

// The kernels of the instruction set in use.
const KernelTable& kernels();

// Names of the instruction sets this CPU can run, best first ("avx512", "avx2", "scalar").
std::vector<std::string> supported_isas();

// Switches to the named instruction set. Returns an error message, empty on success.
std::string set_isa(const std::string& name);

// Reads FASTOPTIM_SIMD and picks the best supported instruction set not above it. Returns an
// error message (unknown name, or a set this CPU lacks), empty on success.
std::string init_dispatch();

}  // namespace fastoptim
