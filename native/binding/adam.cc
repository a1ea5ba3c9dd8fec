#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// adam({ params, grads, exp_avg, exp_avg_sq, max_exp_avg_sq, step_size, bias_correction2_sqrt,
//        beta1, beta2, eps, weight_decay, decay, amsgrad, maximize })
Napi::Value bind_adam(const Napi::CallbackInfo& info) {
  GroupReader r(info, "adam");
  AdamArgs a{};
  a.beta1 = r.number("beta1");
  a.beta2 = r.number("beta2");
  a.eps = r.number("eps");
  a.weight_decay = r.number("weight_decay");
  a.decay = r.number("decay");
  a.amsgrad = r.flag("amsgrad");
  a.maximize = r.flag("maximize");
  const auto& params = r.tensors("params", Access::Write);
  const auto& grads = r.tensors("grads", Access::Read);
  const auto& exp_avg = r.tensors("exp_avg", Access::Write);
  const auto& exp_avg_sq = r.tensors("exp_avg_sq", Access::Write);
  const auto& max_exp_avg_sq = r.tensors("max_exp_avg_sq", Access::Write, !a.amsgrad);
  a.step_size = r.per_tensor("step_size");
  a.bias_correction2_sqrt = r.per_tensor("bias_correction2_sqrt");
  r.check_no_overlap();
  a.num_tensors = r.num_tensors();
  a.numel = r.numel();
  a.params = params.data();
  a.grads = as_const(grads);
  a.exp_avg = exp_avg.data();
  a.exp_avg_sq = exp_avg_sq.data();
  a.max_exp_avg_sq = nullable(max_exp_avg_sq);
  return r.run(kernels().adam, a);
}

}  // namespace fastoptim
