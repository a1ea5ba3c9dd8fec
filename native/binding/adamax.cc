#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// adamax({ params, grads, exp_avg, exp_inf, clr, beta1, beta2, eps, weight_decay, maximize })
Napi::Value bind_adamax(const Napi::CallbackInfo& info) {
  GroupReader r(info, "adamax");
  AdamaxArgs a{};
  a.beta1 = r.number("beta1");
  a.beta2 = r.number("beta2");
  a.eps = r.number("eps");
  a.weight_decay = r.number("weight_decay");
  a.maximize = r.flag("maximize");
  const auto& params = r.tensors("params", Access::Write);
  const auto& grads = r.tensors("grads", Access::Read);
  const auto& exp_avg = r.tensors("exp_avg", Access::Write);
  const auto& exp_inf = r.tensors("exp_inf", Access::Write);
  a.clr = r.per_tensor("clr");
  r.check_no_overlap();
  a.num_tensors = r.num_tensors();
  a.numel = r.numel();
  a.params = params.data();
  a.grads = as_const(grads);
  a.exp_avg = exp_avg.data();
  a.exp_inf = exp_inf.data();
  return r.run(kernels().adamax, a);
}

}  // namespace fastoptim
