// Shared pieces of every update rule: the host/device qualifier, the float versions of the lane
// operations (used by the scalar path and by CUDA), and the one loop that walks a buffer in
// vectors of D::N lanes with the tail handled by a masked (partial) instance of the same body.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__CUDACC__)
#define FO_HD __host__ __device__ __forceinline__
#else
// static: every translation unit (one per instruction set) keeps its own copy, so the linker can
// never merge an AVX-512 instance of a helper into the scalar path.
#define FO_HD static inline __attribute__((always_inline))
#endif

namespace fastoptim {

// Float versions of the lane operations. Each SIMD lane type provides the same names
// (found by argument-dependent lookup), so an update rule written against them compiles for
// float, AVX2 and AVX-512 alike.
FO_HD float vsqrt(float x) {
#if defined(__CUDA_ARCH__)
  return sqrtf(x);  // IEEE round-to-nearest with nvcc's default -prec-sqrt=true
#else
  return __builtin_sqrtf(x);
#endif
}

// a > b ? a : b, returning b when either is NaN: the semantics of x86 MAXPS, kept on every path
// (and in the JS oracle) so all backends agree bit for bit on which operand survives.
FO_HD float vmax(float a, float b) { return a > b ? a : b; }

// a * b + c. The SIMD paths fuse it (one rounding); the scalar host path cannot assume FMA
// hardware on baseline x86-64, so it rounds twice. The difference is within float32 rounding.
FO_HD float mul_add(float a, float b, float c) {
#if defined(__CUDA_ARCH__)
  return fmaf(a, b, c);
#else
  return a * b + c;
#endif
}

// a < b ? a : b, returning b when either is NaN (x86 MINPS).
FO_HD float vmin(float a, float b) { return a < b ? a : b; }

FO_HD float vabs(float x) { return __builtin_fabsf(x); }

// 1 for x > 0, -1 for x < 0, x itself otherwise (so +-0 and NaN pass through).
FO_HD float vsign(float x) {
#if defined(__CUDA_ARCH__)
  return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x);
#else
  // The same, without a branch (random signs mispredict one in two, which made the scalar path
  // of Lion's rule 50x slower than AVX2): x's bits where |x| is 0 or NaN, else +-1.0f with x's
  // sign. 1 <= |x| bits <= 0x7f800000 (non-zero, up to infinity) is one unsigned compare.
  const uint32_t bits = __builtin_bit_cast(uint32_t, x);
  const uint32_t magnitude = bits & 0x7fffffffu;
  const uint32_t ones = 0u - static_cast<uint32_t>(magnitude - 1u < 0x7f800000u);  // all ones: use +-1
  const uint32_t unit = (bits & 0x80000000u) | 0x3f800000u;                         // +-1.0f
  return __builtin_bit_cast(float, (unit & ones) | (bits & ~ones));
#endif
}

// Comparisons give a lane mask (here a bool); select(m, a, b) takes a where m holds, else b.
FO_HD bool gt(float a, float b) { return a > b; }
FO_HD bool lt(float a, float b) { return a < b; }
FO_HD bool ge(float a, float b) { return a >= b; }
FO_HD float select(bool m, float a, float b) { return m ? a : b; }

// Walks [begin, end) in steps of D::N lanes. Full vectors get D::Full (plain loads and stores);
// the tail, if any, gets D::first(k), a mask of the k remaining lanes, and runs the same body.
// There is never a second, hand-written copy of an update rule for the tail. Masked loads read
// zeros into the inactive lanes; a body that reduces a computed value uses D::keep(v, mask) to
// zero them before accumulating.
//
// Besides load/store/set/first/keep, every lane type D provides double accumulators for
// reductions (norms, dot products): D::Acc, D::acc_zero(), D::acc_add(acc, v) (sum of the
// lanes, each converted to double), D::acc_add_sq(acc, v) (sum of squares, squared in double), D::acc_add_prod(acc, a, b)
// (sum of products, formed in double: exact),
// D::acc_sum(acc) -> double, D::acc_load(p) / D::acc_store(p, acc) (lane i <-> p[i], D::N
// doubles: per-column sums kept in memory); and D::reduce_max(v) -> float (largest lane).
template <class D, class Body>
inline void for_each_vector(size_t begin, size_t end, Body&& body) {
  size_t i = begin;
  for (; i + D::N <= end; i += D::N) body(i, typename D::Full{});
  if (i < end) body(i, D::first(end - i));
}

}  // namespace fastoptim
