// Adafactor (Shazeer and Stern 2018, "Adafactor: Adaptive Learning Rates with Sublinear Memory
// Cost"), as PyTorch's torch.optim.Adafactor (>= 2.5): the second moment of a parameter of two or
// more dimensions is factored into running averages of its rows' and columns' mean squares (per
// matrix of the last two dimensions), other parameters keep a full second moment; the step is
// relative to the parameter's RMS, and clipped by the update's RMS.
//
// Everything per tensor happens in this one call, reductions in double:
//   factored   pass 1: sums of g^2 per row and per column (rows in fixed-size blocks, column
//                      partials summed in block order); the row and column factors are updated;
//              pass 2: sums of p^2 and u^2, u from the factors; pass 3: the step.
//   full       pass 1: the second moment is updated, sums of p^2 and u^2; pass 2: the step.
// The step recomputes u exactly as the norm pass did. The factors' pass runs matrix by matrix
// on the calling thread (it reads g alone, and its column sums are per matrix); the norm passes
// of every tensor run together on the thread engine (engine/parallel.h: fixed blocks of
// elements, summed in block order, so the bits do not depend on the thread count), then the
// steps. Per-element rules are written once
// (adafactor_lerp, adafactor_update) and instantiated for float (scalar, CUDA, the factors'
// short vectors) and every lane type.
#pragma once

#include <algorithm>
#include <cmath>

#include "engine/parallel.h"
#include "optim/common.h"
#include "optim/reduce.h"

namespace fastoptim {

// One parameter group: num_tensors tensors, tensor t has numel[t] elements.
struct AdafactorArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* params;
  const float* const* grads;
  // Per tensor, factored[t] != 0: row_var[t] has batch*rows floats, col_var[t] batch*cols,
  // variance[t] none; otherwise variance[t] has numel[t] floats and row_var[t], col_var[t] none.
  float* const* row_var;
  float* const* col_var;
  float* const* variance;
  const uint8_t* factored;
  // Per tensor, when factored: numel = batch * rows * cols (row-major: batch matrices of rows x
  // cols, the parameter's last two dimensions).
  const size_t* batch;
  const size_t* rows;
  const size_t* cols;
  // Per tensor, computed by the host in double from the parameter's own step t:
  // one_minus_beta2 = t^beta2_decay, rho = min(lr, 1 / sqrt(t)).
  const double* one_minus_beta2;
  const double* rho;
  // Group scalars, as the host gave them (double).
  double eps1;   // floor of the variance estimate (squared) and of the row factors' mean
  double eps2;   // floor of the parameter's RMS in the relative step size
  double d;      // clipping threshold of the update's RMS
  double decay;  // decoupled weight decay factor 1 - lr * weight_decay
  bool maximize;
  // Working memory, at least adafactor_scratch_size(args) doubles (the binding allocates it).
  double* scratch;
};

// Column sums are kept in memory as whole vectors of the widest lane type (16 doubles).
constexpr size_t kAdafactorColumnPad = 16;

inline size_t adafactor_padded_cols(size_t cols) {
  return (cols + kAdafactorColumnPad - 1) / kAdafactorColumnPad * kAdafactorColumnPad;
}

// Scratch: per tensor, where its denominators start; one denominator per matrix of every
// factored tensor; then, for the factors' pass of one tensor at a time, its rows' sums of
// squares and its columns' sums (a block's partial and the running total).
inline size_t adafactor_scratch_size(const AdafactorArgs& a) {
  size_t denominators = 0, work = 0;
  for (size_t t = 0; t < a.num_tensors; ++t)
    if (a.factored[t] && a.numel[t] > 0) {
      denominators += a.batch[t];
      work = std::max(work, a.rows[t] + 2 * adafactor_padded_cols(a.cols[t]));
    }
  return a.num_tensors + denominators + work;
}

// Rows of one block in the factors' pass: about kReduceBlock elements, at least one row.
inline size_t adafactor_rows_per_block(size_t cols) { return std::max<size_t>(1, kReduceBlock / cols); }

// The step's scalars of tensor t, broadcast into lanes of type V by D::set.
template <class V>
struct AdafactorConsts {
  V weight, neg_one_minus_weight, eps1_sq, grad_sign, decay;
  bool high_weight, decoupled;
};

