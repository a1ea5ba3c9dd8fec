// Adam (Kingma and Ba 2015) with AMSGrad (Reddi et al. 2018), L2 weight decay and maximize, and
// AdamW (Loshchilov and Hutter 2019), which is the same rule with the weight decay decoupled
// from the gradient: PyTorch's torch.optim.Adam and torch.optim.AdamW. The update rule is
// written once, in adam_update, and instantiated for float (scalar, CUDA) and every lane type.
#pragma once

#include "optim/adam_moments.h"

namespace fastoptim {

// One parameter group: num_tensors tensors, tensor t has numel[t] elements.
struct AdamArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* params;
  const float* const* grads;
  float* const* exp_avg;
  float* const* exp_avg_sq;
  float* const* max_exp_avg_sq;  // null unless amsgrad
  // Per tensor (each parameter has its own step count), computed by the host in double as
  // PyTorch does: step_size = lr / (1 - beta1^step), bias_correction2_sqrt = sqrt(1 - beta2^step).
  const double* step_size;
  const double* bias_correction2_sqrt;
  // Group scalars, as the host gave them (double); 1 - beta is taken in double too, as PyTorch
  // does in Python, and each value is rounded to float once when it is broadcast.
  double beta1, beta2, eps;
  double weight_decay;  // L2 penalty folded into the gradient (Adam); 0 for AdamW
  double decay;         // decoupled decay: p *= 1 - lr * weight_decay (AdamW); 1 for Adam
  bool amsgrad, maximize;
};

// The step's scalars, broadcast once per tensor into lanes of type V.
template <class V>
struct AdamConsts {
  DecayConsts<V> decay;
  MomentConsts<V> moments;
  V eps, neg_step_size, bias_correction2_sqrt;
  bool amsgrad;
};

template <class D>
AdamConsts<typename D::Vec> adam_consts(const AdamArgs& a, size_t t) {
  AdamConsts<typename D::Vec> c;
  c.decay = decay_consts<D>(a.maximize, a.weight_decay, a.decay);
  c.moments = moment_consts<D>(a.beta1, a.beta2);
  c.eps = D::set(static_cast<float>(a.eps));
  c.neg_step_size = D::set(static_cast<float>(-a.step_size[t]));
  c.bias_correction2_sqrt = D::set(static_cast<float>(a.bias_correction2_sqrt[t]));
  c.amsgrad = a.amsgrad;
  return c;
}

// The Adam/AdamW update of one lane-vector of elements.
template <class V>
FO_HD void adam_update(V& param, V grad, V& exp_avg, V& exp_avg_sq, V& max_exp_avg_sq,
                       const AdamConsts<V>& c) {
  V g = decayed_grad(param, grad, c.decay);                        // maximize, L2 (Adam) or decoupled (AdamW)
  adam_moments(g, exp_avg, exp_avg_sq, c.moments);                 // m, v
  V second = exp_avg_sq;
  if (c.amsgrad) second = max_exp_avg_sq = vmax(max_exp_avg_sq, exp_avg_sq);  // v_max
  V denom = vsqrt(second) / c.bias_correction2_sqrt + c.eps;       // sqrt(v / (1 - beta2^t)) + eps
  param = mul_add(c.neg_step_size, exp_avg / denom, param);        // p -= lr / (1 - beta1^t) m / denom
}

// Elements [begin, end) of tensor t.
template <class D>
void adam_tensor(const AdamArgs& a, size_t t, size_t begin, size_t end) {
  using V = typename D::Vec;
  const AdamConsts<V> c = adam_consts<D>(a, t);
  float* p = a.params[t];
  const float* g = a.grads[t];
  float* m = a.exp_avg[t];
  float* v = a.exp_avg_sq[t];
  float* vmax_ = c.amsgrad ? a.max_exp_avg_sq[t] : nullptr;
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    V param = D::load(p + i, mask);
    V exp_avg = D::load(m + i, mask);
    V exp_avg_sq = D::load(v + i, mask);
    V max_exp_avg_sq = vmax_ ? D::load(vmax_ + i, mask) : D::set(0.0f);
    adam_update(param, D::load(g + i, mask), exp_avg, exp_avg_sq, max_exp_avg_sq, c);
    D::store(p + i, param, mask);
    D::store(m + i, exp_avg, mask);
    D::store(v + i, exp_avg_sq, mask);
    if (vmax_) D::store(vmax_ + i, max_exp_avg_sq, mask);
  });
}

}  // namespace fastoptim
