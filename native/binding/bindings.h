// One N-API function per kernel of kernels.def, each defined in binding/<name>.cc.
#pragma once

#include <napi.h>

namespace fastoptim {

#define FO_KERNEL(name, Args) Napi::Value bind_##name(const Napi::CallbackInfo& info);
#include "kernels.def"
#undef FO_KERNEL

}  // namespace fastoptim
