// Adamax, the infinity-norm variant of Adam (Kingma and Ba 2015, section 7.1), with L2 weight
// decay and maximize, as PyTorch's torch.optim.Adamax. The update rule is written once, in
// adamax_update, and instantiated for float (scalar, CUDA) and every lane type.
#pragma once

#include "optim/common.h"

namespace fastoptim {

// One parameter group: num_tensors tensors, tensor t has numel[t] elements.
struct AdamaxArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* params;
  const float* const* grads;
  float* const* exp_avg;
  float* const* exp_inf;
  // Per tensor (each parameter has its own step count), computed by the host in double as
  // PyTorch does: clr = lr / (1 - beta1^step).
  const double* clr;
  // Group scalars, as the host gave them (double); 1 - beta1 is taken in double, as PyTorch
  // does in Python, and each value is rounded to float once when it is broadcast.
  double beta1, beta2, eps, weight_decay;
  bool maximize;
};

// The step's scalars, broadcast once per tensor into lanes of type V.
template <class V>
struct AdamaxConsts {
  V beta1, one_minus_beta1, beta2, eps, weight_decay, neg_clr, grad_sign;
  bool l2;
};

template <class D>
AdamaxConsts<typename D::Vec> adamax_consts(const AdamaxArgs& a, size_t t) {
  AdamaxConsts<typename D::Vec> c;
  c.beta1 = D::set(static_cast<float>(a.beta1));
  c.one_minus_beta1 = D::set(static_cast<float>(1.0 - a.beta1));
  c.beta2 = D::set(static_cast<float>(a.beta2));
  c.eps = D::set(static_cast<float>(a.eps));
  c.weight_decay = D::set(static_cast<float>(a.weight_decay));
  c.neg_clr = D::set(static_cast<float>(-a.clr[t]));
  c.grad_sign = D::set(a.maximize ? -1.0f : 1.0f);
  c.l2 = a.weight_decay != 0.0;
  return c;
}

// The Adamax update of one lane-vector of elements.
template <class V>
FO_HD void adamax_update(V& param, V grad, V& exp_avg, V& exp_inf, const AdamaxConsts<V>& c) {
  V g = grad * c.grad_sign;                                        // g = -grad when maximizing
  if (c.l2) g = mul_add(c.weight_decay, param, g);                 // g += weight_decay * p
  exp_avg = mul_add(c.one_minus_beta1, g, exp_avg * c.beta1);      // m = beta1 m + (1 - beta1) g
  V decayed = exp_inf * c.beta2;                                   // beta2 u
  V bound = vabs(g) + c.eps;                                       // |g| + eps
  // u = max(beta2 u, |g| + eps), NaN from either side propagating as torch.amax: vmax gives
  // the NaN of bound, and decayed != decayed (NaN) selects decayed.
  exp_inf = select(ge(decayed, decayed), vmax(decayed, bound), decayed);
  param = mul_add(c.neg_clr, exp_avg / exp_inf, param);            // p -= lr / (1 - beta1^t) m / u
}

// Elements [begin, end) of tensor t.
template <class D>
void adamax_tensor(const AdamaxArgs& a, size_t t, size_t begin, size_t end) {
  using V = typename D::Vec;
  const AdamaxConsts<V> c = adamax_consts<D>(a, t);
  float* p = a.params[t];
  const float* g = a.grads[t];
  float* m = a.exp_avg[t];
  float* u = a.exp_inf[t];
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    V param = D::load(p + i, mask);
    V exp_avg = D::load(m + i, mask);
    V exp_inf = D::load(u + i, mask);
    adamax_update(param, D::load(g + i, mask), exp_avg, exp_inf, c);
    D::store(p + i, param, mask);
    D::store(m + i, exp_avg, mask);
    D::store(u + i, exp_inf, mask);
  });
}

}  // namespace fastoptim
