// The addon's entry point: picks the instruction set (dispatch.cc), exports one function per
// kernel of kernels.def (each in binding/<name>.cc) and the instruction-set queries.
#include "binding/bindings.h"
#include "dispatch.h"

namespace fastoptim {
namespace {

Napi::Value Isa(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), kernels().isa);
}

Napi::Value SupportedIsas(const Napi::CallbackInfo& info) {
  const auto names = supported_isas();
  Napi::Array out = Napi::Array::New(info.Env(), names.size());
  for (size_t i = 0; i < names.size(); ++i)
    out.Set(static_cast<uint32_t>(i), Napi::String::New(info.Env(), names[i]));
  return out;
}

Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  if (info.Length() != 1 || !info[0].IsString())
    throw Napi::TypeError::New(info.Env(), "setIsa: expected the name of an instruction set");
  const std::string err = set_isa(info[0].As<Napi::String>().Utf8Value());
  if (!err.empty()) throw Napi::RangeError::New(info.Env(), "setIsa: " + err);
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  const std::string err = init_dispatch();
  if (!err.empty()) throw Napi::Error::New(env, err);
#define FO_KERNEL(name, Args) exports.Set(#name, Napi::Function::New(env, bind_##name, #name));
#include "kernels.def"
#undef FO_KERNEL
  exports.Set("isa", Napi::Function::New(env, Isa, "isa"));
  exports.Set("supportedIsas", Napi::Function::New(env, SupportedIsas, "supportedIsas"));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa, "setIsa"));
  return exports;
}

}  // namespace
}  // namespace fastoptim

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  return fastoptim::Init(env, exports);
}

NODE_API_MODULE(fastoptim, InitModule)
