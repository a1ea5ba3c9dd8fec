// Eight float lanes in a __m256 (AVX2 + FMA). Only included by isa/avx2.cc, which is compiled
// with -mavx2 -mfma and entered only after CPUID reports both.
#pragma once

#include <immintrin.h>

#include "optim/common.h"

namespace fastoptim::avx2 {

struct Vec {
  __m256 v;
};
FO_HD Vec operator+(Vec a, Vec b) { return {_mm256_add_ps(a.v, b.v)}; }
FO_HD Vec operator-(Vec a, Vec b) { return {_mm256_sub_ps(a.v, b.v)}; }
FO_HD Vec operator*(Vec a, Vec b) { return {_mm256_mul_ps(a.v, b.v)}; }
FO_HD Vec operator/(Vec a, Vec b) { return {_mm256_div_ps(a.v, b.v)}; }
FO_HD Vec vsqrt(Vec a) { return {_mm256_sqrt_ps(a.v)}; }
FO_HD Vec vmax(Vec a, Vec b) { return {_mm256_max_ps(a.v, b.v)}; }  // b when unordered
FO_HD Vec mul_add(Vec a, Vec b, Vec c) { return {_mm256_fmadd_ps(a.v, b.v, c.v)}; }
FO_HD Vec operator-(Vec a) { return {_mm256_xor_ps(a.v, _mm256_set1_ps(-0.0f))}; }
FO_HD Vec vmin(Vec a, Vec b) { return {_mm256_min_ps(a.v, b.v)}; }  // b when unordered
FO_HD Vec vabs(Vec a) { return {_mm256_andnot_ps(_mm256_set1_ps(-0.0f), a.v)}; }

// A comparison result: all bits set in the lanes where it holds.
struct Cmp {
  __m256 m;
};
FO_HD Cmp gt(Vec a, Vec b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_GT_OQ)}; }
FO_HD Cmp lt(Vec a, Vec b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_LT_OQ)}; }
FO_HD Cmp ge(Vec a, Vec b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_GE_OQ)}; }
FO_HD Vec select(Cmp m, Vec a, Vec b) { return {_mm256_blendv_ps(b.v, a.v, m.m)}; }
FO_HD Vec vsign(Vec x) {
  const Vec zero{_mm256_setzero_ps()};
  const Vec neg = select(lt(x, zero), Vec{_mm256_set1_ps(-1.0f)}, x);
  return select(gt(x, zero), Vec{_mm256_set1_ps(1.0f)}, neg);
}

struct Lanes {
  static constexpr size_t N = 8;
  using Vec = avx2::Vec;
  struct Full {};
  struct Partial {
    __m256i m;  // sign bit set in the active lanes
  };
  static Partial first(size_t k) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return {_mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(k)), lane)};
  }
  static Vec set(float x) { return {_mm256_set1_ps(x)}; }
  static Vec load(const float* p, Full) { return {_mm256_loadu_ps(p)}; }
  static Vec load(const float* p, Partial m) { return {_mm256_maskload_ps(p, m.m)}; }
  static void store(float* p, Vec v, Full) { _mm256_storeu_ps(p, v.v); }
  static void store(float* p, Vec v, Partial m) { _mm256_maskstore_ps(p, m.m, v.v); }
  static Vec keep(Vec v, Full) { return v; }
  static Vec keep(Vec v, Partial m) { return {_mm256_and_ps(v.v, _mm256_castsi256_ps(m.m))}; }

  struct Acc {
    __m256d lo, hi;
  };
  static Acc acc_zero() { return {_mm256_setzero_pd(), _mm256_setzero_pd()}; }
  static Acc acc_add(Acc a, Vec v) {
    return {_mm256_add_pd(a.lo, _mm256_cvtps_pd(_mm256_castps256_ps128(v.v))),
            _mm256_add_pd(a.hi, _mm256_cvtps_pd(_mm256_extractf128_ps(v.v, 1)))};
  }
  static Acc acc_add_sq(Acc a, Vec v) {
    const __m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v.v));
    const __m256d hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v.v, 1));
    return {_mm256_fmadd_pd(lo, lo, a.lo), _mm256_fmadd_pd(hi, hi, a.hi)};
  }
  static Acc acc_add_prod(Acc acc, Vec a, Vec b) {
    const __m256d alo = _mm256_cvtps_pd(_mm256_castps256_ps128(a.v));
    const __m256d ahi = _mm256_cvtps_pd(_mm256_extractf128_ps(a.v, 1));
    const __m256d blo = _mm256_cvtps_pd(_mm256_castps256_ps128(b.v));
    const __m256d bhi = _mm256_cvtps_pd(_mm256_extractf128_ps(b.v, 1));
    return {_mm256_fmadd_pd(alo, blo, acc.lo), _mm256_fmadd_pd(ahi, bhi, acc.hi)};
  }
  static double acc_sum(Acc a) {
    alignas(32) double lanes[4];
    _mm256_store_pd(lanes, _mm256_add_pd(a.lo, a.hi));
    return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  }
  // Lane i of the accumulator <-> p[i] (8 doubles, unaligned).
  static Acc acc_load(const double* p) { return {_mm256_loadu_pd(p), _mm256_loadu_pd(p + 4)}; }
  static void acc_store(double* p, Acc a) {
    _mm256_storeu_pd(p, a.lo);
    _mm256_storeu_pd(p + 4, a.hi);
  }
  static float reduce_max(Vec v) {
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, v.v);
    float m = lanes[0];
    for (int i = 1; i < 8; ++i) m = lanes[i] > m ? lanes[i] : m;
    return m;
  }
};

}  // namespace fastoptim::avx2
