// In-place element-wise maps over a list of tensors: x = scalar * x (gradient clipping by norm),
// x = clamp(x, lo, hi) (clipping by value), y = a * y + b * x (gradient accumulation, LBFGS).
#pragma once

#include "optim/common.h"

namespace fastoptim {

struct ScaleArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* tensors;
  double scalar;
};

template <class D>
void scale_group(const ScaleArgs& a) {
  const auto s = D::set(static_cast<float>(a.scalar));
  for (size_t t = 0; t < a.num_tensors; ++t) {
    float* x = a.tensors[t];
    for_each_vector<D>(0, a.numel[t], [&](size_t i, auto mask) { D::store(x + i, D::load(x + i, mask) * s, mask); });
  }
}

struct ClampArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* tensors;
  double min, max;
};

template <class D>
void clamp_group(const ClampArgs& a) {
  const auto lo = D::set(static_cast<float>(a.min));
  const auto hi = D::set(static_cast<float>(a.max));
  for (size_t t = 0; t < a.num_tensors; ++t) {
    float* x = a.tensors[t];
    for_each_vector<D>(0, a.numel[t], [&](size_t i, auto mask) {
      // vmax/vmin return their second operand when unordered: a NaN stays NaN, as torch.clamp.
      D::store(x + i, vmin(hi, vmax(lo, D::load(x + i, mask))), mask);
    });
  }
}

struct AxpbyArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* y;
  const float* const* x;
  double a, b;  // y = a * y + b * x; a == 0 overwrites y (its old value, even NaN, is not read)
};

template <class D>
void axpby_group(const AxpbyArgs& args) {
  const auto a = D::set(static_cast<float>(args.a));
  const auto b = D::set(static_cast<float>(args.b));
  const bool overwrite = args.a == 0.0;
  for (size_t t = 0; t < args.num_tensors; ++t) {
    float* y = args.y[t];
    const float* x = args.x[t];
    for_each_vector<D>(0, args.numel[t], [&](size_t i, auto mask) {
      const auto bx = b * D::load(x + i, mask);
      D::store(y + i, overwrite ? bx : mul_add(a, D::load(y + i, mask), bx), mask);
    });
  }
}

}  // namespace fastoptim
