// AVX-512F: compiled with -mavx512f (CMakeLists.txt), entered only after CPUID and XCR0 say so.
#if defined(__x86_64__) || defined(_M_X64)
#include "kernels.h"
#include "simd/avx512.h"

#define FO_ISA avx512
#define FO_ISA_NAME "avx512"
#include "isa/instantiate.inc"
#endif
