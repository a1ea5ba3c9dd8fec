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
};

}  // namespace fastoptim::avx2
