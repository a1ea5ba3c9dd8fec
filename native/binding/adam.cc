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
  a.params = r.written("params");
  a.grads = r.read("grads");
  a.exp_avg = r.written("exp_avg");
  a.exp_avg_sq = r.written("exp_avg_sq");
  a.max_exp_avg_sq = r.written("max_exp_avg_sq", !a.amsgrad);
  a.step_size = r.per_tensor("step_size");
  a.bias_correction2_sqrt = r.per_tensor("bias_correction2_sqrt");
  return r.run(kernels().adam, a);
}

}  // namespace fastoptim
