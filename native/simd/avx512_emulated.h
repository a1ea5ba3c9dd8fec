// For testing only: the AVX-512F intrinsics this project uses, emulated with SIMDe (Debian's
// libsimde-dev) so the AVX-512 lane code runs, and is tested against the JS oracle, on CPUs
// without AVX-512 (built by `npm run test:avx512-emulated` into build-emu/, never shipped).
// SIMDe 0.7.4 lacks a few of them; those are written here lane by lane, touching only the
// active lanes' memory, as the hardware does.
#pragma once

#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>

static inline __m512 fo_emu_maskz_loadu_ps(__mmask16 k, const float* p) {
  alignas(64) float lanes[16] = {};
  for (int i = 0; i < 16; ++i)
    if (k & (1u << i)) lanes[i] = p[i];
  return _mm512_load_ps(lanes);
}
static inline void fo_emu_mask_storeu_ps(float* p, __mmask16 k, __m512 v) {
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, v);
  for (int i = 0; i < 16; ++i)
    if (k & (1u << i)) p[i] = lanes[i];
}
static inline __m512d fo_emu_cvtps_pd(__m256 v) {
  alignas(32) float in[8];
  alignas(64) double out[8];
  _mm256_store_ps(in, v);
  for (int i = 0; i < 8; ++i) out[i] = in[i];
  return _mm512_load_pd(out);
}
#define _mm512_maskz_loadu_ps fo_emu_maskz_loadu_ps
#define _mm512_mask_storeu_ps fo_emu_mask_storeu_ps
#define _mm512_cvtps_pd fo_emu_cvtps_pd