template <class D>
AdafactorConsts<typename D::Vec> adafactor_consts(const AdafactorArgs& a, size_t t) {
  AdafactorConsts<typename D::Vec> c;
  const float weight = static_cast<float>(a.one_minus_beta2[t]);
  c.weight = D::set(weight);
  c.neg_one_minus_weight = D::set(static_cast<float>(-(1.0 - weight)));
  c.eps1_sq = D::set(static_cast<float>(a.eps1 * a.eps1));
  c.grad_sign = D::set(a.maximize ? -1.0f : 1.0f);
  c.decay = D::set(static_cast<float>(a.decay));
  c.high_weight = weight >= 0.5f;  // torch.lerp's two formulas, switched on the weight
  c.decoupled = a.decay != 1.0;
  return c;
}

// The factors' short vectors (rows and columns) are updated one float at a time.
struct AdafactorFloat {
  using Vec = float;
  static float set(float x) { return x; }
};

// var <- lerp(var, target, weight): var + w (target - var), or for w >= 0.5 the form torch.lerp
// uses there, target - (1 - w)(target - var).
template <class V>
FO_HD V adafactor_lerp(V var, V target, const AdafactorConsts<V>& c) {
  V diff = target - var;
  return c.high_weight ? mul_add(c.neg_one_minus_weight, diff, target) : mul_add(c.weight, diff, var);
}

// The unclipped update u = g / sqrt(max(v, eps1^2)) from a variance estimate v (one division,
// where torch's rsqrt(v) * g rounds twice). vmax(eps1^2, v) keeps a NaN v, as torch.clamp_min.
template <class V>
FO_HD V adafactor_update(V grad, V var_estimate, const AdafactorConsts<V>& c) {
  V g = grad * c.grad_sign;                                        // g = -grad when maximizing
  return g / vsqrt(vmax(c.eps1_sq, var_estimate));                 // u = g / sqrt(max(v, eps1^2))
}

// The parameter's new value: p * (1 - lr wd) + coef u, coef = -alpha / max(1, RMS(u) / d).
template <class V>
FO_HD V adafactor_step(V param, V update, V coef, const AdafactorConsts<V>& c) {
  if (c.decoupled) param = param * c.decay;                        // p *= 1 - lr * weight_decay
  return mul_add(coef, update, param);                             // p -= alpha / denom * u
}

// max(eps1, mean of the row factors) of one matrix: the variance estimate's denominator.
inline float adafactor_row_denominator(const float* row_var, size_t rows, double eps1) {
  double sum = 0.0;
  for (size_t r = 0; r < rows; ++r) sum += row_var[r];
  const float mean = static_cast<float>(sum / static_cast<double>(rows));
  const float floor = static_cast<float>(eps1);
  return mean < floor ? floor : mean;  // a NaN mean stays NaN
}

// coef = -alpha / max(1, RMS(u) / d), alpha = max(eps2, RMS(p)) * rho, from the sums of squares
// of the tensor's n elements; Python's max, as PyTorch: a NaN RMS gives eps2 and 1.
inline double adafactor_coefficient(const AdafactorArgs& a, size_t t, double param_sq, double update_sq) {
  const double root_n = std::sqrt(static_cast<double>(a.numel[t]));
  const double param_rms = std::sqrt(param_sq) / root_n;
  const double alpha = (param_rms > a.eps2 ? param_rms : a.eps2) * a.rho[t];
  const double clip = std::sqrt(update_sq) / (root_n * a.d);
  return -alpha / (clip > 1.0 ? clip : 1.0);
}

// Factored pass 1 over rows [r0, r1) of one matrix (g: its first element, cols per row):
// row_sq[r] = sum_c g^2, col_sq[c] += sum_r g^2 (col_sq padded to whole vectors).
template <class D>
void adafactor_square_sums_range(const float* g, size_t cols, size_t r0, size_t r1, double* row_sq,
                                 double* col_sq) {
  for (size_t r = r0; r < r1; ++r) {
    const float* row = g + r * cols;
    typename D::Acc acc = D::acc_zero();
    for_each_vector<D>(0, cols, [&](size_t c, auto mask) {
      const typename D::Vec x = D::load(row + c, mask);  // inactive lanes load as 0
      acc = D::acc_add_sq(acc, x);
      D::acc_store(col_sq + c, D::acc_add_sq(D::acc_load(col_sq + c), x));
    });
    row_sq[r] = D::acc_sum(acc);
  }
}

