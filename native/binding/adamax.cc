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
  a.params = r.written("params");
  a.grads = r.read("grads");
  a.exp_avg = r.written("exp_avg");
  a.exp_inf = r.written("exp_inf");
  a.clr = r.per_tensor("clr");
  return r.run(kernels().adamax, a);
}

}  // namespace fastoptim
