// Sixteen float lanes in a __m512 (AVX-512F). Only included by isa/avx512.cc, which is compiled
// with -mavx512f and entered only after CPUID and XCR0 report AVX-512F with OS support.
#pragma once

#include <immintrin.h>

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
};

}  // namespace fastoptim::avx512