// Factored pass 1 over matrix b of tensor t, then its factors' update: row_var = lerp(row_var,
// mean_c g^2, 1 - beta2), col_var = lerp(col_var, mean_r g^2, 1 - beta2). Returns the matrix's
// denominator max(eps1, mean of row_var).
template <class D>
float adafactor_factors(const AdafactorArgs& a, size_t t, size_t b, double* row_sq, double* col_part,
                        double* col_total) {
  const size_t rows = a.rows[t], cols = a.cols[t], padded = adafactor_padded_cols(cols);
  const float* g = a.grads[t] + b * rows * cols;
  std::fill(col_total, col_total + padded, 0.0);
  const size_t block = adafactor_rows_per_block(cols);
  for (size_t r0 = 0; r0 < rows; r0 += block) {
    std::fill(col_part, col_part + padded, 0.0);
    adafactor_square_sums_range<D>(g, cols, r0, std::min(rows, r0 + block), row_sq, col_part);
    for (size_t c = 0; c < cols; ++c) col_total[c] += col_part[c];
  }
  const AdafactorConsts<float> c = adafactor_consts<AdafactorFloat>(a, t);
  float* row_var = a.row_var[t] + b * rows;
  float* col_var = a.col_var[t] + b * cols;
  for (size_t r = 0; r < rows; ++r)
    row_var[r] = adafactor_lerp(row_var[r], static_cast<float>(row_sq[r] / static_cast<double>(cols)), c);
  for (size_t k = 0; k < cols; ++k)
    col_var[k] = adafactor_lerp(col_var[k], static_cast<float>(col_total[k] / static_cast<double>(rows)), c);
  return adafactor_row_denominator(row_var, rows, a.eps1);
}

// Walks elements [begin, end) of factored tensor t (row-major batch * rows rows of cols), row
// piece by row piece: body(p, g, r, col_var, c0, c1) with p and g the row's first elements,
// [c0, c1) the piece's columns, col_var the row's matrix's column factors and r = row factor /
// denominator, so that the row's variance estimates are r * col_var (the estimate R C / mean R
// with one division per row instead of one per element).
template <class Body>
void adafactor_for_elements(const AdafactorArgs& a, size_t t, size_t begin, size_t end, const double* denom,
                            Body&& body) {
  if (begin >= end) return;
  const size_t rows = a.rows[t], cols = a.cols[t];
  size_t q = begin / cols, c0 = begin % cols;
  for (size_t i = begin; i < end; ++q, c0 = 0) {
    const size_t c1 = std::min(cols, c0 + (end - i));
    const size_t b = q / rows;
    body(a.params[t] + q * cols, a.grads[t] + q * cols, a.row_var[t][q] / static_cast<float>(denom[b]),
         a.col_var[t] + b * cols, c0, c1);
    i += c1 - c0;
  }
}

// Factored pass 2 over elements [begin, end): partial sums of p^2 and u^2, u from v = (R / mean R) C.
template <class D>
SumSq2 adafactor_factored_norms_range(const AdafactorArgs& a, size_t t, size_t begin, size_t end, const double* denom) {
  using V = typename D::Vec;
  const AdafactorConsts<V> c = adafactor_consts<D>(a, t);
  typename D::Acc param_sq = D::acc_zero(), update_sq = D::acc_zero();
  adafactor_for_elements(a, t, begin, end, denom, [&](float* p, const float* g, float row, const float* col, size_t c0, size_t c1) {
    const V row_factor = D::set(row);
    for_each_vector<D>(c0, c1, [&](size_t i, auto mask) {
      const V var_estimate = row_factor * D::load(col + i, mask);  // v = (R / mean R) C
      // Inactive lanes give 0 / eps1, NaN when eps1 is 0: zeroed before the sum.
      update_sq = D::acc_add_sq(update_sq, D::keep(adafactor_update(D::load(g + i, mask), var_estimate, c), mask));
      param_sq = D::acc_add_sq(param_sq, D::load(p + i, mask));
    });
  });
  return {D::acc_sum(param_sq), D::acc_sum(update_sq)};
}

// Factored pass 3 over elements [begin, end): the step, u recomputed as in pass 2.
template <class D>
void adafactor_factored_apply_range(const AdafactorArgs& a, size_t t, size_t begin, size_t end, const double* denom,
                                    double coef) {
  using V = typename D::Vec;
  const AdafactorConsts<V> c = adafactor_consts<D>(a, t);
  const V step = D::set(static_cast<float>(coef));
  adafactor_for_elements(a, t, begin, end, denom, [&](float* p, const float* g, float row, const float* col, size_t c0, size_t c1) {
    const V row_factor = D::set(row);
    for_each_vector<D>(c0, c1, [&](size_t i, auto mask) {
      const V var_estimate = row_factor * D::load(col + i, mask);
      const V u = adafactor_update(D::load(g + i, mask), var_estimate, c);
      D::store(p + i, adafactor_step(D::load(p + i, mask), u, step, c), mask);
    });
  });
}

