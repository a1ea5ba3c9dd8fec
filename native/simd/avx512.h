// Sixteen float lanes in a __m512 (AVX-512F). Only included by isa/avx512.cc, which is compiled
// with -mavx512f and entered only after CPUID and XCR0 report AVX-512F with OS support.
#pragma once

#if defined(FO_EMULATE_AVX512)
#include "simd/avx512_emulated.h"
#else
#include <immintrin.h>
#endif

#include "optim/common.h"

namespace fastoptim::avx512 {

struct Vec {
  __m512 v;
};
FO_HD Vec operator+(Vec a, Vec b) { return {_mm512_add_ps(a.v, b.v)}; }
FO_HD Vec operator-(Vec a, Vec b) { return {_mm512_sub_ps(a.v, b.v)}; }
FO_HD Vec operator*(Vec a, Vec b) { return {_mm512_mul_ps(a.v, b.v)}; }
FO_HD Vec operator/(Vec a, Vec b) { return {_mm512_div_ps(a.v, b.v)}; }
FO_HD Vec vsqrt(Vec a) { return {_mm512_sqrt_ps(a.v)}; }
FO_HD Vec vmax(Vec a, Vec b) { return {_mm512_max_ps(a.v, b.v)}; }  // b when unordered
FO_HD Vec mul_add(Vec a, Vec b, Vec c) { return {_mm512_fmadd_ps(a.v, b.v, c.v)}; }
FO_HD Vec operator-(Vec a) {
  return {_mm512_castsi512_ps(
      _mm512_xor_si512(_mm512_castps_si512(a.v), _mm512_set1_epi32(static_cast<int>(0x80000000u))))};
}
FO_HD Vec vmin(Vec a, Vec b) { return {_mm512_min_ps(a.v, b.v)}; }  // b when unordered
FO_HD Vec vabs(Vec a) { return {_mm512_abs_ps(a.v)}; }

// A comparison result: one bit per lane.
struct Cmp {
  __mmask16 m;
};
FO_HD Cmp gt(Vec a, Vec b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_GT_OQ)}; }
FO_HD Cmp lt(Vec a, Vec b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_LT_OQ)}; }
FO_HD Cmp ge(Vec a, Vec b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_GE_OQ)}; }
FO_HD Vec select(Cmp m, Vec a, Vec b) { return {_mm512_mask_blend_ps(m.m, b.v, a.v)}; }
FO_HD Vec vsign(Vec x) {
  const Vec zero{_mm512_setzero_ps()};
  const Vec neg = select(lt(x, zero), Vec{_mm512_set1_ps(-1.0f)}, x);
  return select(gt(x, zero), Vec{_mm512_set1_ps(1.0f)}, neg);
}

struct Lanes {
  static constexpr size_t N = 16;
  using Vec = avx512::Vec;
  struct Full {};
  struct Partial {
    __mmask16 m;
  };
  static Partial first(size_t k) { return {static_cast<__mmask16>((1u << k) - 1u)}; }
  static Vec set(float x) { return {_mm512_set1_ps(x)}; }
  static Vec load(const float* p, Full) { return {_mm512_loadu_ps(p)}; }
  static Vec load(const float* p, Partial m) { return {_mm512_maskz_loadu_ps(m.m, p)}; }
  static void store(float* p, Vec v, Full) { _mm512_storeu_ps(p, v.v); }
  static void store(float* p, Vec v, Partial m) { _mm512_mask_storeu_ps(p, m.m, v.v); }
  static Vec keep(Vec v, Full) { return v; }
  static Vec keep(Vec v, Partial m) { return {_mm512_maskz_mov_ps(m.m, v.v)}; }

  struct Acc {
    __m512d lo, hi;
  };
  static Acc acc_zero() { return {_mm512_setzero_pd(), _mm512_setzero_pd()}; }
  static Acc acc_add(Acc a, Vec v) {
    return {_mm512_add_pd(a.lo, _mm512_cvtps_pd(_mm512_castps512_ps256(v.v))),
            _mm512_add_pd(a.hi, _mm512_cvtps_pd(upper(v)))};
  }
  static Acc acc_add_sq(Acc a, Vec v) {
    const __m512d lo = _mm512_cvtps_pd(_mm512_castps512_ps256(v.v));
    const __m512d hi = _mm512_cvtps_pd(upper(v));
    return {_mm512_fmadd_pd(lo, lo, a.lo), _mm512_fmadd_pd(hi, hi, a.hi)};
  }
  static Acc acc_add_prod(Acc acc, Vec a, Vec b) {
    const __m512d alo = _mm512_cvtps_pd(_mm512_castps512_ps256(a.v));
    const __m512d blo = _mm512_cvtps_pd(_mm512_castps512_ps256(b.v));
    return {_mm512_fmadd_pd(alo, blo, acc.lo),
            _mm512_fmadd_pd(_mm512_cvtps_pd(upper(a)), _mm512_cvtps_pd(upper(b)), acc.hi)};
  }
  static double acc_sum(Acc a) {
    alignas(64) double lanes[8];
    _mm512_store_pd(lanes, _mm512_add_pd(a.lo, a.hi));
    return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
           ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
  }
  // Lane i of the accumulator <-> p[i] (16 doubles, unaligned).
  static Acc acc_load(const double* p) { return {_mm512_loadu_pd(p), _mm512_loadu_pd(p + 8)}; }
  static void acc_store(double* p, Acc a) {
    _mm512_storeu_pd(p, a.lo);
    _mm512_storeu_pd(p + 8, a.hi);
  }
  static float reduce_max(Vec v) {
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, v.v);
    float m = lanes[0];
    for (int i = 1; i < 16; ++i) m = lanes[i] > m ? lanes[i] : m;
    return m;
  }

 private:
  // The upper eight floats (AVX-512F only: no AVX512DQ extract).
  static __m256 upper(Vec v) {
    return _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v.v), 1));
  }
};

}  // namespace fastoptim::avx512
