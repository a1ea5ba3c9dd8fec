// RAdam, Adam with the variance of the adaptive learning rate rectified (Liu et al. 2020), with
// L2 or decoupled weight decay and maximize, as PyTorch's torch.optim.RAdam (2.x). Whether a
// tensor's step is rectified (rho_t > 5) depends on its step count only: the host decides it per
// tensor, never per element. The update rule is written once, in radam_update, and
// instantiated for float (scalar, CUDA) and every lane type.
#pragma once

#include "optim/adam_moments.h"

namespace fastoptim {

// One parameter group: num_tensors tensors, tensor t has numel[t] elements.
struct RadamArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* params;
  const float* const* grads;
  float* const* exp_avg;
  float* const* exp_avg_sq;
  // Per tensor (each parameter has its own step count), computed by the host in double as
  // PyTorch does: rectify = rho_t > 5, and step_size = lr * rect * sqrt(1 - beta2^step) /
  // (1 - beta1^step) when rectified, lr / (1 - beta1^step) otherwise.
  const double* step_size;
  const uint8_t* rectify;
  // Group scalars, as the host gave them (double); 1 - beta is taken in double too, as PyTorch
  // does in Python, and each value is rounded to float once when it is broadcast.
  double beta1, beta2, eps;
  double weight_decay;  // L2 penalty folded into the gradient; 0 when decoupled
  double decay;         // decoupled decay: p *= 1 - lr * weight_decay; 1 otherwise
  bool maximize;
};

// The step's scalars, broadcast once per tensor into lanes of type V.
template <class V>
struct RadamConsts {
  DecayConsts<V> decay;
  MomentConsts<V> moments;
  V eps, neg_step_size;
  bool rectify;
};

template <class D>
RadamConsts<typename D::Vec> radam_consts(const RadamArgs& a, size_t t) {
  RadamConsts<typename D::Vec> c;
  c.decay = decay_consts<D>(a.maximize, a.weight_decay, a.decay);
  c.moments = moment_consts<D>(a.beta1, a.beta2);
  c.eps = D::set(static_cast<float>(a.eps));
  c.neg_step_size = D::set(static_cast<float>(-a.step_size[t]));
  c.rectify = a.rectify[t] != 0;
  return c;
}

// The RAdam update of one lane-vector of elements.
template <class V>
FO_HD void radam_update(V& param, V grad, V& exp_avg, V& exp_avg_sq, const RadamConsts<V>& c) {
  V g = decayed_grad(param, grad, c.decay);                        // maximize, L2 or decoupled decay
  adam_moments(g, exp_avg, exp_avg_sq, c.moments);                 // m, v
  V update = exp_avg;                                              // unrectified: m
  if (c.rectify) update = exp_avg / (vsqrt(exp_avg_sq) + c.eps);   // rectified: m / (sqrt(v) + eps)
  param = mul_add(c.neg_step_size, update, param);                 // p -= step_size * update
}

// Elements [begin, end) of tensor t.
template <class D>
void radam_tensor(const RadamArgs& a, size_t t, size_t begin, size_t end) {
  using V = typename D::Vec;
  const RadamConsts<V> c = radam_consts<D>(a, t);
  float* p = a.params[t];
  const float* g = a.grads[t];
  float* m = a.exp_avg[t];
  float* v = a.exp_avg_sq[t];
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    V param = D::load(p + i, mask);
    V exp_avg = D::load(m + i, mask);
    V exp_avg_sq = D::load(v + i, mask);
    radam_update(param, D::load(g + i, mask), exp_avg, exp_avg_sq, c);
    D::store(p + i, param, mask);
    D::store(m + i, exp_avg, mask);
    D::store(v + i, exp_avg_sq, mask);
  });
}

}  // namespace fastoptim
