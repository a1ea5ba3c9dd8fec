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
void scale_tensor(const ScaleArgs& a, size_t t, size_t begin, size_t end) {
  const auto s = D::set(static_cast<float>(a.scalar));
  float* x = a.tensors[t];
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) { D::store(x + i, D::load(x + i, mask) * s, mask); });
}

struct ClampArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* tensors;
  double min, max;
};

template <class D>
void clamp_tensor(const ClampArgs& a, size_t t, size_t begin, size_t end) {
  const auto lo = D::set(static_cast<float>(a.min));
  const auto hi = D::set(static_cast<float>(a.max));
  float* x = a.tensors[t];
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    // vmax/vmin return their second operand when unordered: a NaN stays NaN, as torch.clamp.
    D::store(x + i, vmin(hi, vmax(lo, D::load(x + i, mask))), mask);
  });
}

struct AxpbyArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* y;
  const float* const* x;
  double a, b;  // y = a * y + b * x; a == 0 overwrites y (its old value, even NaN, is not read)
};

template <class D>
void axpby_tensor(const AxpbyArgs& args, size_t t, size_t begin, size_t end) {
  const auto a = D::set(static_cast<float>(args.a));
  const auto b = D::set(static_cast<float>(args.b));
  const bool overwrite = args.a == 0.0;
  float* y = args.y[t];
  const float* x = args.x[t];
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    const auto bx = b * D::load(x + i, mask);
    D::store(y + i, overwrite ? bx : mul_add(a, D::load(y + i, mask), bx), mask);
  });
}

}  // namespace fastoptim
