// AVX2 + FMA: compiled with -mavx2 -mfma (CMakeLists.txt), entered only after CPUID says so.
#if defined(__x86_64__) || defined(_M_X64)
#include "kernels.h"
#include "simd/avx2.h"

#define FO_ISA avx2
#define FO_ISA_NAME "avx2"
#include "isa/instantiate.inc"
#endif
