// The pieces of Adam's rule that the Adam family shares, written once: the gradient as the
// rule sees it (maximize, L2 or decoupled weight decay) and the two running averages of the
// gradient and of its square (Kingma and Ba 2015, Algorithm 1). Adam/AdamW, NAdam, RAdam and
// LAMB build their updates from these; what differs between them (bias corrections, Nesterov
// momentum, rectification, trust ratios) stays in each optimizer's own header.
#pragma once

#include "optim/common.h"

namespace fastoptim {

// beta1 and beta2 as the moments use them, broadcast into lanes of type V. 1 - beta is taken
// in double, as PyTorch does in Python, and each value is rounded to float once.
template <class V>
struct MomentConsts {
  V one_minus_beta1, beta2, one_minus_beta2;
};

template <class D>
MomentConsts<typename D::Vec> moment_consts(double beta1, double beta2) {
  return {D::set(static_cast<float>(1.0 - beta1)), D::set(static_cast<float>(beta2)),
          D::set(static_cast<float>(1.0 - beta2))};
}

// m += (1 - beta1) (g - m) and v = beta2 v + (1 - beta2) g^2, for one lane-vector.
template <class V>
FO_HD void adam_moments(V g, V& exp_avg, V& exp_avg_sq, const MomentConsts<V>& c) {
  exp_avg = mul_add(g - exp_avg, c.one_minus_beta1, exp_avg);      // m += (1 - beta1) (g - m)
  exp_avg_sq = mul_add(c.one_minus_beta2 * g, g,                   // v = beta2 v
                       exp_avg_sq * c.beta2);                      //     + (1 - beta2) g^2
}

// How the gradient and the weight decay enter the rule: the gradient's sign (maximize), an L2
// penalty folded into the gradient (weight_decay != 0), and a decoupled decay of the parameter
// (decay != 1, AdamW's p *= 1 - lr * weight_decay). The host passes one or the other.
template <class V>
struct DecayConsts {
  V grad_sign, weight_decay, decay;
  bool l2, decoupled;
};

template <class D>
DecayConsts<typename D::Vec> decay_consts(bool maximize, double weight_decay, double decay) {
  return {D::set(maximize ? -1.0f : 1.0f), D::set(static_cast<float>(weight_decay)),
          D::set(static_cast<float>(decay)), weight_decay != 0.0, decay != 1.0};
}

// The gradient the moments see, for one lane-vector; decays the parameter when decoupled.
template <class V>
FO_HD V decayed_grad(V& param, V grad, const DecayConsts<V>& c) {
  V g = grad * c.grad_sign;                                        // g = -grad when maximizing
  if (c.l2) g = mul_add(c.weight_decay, param, g);                 // L2: g += weight_decay * p
  if (c.decoupled) param = param * c.decay;                        // decoupled: p *= 1 - lr * wd
  return g;
}

}  // namespace fastoptim
