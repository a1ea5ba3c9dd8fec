#include "dispatch.h"

#include <cstdlib>

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#define FO_X86 1
#endif

namespace fastoptim {

namespace scalar {
extern const KernelTable kKernels;
}
#if FO_X86
namespace avx2 {
extern const KernelTable kKernels;
}
namespace avx512 {
extern const KernelTable kKernels;
}
#endif

namespace {

#if FO_X86
// XCR0: which register states the OS saves on context switch.
uint64_t xgetbv0() {
  uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

struct CpuFeatures {
  bool avx2_fma = false;
  bool avx512f = false;
};

CpuFeatures detect() {
  CpuFeatures f;
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
  const bool osxsave = ecx & (1u << 27), avx = ecx & (1u << 28), fma = ecx & (1u << 12);
  if (!osxsave || !avx) return f;
  const uint64_t xcr0 = xgetbv0();
  const bool ymm_state = (xcr0 & 0x6) == 0x6;     // XMM and YMM
  const bool zmm_state = (xcr0 & 0xE6) == 0xE6;   // plus opmask, ZMM0-15 high, ZMM16-31
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return f;
  const bool avx2 = ebx & (1u << 5), avx512f = ebx & (1u << 16);
  f.avx2_fma = ymm_state && avx2 && fma;
  f.avx512f = f.avx2_fma && zmm_state && avx512f;
#if defined(FO_EMULATE_AVX512)
  f.avx512f = f.avx2_fma;  // test build: the AVX-512 kernels run on SIMDe's emulation
#endif
  return f;
}
#endif

struct Isa {
  const char* name;
  const KernelTable* table;
  bool supported;
};

// Priority order, best first.
std::vector<Isa> all_isas() {
#if FO_X86
  const CpuFeatures f = detect();
  return {{"avx512", &avx512::kKernels, f.avx512f},
          {"avx2", &avx2::kKernels, f.avx2_fma},
          {"scalar", &scalar::kKernels, true}};
#else
  return {{"scalar", &scalar::kKernels, true}};
#endif
}

const std::vector<Isa>& isas() {
  static const std::vector<Isa> list = all_isas();
  return list;
}

const KernelTable* g_active = &scalar::kKernels;

std::string join_supported() {
  std::string s;
  for (const auto& name : supported_isas()) s += (s.empty() ? "" : ", ") + name;
  return s;
}

}  // namespace

const KernelTable& kernels() { return *g_active; }

std::vector<std::string> supported_isas() {
  std::vector<std::string> names;
  for (const Isa& isa : isas())
    if (isa.supported) names.emplace_back(isa.name);
  return names;
}

std::string set_isa(const std::string& name) {
  for (const Isa& isa : isas()) {
    if (name != isa.name) continue;
    if (!isa.supported)
      return "instruction set '" + name + "' is not supported by this CPU (supported: " +
             join_supported() + ")";
    g_active = isa.table;
    return "";
  }
  std::string known;
  for (const Isa& isa : isas()) known += (known.empty() ? "" : ", ") + std::string(isa.name);
  return "unknown instruction set '" + name + "' (known: " + known + ")";
}

std::string init_dispatch() {
  const char* forced = std::getenv("FASTOPTIM_SIMD");
  if (forced && *forced) {
    std::string err = set_isa(forced);
    return err.empty() ? "" : "FASTOPTIM_SIMD: " + err;
  }
  for (const Isa& isa : isas()) {
    if (isa.supported) {
      g_active = isa.table;
      break;
    }
  }
  return "";
}

}  // namespace fastoptim
