#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// nadam({ params, grads, exp_avg, exp_avg_sq, step_size_grad, step_size_exp_avg,
//         bias_correction2_sqrt, beta1, beta2, eps, weight_decay, decay, maximize })
Napi::Value bind_nadam(const Napi::CallbackInfo& info) {
  GroupReader r(info, "nadam");
  NadamArgs a{};
  a.beta1 = r.number("beta1");
  a.beta2 = r.number("beta2");
  a.eps = r.number("eps");
  a.weight_decay = r.number("weight_decay");
  a.decay = r.number("decay");
  a.maximize = r.flag("maximize");
  a.params = r.written("params");
  a.grads = r.read("grads");
  a.exp_avg = r.written("exp_avg");
  a.exp_avg_sq = r.written("exp_avg_sq");
  a.step_size_grad = r.per_tensor("step_size_grad");
  a.step_size_exp_avg = r.per_tensor("step_size_exp_avg");
  a.bias_correction2_sqrt = r.per_tensor("bias_correction2_sqrt");
  return r.run(kernels().nadam, a);
}

}  // namespace fastoptim
