#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// lamb({ params, grads, exp_avg, exp_avg_sq, bias_correction1, bias_correction2_sqrt, lr, beta1,
//        beta2, eps, weight_decay, max_trust_ratio, maximize })
Napi::Value bind_lamb(const Napi::CallbackInfo& info) {
  GroupReader r(info, "lamb");
  LambArgs a{};
  a.lr = r.number("lr");
  a.beta1 = r.number("beta1");
  a.beta2 = r.number("beta2");
  a.eps = r.number("eps");
  a.weight_decay = r.number("weight_decay");
  a.max_trust_ratio = r.number("max_trust_ratio");
  a.maximize = r.flag("maximize");
  a.params = r.written("params");
  a.grads = r.read("grads");
  a.exp_avg = r.written("exp_avg");
  a.exp_avg_sq = r.written("exp_avg_sq");
  a.bias_correction1 = r.per_tensor("bias_correction1");
  a.bias_correction2_sqrt = r.per_tensor("bias_correction2_sqrt");
  return r.run(kernels().lamb, a);
}

}  // namespace fastoptim