// Full pass 1 over elements [begin, end): v = lerp(v, g^2, 1 - beta2); partial sums of p^2, u^2.
template <class D>
SumSq2 adafactor_variance_range(const AdafactorArgs& a, size_t t, size_t begin, size_t end) {
  using V = typename D::Vec;
  const AdafactorConsts<V> c = adafactor_consts<D>(a, t);
  const float* p = a.params[t];
  const float* g = a.grads[t];
  float* v = a.variance[t];
  typename D::Acc param_sq = D::acc_zero(), update_sq = D::acc_zero();
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    const V grad = D::load(g + i, mask);
    const V variance = adafactor_lerp(D::load(v + i, mask), grad * grad, c);  // v = lerp(v, g^2)
    D::store(v + i, variance, mask);
    update_sq = D::acc_add_sq(update_sq, D::keep(adafactor_update(grad, variance, c), mask));
    param_sq = D::acc_add_sq(param_sq, D::load(p + i, mask));
  });
  return {D::acc_sum(param_sq), D::acc_sum(update_sq)};
}

// Full pass 2 over elements [begin, end): the step, u recomputed from the stored v.
template <class D>
void adafactor_apply_range(const AdafactorArgs& a, size_t t, size_t begin, size_t end, double coef) {
  using V = typename D::Vec;
  const AdafactorConsts<V> c = adafactor_consts<D>(a, t);
  const V step = D::set(static_cast<float>(coef));
  float* p = a.params[t];
  const float* g = a.grads[t];
  const float* v = a.variance[t];
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    const V u = adafactor_update(D::load(g + i, mask), D::load(v + i, mask), c);
    D::store(p + i, adafactor_step(D::load(p + i, mask), u, step, c), mask);
  });
}

// The whole group: the factors of every factored tensor, matrix by matrix; then, on the thread
// engine, the norm pass of every tensor (factored ones from their factors, the others updating
// their full second moment), each tensor's coefficient, and the steps.
template <class D>
void adafactor_group(const AdafactorArgs& a) {
  double* denom_at = a.scratch;  // per tensor: where its denominators start (an index, exact in double)
  double* denoms = denom_at + a.num_tensors;
  size_t count = 0;
  for (size_t t = 0; t < a.num_tensors; ++t) {
    denom_at[t] = static_cast<double>(count);
    if (a.factored[t] && a.numel[t] > 0) count += a.batch[t];
  }
  double* work = denoms + count;
  for (size_t t = 0; t < a.num_tensors; ++t) {
    if (!a.factored[t] || a.numel[t] == 0) continue;
    const size_t rows = a.rows[t], padded = adafactor_padded_cols(a.cols[t]);
    double* row_sq = work;
    double* col_part = row_sq + rows;
    double* col_total = col_part + padded;
    double* denom = denoms + static_cast<size_t>(denom_at[t]);
    for (size_t b = 0; b < a.batch[t]; ++b) denom[b] = adafactor_factors<D>(a, t, b, row_sq, col_part, col_total);
  }
  const auto denom_of = [&](size_t t) { return denoms + static_cast<size_t>(denom_at[t]); };
  double* coef = tensor_scratch(a.num_tensors);
  parallel_sum_sq2(
      a.num_tensors, a.numel,
      [&](size_t t, size_t begin, size_t end) {
        return a.factored[t] ? adafactor_factored_norms_range<D>(a, t, begin, end, denom_of(t))
                             : adafactor_variance_range<D>(a, t, begin, end);
      },
      [&](size_t t, SumSq2 s) { coef[t] = a.numel[t] == 0 ? 0.0 : adafactor_coefficient(a, t, s.first, s.second); });
  parallel_ranges(a.num_tensors, a.numel, [&](size_t t, size_t begin, size_t end) {
    if (a.factored[t]) adafactor_factored_apply_range<D>(a, t, begin, end, denom_of(t), coef[t]);
    else adafactor_apply_range<D>(a, t, begin, end, coef[t]);
  });
}

}  // namespace fastoptim
