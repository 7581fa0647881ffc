#ifndef FERRY_CLIBUV_SHIM_H
#define FERRY_CLIBUV_SHIM_H
// libuv for FerryLoop. Macros that Swift cannot import become small static inline functions here.
#include <uv.h>
#endif
