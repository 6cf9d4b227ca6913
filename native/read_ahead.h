/* lcnet: the read-ahead function of the native addon (read_ahead.c). */
#ifndef LCNET_READ_AHEAD_H
#define LCNET_READ_AHEAD_H

#include <node_api.h>

/* Adds readAhead(path) to `exports`. */
void register_read_ahead(napi_env env, napi_value exports);

#endif
