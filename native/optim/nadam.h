// NAdam, Adam with Nesterov momentum (Dozat 2016), with L2 or decoupled weight decay and
// maximize, as PyTorch's torch.optim.NAdam (2.x). The momentum schedule mu_t and its running
// product are per-tensor scalars the host computes; the update rule is written once, in
// nadam_update, and instantiated for float (scalar, CUDA) and every lane type.
#pragma once

#include "optim/adam_moments.h"

namespace fastoptim {

// One parameter group: num_tensors tensors, tensor t has numel[t] elements.
struct NadamArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* params;
  const float* const* grads;
  float* const* exp_avg;
  float* const* exp_avg_sq;
  // Per tensor (each parameter has its own step count), computed by the host in double as
  // PyTorch does, from mu_t, mu_{t+1} and the running product mu_product = mu_1 ... mu_t:
  // step_size_grad = lr (1 - mu_t) / (1 - mu_product),
  // step_size_exp_avg = lr mu_{t+1} / (1 - mu_product mu_{t+1}),
  // bias_correction2_sqrt = sqrt(1 - beta2^step).
  const double* step_size_grad;
  const double* step_size_exp_avg;
  const double* bias_correction2_sqrt;
  // Group scalars, as the host gave them (double); 1 - beta is taken in double too, as PyTorch
  // does in Python, and each value is rounded to float once when it is broadcast.
  double beta1, beta2, eps;
  double weight_decay;  // L2 penalty folded into the gradient; 0 when decoupled
  double decay;         // decoupled decay: p *= 1 - lr * weight_decay; 1 otherwise
  bool maximize;
};

// The step's scalars, broadcast once per tensor into lanes of type V.
template <class V>
struct NadamConsts {
  DecayConsts<V> decay;
  MomentConsts<V> moments;
  V eps, neg_step_size_grad, neg_step_size_exp_avg, bias_correction2_sqrt;
};

template <class D>
NadamConsts<typename D::Vec> nadam_consts(const NadamArgs& a, size_t t) {
  NadamConsts<typename D::Vec> c;
  c.decay = decay_consts<D>(a.maximize, a.weight_decay, a.decay);
  c.moments = moment_consts<D>(a.beta1, a.beta2);
  c.eps = D::set(static_cast<float>(a.eps));
  c.neg_step_size_grad = D::set(static_cast<float>(-a.step_size_grad[t]));
  c.neg_step_size_exp_avg = D::set(static_cast<float>(-a.step_size_exp_avg[t]));
  c.bias_correction2_sqrt = D::set(static_cast<float>(a.bias_correction2_sqrt[t]));
  return c;
}

// The NAdam update of one lane-vector of elements.
template <class V>
FO_HD void nadam_update(V& param, V grad, V& exp_avg, V& exp_avg_sq, const NadamConsts<V>& c) {
  V g = decayed_grad(param, grad, c.decay);                        // maximize, L2 or decoupled decay
  adam_moments(g, exp_avg, exp_avg_sq, c.moments);                 // m, v
  V denom = vsqrt(exp_avg_sq) / c.bias_correction2_sqrt + c.eps;   // sqrt(v / (1 - beta2^t)) + eps
  V step = mul_add(c.neg_step_size_grad, g,                        // -(step_size_grad g
                   c.neg_step_size_exp_avg * exp_avg);             //   + step_size_exp_avg m)
  param = param + step / denom;                                    // p += step / denom
}

// Elements [begin, end) of tensor t.
template <class D>
void nadam_tensor(const NadamArgs& a, size_t t, size_t begin, size_t end) {
  using V = typename D::Vec;
  const NadamConsts<V> c = nadam_consts<D>(a, t);
  float* p = a.params[t];
  const float* g = a.grads[t];
  float* m = a.exp_avg[t];
  float* v = a.exp_avg_sq[t];
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    V param = D::load(p + i, mask);
    V exp_avg = D::load(m + i, mask);
    V exp_avg_sq = D::load(v + i, mask);
    nadam_update(param, D::load(g + i, mask), exp_avg, exp_avg_sq, c);
    D::store(p + i, param, mask);
    D::store(m + i, exp_avg, mask);
    D::store(v + i, exp_avg_sq, mask);
  });
}

}  // namespace fastoptim
